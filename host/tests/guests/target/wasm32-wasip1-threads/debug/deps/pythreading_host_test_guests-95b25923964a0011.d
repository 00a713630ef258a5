/work/main/host/tests/guests/target/wasm32-wasip1-threads/debug/deps/pythreading_host_test_guests-95b25923964a0011.d: src/lib.rs

/work/main/host/tests/guests/target/wasm32-wasip1-threads/debug/deps/libpythreading_host_test_guests-95b25923964a0011.rlib: src/lib.rs

/work/main/host/tests/guests/target/wasm32-wasip1-threads/debug/deps/libpythreading_host_test_guests-95b25923964a0011.rmeta: src/lib.rs

src/lib.rs:
