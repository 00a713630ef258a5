// A program worker: one example, run as its own "process". The page creates a fresh one per
// example, so each run gets a fresh instance and memory (the log crate's logger, the thread
// registry, enumerate() and idents start fresh, like a new Python interpreter), and terminates
// it when the example has exited: its daemon threads (pool workers started from here) end with it.
//
// Python's "main thread" runs here: it blocks in join/wait, which the page's UI thread may not.
import init, { exampleNames, initThreads, runExample } from './pkg/pythreading_demo.js';

self.onmessage = async ({ data: { module, example } }) => {
  const t0 = performance.now();
  try {
    // The module compiled once by the page; a new memory for this instance.
    await init({ module_or_path: module });
    if (example === null) {
      postMessage({ names: exampleNames() });
      return;
    }
    // Start the worker pool while this worker can still return to its event loop: a new Worker
    // only starts while its creator does, and from here on this worker blocks (join, wait).
    await initThreads(4);
    const t1 = performance.now();
    postMessage({ started: true, startMs: t1 - t0 });
    const exit = runExample(example); // main(), then Python's exit (joins non-daemon threads)
    postMessage({ exited: true, lines: exit.lines, error: exit.error ?? null, ms: performance.now() - t1 });
    exit.free();
  } catch (e) {
    // A panic in main traps (panic=abort), or the module failed to load.
    postMessage({ exited: true, lines: null, error: String(e), ms: performance.now() - t0 });
  }
};
