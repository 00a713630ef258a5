//! JS `Thread` and the module functions `currentThread()`, `mainThread()`, `enumerate()`,
//! `activeCount()` and `getIdent()`.

use super::args::*;
use super::error::*;
use super::handles::*;
use super::waiting::*;
use js_sys::Promise;
use wasm_bindgen::prelude::*;

/// A `pythreading` thread (Python's `threading.Thread`), as seen from JS: threads are started
/// from Rust; JS can inspect and await them. Get one from `currentThread()`, `mainThread()`,
/// `enumerate()`, or from a Rust function returning `pythreading::js::Thread::from(t)`.
#[wasm_bindgen(js_name = Thread)]
pub struct JsThread(pub(super) crate::Thread);

impl Drop for JsThread {
    /// A JS thread freed unstarted (`free()`, or collected) takes its target and arguments
    /// with it, unless something else can still start it (`forget_if_unreachable`).
    fn drop(&mut self) {
        forget_if_unreachable(&self.0);
    }
}

#[wasm_bindgen(js_class = Thread)]
impl JsThread {
    /// The thread's name.
    #[wasm_bindgen(getter)]
    pub fn name(&self) -> String {
        self.0.name()
    }

    /// `get_ident()` inside the thread; undefined before it started.
    #[wasm_bindgen(getter)]
    pub fn ident(&self) -> Option<f64> {
        self.0.ident().map(|i| i as f64)
    }

    /// `get_native_id()` inside the thread; undefined before it started.
    #[wasm_bindgen(getter, js_name = nativeId)]
    pub fn native_id(&self) -> Option<f64> {
        self.0.native_id().map(|i| i as f64)
    }

    /// True from `start()` until the thread's activity ends.
    #[wasm_bindgen(js_name = isAlive)]
    pub fn is_alive(&self) -> bool {
        self.0.is_alive()
    }

    /// Whether it is a daemon thread (not waited for at shutdown).
    #[wasm_bindgen(getter)]
    pub fn daemon(&self) -> bool {
        self.0.is_daemon()
    }

    /// Python's `isDaemon()`.
    #[wasm_bindgen(js_name = isDaemon)]
    pub fn is_daemon(&self) -> bool {
        self.0.is_daemon()
    }

    /// `join(timeout?)`: waits until the thread ends (or `timeout` seconds; then check
    /// `isAlive()`). On the page's UI thread it throws `RuntimeError` unless the thread has
    /// ended: use `joinAsync` there.
    pub fn join(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "number | null")] timeout: JsValue,
    ) -> Result<(), JsValue> {
        match timeout_arg(&timeout)? {
            None => self.0.join(),
            Some(t) => self.0.join_timeout(t),
        }
        .map_err(py_err)
    }

    /// Resolves (with undefined, as Python's `join`) once the thread has ended, or after
    /// `timeout` seconds (then check `isAlive()`). Rejects with `RuntimeError` for a thread
    /// not started, or the calling thread itself.
    #[wasm_bindgen(js_name = joinAsync, unchecked_return_type = "Promise<void>")]
    pub fn join_async(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "number | null")] timeout: JsValue,
    ) -> Promise {
        let t = match timeout_arg(&timeout).and_then(wait_timeout) {
            Ok(t) => t,
            Err(e) => return reject(e),
        };
        let th = self.0.clone();
        if let Err(e) = th.join_step() {
            return reject(py_err(e));
        }
        promise(async move {
            let mut err = None;
            let step = || match th.join_step() {
                Ok(s) => poll(s),
                Err(e) => {
                    err = Some(e);
                    Poll::Done(())
                }
            };
            drive(step, t).await;
            match err {
                Some(e) => Err(py_err(e)),
                None => Ok(JsValue::UNDEFINED),
            }
        })
    }
}

/// Python's `threading.current_thread()`.
#[wasm_bindgen(js_name = currentThread)]
pub fn current_thread() -> JsThread {
    JsThread(crate::current_thread())
}

/// Python's `threading.main_thread()`: the first thread outside the pool that asked (the
/// page, or the worker that runs the program).
#[wasm_bindgen(js_name = mainThread)]
pub fn main_thread() -> JsThread {
    JsThread(crate::main_thread())
}

/// Python's `threading.enumerate()`: every thread alive.
#[wasm_bindgen(js_name = enumerate)]
pub fn enumerate() -> Vec<JsThread> {
    crate::enumerate().into_iter().map(JsThread).collect()
}

/// Python's `threading.active_count()`.
#[wasm_bindgen(js_name = activeCount)]
pub fn active_count() -> u32 {
    crate::active_count() as u32
}

/// Python's `threading.get_ident()` for the calling thread.
#[wasm_bindgen(js_name = getIdent)]
pub fn get_ident() -> f64 {
    crate::get_ident() as f64
}

transferable!(JsThread, crate::Thread, Thread);

// ---- JS threads: `new Thread({ target, export, args, name, daemon })` -------------------------

#[wasm_bindgen(module = "/src/js/exports.js")]
extern "C" {
    #[wasm_bindgen(js_name = postJob, catch)]
    fn post_job(
        channel: &str,
        id: u32,
        target: &str,
        export: &str,
        args: &JsValue,
    ) -> Result<(), JsValue>;
    #[wasm_bindgen(js_name = cancelJob)]
    pub(super) fn cancel_job(channel: &str, id: u32);
    #[wasm_bindgen(js_name = heldJobs)]
    fn held_jobs(channel: &str) -> Promise;
    #[wasm_bindgen(js_name = moduleUrl)]
    fn module_url(target: &JsValue) -> JsValue;
    #[wasm_bindgen(js_name = runJob)]
    fn run_job(id: u32, rebuild: JsValue, done: JsValue);
}

/// A JS thread not started yet: what `start()` publishes for the pool worker that runs it.
struct Pending {
    id: u32,
    target: String,
    export: String,
    args: JsValue,
    /// A JS `Timer`'s job state (`JobGate`), `None` for a `Thread`.
    gate: Option<JobGate>,
}

thread_local! {
    /// The JS threads made on this thread and not yet started, by thread (their arguments are
    /// JS values of this thread, so they stay here until `start()` sends them, or until the
    /// last object that could start the thread is freed).
    static PENDING: std::cell::RefCell<std::collections::HashMap<crate::Thread, Pending>> =
        std::cell::RefCell::new(std::collections::HashMap::new());
}

/// The JS threads not started yet, made on any thread: the addresses of their shared state
/// (`Arc::as_ptr`). A thread's entry is here exactly while it is in its creator's `PENDING`,
/// whose key keeps the state alive, so an address here never names a freed (or reused)
/// allocation. `start()` on any other thread finds the thread here and refuses: the target and
/// arguments are JS values of the creator, which only it can send.
static UNSTARTED: std::sync::Mutex<std::collections::BTreeSet<usize>> =
    std::sync::Mutex::new(std::collections::BTreeSet::new());

/// `UNSTARTED`, without ever blocking (the UI thread cannot `Atomics.wait`): the critical
/// sections are a few instructions.
fn unstarted() -> std::sync::MutexGuard<'static, std::collections::BTreeSet<usize>> {
    use std::sync::TryLockError;
    loop {
        match UNSTARTED.try_lock() {
            Ok(g) => return g,
            Err(TryLockError::Poisoned(p)) => return p.into_inner(),
            Err(TryLockError::WouldBlock) => core::hint::spin_loop(),
        }
    }
}

fn address(t: &crate::Thread) -> usize {
    std::sync::Arc::as_ptr(&t.inner) as *const () as usize
}

/// Drops the target and arguments of an unstarted JS thread made on this thread once nothing
/// but the entry itself and the object being freed holds the thread (the strong count is 2):
/// no JS object, handle (`handle()`), `Timer` or Rust code can start it any more. Called by
/// the `Drop` of `Thread` and `Timer` (for a `Timer`, its thread is the one counted).
pub(super) fn forget_if_unreachable(t: &crate::Thread) {
    // `try_with`: never during this thread's TLS teardown.
    let _ = PENDING.try_with(|p| {
        let Ok(mut p) = p.try_borrow_mut() else {
            return;
        };
        if p.contains_key(t) && std::sync::Arc::strong_count(&t.inner) == 2 {
            unstarted().remove(&address(t));
            p.remove(t);
        }
    });
}

/// A JS `Timer`'s job, between `start()` and its function: whether the job was posted to the
/// spawner (which keeps it until the pool worker that runs the function asks for it), ran, or
/// was cancelled. The one who moves it out of `POSTED` owns the message: the function (it asks
/// for it) or `cancel()` (it withdraws it), never both.
pub(super) type JobGate = std::sync::Arc<std::sync::atomic::AtomicU8>;
/// Not posted (the timer not started).
pub(super) const UNPOSTED: u8 = 0;
/// Posted, the function not run.
pub(super) const POSTED: u8 = 1;
/// The function runs (or ran).
pub(super) const RAN: u8 = 2;
/// Cancelled: the function will not run (and the job, if posted, was withdrawn).
pub(super) const CANCELLED: u8 = 3;

/// Debugging aid (also what the tests of the two leaks above read): how many unstarted JS
/// threads (and timers) this thread keeps the target and arguments of.
#[doc(hidden)]
#[wasm_bindgen(js_name = __pythreadingUnstartedJsThreads)]
pub fn unstarted_js_threads() -> u32 {
    PENDING.with(|p| p.borrow().len() as u32)
}

/// Debugging aid: resolves with how many started JS threads' jobs the spawner keeps, not yet
/// taken by their pool worker (0 when every started JS thread has begun and no cancelled
/// timer left its job behind). Needs the pool (else resolves with 0).
#[doc(hidden)]
#[wasm_bindgen(js_name = __pythreadingHeldJsJobs, unchecked_return_type = "Promise<number>")]
pub fn held_js_jobs() -> Promise {
    if !crate::sys::pool_ready() {
        return Promise::resolve(&JsValue::from(0));
    }
    held_jobs(&crate::sys::js_channel())
}

/// A field of the options object (`undefined` if missing).
pub(super) fn field(o: &JsValue, k: &str) -> JsValue {
    js_sys::Reflect::get(o, &k.into()).unwrap_or(JsValue::UNDEFINED)
}

/// The optional field `k` of `o`: `None` when omitted (undefined or null), else what `get`
/// reads from it, or a `TypeError` saying it must be `what` (e.g. "a string").
pub(super) fn opt_field<T>(
    o: &JsValue,
    k: &str,
    what: &str,
    get: impl FnOnce(&JsValue) -> Option<T>,
) -> Result<Option<T>, JsValue> {
    let v = field(o, k);
    if omitted(&v) {
        return Ok(None);
    }
    get(&v)
        .map(Some)
        .ok_or_else(|| type_err(format!("{k} must be {what}, not {}", type_name(&v))))
}

/// The object that `rebuild(class, handle)` gives for a tagged argument: `X.fromHandle`.
pub(super) fn rebuild(class: String, handle: u32) -> Result<JsValue, JsValue> {
    use super::{barrier::*, bounded_semaphore::*, condition::*, event::*, lock::*, rlock::*};
    use super::{future::*, queue::*, semaphore::*};
    match class.as_str() {
        "Lock" => JsLock::from_handle(handle).map(Into::into),
        "RLock" => JsRLock::from_handle(handle).map(Into::into),
        "Condition" => JsCondition::from_handle(handle).map(Into::into),
        "Semaphore" => JsSemaphore::from_handle(handle).map(Into::into),
        "BoundedSemaphore" => JsBoundedSemaphore::from_handle(handle).map(Into::into),
        "Event" => JsEvent::from_handle(handle).map(Into::into),
        "Barrier" => JsBarrier::from_handle(handle).map(Into::into),
        "Thread" => JsThread::from_handle(handle).map(Into::into),
        "Queue" => JsQueue::from_handle(handle).map(Into::into),
        "Future" => JsFuture::from_handle(handle).map(Into::into),
        other => Err(py_err(crate::Error::Value(format!(
            "{other} is not a class of pythreading"
        )))),
    }
}

/// What escaped a JS thread's target, for the excepthook: the error's `name`, `message` and
/// `stack` (or the thrown value, for a non-Error).
pub(super) fn thrown_args(e: &JsValue) -> crate::ExceptHookArgs {
    let text = |k: &str| field(e, k).as_string();
    let (exc_type, exc_value) = match (text("name"), text("message")) {
        (Some(n), m) if e.is_object() => (n, m),
        _ => (
            "Error".to_string(),
            e.as_string()
                .or_else(|| js_sys::JSON::stringify(e).ok().and_then(|s| s.as_string())),
        ),
    };
    crate::ExceptHookArgs {
        exc_type,
        exc_value,
        exc_traceback: text("stack"),
        thread: None,
    }
}

/// The target closure of a JS thread (or a JS `Timer`'s function), run on the pool worker:
/// it hands over to JS (`runJob`), and the thread ends when the export's promise settles.
pub(super) fn js_job(id: u32, gate: Option<JobGate>) -> impl FnOnce() + Send + 'static {
    use std::sync::atomic::Ordering::{AcqRel, Acquire};
    move || {
        // AcqRel/Acquire: the gate only decides who owns the posted job (see `JobGate`); the
        // job itself travels by message, so no other memory is published through it.
        if let Some(g) = gate {
            if g.compare_exchange(POSTED, RAN, AcqRel, Acquire).is_err() {
                return; // cancelled (the job withdrawn, or never posted)
            }
        }
        crate::thread::defer_finish();
        crate::sys::defer_to_js();
        let rebuild = Closure::<dyn FnMut(String, u32) -> Result<JsValue, JsValue>>::new(rebuild)
            .into_js_value();
        let done = Closure::once_into_js(move |e: JsValue| {
            let exception = (!e.is_null()).then(|| thrown_args(&e));
            crate::thread::finish_deferred(exception);
        });
        run_job(id, rebuild, done);
    }
}

/// The parts of `{ target, export, args }` (also a JS `Timer`'s function), checked.
pub(super) fn job_options(options: &JsValue, call: &str) -> Result<(String, String, JsValue), JsValue> {
    let target = field(options, "target");
    required(&target, call, "target")?;
    let url = target_url(&target)?;
    let export = opt_field(options, "export", "a string", JsValue::as_string)?
        .unwrap_or_else(|| "default".to_string());
    let args = field(options, "args");
    let args = if omitted(&args) {
        js_sys::Array::new().into()
    } else if js_sys::Array::is_array(&args) {
        args
    } else {
        return Err(type_err(format!(
            "args must be an array, not {}",
            type_name(&args)
        )));
    };
    Ok((url, export, args))
}

/// A job's module URL, absolute: `TypeError` for what is neither a string nor a `URL`,
/// `ValueError` for a string that is not a URL.
fn target_url(target: &JsValue) -> Result<String, JsValue> {
    let url = module_url(target);
    match url.as_string() {
        Some(u) => Ok(u),
        None if url.is_null() => Err(type_err(format!(
            "target must be a module URL (a string or a URL), not {}",
            type_name(target)
        ))),
        None => Err(py_err(crate::Error::Value(format!(
            "target is not a valid URL: {}",
            target.as_string().unwrap_or_default()
        )))),
    }
}

/// A task's target for `submit(target, ...args)`: a module URL (its default export), or
/// `{ target, export }`.
pub(super) fn task_target(target: &JsValue) -> Result<(String, String), JsValue> {
    required(target, "submit", "target")?;
    let is_url = target.as_string().is_some() || !module_url(target).is_null();
    if is_url || !target.is_object() {
        return Ok((target_url(target)?, "default".to_string()));
    }
    let url = field(target, "target");
    required(&url, "submit", "target.target")?;
    let export = opt_field(target, "export", "a string", JsValue::as_string)?
        .unwrap_or_else(|| "default".to_string());
    Ok((target_url(&url)?, export))
}

/// Publishes a job (a JS thread's, a Timer's or an executor task's) on this module
/// instance's channel: `Err` (a `DataCloneError`, or the `TypeError` of an argument that
/// cannot travel) with nothing sent.
pub(super) fn post(id: u32, target: &str, export: &str, args: &JsValue) -> Result<(), JsValue> {
    post_job(&crate::sys::js_channel(), id, target, export, args)
}

/// A fresh id for a JS thread's job.
pub(super) fn next_job_id() -> u32 {
    use std::sync::atomic::{AtomicU32, Ordering::Relaxed};
    static NEXT: AtomicU32 = AtomicU32::new(0);
    // Relaxed: only uniqueness matters.
    NEXT.fetch_add(1, Relaxed) + 1
}

/// Publishes the job of a JS thread made on this thread (if `t` is one), then starts `t`. A
/// JS thread made on another thread is refused (`RuntimeError`, `t` left unstarted): its job
/// is that thread's to send, and a pool worker taking `t` would wait for it forever.
pub(super) fn start_js(t: &crate::Thread) -> Result<(), JsValue> {
    use std::sync::atomic::Ordering::{Relaxed, Release};
    let pending = PENDING.with(|p| p.borrow_mut().remove(t));
    let Some(p) = pending else {
        if unstarted().contains(&address(t)) {
            return Err(py_err(crate::Error::Runtime(format!(
                "{} is a JS thread made on another thread: only the thread that made it can \
                 start it (its target and args are that thread's JS values)",
                t.name()
            ))));
        }
        return t.start().map_err(py_err);
    };
    let keep = |p: Pending| PENDING.with(|m| m.borrow_mut().insert(t.clone(), p));
    if t.ident().is_some() {
        keep(p);
        return t.start().map_err(py_err); // "threads can only be started once"
    }
    if !crate::sys::pool_ready() {
        keep(p);
        return Err(py_err(crate::Error::Runtime(
            "a JS thread needs the thread pool running: await initThreads(n) first".into(),
        )));
    }
    super::dispose::ensure();
    // A timer cancelled before `start()`: its thread starts and ends without running the
    // function, so the job is not posted (nobody would take it).
    // Relaxed: the gate changes only on this thread before the job is posted.
    let post = p.gate.as_ref().is_none_or(|g| g.load(Relaxed) != CANCELLED);
    let channel = crate::sys::js_channel();
    if post {
        if let Err(e) = post_job(&channel, p.id, &p.target, &p.export, &p.args) {
            keep(p);
            return Err(e);
        }
        if let Some(g) = &p.gate {
            // Release: before the thread starts, so its function sees POSTED.
            g.store(POSTED, Release);
        }
    }
    match t.start() {
        Ok(()) => {
            unstarted().remove(&address(t));
            Ok(())
        }
        Err(e) => {
            if post {
                cancel_job(&channel, p.id);
                if let Some(g) = &p.gate {
                    g.store(UNPOSTED, Relaxed);
                }
            }
            keep(p);
            Err(py_err(e))
        }
    }
}

/// Registers a JS thread's job for `start()`.
pub(super) fn pending(
    t: &crate::Thread,
    id: u32,
    target: String,
    export: String,
    args: JsValue,
    gate: Option<JobGate>,
) {
    unstarted().insert(address(t));
    PENDING.with(|p| {
        p.borrow_mut().insert(
            t.clone(),
            Pending {
                id,
                target,
                export,
                args,
                gate,
            },
        )
    });
}

#[wasm_bindgen(js_class = Thread)]
impl JsThread {
    /// `new Thread({ target, export, args, name, daemon })`: a thread that imports the module
    /// `target` (a URL, or a string resolved against this thread's location; under a bundler,
    /// `new URL('./t.js', import.meta.url)`) on a pool worker and calls its export `export`
    /// (default `'default'`) with `args` (an array, structured-cloned at `start()`; the
    /// library's objects among them, `Lock`, `Event`, ..., arrive as objects on the same
    /// state). The thread ends when the function returns, or when the promise it returns
    /// settles; a throw (or a rejection) goes to the excepthook. `TypeError` for a missing or
    /// wrong-typed option.
    ///
    /// ```js
    /// // worker-task.js: export default function (lock, n) { lock.acquire(); ...; lock.release(); }
    /// const t = new Thread({ target: new URL('./worker-task.js', import.meta.url), args: [lock, 5] });
    /// t.start();
    /// await t.joinAsync();
    /// ```
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(
            unchecked_param_type = "{ target: string | URL, export?: string, args?: unknown[], name?: string, daemon?: boolean }"
        )]
        options: JsValue,
    ) -> Result<JsThread, JsValue> {
        required(&options, "Thread", "options")?;
        if !options.is_object() {
            return Err(type_err(format!(
                "Thread options must be an object, not {}",
                type_name(&options)
            )));
        }
        let (target, export, args) = job_options(&options, "Thread")?;
        let name = opt_field(&options, "name", "a string", JsValue::as_string)?;
        let daemon = opt_field(&options, "daemon", "a boolean", JsValue::as_bool)?;
        let id = next_job_id();
        let mut b = crate::Thread::builder().target(js_job(id, None));
        if let Some(n) = name {
            b = b.name(n);
        }
        if let Some(d) = daemon {
            b = b.daemon(d);
        }
        let t = b.build();
        pending(&t, id, target, export, args, None);
        Ok(JsThread(t))
    }

    /// Starts the thread (once: again is `RuntimeError`). A JS thread needs the pool running
    /// (`await initThreads(n)` first, else `RuntimeError`), and its arguments must be
    /// structured-cloneable (else the `DataCloneError`, and it is not started). Only the
    /// thread that made a JS thread can start it (`RuntimeError` elsewhere, e.g. on a worker
    /// that got it among a thread's arguments or by `fromHandle`; it stays unstarted).
    pub fn start(&self) -> Result<(), JsValue> {
        start_js(&self.0)
    }
}
