//! Ending the process, and the one-line diagnostics printed before.

use std::process;
use std::sync::atomic::{AtomicBool, Ordering};

use wasmtime::Trap;

use crate::wasi::Exit;

/// Exit status after a trap, as a native process killed by `abort()` reports it
/// (128 + SIGABRT); what wasmtime's CLI uses too.
pub const TRAP_EXIT_CODE: i32 = 134;
/// Exit status when the host cannot load or start the module.
pub const SETUP_EXIT_CODE: i32 = 1;
/// Exit status for a malformed command line.
pub const USAGE_EXIT_CODE: i32 = 2;
/// Exit status when `--max-wall-time` runs out (what coreutils' `timeout` uses).
pub const TIMEOUT_EXIT_CODE: i32 = 124;

/// Ends the process once: the first caller's code wins; later callers (other threads that exit
/// or fail at the same moment) wait for the process to end.
pub fn exit_process(code: i32) -> ! {
    die(code, || {})
}

/// Ends the process with `code` after `report` has printed why, unless another thread is
/// already ending it: then this thread prints nothing and waits for the end. So however many
/// threads fail at once, the host reports one of them.
pub fn die(code: i32, report: impl FnOnce()) -> ! {
    static EXITING: AtomicBool = AtomicBool::new(false);
    // SeqCst: one total order of claims, so exactly one caller proceeds to `exit`.
    if EXITING.swap(true, Ordering::SeqCst) {
        loop {
            std::thread::park();
        }
    }
    report();
    process::exit(code)
}

/// The `proc_exit` code an error carries, if it is one.
pub fn exit_code(e: &wasmtime::Error) -> Option<i32> {
    e.downcast_ref::<Exit>().map(|exit| exit.0)
}

/// One line describing an error: the trap's message for a trap.
pub fn describe(e: &wasmtime::Error) -> String {
    match e.downcast_ref::<Trap>() {
        // Displays as "wasm trap: ...".
        Some(trap) => trap.to_string(),
        None => one_line(e),
    }
}

/// An error and its causes on one line.
pub fn one_line(e: &wasmtime::Error) -> String {
    let text = format!("{e:#}");
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// With `PYTHREADING_HOST_BACKTRACE=1`: the full error, with its wasm backtrace.
pub fn print_backtrace(e: &wasmtime::Error) {
    if std::env::var_os("PYTHREADING_HOST_BACKTRACE").is_some_and(|v| v != "0") {
        write_stderr(&format!("{e:?}\n"));
    }
}

/// Prints `pythreading-host: MESSAGE` on stderr in one write(2), so that the guest's threads,
/// which write stderr unbuffered too, cannot cut into the line.
pub fn report(message: &str) {
    write_stderr(&format!("pythreading-host: {message}\n"));
}

fn write_stderr(text: &str) {
    use std::io::Write;
    // Nothing to do if stderr is gone.
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}
