// The JS threads of threads.html: each export runs on a pool worker (new Thread({ target:
// new URL('./threads-task.js', import.meta.url), export, args }), or a ThreadPoolExecutor's
// submit). Self-contained: the
// library's objects arrive as arguments. Each thread reports what it does on the
// BroadcastChannel named `log` (a JS thread's args cannot hold a SharedArrayBuffer): (lane,
// state, time) records, the time on the page's clock (performance.timeOrigin +
// performance.now()), which the page draws as lanes.

export const WAITING = 1;
export const RUNNING = 2;
export const DONE = 3;

const channels = new Map();
function mark(log, lane, state) {
  if (!channels.has(log)) channels.set(log, new BroadcastChannel(log));
  channels.get(log).postMessage({ lane, state, t: performance.timeOrigin + performance.now() });
}

const pause = new Int32Array(new SharedArrayBuffer(4));
function work(ms) {
  Atomics.wait(pause, 0, 0, ms); // a pool worker may block
}

/// Lock: each thread takes the lock `rounds` times and holds it a while.
export function lockWorker(log, lane, lock, rounds) {
  for (let i = 0; i < rounds; i++) {
    mark(log, lane, WAITING);
    lock.acquire();
    mark(log, lane, RUNNING);
    work(60);
    lock.release();
    mark(log, lane, 0);
    work(20);
  }
  mark(log, lane, DONE);
}

/// Semaphore: at most `value` threads in the section at once.
export function semaphoreWorker(log, lane, sem) {
  mark(log, lane, WAITING);
  sem.acquire();
  mark(log, lane, RUNNING);
  work(150);
  sem.release();
  mark(log, lane, DONE);
}

/// Event: waiters block until the setter sets it.
export function eventWaiter(log, lane, event) {
  mark(log, lane, WAITING);
  event.wait();
  mark(log, lane, RUNNING);
  work(80);
  mark(log, lane, DONE);
}

export function eventSetter(log, lane, event) {
  mark(log, lane, RUNNING);
  work(300);
  event.set();
  mark(log, lane, DONE);
}

/// Barrier: every thread works a different time, then waits for the others.
export function barrierWorker(log, lane, barrier, ms) {
  mark(log, lane, RUNNING);
  work(ms);
  mark(log, lane, WAITING);
  barrier.wait();
  mark(log, lane, RUNNING);
  work(50);
  mark(log, lane, DONE);
}

/// An async target: the thread lives until its promise settles.
export async function asyncWorker(log, lane, event) {
  mark(log, lane, RUNNING);
  await new Promise((resolve) => setTimeout(resolve, 200));
  event.set();
  mark(log, lane, DONE);
}

// The lane of this pool worker in each executor example (by the example's channel): a worker
// imports this module once, and keeps its lane for every task it runs.
const laneOf = new Map();

/// A ThreadPoolExecutor's task: works `ms` in its worker's lane (taken from `lanes`, a Queue of
/// lane numbers, by the worker's first task) and returns `i` squared.
export function poolTask(log, lanes, i, ms) {
  if (!laneOf.has(log)) laneOf.set(log, lanes.getNowait());
  const lane = laneOf.get(log);
  mark(log, lane, RUNNING);
  work(ms);
  mark(log, lane, 0);
  return i * i;
}
