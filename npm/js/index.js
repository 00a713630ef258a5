// The package's entry: the glue's exports, with `init` and `initSync` wrapped so that
// * this thread's runtime creates workers from the package's worker script (spawn.js), which
//   bundlers keep as an entry of its own;
// * `init()` never waits without a bound and names the cause when it fails: a page that is not
//   cross-origin isolated (no SharedArrayBuffer: the two headers), a module that cannot be
//   fetched (its URL and the HTTP status), or no answer within `timeout` seconds (default 10).
// spawn.js first: it announces the worker entry before the runtime (imported by the glue)
// evaluates.
import { createWorker } from './spawn.js';
import glueInit, * as glue from './pythreading_web.js';

export * from './pythreading_web.js';

const DEFAULT_TIMEOUT = 10;

function isolationProblem() {
  if (typeof SharedArrayBuffer !== 'undefined' && globalThis.crossOriginIsolated !== false) return null;
  return new Error(
    'pythreading-web: this page is not cross-origin isolated, so it has no SharedArrayBuffer ' +
      'and threads cannot share memory: serve it with the headers ' +
      'Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp',
  );
}

function checkTimeout(timeout) {
  if (typeof timeout !== 'number' || Number.isNaN(timeout)) {
    throw new TypeError(`pythreading-web: init's timeout must be a number of seconds, not ${String(timeout)}`);
  }
  if (!(timeout > 0)) throw new RangeError('pythreading-web: init\'s timeout must be positive');
  return timeout;
}

function withTimeout(promise, seconds, what) {
  if (seconds === Infinity) return promise;
  let timer;
  const expired = new Promise((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`pythreading-web: ${what} did not finish within ${seconds} s`)),
      seconds * 1000,
    );
  });
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}

async function fetchModule(source, seconds) {
  const url = source instanceof Request ? source.url : String(source);
  const abort = new AbortController();
  const timer = seconds === Infinity ? null : setTimeout(() => abort.abort(), seconds * 1000);
  let response;
  try {
    response = await fetch(source, { signal: abort.signal });
  } catch (err) {
    const why = abort.signal.aborted ? `no answer within ${seconds} s` : String(err);
    throw new Error(`pythreading-web: the WebAssembly module could not be fetched from ${url}: ${why}`);
  } finally {
    if (timer) clearTimeout(timer);
  }
  if (!response.ok) {
    throw new Error(
      `pythreading-web: the WebAssembly module could not be fetched from ${url}: HTTP ${response.status} ${response.statusText}`.trimEnd(),
    );
  }
  const type = response.headers.get('content-type') || '';
  if (type.includes('text/html')) {
    // A dev server's fallback page: e.g. Vite pre-bundled the package into one file, whose
    // relative URLs then point nowhere (exclude it: optimizeDeps: { exclude: ['pythreading-web'] }).
    throw new Error(
      `pythreading-web: the WebAssembly module could not be fetched from ${url}: the server ` +
        'answered with an HTML page (a bundler that moved the package without its .wasm? ' +
        "with Vite's dev server, set optimizeDeps: { exclude: ['pythreading-web'] })",
    );
  }
  return response;
}

/// Loads the module on this thread (the glue's `init`), within `timeout` seconds (default 10,
/// `Infinity` for no bound). Takes what the glue's `init` takes (`{ module_or_path, memory,
/// thread_stack_size }`), plus `timeout`.
export default async function init(options) {
  const opts = options && typeof options === 'object' && !(options instanceof URL) &&
    !(options instanceof Request) && !(options instanceof WebAssembly.Module) &&
    !(options instanceof Response) && typeof options.then !== 'function'
    ? { ...options }
    : { module_or_path: options };
  const timeout = checkTimeout(opts.timeout ?? DEFAULT_TIMEOUT);
  delete opts.timeout;
  const problem = isolationProblem();
  if (problem) throw problem;
  let source = opts.module_or_path ?? new URL('./pythreading_web_bg.wasm', import.meta.url);
  if (typeof source === 'string' || source instanceof URL || source instanceof Request) {
    source = await fetchModule(source, timeout);
  }
  const exports = await withTimeout(glueInit({ ...opts, module_or_path: source }), timeout,
    'instantiating the WebAssembly module');
  glue.__pythreading_use_worker(createWorker);
  return exports;
}

/// The glue's `initSync` (in the app's own workers: `initSync(sharedModule())` from the page),
/// with this thread's runtime set to the package's worker script.
export function initSync(module) {
  const exports = glue.initSync(module);
  glue.__pythreading_use_worker(createWorker);
  return exports;
}
