//! `setExcepthook(fn)`: Python's `threading.excepthook` for JS
//! (behaviours H-01 to H-06 as the Rust side has them, with one difference below).
//!
//! `fn({ excType, excValue, excTraceback, thread })` is called for every exception that
//! escapes a thread's target: a Rust panic (`excType` `"Panic"`) or a JS throw in a JS thread's
//! target (`excType` the error's `name`, `excValue` its `message`, `excTraceback` its
//! `stack`). `setExcepthook(null)` (or `undefined`) restores the default hook, which writes
//! `Exception in thread NAME:` and the error with `console.error`.
//!
//! A JS function lives on the thread that made it, and the thread that failed is another one
//! (a pool worker): so the hook runs on the thread that called `setExcepthook`, which must
//! return to its event loop for it (the page does; a worker that blocks in `join()` does not).
//! The failing thread hands over the arguments and waits until the hook has run, at most
//! [`HANDOVER`], before it ends: on a thread that awaits `joinAsync()`, the hook has run when
//! the join resolves, as in Python. The last thread to call `setExcepthook` owns the hook.
//! A hook that throws is reported as Python does (`Exception in threading.excepthook:`).

use super::args::*;
use super::thread::JsThread;
use super::waiting::*;
use std::collections::VecDeque;
use std::sync::{Mutex, MutexGuard, TryLockError};
use std::time::Duration;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// How long a failing thread waits for the hook to have run on its owner's thread.
const HANDOVER: Duration = Duration::from_secs(2);

/// An exception waiting for the hook, and the event set once the hook has run.
struct Pending {
    args: crate::ExceptHookArgs,
    done: crate::Event,
}

/// The exceptions handed over and not yet taken, with the hook's generation (one per
/// `setExcepthook`, so the listener of a replaced hook stops).
static QUEUE: Mutex<(u64, VecDeque<Pending>)> = Mutex::new((0, VecDeque::new()));

/// Counts the exceptions handed over: the owner's listener takes one per exception.
fn arrivals() -> &'static crate::Semaphore {
    static S: std::sync::OnceLock<crate::Semaphore> = std::sync::OnceLock::new();
    S.get_or_init(|| crate::Semaphore::new(0))
}

/// The queue without ever blocking (the owner may be the page's UI thread, where a contended
/// std `Mutex` would throw): the critical sections are a few instructions.
fn queue() -> MutexGuard<'static, (u64, VecDeque<Pending>)> {
    loop {
        match QUEUE.try_lock() {
            Ok(g) => return g,
            Err(TryLockError::Poisoned(p)) => return p.into_inner(),
            Err(TryLockError::WouldBlock) => core::hint::spin_loop(),
        }
    }
}

/// Python's `threading.setExcepthook(hook)`: `fn` receives `{ excType, excValue, excTraceback,
/// thread }`; `null` or `undefined` restores the default. `TypeError` for anything else that
/// is not a function (nothing changes then).
///
/// ```js
/// import { setExcepthook } from 'pythreading-web';
/// setExcepthook(({ excType, excValue, thread }) => console.log(`${thread.name}: ${excType}: ${excValue}`));
/// ```
#[wasm_bindgen(js_name = setExcepthook)]
pub fn set_excepthook(
    #[wasm_bindgen(
        unchecked_param_type = "((args: { excType: string, excValue: string | undefined, excTraceback: string | undefined, thread: Thread | undefined }) => void) | null | undefined"
    )]
    hook: JsValue,
) -> Result<(), JsValue> {
    if omitted(&hook) {
        queue().0 += 1;
        crate::set_excepthook(crate::default_excepthook);
        return Ok(());
    }
    let hook: js_sys::Function = hook.dyn_into().map_err(|v| {
        type_err(format!("excepthook must be a function, not {}", type_name(&v)))
    })?;
    let generation = {
        let mut q = queue();
        q.0 += 1;
        q.0
    };
    crate::set_excepthook(|args| {
        let done = crate::Event::new();
        queue().1.push_back(Pending {
            args: args.clone(),
            done: done.clone(),
        });
        let _ = arrivals().release(1);
        if crate::sys::can_block() {
            let _ = done.wait_timeout(HANDOVER);
        }
    });
    wasm_bindgen_futures::spawn_local(listen(generation, hook));
    Ok(())
}

/// The hook owner's loop: takes each exception handed over and calls the hook with it, until
/// another `setExcepthook` replaces this one.
async fn listen(generation: u64, hook: js_sys::Function) {
    loop {
        let raw = arrivals().raw();
        let mut registered = false;
        // Wake up now and then to notice a replaced hook even if nothing arrives.
        let got = drive(
            || poll(raw.acquire_step(&mut registered)),
            Some(Duration::from_millis(500)),
        )
        .await;
        raw.abandon_step(&mut registered);
        let pending = {
            let mut q = queue();
            if q.0 != generation {
                if got == Some(true) {
                    let _ = arrivals().release(1); // for the listener that replaced us
                }
                return;
            }
            if got != Some(true) {
                continue;
            }
            q.1.pop_front()
        };
        if let Some(p) = pending {
            call_hook(&hook, &p.args);
            p.done.set();
        }
    }
}

/// `{ excType, excValue, excTraceback, thread }` for the JS hook.
fn hook_args(args: &crate::ExceptHookArgs) -> js_sys::Object {
    let o = js_sys::Object::new();
    let opt = |s: &Option<String>| s.as_deref().map_or(JsValue::UNDEFINED, JsValue::from);
    // Setting a property on a fresh plain object cannot fail.
    let _ = js_sys::Reflect::set(&o, &"excType".into(), &args.exc_type.as_str().into());
    let _ = js_sys::Reflect::set(&o, &"excValue".into(), &opt(&args.exc_value));
    let _ = js_sys::Reflect::set(&o, &"excTraceback".into(), &opt(&args.exc_traceback));
    let thread = args
        .thread
        .clone()
        .map_or(JsValue::UNDEFINED, |t| JsThread(t).into());
    let _ = js_sys::Reflect::set(&o, &"thread".into(), &thread);
    o
}

fn call_hook(hook: &js_sys::Function, args: &crate::ExceptHookArgs) {
    if let Err(e) = hook.call1(&JsValue::UNDEFINED, &hook_args(args)) {
        // Python: "Exception in threading.excepthook:" and the hook's own exception.
        web_sys_console_error(&format!(
            "Exception in threading.excepthook:\n{}",
            describe(&e)
        ));
    }
}

/// `Name: message` (and the stack, if any) of a thrown JS value.
pub(super) fn describe(e: &JsValue) -> String {
    let get = |k: &str| {
        js_sys::Reflect::get(e, &k.into())
            .ok()
            .and_then(|v| v.as_string())
    };
    match (get("name"), get("message")) {
        (Some(n), Some(m)) => format!("{n}: {m}"),
        _ => js_sys::JSON::stringify(e)
            .ok()
            .and_then(|s| s.as_string())
            .unwrap_or_else(|| String::from("(a value that is not an Error)")),
    }
}

fn web_sys_console_error(msg: &str) {
    crate::sys::write_stderr(&format!("{msg}\n"));
}
