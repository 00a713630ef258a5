/work/main/host/tests/guests/target/wasm32-wasip1-threads/debug/main_panic.wasm: /work/main/host/tests/guests/src/bin/main_panic.rs /work/main/host/tests/guests/src/lib.rs
