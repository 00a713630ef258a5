/work/main/host/tests/guests/target/wasm32-wasip1-threads/debug/deps/read_file-08e1c41d5996559a.d: src/bin/read_file.rs

/work/main/host/tests/guests/target/wasm32-wasip1-threads/debug/deps/read_file-08e1c41d5996559a.wasm: src/bin/read_file.rs

src/bin/read_file.rs:
