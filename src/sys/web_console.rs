//! Browsers: `std::io::stderr()` discards everything on wasm32-unknown-unknown, so the
//! excepthook's report goes to `console.error` (the worker's or the page's console).

use wasm_bindgen::prelude::wasm_bindgen;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = console, js_name = error)]
    fn console_error(s: &str);
}

pub(crate) fn write_stderr(s: &str) {
    console_error(s.trim_end_matches('\n'));
}
