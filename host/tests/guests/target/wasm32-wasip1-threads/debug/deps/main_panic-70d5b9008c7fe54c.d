/work/main/host/tests/guests/target/wasm32-wasip1-threads/debug/deps/main_panic-70d5b9008c7fe54c.d: src/bin/main_panic.rs

/work/main/host/tests/guests/target/wasm32-wasip1-threads/debug/deps/main_panic-70d5b9008c7fe54c.wasm: src/bin/main_panic.rs

src/bin/main_panic.rs:
