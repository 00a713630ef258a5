//! Prints the contents of the file named by its first argument (needs a --dir preopen), from
//! the main thread and from a spawned thread.
fn main() {
    let path = std::env::args().nth(1).expect("path argument");
    match std::fs::read_to_string(&path) {
        Ok(text) => print!("main read: {text}"),
        Err(e) => {
            println!("main cannot read {path}: {e}");
            std::process::exit(3);
        }
    }
    let from_thread =
        std::thread::spawn(move || std::fs::read_to_string(&path).map_err(|e| e.to_string()))
            .join()
            .unwrap();
    match from_thread {
        Ok(text) => print!("thread read: {text}"),
        Err(e) => {
            println!("thread cannot read: {e}");
            std::process::exit(4);
        }
    }
}
