// The glue imported by its file, bypassing the package's entry (index.js): once Vite has
// bundled it, the runtime's own URL is the app's chunk, and no worker entry is registered.
import init, { initThreads } from 'pythreading-web/pythreading_web.js';

const t0 = performance.now();
let stage = 'init';
try {
  await init();
  stage = 'initThreads';
  await initThreads(2);
  window.faultResult = { ok: true, stage, ms: performance.now() - t0 };
} catch (e) {
  window.faultResult = { ok: false, stage, name: e.name, message: String(e.message), ms: performance.now() - t0 };
}
document.getElementById('log').textContent = JSON.stringify(window.faultResult, null, 2);
