// The page: loads the package, starts its thread pool, shares primitives with a worker of its
// own and waits for it without ever blocking (the page's UI thread may not block), and joins a
// thread started in Rust. Bundlers resolve the package name; without one, the test that builds
// this app replaces it by the file './node_modules/pythreading-web/index.js' (browsers do not
// resolve package names, and import maps do not reach workers).
import init, {
  initThreads, sharedModule, checkThread, Lock, Event, Semaphore, RuntimeError, Thread, ThreadPoolExecutor,
} from 'pythreading-web';

const lines = [];
const log = (line) => {
  lines.push(line);
  document.getElementById('log').textContent = lines.join('\n');
};

async function main() {
  await init();
  // initThreads(4) until a first thread has run (started in Rust, joined from JS): what an app
  // waits for at start-up (scripts/browser/test_apps.py --measure reports it).
  const t0 = performance.now();
  await initThreads(4);
  const thread = checkThread(0);
  log(`page: started a Rust thread: ${thread.name}`);
  await thread.joinAsync(30);
  const startMs = performance.now() - t0;
  log(`page: joined it: alive=${thread.isAlive()}`);
  try {
    checkThread('0.1');
    log('page: checkThread("0.1") started a thread');
  } catch (e) {
    log(`page: checkThread("0.1") threw ${e.name}: ${e.message}`);
  }
  // The package's error classes, through the bundler: what the library throws is an instance.
  try {
    new Lock().release();
  } catch (e) {
    log(`page: release() threw ${e.name}, a RuntimeError: ${e instanceof RuntimeError}, an Error: ${e instanceof Error}`);
  }
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
  // A JS thread: a module of the app, imported and called on a pool worker, with the page's
  // Lock and an Event among its arguments (see js-thread.js).
  const ran = new Event();
  const jsThread = new Thread({ target: new URL('./js-thread.js', import.meta.url), args: [lock, ran, 42], name: 'js-thread' });
  jsThread.start();
  await jsThread.joinAsync(30);
  log(`page: JS thread ${jsThread.name} ran: ${ran.isSet()}, alive=${jsThread.isAlive()}`);
  // A JS executor: its tasks are exports of an app module (js-task.js), run on its worker
  // threads; the page awaits their Futures.
  const ex = new ThreadPoolExecutor({ maxWorkers: 2, threadNamePrefix: 'app-pool' });
  const task = new URL('./js-task.js', import.meta.url);
  const squares = await Promise.all([1, 2, 3].map((x) => ex.submit(task, x).resultAsync(30)));
  log(`page: executor squares: ${squares.join(' ')}`);
  const failed = await ex.submit({ target: task, export: 'fails' }, 'no').exceptionAsync(30);
  log(`page: a failing task's exception: ${failed.name}: ${failed.message}`);
  // Workers start lazily, as in Python: one or two here, depending on how fast the first one
  // got through its task.
  const names = ex.threads().map((t) => t.name).sort();
  const named = names.length >= 1 && names.length <= 2 && names.every((n, i) => n === `app-pool_${i}`);
  await ex.shutdownAsync();
  log(`page: executor workers app-pool_0.., at most 2: ${named}; ended: ${ex.threads().every((t) => !t.isAlive())}`);
  window.appResult = { ok: true, lines, startMs };
}

main().catch((e) => {
  log(`error: ${e}`);
  window.appResult = { ok: false, lines, error: String(e) };
});
