// Start-up under a fault the test provokes (see scripts/browser/test_apps.py): init() and initThreads(2)
// must each succeed or fail within a bound, with an error that names the cause.
// ?timeout=S is init's timeout, ?start=S the pool's start timeout (setStartTimeout).
import init, { initThreads, setStartTimeout } from '../node_modules/pythreading-web/index.js';

const q = new URLSearchParams(location.search);
const t0 = performance.now();
let stage = 'init';
try {
  await init({ timeout: Number(q.get('timeout') || 10) });
  stage = 'initThreads';
  if (q.get('start')) setStartTimeout(Number(q.get('start')));
  await initThreads(2);
  window.faultResult = { ok: true, stage, ms: performance.now() - t0 };
} catch (e) {
  window.faultResult = { ok: false, stage, name: e.name, message: String(e.message), ms: performance.now() - t0 };
}
document.getElementById('log').textContent = JSON.stringify(window.faultResult, null, 2);
