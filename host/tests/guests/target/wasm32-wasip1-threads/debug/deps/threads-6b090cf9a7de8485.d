/work/main/host/tests/guests/target/wasm32-wasip1-threads/debug/deps/threads-6b090cf9a7de8485.d: src/bin/threads.rs

/work/main/host/tests/guests/target/wasm32-wasip1-threads/debug/deps/threads-6b090cf9a7de8485.wasm: src/bin/threads.rs

src/bin/threads.rs:
