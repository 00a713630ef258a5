/work/main/host/tests/guests/target/wasm32-wasip1-threads/debug/many_threads.wasm: /work/main/host/tests/guests/src/bin/many_threads.rs /work/main/host/tests/guests/src/lib.rs
