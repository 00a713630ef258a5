/work/main/host/tests/guests/target/wasm32-wasip1-threads/debug/trap_hook.wasm: /work/main/host/tests/guests/src/bin/trap_hook.rs /work/main/host/tests/guests/src/lib.rs
