/work/main/host/tests/guests/target/wasm32-wasip1-threads/debug/threads.wasm: /work/main/host/tests/guests/src/bin/threads.rs /work/main/host/tests/guests/src/lib.rs
