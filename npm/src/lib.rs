//! The npm package `pythreading-web`: nothing of its own. Linking the library in is what exports its
//! JS API (`Lock`, `RLock`, `Condition`, `Semaphore`, `BoundedSemaphore`, `Event`, `Barrier`,
//! `Thread`, `initThreads`, `initThreadPool`) into this module; `wasm-pack build --target web`
//! adds the glue, the TypeScript types and the worker script (a wasm-bindgen snippet).
pub use threading;
