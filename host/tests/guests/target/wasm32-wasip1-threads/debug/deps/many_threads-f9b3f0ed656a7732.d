/work/main/host/tests/guests/target/wasm32-wasip1-threads/debug/deps/many_threads-f9b3f0ed656a7732.d: src/bin/many_threads.rs

/work/main/host/tests/guests/target/wasm32-wasip1-threads/debug/deps/many_threads-f9b3f0ed656a7732.wasm: src/bin/many_threads.rs

src/bin/many_threads.rs:
