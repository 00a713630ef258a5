//! The main thread panics: the host reports the trap in one line and exits with 134.
fn main() {
    panic!("main thread fails");
}
