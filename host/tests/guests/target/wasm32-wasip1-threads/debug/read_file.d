/work/main/host/tests/guests/target/wasm32-wasip1-threads/debug/read_file.wasm: /work/main/host/tests/guests/src/bin/read_file.rs /work/main/host/tests/guests/src/lib.rs
