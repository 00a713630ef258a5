//! Prints its arguments (after argv[0]) and one environment variable.
fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    println!("args={args:?}");
    println!(
        "GUEST_VAR={}",
        std::env::var("GUEST_VAR").unwrap_or_else(|_| "<unset>".into())
    );
    // argv[0] is the module path as given to the host.
    let argv0 = std::env::args().next().unwrap_or_default();
    println!("argv0_is_wasm={}", argv0.ends_with(".wasm"));
}
