//! JS `ThreadPoolExecutor`: Python's `concurrent.futures.ThreadPoolExecutor` (behaviours
//! CF-10 to CF-32 as `src/futures/thread_pool_executor.rs` has them) for JS tasks: a task is a
//! JS module's export, run on a pool worker as a JS thread's target is (`thread.rs`), and
//! `submit` returns its [`Future`](super::future::JsFuture).
//!
//! It is the crate's executor, with its own worker body: the submit/idle/sentinel algorithm,
//! the names (`ThreadPoolExecutor-N_M`, or the prefix), `shutdown(wait, cancelFutures)` and the
//! workers in `enumerate()` are the Rust side's. A worker thread hands over to a JS loop
//! (`runExecutor` in `exports.js`): Rust's `take` blocks until the next task and gives its job
//! id, JS imports the module and calls the export with the arguments (broadcast at `submit()`,
//! kept by the spawner like a JS thread's), awaits what it returns, and `settle` completes the
//! Future. A task that throws fails its Future; the excepthook is not called and the worker
//! goes on, as in Python.
//!
//! `[Symbol.dispose]` is `shutdown()` (Python's `with`), not wasm-bindgen's `free()`: the
//! executor object stays usable (a `submit` after it is Python's `RuntimeError`), and freeing it
//! (or its collection) never waits for the workers.
//!
//! Left out: `initializer` (a JS function cannot travel to the workers; a task can do its own
//! set-up), `map` (`Promise.all(xs.map((x) => ex.submit(t, x).resultAsync()))` is the JS
//! spelling), and `handle()`: an executor stays on the thread that made it (its Futures
//! travel).

use super::args::*;
use super::error::*;
use super::future::{JsFuture, Outcome};
use super::thread::{
    cancel_job, field, next_job_id, opt_field, post, rebuild, task_target, thrown_args, JsThread,
};
use super::waiting::*;
use crate::futures::{Future, ThreadPoolExecutor, ThreadPoolExecutorBuilder};
use crate::futures::{Work, Worker};
use crate::Error;
use js_sys::Promise;
use std::cell::{Cell, RefCell};
use std::panic::AssertUnwindSafe;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/src/js/exports.js")]
extern "C" {
    #[wasm_bindgen(js_name = runExecutor)]
    fn run_executor(take: JsValue, rebuild: JsValue, settle: JsValue, done: JsValue);
}

/// A queued JS task: its job id (the broadcast target and arguments) and its Future.
struct JsTask {
    id: u32,
    future: Future<Outcome>,
}

thread_local! {
    /// The task that `JsTask::run` just started on this worker, for `take` to hand to JS:
    /// its id, and its Future, `None` if the task was cancelled first.
    static TAKEN: Cell<Option<(u32, Option<Future<Outcome>>)>> = const { Cell::new(None) };
}

impl Work for JsTask {
    /// Marks the task running (Python's `_WorkItem.run`) and leaves it for the JS loop.
    fn run(self: Box<Self>) {
        let running = matches!(self.future.set_running_or_notify_cancel(), Ok(true));
        TAKEN.set(Some((self.id, running.then_some(self.future))));
    }

    /// Cancels the task (`shutdown(cancelFutures)`) or fails it (a broken pool), and withdraws
    /// its job from the spawner.
    fn abort(self: Box<Self>, e: Option<Error>) {
        self.future.abort(e);
        cancel_job(&crate::sys::js_channel(), self.id);
    }
}

/// A worker thread's body: hands over to the JS loop (see the module docs), which calls back
/// `take` and `settle`, and `done` at the end.
fn js_worker(w: Worker) {
    crate::thread::defer_finish();
    crate::sys::defer_to_js();
    // AssertUnwindSafe (wasm-bindgen's closures ask for unwind safety with panic=unwind): the
    // pool's queue and the futures keep their invariants across a panic, as the exported
    // types do (see `JsBarrier`'s note), and the running task is a plain slot.
    let w = AssertUnwindSafe(w);
    let current = AssertUnwindSafe(std::rc::Rc::new(RefCell::new(None::<Future<Outcome>>)));
    let running = AssertUnwindSafe(current.0.clone());
    let channel = crate::sys::js_channel();
    let take = Closure::<dyn FnMut() -> u32>::new(move || loop {
        let Some(item) = w.next() else {
            return 0;
        };
        item.run();
        match TAKEN.take() {
            Some((id, Some(f))) => {
                *running.borrow_mut() = Some(f);
                return id;
            }
            // Cancelled while queued: nobody will run it, so its job is withdrawn.
            Some((id, None)) => cancel_job(&channel, id),
            None => {}
        }
    })
    .into_js_value();
    let settle = Closure::<dyn FnMut(bool, JsValue)>::new(move |ok: bool, v: JsValue| {
        let outcome = if ok {
            Outcome::returned(&v)
        } else {
            Outcome::thrown(&v)
        };
        if let Some(f) = current.borrow_mut().take() {
            let _ = f.set_result(outcome);
        }
    })
    .into_js_value();
    let rebuild = Closure::<dyn FnMut(String, u32) -> Result<JsValue, JsValue>>::new(rebuild)
        .into_js_value();
    let done = Closure::once_into_js(move |e: JsValue| {
        let exception = (!e.is_null()).then(|| thrown_args(&e));
        crate::thread::finish_deferred(exception);
    });
    run_executor(take, rebuild, settle, done);
}

/// Python's `concurrent.futures.ThreadPoolExecutor`, for JS tasks (see the module docs).
/// `using ex = new ThreadPoolExecutor()` is Python's `with` (`[Symbol.dispose]` is
/// `shutdown()`, waiting, so in a worker); `await using` waits without blocking (`shutdownAsync`).
///
/// ```js
/// // Python:
/// //   with ThreadPoolExecutor(max_workers=2) as ex:
/// //       print(ex.submit(pow, 2, 10).result())
/// const ex = new ThreadPoolExecutor({ maxWorkers: 2 });
/// const f = ex.submit({ target: new URL('./math.js', import.meta.url), export: 'pow' }, 2, 10);
/// console.log(await f.resultAsync()); // 1024
/// await ex.shutdownAsync();
/// ```
#[wasm_bindgen(js_name = ThreadPoolExecutor)]
pub struct JsThreadPoolExecutor(pub(super) ThreadPoolExecutor);

// Unwind-safe as the JS `Queue` is: the executor's state changes under its lock.
impl std::panic::UnwindSafe for JsThreadPoolExecutor {}
impl std::panic::RefUnwindSafe for JsThreadPoolExecutor {}

#[wasm_bindgen(js_class = ThreadPoolExecutor)]
impl JsThreadPoolExecutor {
    /// `new ThreadPoolExecutor({ maxWorkers, threadNamePrefix })`, both optional: at most
    /// `maxWorkers` worker threads (default Python's `min(32, cpu_count + 4)`; below 1 is
    /// `ValueError`), named `PREFIX_0`, `PREFIX_1`, ... (default prefix
    /// `ThreadPoolExecutor-N`). `TypeError` for an option of the wrong type.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(
            unchecked_optional_param_type = "{ maxWorkers?: number, threadNamePrefix?: string }"
        )]
        options: JsValue,
    ) -> Result<JsThreadPoolExecutor, JsValue> {
        let mut b = ThreadPoolExecutor::builder().runner(js_worker);
        if !omitted(&options) {
            if !options.is_object() {
                return Err(type_err(format!(
                    "ThreadPoolExecutor options must be an object, not {}",
                    type_name(&options)
                )));
            }
            b = builder_options(b, &options)?;
        }
        let mut ex = b.build().map_err(py_err)?;
        // Freed by JS (or collected) on any thread: never wait there.
        ex.set_wait_on_drop(false);
        super::dispose::ensure();
        Ok(JsThreadPoolExecutor(ex))
    }

    /// The JS side's `submit(target, ...args)` (`executorMethods` in `exports.js`).
    #[wasm_bindgen(js_name = __submit, skip_typescript)]
    pub fn submit(&self, target: JsValue, args: JsValue) -> Result<JsFuture, JsValue> {
        let (url, export) = task_target(&target)?;
        if !crate::sys::pool_ready() {
            return Err(py_err(Error::Runtime(
                "a JS executor needs the thread pool running: await initThreads(n) first".into(),
            )));
        }
        let id = next_job_id();
        let future = Future::new();
        post(id, &url, &export, &args)?;
        let task = Box::new(JsTask {
            id,
            future: future.clone(),
        });
        if let Err(e) = self.0.submit_work(task) {
            cancel_job(&crate::sys::js_channel(), id);
            return Err(py_err(e));
        }
        Ok(JsFuture(future))
    }

    /// Python's `_max_workers`.
    #[wasm_bindgen(getter, js_name = maxWorkers)]
    pub fn max_workers(&self) -> usize {
        self.0.max_workers()
    }

    /// The worker threads started so far.
    pub fn threads(&self) -> Vec<JsThread> {
        self.0.threads().into_iter().map(JsThread).collect()
    }

    /// `shutdown(wait = true, cancelFutures = false)`: no new tasks; with `cancelFutures` the
    /// queued ones are cancelled; the workers end once the queue is drained; with `wait`,
    /// returns when they have. On the page's UI thread `wait` throws `RuntimeError` (before
    /// anything changes) unless the workers have ended: use `shutdownAsync` there. Calling it
    /// again is harmless.
    pub fn shutdown(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "boolean")] wait: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "boolean", js_name = cancelFutures)]
        cancel_futures: JsValue,
    ) -> Result<(), JsValue> {
        let wait = opt_bool(&wait, "wait", true)?;
        let cancel = opt_bool(&cancel_futures, "cancelFutures", false)?;
        let busy = || self.0.threads().iter().any(crate::Thread::is_alive);
        if wait && !crate::sys::can_block() && busy() {
            return Err(py_err(Error::Runtime(
                "shutdown(wait=true) would block the page's UI thread: use shutdownAsync() \
                 there (or shutdown(false))"
                    .into(),
            )));
        }
        self.0.shutdown(wait, cancel);
        Ok(())
    }

    /// Resolves once the executor is shut down (as `shutdown(false, cancelFutures)`) and its
    /// workers have ended. Never blocks: any thread.
    #[wasm_bindgen(js_name = shutdownAsync, unchecked_return_type = "Promise<void>")]
    pub fn shutdown_async(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "boolean", js_name = cancelFutures)]
        cancel_futures: JsValue,
    ) -> Promise {
        let cancel = match opt_bool(&cancel_futures, "cancelFutures", false) {
            Ok(c) => c,
            Err(e) => return reject(e),
        };
        self.0.shutdown(false, cancel);
        let threads = self.0.threads();
        promise(async move {
            for t in threads {
                let _ = drive(|| t.join_step().map_or(Poll::Done(()), poll), None).await;
            }
            Ok(JsValue::UNDEFINED)
        })
    }
}

/// `maxWorkers` and `threadNamePrefix`, checked.
fn builder_options(
    mut b: ThreadPoolExecutorBuilder,
    o: &JsValue,
) -> Result<ThreadPoolExecutorBuilder, JsValue> {
    let n = field(o, "maxWorkers");
    if !omitted(&n) {
        b = b.max_workers(count(&n, &MAX_WORKERS)?);
    }
    if let Some(prefix) = opt_field(o, "threadNamePrefix", "a string", JsValue::as_string)? {
        b = b.thread_name_prefix(prefix);
    }
    Ok(b)
}

#[wasm_bindgen(typescript_custom_section)]
const SUBMIT: &str = r#"
export interface ThreadPoolExecutor {
  /**
   * `submit(target, ...args)`: runs the default export of the module `target` (a URL, or a
   * string resolved against this thread's location), or `{ target, export }`'s named export,
   * with `args` on a worker thread, and returns its Future. The arguments are
   * structured-cloned; the library's objects among them arrive as objects on the same state.
   * `RuntimeError` after `shutdown()` or before `initThreads(n)`.
   */
  submit(target: string | URL | { target: string | URL, export?: string }, ...args: unknown[]): Future;
  /** `await using ex = new ThreadPoolExecutor()`: `shutdownAsync()` at the end of the block. */
  [Symbol.asyncDispose](): Promise<void>;
}
"#;
