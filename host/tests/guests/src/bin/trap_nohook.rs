//! No `__pythreading_thread_trapped` export: a panicking thread ends the program with 134.
fn main() {
    let worker = std::thread::spawn(|| panic!("boom without hook"));
    drop(worker);
    std::thread::sleep(std::time::Duration::from_secs(10));
    println!("not reached");
}
