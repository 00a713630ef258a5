// The page: loads the package, starts its thread pool, shares primitives with a worker of its
// own and waits for it without ever blocking (the page's UI thread may not block).
import init, { initThreads, sharedModule, Lock, Event, Semaphore } from './node_modules/pythreading-web/pythreading_web.js';

const lines = [];
const log = (line) => {
  lines.push(line);
  document.getElementById('log').textContent = lines.join('\n');
};

async function main() {
  await init();
  await initThreads(2);
  const lock = new Lock();
  const started = new Event();
  const done = new Event();
  const slots = new Semaphore(0);
  lock.acquire(); // free: does not block
  log(`page: holds the lock (locked=${lock.locked()})`);

  const worker = new Worker(new URL('./app-worker.js', import.meta.url), { type: 'module' });
  const fromWorker = new Promise((resolve) => { worker.onmessage = (e) => resolve(e.data); });
  worker.postMessage({
    shared: sharedModule(),
    lock: lock.handle(),
    started: started.handle(),
    done: done.handle(),
    slots: slots.handle(),
  });

  // The worker finds the lock held, says so (started), and blocks in lock.acquire() until the
  // page releases it.
  log(`page: the worker started: ${await started.waitAsync(30)}`);
  log('page: releases the lock');
  lock.release();
  // The worker releases two slots, then sets the event.
  log(`page: slot 1 acquired: ${await slots.acquireAsync(5)}`);
  log(`page: slot 2 acquired: ${await slots.acquireAsync(5)}`);
  log(`page: event set: ${await done.waitAsync(5)}`);
  log(`page: the worker says: ${await fromWorker}`);
  log(`page: lock free again: ${await lock.acquireAsync(5)}`);
  lock.release();
  window.appResult = { ok: true, lines };
}

main().catch((e) => {
  log(`error: ${e}`);
  window.appResult = { ok: false, lines, error: String(e) };
});
