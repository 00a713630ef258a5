//! The demo page's module: the seed examples (`examples/threading_*.rs`, PyMOTW 3's
//! threading chapter, listed once in `xtask/src/examples.rs`), each included as a module made
//! of its own file, not copied.
//!
//! The page runs each example as its own "process": a fresh program worker with a fresh
//! instance and memory (`www/demo-worker.js`), which calls [`run_example`] once. That installs
//! the example's output sink (`common::out` in examples/common/mod.rs), runs its
//! `main`, then [`threading::shutdown`] (Python's interpreter exit: non-daemon threads are
//! joined), and closes the output: lines written after that (a daemon thread still running) are
//! dropped, as a process exit drops them, and the page then terminates the worker (its pool
//! workers, daemons included, end with it, within about 2 s: see www/README.md).
//!
//! As natively, a thread's uncaught panic is reported on stderr (the excepthook), and so are a
//! panic in `main` (which aborts the instance: the page marks the run failed) and an `Err` from
//! `main` (`Error: ...`, a failed run).
//!
//! Each line is posted to the page (`emit.js`, a `BroadcastChannel`) with the example's name,
//! a sequence number (the order the lines were written in, across threads and both streams), the
//! stream (`stdout`/`stderr`) and the writing thread's name.
// Each example includes its own copy of examples/common/mod.rs: intended, as each process has
// its own output sink, logger and random generator.
#![allow(clippy::duplicate_mod)]

use pythreading as threading;
use std::fmt::Debug;
use std::sync::{Mutex, OnceLock};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/emit.js")]
extern "C" {
    fn emit(example: &str, seq: u32, stream: &str, thread: &str, line: &str);
}

/// The output of this instance's one run: the example's name, then each line in write order
/// until [`close_output`].
struct Output {
    example: &'static str,
    written: u32,
    closed: bool,
}

static OUTPUT: OnceLock<Mutex<Output>> = OnceLock::new();

/// The sink every example's `common::out` gets: numbers and posts each line of `text`, under
/// one lock so that the numbers are the write order, a multi-line text stays together, and no
/// line slips past [`close_output`].
fn write_line(stream: &'static str, text: &str) {
    let thread = threading::current_thread().name();
    let Some(output) = OUTPUT.get() else {
        return;
    };
    let mut out = output.lock().unwrap_or_else(|e| e.into_inner());
    if out.closed {
        return;
    }
    for line in text.split('\n') {
        emit(out.example, out.written, stream, &thread, line);
        out.written += 1;
    }
}

/// The process exits: later lines are dropped. Returns how many lines were written.
fn close_output() -> u32 {
    let output = OUTPUT.get().expect("opened by run_example");
    let mut out = output.lock().unwrap_or_else(|e| e.into_inner());
    out.closed = true;
    out.written
}

/// What an example's `main` returns, as Rust's `Termination` sees it: `()` or a `Result`.
trait Outcome {
    fn into_result(self) -> Result<(), String>;
}

impl Outcome for () {
    fn into_result(self) -> Result<(), String> {
        Ok(())
    }
}

impl<E: Debug> Outcome for Result<(), E> {
    fn into_result(self) -> Result<(), String> {
        // Rust's `Termination` for `Result`: `Error: {e:?}` on stderr.
        self.map_err(|e| format!("Error: {e:?}"))
    }
}

// The list of examples, `seed_examples!`: the repository's one list (also the xtask's and
// tests/examples.rs's).
include!("../../../xtask/src/examples.rs");

/// Declares each example as a module made of its own file (`include!`: an example's
/// `#[path = "common/mod.rs"]` then resolves next to it, in examples/), and the table of their
/// names and entry points. (`#[path = concat!(…)]` would be shorter, but `path` takes only a
/// literal.)
macro_rules! examples {
    ($($name:ident,)*) => {
        $(
            #[allow(dead_code)]
            mod $name {
                include!(concat!("../../../examples/", stringify!($name), ".rs"));
            }
        )*

        /// The examples, in the order the page runs them: (name, installs the sink and runs
        /// `main`).
        const EXAMPLES: &[(&str, fn() -> Result<(), String>)] = &[$(
            (stringify!($name), || {
                $name::common::out::set_sink(|stream, line| write_line(stream.name(), line));
                $name::main().into_result()
            }),
        )*];
    };
}

seed_examples!(examples);

/// The examples' names, in the order the page runs them.
#[wasm_bindgen(js_name = exampleNames)]
pub fn example_names() -> Vec<String> {
    EXAMPLES.iter().map(|(name, _)| name.to_string()).collect()
}

/// How a run ended: the number of lines written (the page waits for them all), and `main`'s
/// error, if any (also written on stderr, as Rust's `Termination` prints it).
#[wasm_bindgen]
pub struct Exit {
    lines: u32,
    error: Option<String>,
}

#[wasm_bindgen]
impl Exit {
    #[wasm_bindgen(getter)]
    pub fn lines(&self) -> u32 {
        self.lines
    }

    #[wasm_bindgen(getter)]
    pub fn error(&self) -> Option<String> {
        self.error.clone()
    }
}

/// Runs one example as a process would, once per instance (the page gives each example a fresh
/// worker and memory): its `main`, then Python's exit ([`threading::shutdown`]: joins the
/// non-daemon threads), then closes the output. Blocking: call it from a worker, not from the
/// page. `Err` for an unknown name or a second run in the same instance.
#[wasm_bindgen(js_name = runExample)]
pub fn run_example(name: &str) -> Result<Exit, JsError> {
    let &(example, main) = EXAMPLES
        .iter()
        .find(|(n, _)| *n == name)
        .ok_or_else(|| JsError::new(&format!("no example {name:?}")))?;
    let opened = OUTPUT.set(Mutex::new(Output {
        example,
        written: 0,
        closed: false,
    }));
    if opened.is_err() {
        return Err(JsError::new(
            "an example already ran in this instance: start a fresh worker for each run",
        ));
    }
    // Python prints an uncaught exception of a thread on stderr; the library's default hook
    // writes to `console.error` in browsers, where stderr is discarded. Here it is the page's
    // stderr for this example.
    threading::set_excepthook(|args| write_line("stderr", args.to_string().trim_end()));
    // A panic outside a thread's run (in main) aborts the instance: report it first, as Rust
    // does natively (`thread 'main' panicked at ...` on stderr). The library's own hook, once
    // installed, handles the panics of threads and calls this one for the others.
    std::panic::set_hook(Box::new(|info| {
        let thread = threading::current_thread().name();
        write_line("stderr", &format!("thread '{thread}' {info}"));
    }));
    let error = main().err();
    if let Some(error) = &error {
        write_line("stderr", error);
    }
    threading::shutdown();
    Ok(Exit {
        lines: close_output(),
        error,
    })
}
