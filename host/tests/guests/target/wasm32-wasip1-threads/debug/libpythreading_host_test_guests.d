/work/main/host/tests/guests/target/wasm32-wasip1-threads/debug/libpythreading_host_test_guests.rlib: /work/main/host/tests/guests/src/lib.rs
