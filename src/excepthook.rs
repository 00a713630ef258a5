//! Python's `threading.excepthook`, `threading.__excepthook__` and `ExceptHookArgs`
//! (behaviours H-01 to H-06, X-06).
//!
//! A panic that escapes a crate thread's `run` is caught and handed to the current hook; the
//! thread then stops normally, `join` returns `Ok`, and the process carries on. The crate
//! installs (once, on the first `Thread::start` or the first call of a hook set with
//! [`set_excepthook`] through [`excepthook`]) a panic hook that, for panics inside a crate
//! thread's `run` (or inside such a hook), records the message and location instead of
//! printing std's `thread '…' panicked at …` line; panics anywhere else go to the previous hook
//! unchanged.

use crate::thread::{get_ident, in_run, Thread, IN_RUN};
use std::any::Any;
use std::cell::RefCell;
use std::fmt;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Once, RwLock};

/// The arguments of the excepthook, as Python's `threading.ExceptHookArgs`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExceptHookArgs {
    /// The exception type: `"Panic"` for a Rust panic.
    pub exc_type: String,
    /// The exception value: the panic message.
    pub exc_value: Option<String>,
    /// Where it happened, one `  File "…", line N, column M` line (plus a backtrace when
    /// `RUST_BACKTRACE` asks for one).
    pub exc_traceback: Option<String>,
    /// The thread that raised, or `None`.
    pub thread: Option<Thread>,
}

impl ExceptHookArgs {
    /// Exactly what [`default_excepthook`] writes to stderr:
    ///
    /// ```text
    /// Exception in thread NAME:
    /// Traceback (most recent call last):
    ///   File "src/main.rs", line 7, column 9
    /// Panic: the message
    /// ```
    ///
    /// With `thread: None` the header names `get_ident()` instead (as Python does).
    ///
    /// ```
    /// use pythreading as threading;
    /// let args = threading::ExceptHookArgs {
    ///     exc_type: "ValueError".into(),
    ///     exc_value: Some("bug".into()),
    ///     exc_traceback: None,
    ///     thread: None,
    /// };
    /// assert_eq!(
    ///     args.render(),
    ///     format!("Exception in thread {}:\nValueError: bug\n", threading::get_ident())
    /// );
    /// ```
    pub fn render(&self) -> String {
        let who = match &self.thread {
            Some(t) => t.name(),
            None => get_ident().to_string(),
        };
        format!("Exception in thread {who}:\n{}", self.render_exception())
    }

    /// The traceback and the `Type: value` line (Python's `sys.excepthook` output).
    fn render_exception(&self) -> String {
        let mut s = String::new();
        if let Some(tb) = &self.exc_traceback {
            s.push_str("Traceback (most recent call last):\n");
            s.push_str(tb.trim_end_matches('\n'));
            s.push('\n');
        }
        match &self.exc_value {
            Some(v) if !v.is_empty() => s.push_str(&format!("{}: {v}\n", self.exc_type)),
            _ => s.push_str(&format!("{}\n", self.exc_type)),
        }
        s
    }

    /// Args for the panic that is unwinding (payload) or that aborted (payload `None`: the
    /// message recorded by the panic hook is used).
    pub(crate) fn from_panic(thread: Option<Thread>, payload: Option<&(dyn Any + Send)>) -> Self {
        let recorded = LAST_PANIC.with(|p| p.borrow_mut().take());
        let message = payload.and_then(payload_message);
        // The hook's record belongs to this panic only if the messages agree: a panic caught
        // earlier in the thread leaves a record, and `resume_unwind` makes none.
        let recorded = match (&message, recorded) {
            (Some(m), Some(r)) if *m != r.message => None,
            (_, r) => r,
        };
        let message = message.or_else(|| recorded.as_ref().map(|r| r.message.clone()));
        ExceptHookArgs {
            exc_type: "Panic".into(),
            exc_value: message,
            exc_traceback: recorded.and_then(|r| r.traceback),
            thread,
        }
    }
}

fn payload_message(p: &(dyn Any + Send)) -> Option<String> {
    p.downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| p.downcast_ref::<String>().cloned())
}

struct Recorded {
    message: String,
    traceback: Option<String>,
}

thread_local! {
    static LAST_PANIC: RefCell<Option<Recorded>> = const { RefCell::new(None) };
}

/// Installs the crate's panic hook once (see the module docs).
pub(crate) fn install_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !in_run() {
                return previous(info);
            }
            let message = payload_message(info.payload()).unwrap_or_else(|| "Box<dyn Any>".into());
            let mut traceback = info.location().map(|l| {
                format!(
                    "  File \"{}\", line {}, column {}",
                    l.file(),
                    l.line(),
                    l.column()
                )
            });
            let bt = std::backtrace::Backtrace::capture();
            if bt.status() == std::backtrace::BacktraceStatus::Captured {
                let t = traceback.get_or_insert_with(String::new);
                t.push_str(&format!("\n{bt}"));
            }
            let _ =
                LAST_PANIC.try_with(|p| *p.borrow_mut() = Some(Recorded { message, traceback }));
        }));
    });
}

type HookFn = Arc<dyn Fn(&ExceptHookArgs) + Send + Sync>;

static HOOK: RwLock<Option<HookFn>> = RwLock::new(None);

/// Replaces the excepthook (Python's `threading.excepthook = f`). Restore Python's behaviour
/// with `set_excepthook(default_excepthook)`.
///
/// ```
/// use pythreading as threading;
/// use std::sync::{Arc, Mutex};
/// let seen = Arc::new(Mutex::new(Vec::new()));
/// let s = seen.clone();
/// threading::set_excepthook(move |args| {
///     s.lock().unwrap().push((args.exc_type.clone(), args.exc_value.clone()));
/// });
/// let t = threading::Thread::new(|| panic!("run failed"));
/// t.start().unwrap();
/// t.join().unwrap(); // the panic does not reach join()
/// threading::set_excepthook(threading::default_excepthook);
/// assert_eq!(
///     seen.lock().unwrap()[0],
///     ("Panic".to_string(), Some("run failed".to_string()))
/// );
/// ```
pub fn set_excepthook(f: impl Fn(&ExceptHookArgs) + Send + Sync + 'static) {
    *HOOK.write().unwrap_or_else(|e| e.into_inner()) = Some(Arc::new(f));
}

/// Calls the current excepthook (Python's `threading.excepthook(args)`). If the hook itself
/// panics, `Exception in threading.excepthook:` is written to stderr followed by the hook's
/// own panic (Python then calls `sys.excepthook`).
pub fn excepthook(args: &ExceptHookArgs) {
    let hook = HOOK.read().unwrap_or_else(|e| e.into_inner()).clone();
    let Some(hook) = hook else {
        return default_excepthook(args);
    };
    install_panic_hook();
    let was_in_run = IN_RUN.with(|f| f.replace(true));
    let outcome = catch_unwind(AssertUnwindSafe(|| hook(args)));
    IN_RUN.with(|f| f.set(was_in_run));
    if let Err(payload) = outcome {
        report_hook_failure(Some(&*payload));
    }
}

/// Python's report of an excepthook that raised: a fixed first line, then the hook's own
/// exception as `sys.excepthook` prints it. `payload: None` when the hook's panic aborted (wasm)
/// and only the panic hook's record is left.
pub(crate) fn report_hook_failure(payload: Option<&(dyn Any + Send)>) {
    let failed = ExceptHookArgs::from_panic(None, payload);
    let text = format!(
        "Exception in threading.excepthook:\n{}",
        failed.render_exception()
    );
    crate::sys::write_stderr(&text);
}

/// Python's default hook (`threading.__excepthook__`): writes [`ExceptHookArgs::render`] to
/// stderr (in browsers, to `console.error`).
pub fn default_excepthook(args: &ExceptHookArgs) {
    crate::sys::write_stderr(&args.render());
}

impl fmt::Display for ExceptHookArgs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render())
    }
}
