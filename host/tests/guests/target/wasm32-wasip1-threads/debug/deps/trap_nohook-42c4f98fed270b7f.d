/work/main/host/tests/guests/target/wasm32-wasip1-threads/debug/deps/trap_nohook-42c4f98fed270b7f.d: src/bin/trap_nohook.rs

/work/main/host/tests/guests/target/wasm32-wasip1-threads/debug/deps/trap_nohook-42c4f98fed270b7f.wasm: src/bin/trap_nohook.rs

src/bin/trap_nohook.rs:
