// The benchmark worker: the workloads' "main thread" runs here (they block in join, wait and
// barrier waits, which the page's UI thread may not do). It answers the page's calls one at a
// time: {id, cmd, args} -> {id, value} or {id, error}. The measuring is Rust's
// (www/bench/src/lib.rs); this file only routes calls, except `freshWorker`, which must create
// Workers and so is JS.
//
// The module is the page's choice, `?pkg=` in this script's URL: `bench-pkg` (the unwinding
// build, by default) or `bench-pkg-abort` (the panic=abort one), built by `cargo xtask build
// bench-web [--panic abort]`, so that the bench can sample each in a page of its own.
const PKGS = ['bench-pkg', 'bench-pkg-abort'];
const PKG = new URL(import.meta.url).searchParams.get('pkg') || 'bench-pkg';
const GLUE_URL = new URL(`./${PKG}/pythreading_bench.js`, import.meta.url).href;
const FRESH_URL = new URL('./bench-fresh-worker.js', import.meta.url);

// The glue, once `ready` has resolved (imported dynamically: its directory is chosen above;
// `onmessage` is set at once, below, so no early call is lost).
let bench;
const ready = (async () => {
  if (!PKGS.includes(PKG)) {
    throw new Error(`no module ${JSON.stringify(PKG)}: pkg is one of ${PKGS.join(', ')}`);
  }
  bench = await import(GLUE_URL);
  await bench.default();
  // Start the pool while this worker can still return to its event loop (a new Worker only
  // starts while its creator does); from here on, the workloads block this worker.
  await bench.initThreads(4);
  bench.setup();
})();

// One Worker per thread, the design pythreading avoids: create a Worker that loads this
// module on the shared memory (its own stack and TLS), runs an empty body, frees its stack and
// TLS and closes; timed from `new Worker` to its report. Returns the ms of each of `count`.
async function freshWorker(count) {
  const module = bench.benchModule();
  const memory = bench.benchMemory();
  const times = [];
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    // The name keeps pythreading's worker.js (imported by the glue) from starting a spawner.
    const w = new Worker(FRESH_URL, { type: 'module', name: 'pythreading-bench-fresh' });
    await new Promise((resolve, reject) => {
      w.onmessage = ({ data }) => (data === 'done' ? resolve() : reject(new Error(String(data))));
      w.onerror = (e) => reject(new Error(e.message || 'fresh worker failed'));
      w.postMessage([GLUE_URL, module, memory]);
    });
    times.push(performance.now() - t0);
  }
  return times;
}

// Every figure that is not a sample of a workload, for the report (`figures` in
// scripts/browser/bench_browser.py and the view's last section).
async function figures({ startJoin = 10000, memory = 10000, fresh = 10 } = {}) {
  const freshMs = await freshWorker(fresh);
  return {
    userAgent: navigator.userAgent,
    crossOriginIsolated: self.crossOriginIsolated,
    timer_ns: bench.timerResolutionNs(),
    start_join: JSON.parse(bench.startJoinFigures(startJoin)),
    memory: JSON.parse(bench.memoryFigures(memory)),
    fresh_worker: { count: fresh, median_ms: bench.medianOf(Float64Array.from(freshMs)), ms: freshMs },
  };
}

const calls = {
  request: (line) => bench.request(line),
  workloads: () => JSON.parse(bench.request('workloads')),
  liveRow: (key, rounds) => JSON.parse(bench.liveRow(key, rounds)),
  timerResolutionNs: () => bench.timerResolutionNs(),
  // Which module this is: its directory and how its panics end ('unwind' or 'abort').
  module: () => ({ pkg: PKG, panic: bench.panicStrategy() }),
  figures,
};

// Calls run one after another, in arrival order, once the module is ready (a module that did
// not load fails each call with the reason, rather than leaving it unanswered).
let queue = Promise.resolve();
self.onmessage = ({ data: { id, cmd, args } }) => {
  queue = queue.then(async () => {
    try {
      await ready;
      if (!(cmd in calls)) throw new Error(`no call ${cmd}`);
      postMessage({ id, value: await calls[cmd](...(args || [])) });
    } catch (e) {
      postMessage({ id, error: String(e && e.stack ? e.stack : e) });
    }
  });
};
