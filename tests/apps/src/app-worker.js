// A worker of the app: loads the same module and memory as the page (sharedModule()), turns the
// handles it was sent back into primitives, and blocks on them (workers may block).
import { initSync, Lock, Event, Semaphore } from 'pythreading-web';

self.onmessage = ({ data }) => {
  initSync(data.shared);
  const lock = Lock.fromHandle(data.lock);
  const started = Event.fromHandle(data.started);
  const done = Event.fromHandle(data.done);
  const slots = Semaphore.fromHandle(data.slots);
  const heldByPage = !lock.acquire(false); // non-blocking: the page holds it
  started.set();
  lock.acquire(); // blocks until the page releases it
  lock.release();
  slots.release(2);
  done.set();
  postMessage(`found the lock held: ${heldByPage}; acquired it once released, released 2 slots, set the event`);
};
