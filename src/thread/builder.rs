//! How a `Thread` is made: Python's `Thread(target=..., name=..., daemon=...)` keyword
//! arguments ([`Builder`]), the subclass pattern ([`Run`]) and the default names (`Thread-N`,
//! `Thread-N (target)`, behaviours T-02, T-03).

use super::{current_thread, Kind, Thread};
use std::sync::atomic::{AtomicU64 as StdAtomicU64, Ordering::Relaxed};

/// What a thread runs: Python's "subclass `Thread` and override `run()`".
///
/// ```
/// use pythreading as threading;
///
/// // Python:
/// //   class MyThread(threading.Thread):
/// //       def run(self):
/// //           print('running')
/// struct MyThread {
///     count: usize,
/// }
/// impl threading::Run for MyThread {
///     fn run(&mut self) {
///         self.count += 1;
///         println!("running {}", self.count);
///     }
/// }
/// let t = threading::Thread::from_run(MyThread { count: 0 });
/// assert!(format!("{t:?}").starts_with("<MyThread(Thread-"));
/// t.start().unwrap();
/// t.join().unwrap();
/// ```
pub trait Run: Send + 'static {
    /// The thread's activity.
    fn run(&mut self);
}

struct FnRun<F>(Option<F>);

impl<F: FnOnce() + Send + 'static> Run for FnRun<F> {
    fn run(&mut self) {
        if let Some(f) = self.0.take() {
            f()
        }
    }
}

/// Python's keyword arguments of `Thread(...)`: `name`, `daemon`, `target`, or a [`Run`] value
/// for the subclass pattern.
#[must_use = "call build() to get the Thread"]
pub struct Builder {
    name: Option<String>,
    daemon: Option<bool>,
    target: Option<Box<dyn Run>>,
    target_name: Option<String>,
    class: String,
}

/// The name of a fn item or a type, from `std::any::type_name`: the last path segment, with
/// generic arguments (`<...>` groups, which also hold `<T as Trait>` qualifications) removed.
/// `None` for what has no name in Python's sense: closures, fn pointers, boxed or borrowed
/// callables, tuples, slices.
fn short_name(full: &str) -> Option<String> {
    let unnamed = [
        "fn(",
        "&",
        "*",
        "dyn ",
        "(",
        "[",
        "alloc::boxed::Box<",
        "alloc::sync::Arc<",
    ];
    if full.contains("{{closure}}")
        || full.contains("fn(")
        || unnamed.iter().any(|p| full.starts_with(p))
    {
        return None;
    }
    let mut depth = 0usize;
    let mut path = String::with_capacity(full.len());
    for c in full.chars() {
        match c {
            '<' => depth += 1,
            '>' => depth = depth.saturating_sub(1),
            _ if depth == 0 => path.push(c),
            _ => {}
        }
    }
    let last = path.rsplit("::").next().unwrap_or("").trim();
    (!last.is_empty()).then(|| last.to_owned())
}

static NAME_COUNTER: StdAtomicU64 = StdAtomicU64::new(1);

pub(super) fn new_name(template: &str) -> String {
    // Relaxed: only uniqueness of the number matters.
    format!("{template}-{}", NAME_COUNTER.fetch_add(1, Relaxed))
}

impl Builder {
    pub(super) fn new() -> Builder {
        Builder {
            name: None,
            daemon: None,
            target: None,
            target_name: None,
            class: "Thread".into(),
        }
    }

    /// The thread's name; empty means unnamed (Python: `Thread-N`, or `Thread-N (func)` when
    /// the target is a named function).
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Whether the thread is a daemon (default: inherited from the creating thread).
    pub fn daemon(mut self, daemon: bool) -> Self {
        self.daemon = Some(daemon);
        self
    }

    /// The callable run by `run()` (Python's `target=`; arguments are captured by the closure).
    pub fn target<F: FnOnce() + Send + 'static>(mut self, f: F) -> Self {
        self.target_name = short_name(std::any::type_name::<F>());
        self.target = Some(Box::new(FnRun(Some(f))));
        self
    }

    /// A [`Run`] value whose `run` is the thread's activity (Python's subclass pattern); the
    /// type's name becomes the repr's class name.
    pub fn run<R: Run>(mut self, r: R) -> Self {
        self.class = short_name(std::any::type_name::<R>()).unwrap_or_else(|| "Thread".into());
        self.target = Some(Box::new(r));
        self.target_name = None;
        self
    }

    pub(crate) fn class(mut self, class: &str) -> Self {
        self.class = class.into();
        self
    }

    /// Creates the thread (not started).
    pub fn build(self) -> Thread {
        let name = match self.name {
            Some(n) if !n.is_empty() => n,
            _ => match self.target_name {
                Some(t) => format!("{} ({t})", new_name("Thread")),
                None => new_name("Thread"),
            },
        };
        let daemon = self.daemon.unwrap_or_else(|| current_thread().is_daemon());
        Thread::make(Kind::Normal, &self.class, name, daemon, 0, 0, self.target)
    }
}

impl Thread {
    pub(crate) fn timer_builder() -> Builder {
        Builder::new().class("Timer")
    }
}
