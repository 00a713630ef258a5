/work/main/host/tests/guests/target/wasm32-wasip1-threads/debug/trap_nohook.wasm: /work/main/host/tests/guests/src/bin/trap_nohook.rs /work/main/host/tests/guests/src/lib.rs
