/work/main/host/tests/guests/target/wasm32-wasip1-threads/debug/deps/exit_in_thread-56facbb308d3007c.d: src/bin/exit_in_thread.rs

/work/main/host/tests/guests/target/wasm32-wasip1-threads/debug/deps/exit_in_thread-56facbb308d3007c.wasm: src/bin/exit_in_thread.rs

src/bin/exit_in_thread.rs:
