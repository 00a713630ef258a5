// pythreading's browser runtime: the JS helpers of its browser backend and the code its workers
// run.
//
// The Rust side (src/sys/web/glue.rs) imports this file as a wasm-bindgen snippet, so it is
// copied next to the generated glue by `wasm-bindgen --target web` / `wasm-pack build --target
// web`, and every thread that loads the glue loads it too. Roles of a worker, chosen by its name:
//
// * `pythreading-spawner`: created once by `initThreads(n)`. It never blocks: it waits with
//   `Atomics.waitAsync` on a word in the shared memory and creates thread workers when Rust
//   asks for more (a new Worker only starts while its creator runs its event loop, which a
//   thread blocked in `join` never does; the spawner always does).
// * `pythreading-thread`: a pool worker. It loads the same module and memory, then runs Rust's
//   worker loop, which takes thread bodies from a queue in the shared memory. When the loop
//   returns (or the thread's panic trapped), the worker frees its stack and TLS
//   (`__wbindgen_thread_destroy`) and closes. A JS thread's job (src/js/exports.js) returns to
//   this event loop instead: the worker awaits the target, then goes back to Rust's loop; it
//   gets the target and arguments from the spawner, which keeps what `start()` broadcast.
//
// How a new worker gets the glue, in one of two ways:
//
// * **A registered worker entry** (what the npm package does, and what bundlers need). The
//   package's entry module calls the glue's `__pythreading_use_worker(createWorker)` once the
//   module runs on a thread; `createWorker(name)` is
//   `new Worker(new URL('./worker.js', import.meta.url), { type: 'module', name })` in a file
//   beside the glue, and that worker script imports the glue by a relative path. Bundlers
//   (Vite, webpack 5) recognise both and emit the worker script as an entry of its own, with
//   its own copy of the glue. The worker script instantiates the glue on the posted module and
//   memory and hands over to `serve` (through the glue's `__pythreading_serve`).
// * **This file as its own worker script** (the default, for unbundled output: wasm-pack test,
//   a page importing `wasm-bindgen --target web` output directly). Workers are created with
//   `new Worker(new URL(import.meta.url))` and import the glue from the URL the glue reports
//   for itself. That only works while this file is served as itself, under
//   `.../snippets/<crate>-<hash>/...`: once a bundler has inlined it into a chunk,
//   `import.meta.url` is the chunk (the app), and a worker started from it would run the app.
//   So URL mode is used only when `import.meta.url` looks like this file; a bundled module
//   without a registered entry fails `initThreads` with an error that says so, never hangs.
//
// Nothing here waits without a bound: `startSpawner` fails the pool (the word `ready` becomes
// 2 and the reason is kept in Rust) when the spawner's script does not load, the page is not
// cross-origin isolated, workers are forbidden, the glue cannot be imported, or nothing is
// ready within the start timeout.

const SPAWNER = 'pythreading-spawner';
const THREAD = 'pythreading-thread';

const inWorker =
  typeof WorkerGlobalScope !== 'undefined' && self instanceof WorkerGlobalScope;

const SELF_URL = import.meta.url;

// This file served as itself (so usable as a worker script): http(s) or blob, inside a
// wasm-bindgen snippets directory. A bundled copy lives in a chunk (or, with webpack, reports
// a file: URL of its source).
const servedAsItself =
  /^(https?:|blob:)/.test(SELF_URL) && /\/snippets\/[^/]+\/.*\.js([?#].*)?$/.test(SELF_URL);

// Workers stay referenced while alive (some engines collect unreferenced workers).
const live = new Set();

// The registered worker factory (entry mode), or null (URL mode).
let createWorkerFn = null;

function urlWorker(name) {
  return new Worker(new URL(SELF_URL), { type: 'module', name });
}

/// The worker script's URL as far as it is known, for error messages.
function workerScript() {
  if (!createWorkerFn) return SELF_URL;
  return createWorkerFn.scriptUrl ? createWorkerFn.scriptUrl() : "the registered worker entry";
}

function newWorker(name) {
  return createWorkerFn ? createWorkerFn(name) : urlWorker(name);
}

// A spawner started ahead of time on a thread outside the pool (the page, or the worker that
// runs the program), as soon as the glue is imported (URL mode) or the package's entry
// registers its worker (entry mode): its script loads while that thread still returns to its
// event loop (e.g. while it awaits the glue's `init()`), so that a later synchronous first
// `Thread::start` (without `await initThreads(n)`) can hand it the module and memory and need no
// event-loop turn of its own. The cost is one idle worker on threads that never start one.
let prewarmed = null;
// An error that already fired on the prewarmed spawner (its script did not load), reported by
// `startSpawner`.
let prewarmError = null;

function onPoolThread() {
  return inWorker && self.name.startsWith('pythreading-');
}

function prewarm() {
  if (prewarmed || onPoolThread() || typeof Worker === 'undefined') return;
  if (!createWorkerFn && !servedAsItself) return;
  try {
    prewarmed = newWorker(SPAWNER);
    live.add(prewarmed);
    prewarmed.onerror = (e) => {
      prewarmError = describeLoadError(e);
    };
  } catch (e) {
    prewarmed = null; // e.g. workers are forbidden here: startSpawner reports it
  }
}

// Not when a package's worker entry announced itself (npm/js/spawn.js, evaluated before this
// file): its registration after `init()` prewarms with the entry instead.
if (servedAsItself && !globalThis[Symbol.for('pythreading.workerEntry')]) prewarm();

/// Registers the worker factory of the package's entry (entry mode); see the top of this file.
export function useWorkerFactory(factory) {
  if (createWorkerFn === factory) return;
  createWorkerFn = factory;
  // A spawner prewarmed from this file's URL is not the package's entry: replace it.
  if (prewarmed) {
    prewarmed.terminate();
    live.delete(prewarmed);
    prewarmed = null;
    prewarmError = null;
  }
  prewarm();
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

/// Why the page cannot run threads at all, or null: shared memory needs a cross-origin
/// isolated page.
export function isolationProblem() {
  if (typeof SharedArrayBuffer !== 'undefined' && globalThis.crossOriginIsolated !== false) {
    return null;
  }
  return (
    'this page is not cross-origin isolated, so it has no SharedArrayBuffer and threads cannot ' +
    'share memory: serve it with the headers Cross-Origin-Opener-Policy: same-origin and ' +
    'Cross-Origin-Embedder-Policy: require-corp'
  );
}

function describeLoadError(e) {
  const detail = e && e.message ? ` (${e.message})` : '';
  return (
    `the worker script failed to load: ${workerScript()}${detail}; check that the file is ` +
    "served, and that no Content-Security-Policy forbids workers (worker-src)"
  );
}

/// Starts the spawner worker. `ctl` is the index (in 32-bit words) of the spawner's wake word,
/// `ready` the index of the word set to 1 once the spawner and the first pool workers run;
/// `fail(reason)` marks the pool failed (the word becomes 2). `timeoutMs` bounds the wait for
/// the pool (Infinity: none).
export function startSpawner(channel, glueUrl, module, memory, ctl, ready, timeoutMs, fail) {
  const words = new Int32Array(memory.buffer);
  let settled = false;
  const failOnce = (reason) => {
    if (settled || Atomics.load(words, ready) !== 0) return;
    settled = true;
    fail(`the browser thread pool did not start: ${reason}`);
  };
  const problem = isolationProblem();
  if (problem) return failOnce(problem);
  if (typeof Worker === 'undefined') return failOnce('this context cannot create Web Workers');
  if (!createWorkerFn && !servedAsItself) {
    return failOnce(
      `pythreading's worker script is not where this module runs from (${SELF_URL}): the module ` +
        'was bundled, and a bundle needs a worker entry that imports the glue by a relative path ' +
        "(the npm package pythreading-web has one: import the package itself, not its glue file)",
    );
  }
  let w = prewarmed;
  prewarmed = null;
  if (w && prewarmError) return failOnce(prewarmError);
  try {
    w = w || newWorker(SPAWNER);
  } catch (e) {
    return failOnce(
      `workers are forbidden here: new Worker(${workerScript()}) threw ${e && e.name}: ` +
        `${e && e.message} (a Content-Security-Policy worker-src?)`,
    );
  }
  live.add(w);
  w.onerror = (e) => failOnce(describeLoadError(e));
  w.onmessage = ({ data }) => {
    if (data && data.failed) failOnce(data.failed);
  };
  if (Number.isFinite(timeoutMs)) {
    setTimeout(
      () =>
        failOnce(
          `no worker was running after ${timeoutMs / 1000} s (the worker script, ` +
            `${workerScript()}, did not load, or did not start the pool, in time)`,
        ),
      timeoutMs,
    );
  }
  w.postMessage({ role: SPAWNER, channel, glueUrl: createWorkerFn ? null : glueUrl, module, memory, ctl, ready });
}

/// Wakes the spawner after Rust asked for more workers.
export function notifySpawner(memory, ctl) {
  const words = new Int32Array(memory.buffer);
  Atomics.add(words, ctl, 1);
  Atomics.notify(words, ctl);
}

/// A promise resolved with the word at `index` once it is non-zero (works on every thread).
export async function whenSet(memory, index) {
  for (;;) {
    const words = new Int32Array(memory.buffer);
    const v = Atomics.load(words, index);
    if (v !== 0) return v;
    const r = Atomics.waitAsync(words, index, 0);
    if (r.async) await r.value;
  }
}

// ---- worker roles ------------------------------------------------------------------------------
// `wasm` is the instance's raw exports (what the glue's `initSync` returns); the `__pythreading_*`
// exports take and return 32-bit integers, so the raw functions are called directly
// (`>>> 0` reads an i32 result as the u32 Rust returned).

// Ready, unless the pool already failed (a timeout fired first): a failed pool stays failed.
function markReady(words, ready) {
  if (Atomics.compareExchange(words, ready, 0, 1) === 0) Atomics.notify(words, ready);
}

// JS threads (src/js/thread.rs, src/js/exports.js): `start()` broadcasts the thread's target
// and arguments on this instance's channel (any thread can, and it never waits); the pool
// worker that takes the thread asks its creator, the spawner (which never blocks, so it always
// answers), for them. The spawner keeps each until asked for (or cancelled). A JS executor's
// task (src/js/thread_pool_executor.rs) may be cancelled on another thread than the one that
// posted it, and messages from two senders can arrive in either order: a cancel that comes
// before its job is remembered, and the job dropped when it arrives (ids are never reused).
function jsThreadArgs(channel) {
  const held = new Map(); // id -> the broadcast message
  const asked = new Map(); // id -> the worker waiting for it
  const withdrawn = new Set(); // ids cancelled before their job arrived
  const bc = new BroadcastChannel(channel);
  bc.onmessage = ({ data }) => {
    // A debugging query (src/js/exports.js, heldJobs): how many jobs (and early cancels) are
    // kept.
    if (data && typeof data.heldQuery === 'number') {
      bc.postMessage({ heldReply: data.heldQuery, held: held.size + withdrawn.size });
      return;
    }
    if (!data || typeof data.id !== 'number') return;
    if (data.cancel) {
      if (!held.delete(data.id)) withdrawn.add(data.id);
      return;
    }
    if (withdrawn.delete(data.id)) return;
    const w = asked.get(data.id);
    if (w) {
      asked.delete(data.id);
      w.postMessage({ jsThreadJob: data });
    } else {
      held.set(data.id, data);
    }
  };
  return (w, id) => {
    const job = held.get(id);
    if (job) {
      held.delete(id);
      w.postMessage({ jsThreadJob: job });
    } else {
      asked.set(id, w);
    }
  };
}

async function runSpawner(data, wasm) {
  const { glueUrl, module, memory, ctl, ready } = data;
  const words = new Int32Array(memory.buffer);
  const giveJsJob = data.channel ? jsThreadArgs(data.channel) : () => {};
  // The first pool workers: the spawner reports ready once all of them have started.
  let initial = -1;
  const start = () => {
    let w;
    try {
      w = newWorker(THREAD);
    } catch (e) {
      postMessage({ failed: `the spawner could not create a worker: ${e && e.message}` });
      wasm.__pythreading_worker_lost();
      return;
    }
    live.add(w);
    w.onmessage = (e) => {
      const msg = e.data;
      if (msg === 'ready') {
        if (initial > 0 && --initial === 0) markReady(words, ready);
      } else if (msg === 'exit') {
        live.delete(w);
      } else if (msg && typeof msg.jsThreadAsk === 'number') {
        giveJsJob(w, msg.jsThreadAsk);
      } else if (msg && msg.lost) {
        // The worker could not load the module: give its slot back so that Rust asks again;
        // while the pool is starting, that is the pool's failure.
        live.delete(w);
        if (initial > 0) postMessage({ failed: msg.lost });
        wasm.__pythreading_worker_lost();
      }
    };
    w.onerror = (e) => {
      live.delete(w);
      if (initial > 0) postMessage({ failed: describeLoadError(e) });
      else console.error('pythreading: a thread worker failed:', e.message || e);
      wasm.__pythreading_worker_lost();
    };
    w.postMessage({ role: THREAD, glueUrl, module, memory });
  };
  for (;;) {
    const seen = Atomics.load(words, ctl);
    const n = wasm.__pythreading_spawner_take() >>> 0;
    if (initial < 0) {
      initial = n;
      if (n === 0) markReady(words, ready);
    }
    for (let i = 0; i < n; i++) start();
    const r = Atomics.waitAsync(words, ctl, seen);
    if (r.async) await r.value;
  }
}

// What Rust's worker loop returns for a JS thread's job (src/sys/thread_web.rs, JS_JOB_CODE).
const JS_JOB = 2;
// Where the JS side of a JS thread's job (src/js/exports.js, a module of its own) leaves the
// promise of its end for this loop.
const JS_JOB_KEY = Symbol.for('pythreading.jsThreadJob');

async function runThread(wasm) {
  postMessage('ready');
  // What Rust's worker loop returns: 0 close, 1 fresh stack and TLS then loop again, 2 a JS
  // thread's job (its target runs in this event loop: await it, then take the next job), or
  // else the address of a job that needs a stack of another size (`threading.stack_size()`).
  let next = () => wasm.__pythreading_worker_main() >>> 0;
  for (;;) {
    let r = 0;
    try {
      r = next();
      while (r === JS_JOB) {
        const job = globalThis[JS_JOB_KEY];
        globalThis[JS_JOB_KEY] = null;
        // The job's promise never rejects (src/js/exports.js reports a throw itself).
        if (job) await job;
        r = wasm.__pythreading_worker_continue() >>> 0;
      }
    } catch (e) {
      // A trap: a panic under panic=abort, or in an unwinding build what Rust aborts on (a
      // panic in a Drop during unwinding). (An unwinding panic never gets here: the crate's
      // bootstrap catches it and the loop goes on, reusing this worker.) Report it on this
      // worker's instance, whose globals still belong to the dead thread, so the thread is
      // marked dead and joiners return. The worker then closes. These calls go to the raw
      // exports, not through wasm-bindgen's JS wrappers, so its module-wide "terminated" flag
      // (__instance_terminated, in the shared memory) is not set and the other workers go on. If reporting traps too (a custom excepthook that
      // panics), call again: the crate's handler is re-entrant and goes on from the next stage
      // (reports the hook's failure, then only stops the thread).
      for (let attempt = 0; attempt < 3; attempt++) {
        try {
          wasm.__pythreading_worker_trapped();
          break;
        } catch (e2) {
          if (attempt === 2) console.error('pythreading: cleaning up after a trapped thread failed:', e2);
        }
      }
    }
    // Read while this stack and TLS are still live.
    const stack = r > 1 ? wasm.__pythreading_job_stack(r) >>> 0 : undefined;
    // Free this thread's stack and TLS (TLS destructors do not run on this target).
    wasm.__wbindgen_thread_destroy();
    if (r === 0) break;
    // Reuse the worker: fresh stack and TLS on the same instance (of the size the job needs).
    wasm.__wbindgen_start(stack);
    if (r === 1) {
      next = () => wasm.__pythreading_worker_main() >>> 0;
    } else {
      const job = r;
      next = () => wasm.__pythreading_worker_resume(job) >>> 0;
    }
  }
  postMessage('exit');
  close();
}

/// Runs this worker's role once its glue is instantiated (`wasm`: the raw exports). Called by
/// the glue's `__pythreading_serve` (from a registered worker entry, with its factory) or by
/// this file as a worker script; starts the role in a microtask, so that the wasm call that
/// asked for it has returned first (a pool worker frees the stack it ran on).
export function serve(data, factory, wasm) {
  if (factory) createWorkerFn = factory;
  queueMicrotask(() => {
    try {
      if (data.role === SPAWNER) {
        runSpawner(data, wasm).catch((err) => postMessage({ failed: `the spawner failed: ${err}` }));
      } else {
        runThread(wasm).catch((err) => console.error('pythreading: a thread worker failed:', err));
      }
    } catch (err) {
      console.error(`pythreading: ${data.role} worker failed:`, err);
      if (data.role === THREAD) postMessage({ lost: `a thread worker failed: ${err}` });
    }
  });
}

// This file as a worker's own script (URL mode): import the glue by its URL, instantiate it on
// the posted module and memory, and serve. A failure is reported to the creator, which fails
// the pool (the spawner) or gives the slot back (a thread worker).
if (onPoolThread() && servedAsItself && self.location.href === SELF_URL) {
  self.onmessage = async ({ data }) => {
    self.onmessage = null;
    let wasm;
    try {
      const glue = await import(data.glueUrl);
      wasm = glue.initSync({ module: data.module, memory: data.memory });
    } catch (err) {
      const reason = `the glue module could not be loaded in a worker from ${data.glueUrl}: ${err}`;
      postMessage(data.role === SPAWNER ? { failed: reason } : { lost: reason });
      return;
    }
    serve(data, null, wasm);
  };
}
