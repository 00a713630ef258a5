//! Browser only: the JS-driven suites (`browser_js_args`, `browser_js_parity`, `queue_js`).
//! Each runs a JS check function of its own snippet, which imports the test's glue by URL and
//! resolves with its log of failed checks.

use wasm_bindgen::prelude::*;

// Named apart from the library's own glue-URL static: wasm-bindgen derives the symbol from it.
#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(thread_local_v2, js_namespace = ["import", "meta"], js_name = url)]
    static JS_CHECKS_GLUE_URL: String;
}

/// The URL of the test binary's wasm-bindgen glue, which the JS checks import.
pub fn glue_url() -> String {
    JS_CHECKS_GLUE_URL.with(String::clone)
}

/// Awaits a JS check function and asserts that its log of failed checks is empty.
pub async fn no_failures(p: js_sys::Promise) {
    let log = wasm_bindgen_futures::JsFuture::from(p)
        .await
        .expect("the JS side threw");
    let log = log.as_string().expect("a log string");
    assert!(log.is_empty(), "failed checks:\n{log}");
}
