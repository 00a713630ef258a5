//! JS threads and a JS executor used from the page's UI thread (wasm-bindgen-test
//! `run_in_browser`, the glue imported unbundled): the target runs on a pool worker and
//! `joinAsync` resolves; arguments a `BroadcastChannel` cannot carry (a `SharedArrayBuffer`)
//! are refused at `start()`; an executor's Futures resolve with `resultAsync`, while the
//! blocking `result()` and `shutdown(wait)` follow the UI-thread policy (`RuntimeError` while
//! they would wait, nothing changed) and `shutdownAsync` ends the workers.
#![cfg(all(target_arch = "wasm32", target_os = "unknown"))]

use wasm_bindgen::prelude::*;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen(inline_js = r#"
export const here = () => import.meta.url;
export default function (lane, ev) { ev.set(); }
export async function slowSquare(x) { await new Promise((r) => setTimeout(r, 200)); return x * x; }
export async function uiJs(url) {
  const g = await import(url);
  const ev = new g.Event();
  const log = [];
  // What a BroadcastChannel cannot carry is refused at start(), the thread not started.
  const bad = new g.Thread({ target: here(), args: [{ memory: new Int32Array(new SharedArrayBuffer(64)) }] });
  try { bad.start(); log.push('a SharedArrayBuffer was accepted'); } catch (e) {
    if (!(e instanceof g.TypeError) || !e.message.includes('cannot hold a SharedArrayBuffer')) log.push(`refused with ${e}`);
  }
  if (bad.isAlive() || bad.ident !== undefined) log.push('the refused thread started');
  const t = new g.Thread({ target: here(), args: [0, ev], name: 'from-the-page' });
  t.start();
  await t.joinAsync(20);
  if (t.isAlive()) log.push('still alive after 20 s');
  if (!ev.isSet()) log.push('the target did not run');

  // A JS executor from the page.
  const caught = (f) => { try { f(); return 'no error'; } catch (e) { return `${e.name}: ${e.message}`; } };
  const ex = new g.ThreadPoolExecutor({ maxWorkers: 2 });
  const f = ex.submit({ target: here(), export: 'slowSquare' }, 9);
  const blocked = caught(() => f.result());
  if (!blocked.startsWith('RuntimeError: ')) log.push(`result() of a pending future on the page: ${blocked}`);
  const refused = caught(() => ex.shutdown());
  if (!refused.includes('use shutdownAsync()')) log.push(`shutdown() on the page while busy: ${refused}`);
  const more = ex.submit({ target: here(), export: 'slowSquare' }, 3);
  const got = await f.resultAsync(20);
  if (got !== 81) log.push(`resultAsync gave ${got}`);
  if (f.result() !== 81) log.push('result() of a done future on the page did not return it');
  await ex.shutdownAsync();
  if (more.result() !== 9) log.push('a task queued before shutdownAsync did not run');
  if (ex.threads().some((t) => t.isAlive())) log.push('workers alive after shutdownAsync');
  const after = caught(() => ex.shutdown());
  if (after !== 'no error') log.push(`shutdown() once the workers ended: ${after}`);
  return log.join('\n');
}
"#)]
extern "C" {
    #[wasm_bindgen(js_name = uiJs)]
    fn ui_js(url: &str) -> js_sys::Promise;
}

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(thread_local_v2, js_namespace = ["import", "meta"], js_name = url)]
    static UI_GLUE_URL: String;
}

#[wasm_bindgen_test]
async fn a_js_thread_started_on_the_page_runs() {
    pythreading::init_threads(2).await.expect("init_threads");
    let log = wasm_bindgen_futures::JsFuture::from(ui_js(&UI_GLUE_URL.with(String::clone)))
        .await
        .expect("the JS side threw")
        .as_string()
        .unwrap();
    assert!(log.is_empty(), "{log}");
}
