// The list of seed examples: the one place that names them. Included with `include!` (this file
// holds only the two items below, the macro and `NEEDS_UNWINDING`, no inner attributes or docs,
// so that `include!` can take it) by the three places that need the list: the xtask itself
// (`cargo xtask examples` prints it, for scripts/demo.sh), `tests/examples.rs` (one test per
// example, generated from it) and the browser demo `www/demo/src/lib.rs` (one module per
// example, generated from it).

/// The seed examples (`examples/NAME.rs`, PyMOTW 3's threading chapter, then its queue and
/// concurrent.futures chapters), in PyMOTW's order, which is the order the demo runs them in.
///
/// Why a macro: the browser demo needs the names as identifiers (each example becomes a module
/// of the demo's crate, `mod NAME { include!("…/examples/NAME.rs"); }`), and identifiers can
/// become strings (`stringify!`) but not the other way round. So the list is a macro that hands
/// the names, as identifiers, to a macro of the caller's choosing:
///
/// ```ignore
/// macro_rules! names {
///     ($($name:ident,)*) => { const NAMES: &[&str] = &[$(stringify!($name)),*]; };
/// }
/// seed_examples!(names);
/// ```
///
/// Adding an example: its file in `examples/`, its name here, and its output checks in
/// `tests/examples.rs` (a function of the same name in `mod checks`, which the generated test
/// calls: without it, that test file does not compile). `tests/examples.rs` also checks that
/// this list and the files `examples/*.rs` are the same set.
macro_rules! seed_examples {
    ($then:ident) => {
        $then! {
            threading_simple,
            threading_simpleargs,
            threading_names,
            threading_names_log,
            threading_daemon,
            threading_daemon_join,
            threading_daemon_join_timeout,
            threading_enumerate,
            threading_subclass,
            threading_subclass_args,
            threading_timer,
            threading_event,
            threading_lock,
            threading_lock_noblock,
            threading_lock_reacquire,
            threading_rlock,
            threading_lock_with,
            threading_condition,
            threading_barrier,
            threading_barrier_abort,
            threading_semaphore,
            threading_local,
            threading_local_defaults,
            queue_fifo,
            queue_lifo,
            queue_priority,
            queue_worker_pool,
            futures_thread_pool_map,
            futures_thread_pool_submit,
            futures_as_completed,
            futures_future_exception,
            futures_shutdown,
        }
    };
}

/// The seed examples that cannot run in a build whose panics abort, each with the reason. They
/// stay in [`seed_examples!`] and run everywhere panics unwind: natively, and in the project's
/// wasm builds (wasmtime and the browser demo, the pinned nightly with `-Cpanic=unwind`). Where a
/// build aborts on panic (stable Rust's `wasm32-wasip1-threads`, `cargo xtask build wasi-examples
/// --panic abort`, run under the host and under stock wasmtime), `tests/examples.rs` sees it in
/// the module (no exception tag: nothing in it can unwind) and, for these examples only, does not
/// run them but says so on the terminal with the reason below; every other example still runs.
#[allow(dead_code)] // only tests/examples.rs reads it
const NEEDS_UNWINDING: &[(&str, &str)] = &[(
    "futures_future_exception",
    "its task panics, and the executor stores the panic in the task's future by catching it \
     (catch_unwind); where panics abort, the panic ends the worker thread (the project's host: \
     the future never completes) or the whole process (stock wasmtime: exit 134)",
)];
