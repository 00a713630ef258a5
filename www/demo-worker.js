// The demo's program worker: Python's "main thread" runs here (it blocks in join/wait, which
// the page's UI thread may not do); the page only shows the output.
import init, { exampleNames, initThreads, runExample } from './pkg/pythreading_demo.js';

self.onmessage = async () => {
  await init();
  // Start the worker pool while this worker can still return to its event loop: a new Worker
  // only starts while its creator does, and from here on this worker blocks (join, wait).
  await initThreads(4);
  for (const name of exampleNames()) {
    const t0 = performance.now();
    try {
      runExample(name);
      postMessage({ example: name, ok: true, ms: performance.now() - t0 });
    } catch (e) {
      postMessage({ example: name, ok: false, error: String(e) });
    }
  }
  postMessage({ done: true });
};
