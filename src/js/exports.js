// What pythreading's JS API defines in JS rather than in Rust: the error classes (Python's
// exceptions as subclasses of `Error`), `TIMEOUT_MAX`, `[Symbol.dispose]` of the locks, and
// the JS side of JS threads (the section at the end).
//
// One snippet for all of src/js on purpose: every snippet is one more module the page fetches
// at start, at the same time as the others, and wasm-bindgen-test-runner's server (tiny_http
// 0.12) answers at most 4 connections opened at once reliably (its pool starts 4 threads, and
// a connection accepted in a burst beyond them can wait in its queue until another connection
// closes: the page never loads). The test pages already fetch 4 modules at start (this file,
// src/sys/web/worker.js and the test's inline snippets). See scripts/test-browser.sh.
//
// A wasm-bindgen snippet (src/js/error.rs, module.rs, dispose.rs, thread.rs import it): the glue imports
// this file and re-exports its classes and constants (`reexport`), so `import { RuntimeError } from 'pythreading-web'` (or
// from the glue itself, unbundled) gives the very classes the library throws, and
// `e instanceof RuntimeError`, `e instanceof Error` both hold. The hierarchy is Python's:
//
//   Error
//   ├── RuntimeError
//   │   └── BrokenBarrierError      (threading.BrokenBarrierError derives from RuntimeError)
//   ├── ValueError
//   ├── OverflowError
//   ├── Full, Empty, ShutDown       (the queue module's)
//   ├── CancelledError, TimeoutError (concurrent.futures': a cancelled Future, a timed wait)
//   └── TypeError (JS's own TypeError: an argument of the wrong type; pythreading's class
//                  extends it, so `e instanceof globalThis.TypeError` holds too)
//
// The classes are made once per JS realm (a page, a worker) and kept under a global symbol:
// if a bundler or an app loads two copies of this file in one realm, both hand out the same
// classes, so `instanceof` still works across them.

const KEY = Symbol.for('pythreading.errors');

function make() {
  // Each class names itself (`name` on the prototype, as the built-in errors do), so
  // `String(e)` and stack traces read `RuntimeError: release unlocked lock`.
  const define = (name, Base) => {
    const C = { [name]: class extends Base {} }[name];
    Object.defineProperty(C.prototype, 'name', {
      value: name,
      writable: true,
      configurable: true,
      enumerable: false,
    });
    return C;
  };
  const RuntimeError = define('RuntimeError', Error);
  return {
    RuntimeError,
    BrokenBarrierError: define('BrokenBarrierError', RuntimeError),
    ValueError: define('ValueError', Error),
    OverflowError: define('OverflowError', Error),
    TypeError: define('TypeError', globalThis.TypeError),
    Full: define('Full', Error),
    Empty: define('Empty', Error),
    ShutDown: define('ShutDown', Error),
    CancelledError: define('CancelledError', Error),
    TimeoutError: define('TimeoutError', Error),
  };
}

const classes = globalThis[KEY] || (globalThis[KEY] = Object.freeze(make()));

export const RuntimeError = classes.RuntimeError;
export const BrokenBarrierError = classes.BrokenBarrierError;
export const ValueError = classes.ValueError;
export const OverflowError = classes.OverflowError;
export const TypeError = classes.TypeError;
export const Full = classes.Full;
export const Empty = classes.Empty;
export const ShutDown = classes.ShutDown;
export const CancelledError = classes.CancelledError;
export const TimeoutError = classes.TimeoutError;

/// An instance of the class named `name` (Python's exception name) with `message`; a name
/// without a class of its own (a future error kind) gives an `Error` with that `name`.
export function pyError(name, message) {
  const C = Object.prototype.hasOwnProperty.call(classes, name) ? classes[name] : null;
  if (C) return new C(message);
  const e = new Error(message);
  e.name = name;
  return e;
}

/// What a JS executor's task threw, rebuilt on the thread that asks its Future (the thrown
/// value itself belongs to the worker that ran the task): the library's class for its name,
/// else JS's own error class of that name (`RangeError`, ...), else an `Error` with that
/// `name`; the task's `message` and `stack`.
export function rebuildError(name, message, stack) {
  let e;
  if (Object.prototype.hasOwnProperty.call(classes, name)) {
    e = new classes[name](message);
  } else {
    const C = globalThis[name];
    const builtin = typeof C === 'function' && (C === Error || C.prototype instanceof Error);
    e = builtin ? new C(message) : new Error(message);
    if (!builtin) e.name = name;
  }
  if (typeof stack === 'string') e.stack = stack;
  return e;
}

/// Python's `threading.TIMEOUT_MAX` (seconds), the same number as the Rust side's
/// `pythreading::TIMEOUT_MAX` (a browser test checks that they agree).
export const TIMEOUT_MAX = 9223372036;

function release() {
  this.release();
}

/// Makes `[Symbol.dispose]` of the class of `instance` release it (`using` is JS's `with`):
/// wasm-bindgen sets every exported class's `[Symbol.dispose]` to `free`, which would drop
/// the object's Rust state instead. Called once per realm and class (src/js/dispose.rs), with a
/// throwaway instance (the classes themselves are not reachable from Rust).
export function disposeReleases(instance) {
  const proto = Object.getPrototypeOf(instance);
  if (typeof Symbol.dispose === 'symbol' && proto[Symbol.dispose] !== release) {
    Object.defineProperty(proto, Symbol.dispose, {
      value: release,
      writable: true,
      configurable: true,
      enumerable: false,
    });
  }
  instance.free();
}

// ---- JS threads (src/js/thread.rs): the JS side of `new Thread({ target, export, args })` ----
//
// On the thread that starts one, `postJob` broadcasts the target (an absolute module URL), the
// export's name and the arguments on this module instance's BroadcastChannel, with the
// library's objects (Lock, Event, ..., Thread) among the arguments replaced by a tag naming
// their class and a handle (`x.handle()`). The spawner keeps the message (src/sys/web/worker.js)
// until the pool worker that takes the thread asks for it, or until `cancelJob` withdraws it
// (a start that failed after posting, or a JS `Timer` cancelled before its function ran).
//
// On that pool worker, `runJob` asks the spawner for the message, imports the module, rebuilds
// the tagged objects from their handles (`rebuild(class, handle)`, in Rust: `X.fromHandle`),
// calls the export and awaits what it returns, then reports the end (`done(null)` or
// `done(thrown)`). Its promise is left under a global symbol for the worker loop, which awaits
// it before the worker takes its next job.

const BRAND = Symbol.for('pythreading.class');
const TAG = '__pythreading_handle';
const JOB = Symbol.for('pythreading.jsThreadJob');

/// Names the class of `instance` (a throwaway instance of one of the library's classes) on
/// its prototype, so that arguments can be recognised as the library's objects (class names
/// do not survive minifiers), and frees it.
export function brand(instance, name) {
  Object.defineProperty(Object.getPrototypeOf(instance), BRAND, {
    value: name,
    configurable: true,
    enumerable: false,
  });
  instance.free();
}

// What a BroadcastChannel cannot carry (it reaches other agent clusters, so the receiver gets
// a `messageerror` instead of the message): refused at `start()` instead of lost.
function unsendable(v) {
  const shared = (b) => typeof SharedArrayBuffer !== 'undefined' && b instanceof SharedArrayBuffer;
  if (shared(v) || (ArrayBuffer.isView(v) && shared(v.buffer))) return 'a SharedArrayBuffer';
  if (typeof WebAssembly !== 'undefined' && (v instanceof WebAssembly.Module || v instanceof WebAssembly.Memory)) {
    return `a WebAssembly.${v instanceof WebAssembly.Module ? 'Module' : 'Memory'}`;
  }
  return null;
}

// Arrays and plain objects are walked (each object once); the library's objects become tags.
function tag(v, seen) {
  if (v === null || typeof v !== 'object') return v;
  if (v[BRAND]) return { [TAG]: v[BRAND], handle: v.handle() };
  const bad = unsendable(v);
  if (bad) {
    throw new classes.TypeError(
      `a JS thread's args cannot hold ${bad} (they travel by BroadcastChannel): share state ` +
        'through the library\'s objects (Lock, Event, Semaphore, ...) instead',
    );
  }
  if (seen.has(v)) return seen.get(v);
  if (Array.isArray(v)) {
    const out = [];
    seen.set(v, out);
    for (const x of v) out.push(tag(x, seen));
    return out;
  }
  const proto = Object.getPrototypeOf(v);
  if (proto === Object.prototype || proto === null) {
    const out = {};
    seen.set(v, out);
    for (const k of Object.keys(v)) out[k] = tag(v[k], seen);
    return out;
  }
  return v; // Map, Date, typed arrays, ...: structured clone as they are
}

function untag(v, rebuild, seen) {
  if (v === null || typeof v !== 'object') return v;
  if (typeof v[TAG] === 'string' && typeof v.handle === 'number') return rebuild(v[TAG], v.handle);
  if (seen.has(v)) return v;
  seen.add(v);
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) v[i] = untag(v[i], rebuild, seen);
  } else {
    const proto = Object.getPrototypeOf(v);
    if (proto === Object.prototype || proto === null) {
      for (const k of Object.keys(v)) v[k] = untag(v[k], rebuild, seen);
    }
  }
  return v;
}

let channels = new Map();
function channel(name) {
  let bc = channels.get(name);
  if (!bc) {
    bc = new BroadcastChannel(name);
    channels.set(name, bc);
  }
  return bc;
}

/// Publishes a thread's target and arguments. Throws (a `DataCloneError`) if an argument
/// cannot be cloned; then nothing was sent.
export function postJob(channelName, id, target, exportName, args) {
  channel(channelName).postMessage({ id, target, export: exportName, args: tag(args, new Map()) });
}

/// Withdraws a published job whose thread did not start.
export function cancelJob(channelName, id) {
  channel(channelName).postMessage({ id, cancel: true });
}

/// Debugging aid (`__pythreadingHeldJsJobs`, src/js/thread.rs): resolves with how many posted
/// jobs the spawner keeps, not yet asked for by a pool worker. The spawner answers on the
/// channel; messages from one sender arrive in order, so jobs posted or cancelled on this
/// thread before the query are counted as they stand.
export function heldJobs(channelName) {
  const bc = channel(channelName);
  const query = Math.random();
  return new Promise((resolve) => {
    const on = ({ data }) => {
      if (data && data.heldReply === query) {
        bc.removeEventListener('message', on);
        resolve(data.held);
      }
    };
    bc.addEventListener('message', on);
    bc.postMessage({ heldQuery: query });
  });
}

/// An absolute URL for a module target: a `URL` or a string, resolved against this thread's
/// location (the page's, or the worker script's); `null` if it is neither.
export function moduleUrl(target) {
  if (target instanceof URL) return target.href;
  if (typeof target !== 'string') return null;
  try {
    return new URL(target, globalThis.location && globalThis.location.href).href;
  } catch (e) {
    return undefined;
  }
}

function ask(id) {
  return new Promise((resolve) => {
    const on = ({ data }) => {
      if (data && data.jsThreadJob && data.jsThreadJob.id === id) {
        self.removeEventListener('message', on);
        resolve(data.jsThreadJob);
      }
    };
    self.addEventListener('message', on);
    self.postMessage({ jsThreadAsk: id });
  });
}

// Imports a job's module and calls its export with its arguments (the library's objects
// rebuilt), awaiting what it returns.
async function callJob(job, rebuild) {
  const mod = await import(/* webpackIgnore: true */ /* @vite-ignore */ job.target);
  const fn = mod[job.export];
  if (typeof fn !== 'function') {
    throw new globalThis.TypeError(`the module ${job.target} has no exported function '${job.export}'`);
  }
  return await fn(...untag(job.args, rebuild, new Set()));
}

/// Runs job `id` on this pool worker once the current wasm call has returned (see the top).
export function runJob(id, rebuild, done) {
  globalThis[JOB] = (async () => {
    try {
      await callJob(await ask(id), rebuild);
      done(null);
    } catch (e) {
      try {
        done(e === null || e === undefined ? new Error(String(e)) : e);
      } catch (e2) {
        console.error('pythreading: ending a JS thread failed:', e2);
      }
    }
  })();
}

// ---- JS executors (src/js/thread_pool_executor.rs): a worker's loop ---------------------------
//
// `submit()` broadcasts each task as a JS thread's job (the same message, kept by the spawner
// the same way). A worker thread of a JS `ThreadPoolExecutor` runs this loop once the wasm
// call that started it has returned: `take()` blocks in Rust until the next task and returns
// its job id (0 once the executor is shut down), the task runs as a JS thread's target does,
// and `settle(ok, value)` completes its Future in Rust (the value as JSON text: the Future is
// shared memory, read on other threads). `done(thrown)` ends the thread.

/// Runs a JS executor's worker loop on this pool worker (see above).
export function runExecutor(take, rebuild, settle, done) {
  globalThis[JOB] = (async () => {
    let failed = null;
    try {
      for (let id = take(); id !== 0; id = take()) {
        let ok = true;
        let value;
        try {
          value = await callJob(await ask(id), rebuild);
        } catch (e) {
          ok = false;
          value = e === null || e === undefined ? new Error(String(e)) : e;
        }
        settle(ok, value);
      }
    } catch (e) {
      failed = e;
    }
    try {
      done(failed);
    } catch (e2) {
      console.error('pythreading: ending a JS executor worker failed:', e2);
    }
  })();
}

function submit(target, ...args) {
  return this.__submit(target, args);
}

function shutdown() {
  this.shutdown();
}

function shutdownAsync() {
  return this.shutdownAsync();
}

/// Makes the class of `instance` (a throwaway executor) Python's: `submit(target, ...args)`
/// takes its arguments as Python's does (wasm-bindgen exports take fixed parameters, so the
/// Rust method is `__submit(target, args)`), and `using ex = new ThreadPoolExecutor()` is
/// Python's `with` (`[Symbol.dispose]` shuts down and waits, where wasm-bindgen's would free
/// it; `await using` waits without blocking, `[Symbol.asyncDispose]`). Once per realm, like
/// `disposeReleases`.
export function executorMethods(instance) {
  const proto = Object.getPrototypeOf(instance);
  const set = (key, value) => {
    if (key !== undefined && proto[key] !== value) {
      Object.defineProperty(proto, key, { value, writable: true, configurable: true, enumerable: false });
    }
  };
  set('submit', submit);
  set(Symbol.dispose, shutdown);
  set(Symbol.asyncDispose, shutdownAsync);
  instance.free();
}
