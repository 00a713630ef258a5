/work/main/host/tests/guests/target/wasm32-wasip1-threads/debug/deps/args_env-c24b1a6e6e9c55d2.d: src/bin/args_env.rs

/work/main/host/tests/guests/target/wasm32-wasip1-threads/debug/deps/args_env-c24b1a6e6e9c55d2.wasm: src/bin/args_env.rs

src/bin/args_env.rs:
