// pythreading's Web Worker script and the JS helpers of its browser backend.
//
// The Rust side (src/sys/web/glue.rs) imports this file as a wasm-bindgen snippet, so it is
// copied next to the generated glue by `wasm-bindgen --target web` / `wasm-pack build --target
// web`. The same file is also the script of every worker the backend starts: a worker is created
// with `new Worker(new URL(import.meta.url), { type: 'module', name })`, so no stack-trace
// parsing and no bundler-specific path is needed. Roles, chosen by the worker's name:
//
// * `pythreading-spawner`: created once by `initThreads(n)`. It never blocks: it waits with
//   `Atomics.waitAsync` on a word in the shared memory and creates thread workers when Rust
//   asks for more (a new Worker only starts while its creator runs its event loop, which a
//   thread blocked in `join` never does; the spawner always does).
// * `pythreading-thread`: a pool worker. It loads the same module and memory, then runs Rust's
//   worker loop, which takes thread bodies from a queue in the shared memory. When the loop
//   returns (or the thread's panic trapped), the worker frees its stack and TLS
//   (`__wbindgen_thread_destroy`) and closes.
//
// Imported on any other thread (the page, the program's own workers), the file does nothing at
// load time.

const SPAWNER = 'pythreading-spawner';
const THREAD = 'pythreading-thread';

const inWorker =
  typeof WorkerGlobalScope !== 'undefined' && self instanceof WorkerGlobalScope;

// Workers stay referenced while alive (some engines collect unreferenced workers).
const live = new Set();

// A spawner started as soon as this file is imported on a thread outside the pool (the page, or
// the worker that runs the program): its script loads while that thread still returns to its
// event loop (e.g. while it awaits the glue's `init()`), so that a later synchronous first
// `Thread::start` (without `await initThreads(n)`) can hand it the module and memory and need
// no event-loop turn of its own. The cost is one idle worker on threads that never start one.
let prewarmed = null;
if (typeof Worker !== 'undefined' && !(inWorker && self.name.startsWith('pythreading-'))) {
  try {
    prewarmed = new Worker(new URL(import.meta.url), { type: 'module', name: 'pythreading-spawner' });
    live.add(prewarmed);
  } catch (e) {
    prewarmed = null; // e.g. a context that may not create workers: initThreads creates one later
  }
}

/// True in any worker (blocking with `Atomics.wait` is allowed), false on the page's UI thread.
export function canBlock() {
  return inWorker;
}

// wait/wake on words of the shared memory (src/sys/web/futex.rs). Each thread has its own copy
// of this module, so the view is per thread; it is replaced when the memory has grown.
let futexMemory = null;
let futexView = null;

/// Hands this thread's copy of the helpers the shared memory.
export function futexInit(memory) {
  futexMemory = memory;
  futexView = new Int32Array(memory.buffer);
}

function view(index) {
  if (index >= futexView.length) futexView = new Int32Array(futexMemory.buffer);
  return futexView;
}

/// `Atomics.wait` (workers only): returns when woken, when the word differs from `expected`,
/// or after `ms` milliseconds (Infinity: no timeout).
export function futexWait(index, expected, ms) {
  Atomics.wait(view(index), index, expected, ms);
}

/// Wakes up to `count` waiters on the word (any thread, including the UI thread).
export function futexWake(index, count) {
  Atomics.notify(view(index), index, count >= 0x7fffffff ? Infinity : count);
}

/// Starts the spawner worker. `ctl` is the index (in 32-bit words) of the spawner's wake word,
/// `ready` the index of the word set to 1 once the spawner and the first pool workers run.
export function startSpawner(glueUrl, module, memory, ctl, ready) {
  const w = prewarmed || new Worker(new URL(import.meta.url), { type: 'module', name: SPAWNER });
  prewarmed = null;
  live.add(w);
  w.onerror = (e) => console.error('pythreading: the spawner worker failed to load:', e.message || e);
  w.postMessage([glueUrl, module, memory, ctl, ready]);
}

/// Wakes the spawner after Rust asked for more workers.
export function notifySpawner(memory, ctl) {
  const words = new Int32Array(memory.buffer);
  Atomics.add(words, ctl, 1);
  Atomics.notify(words, ctl);
}

/// A promise resolved once the word at `index` is non-zero (works on every thread).
export async function whenSet(memory, index) {
  for (;;) {
    const words = new Int32Array(memory.buffer);
    if (Atomics.load(words, index) !== 0) return;
    const r = Atomics.waitAsync(words, index, 0);
    if (r.async) await r.value;
  }
}

async function runSpawner([glueUrl, module, memory, ctl, ready]) {
  const glue = await import(glueUrl);
  glue.initSync({ module, memory });
  const words = new Int32Array(memory.buffer);
  // The first pool workers: the spawner reports ready once all of them have started.
  let initial = -1;
  const start = () => {
    const w = new Worker(new URL(import.meta.url), { type: 'module', name: THREAD });
    live.add(w);
    w.onmessage = (e) => {
      if (e.data === 'ready') {
        if (initial > 0 && --initial === 0) {
          Atomics.store(words, ready, 1);
          Atomics.notify(words, ready);
        }
      } else if (e.data === 'exit') {
        live.delete(w);
      } else if (e.data === 'lost') {
        // The worker could not load the module: give its slot back so that Rust asks again.
        live.delete(w);
        glue.__pythreading_worker_lost();
      }
    };
    w.onerror = (e) => {
      console.error('pythreading: a thread worker failed:', e.message || e);
      live.delete(w);
      glue.__pythreading_worker_lost();
    };
    w.postMessage([glueUrl, module, memory]);
  };
  for (;;) {
    const seen = Atomics.load(words, ctl);
    const n = glue.__pythreading_spawner_take();
    if (initial < 0) {
      initial = n;
      if (n === 0) {
        Atomics.store(words, ready, 1);
        Atomics.notify(words, ready);
      }
    }
    for (let i = 0; i < n; i++) start();
    const r = Atomics.waitAsync(words, ctl, seen);
    if (r.async) await r.value;
  }
}

async function runThread([glueUrl, module, memory]) {
  const glue = await import(glueUrl);
  const wasm = glue.initSync({ module, memory });
  postMessage('ready');
  // What Rust's worker loop returns: 0 close, 1 fresh stack and TLS then loop again, or else
  // the address of a job that needs a stack of another size (`threading.stack_size()`).
  let next = () => glue.__pythreading_worker_main();
  for (;;) {
    let r = 0;
    try {
      r = next();
    } catch (e) {
      // A panic aborts (panic=abort), which traps: report it on this worker's instance, whose
      // globals still belong to the dead thread, so the thread is marked dead and joiners
      // return. The worker then closes. If reporting traps too (a custom excepthook that
      // panics), call again: the crate's handler is re-entrant and goes on from the next stage
      // (reports the hook's failure, then only stops the thread).
      for (let attempt = 0; attempt < 3; attempt++) {
        try {
          glue.__pythreading_worker_trapped();
          break;
        } catch (e2) {
          if (attempt === 2) console.error('pythreading: cleaning up after a trapped thread failed:', e2);
        }
      }
    }
    // Read while this stack and TLS are still live.
    const stack = r > 1 ? glue.__pythreading_job_stack(r) : undefined;
    // Free this thread's stack and TLS (TLS destructors do not run on this target).
    wasm.__wbindgen_thread_destroy();
    if (r === 0) break;
    // Reuse the worker: fresh stack and TLS on the same instance (of the size the job needs).
    wasm.__wbindgen_start(stack);
    if (r === 1) {
      next = () => glue.__pythreading_worker_main();
    } else {
      const job = r;
      next = () => glue.__pythreading_worker_resume(job);
    }
  }
  postMessage('exit');
  close();
}

if (inWorker && (self.name === SPAWNER || self.name === THREAD)) {
  const role = self.name;
  self.onmessage = (e) => {
    self.onmessage = null;
    const run = role === SPAWNER ? runSpawner : runThread;
    run(e.data).catch((err) => {
      console.error(`pythreading: ${role} worker failed:`, err);
      if (role === THREAD) postMessage('lost');
    });
  };
}
