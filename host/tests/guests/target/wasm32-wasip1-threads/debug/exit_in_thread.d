/work/main/host/tests/guests/target/wasm32-wasip1-threads/debug/exit_in_thread.wasm: /work/main/host/tests/guests/src/bin/exit_in_thread.rs /work/main/host/tests/guests/src/lib.rs
