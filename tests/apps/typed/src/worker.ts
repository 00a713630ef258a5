// The app's own worker: takes the page's primitives by handle and blocks on them (allowed in a
// worker), typed.
import { initSync, Lock, Event } from 'pythreading-web';

interface Message {
  shared: { module: WebAssembly.Module; memory: WebAssembly.Memory };
  lock: number;
  event: number;
}

self.onmessage = ({ data }: MessageEvent<Message>) => {
  initSync(data.shared);
  const lock = Lock.fromHandle(data.lock);
  const event = Event.fromHandle(data.event);
  const acquired: boolean = lock.acquire(true, 5);
  if (acquired) {
    using held = lock;
    void held;
    const set: boolean = event.wait(1.0);
    postMessage(`worker: acquired, event set: ${set}`);
  }
};
