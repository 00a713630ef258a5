//! `proc_exit` in a spawned thread ends the whole program with that code.
fn main() {
    let worker = std::thread::spawn(|| std::process::exit(7));
    drop(worker);
    std::thread::sleep(std::time::Duration::from_secs(10));
    println!("not reached");
}
