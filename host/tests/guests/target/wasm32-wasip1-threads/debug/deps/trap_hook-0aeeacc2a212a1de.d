/work/main/host/tests/guests/target/wasm32-wasip1-threads/debug/deps/trap_hook-0aeeacc2a212a1de.d: src/bin/trap_hook.rs

/work/main/host/tests/guests/target/wasm32-wasip1-threads/debug/deps/trap_hook-0aeeacc2a212a1de.wasm: src/bin/trap_hook.rs

src/bin/trap_hook.rs:
