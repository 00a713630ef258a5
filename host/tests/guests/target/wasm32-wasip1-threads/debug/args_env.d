/work/main/host/tests/guests/target/wasm32-wasip1-threads/debug/args_env.wasm: /work/main/host/tests/guests/src/bin/args_env.rs /work/main/host/tests/guests/src/lib.rs
