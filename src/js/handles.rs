//! Handles: how a primitive crosses to another worker of the same module (`x.handle()` on
//! one side, `X.fromHandle(n)` on the other), and the Rust conversions of each JS class.

use super::args::*;
use super::error::*;
use std::any::Any;
use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard, TryLockError};
use wasm_bindgen::prelude::*;

/// Handles given out by `handle()` and not yet taken by `fromHandle`: a number names a boxed
/// clone of a primitive, so a wrong, reused or foreign number is an error, never a bad pointer.
static HANDLES: Mutex<HandleTable> = Mutex::new((0, BTreeMap::new()));

/// The last handle given out, and the live ones.
type HandleTable = (u32, BTreeMap<u32, Box<dyn Any + Send>>);

/// The handle table, without ever blocking (a std `Mutex` would `Atomics.wait` when
/// contended, which throws on the UI thread): the critical sections are a few instructions.
pub(super) fn handles() -> MutexGuard<'static, HandleTable> {
    loop {
        match HANDLES.try_lock() {
            Ok(g) => return g,
            Err(TryLockError::Poisoned(p)) => return p.into_inner(),
            Err(TryLockError::WouldBlock) => core::hint::spin_loop(),
        }
    }
}

pub(super) fn into_handle<T: Any + Send>(v: T) -> u32 {
    let mut h = handles();
    let (next, map) = &mut *h;
    loop {
        *next = next.wrapping_add(1);
        if *next != 0 && !map.contains_key(next) {
            break;
        }
    }
    map.insert(*next, Box::new(v));
    *next
}

/// `ValueError`: `h` (as JS writes it) is not a live handle of `class`.
pub(super) fn not_a_handle(h: &str, class: &str) -> JsValue {
    py_err(crate::Error::Value(format!(
        "{h} is not a handle of class {class} (handle() gives one, fromHandle takes it once)"
    )))
}

/// The argument of JS's `X.fromHandle(handle)`: `TypeError` if it is missing or not a number;
/// `ValueError` for a number that cannot be a handle (negative, fractional, NaN, above
/// `u32::MAX`), which is never converted and looked up (it could name another handle then).
pub(super) fn handle_arg(handle: &JsValue, class: &str) -> Result<u32, JsValue> {
    required(handle, &format!("{class}.fromHandle"), "handle")?;
    let x = number(handle, "handle")?;
    if x >= 1.0 && x <= f64::from(u32::MAX) && x.fract() == 0.0 {
        Ok(x as u32)
    } else {
        Err(not_a_handle(&js_number(x), class))
    }
}

pub(super) fn from_handle<T: Any + Send>(h: u32, class: &str) -> Result<T, JsValue> {
    let mut g = handles();
    let bad = || not_a_handle(&h.to_string(), class);
    match g.1.get(&h) {
        Some(b) if b.is::<T>() => {}
        _ => return Err(bad()),
    }
    let b = g.1.remove(&h).ok_or_else(bad)?;
    b.downcast::<T>().map(|b| *b).map_err(|_| bad())
}

/// `handle()`, `fromHandle(n)` and the Rust conversions for a JS class wrapping a primitive:
/// wasm-bindgen takes several `impl` blocks per class, so each class gets these from one place.
macro_rules! transferable {
    ($js:ident, $rust:ty, $class:ident) => {
        #[wasm_bindgen(js_class = $class)]
        impl $js {
            /// A number to `postMessage` to another worker of the same module, which takes it
            /// with `fromHandle` (once).
            pub fn handle(&self) -> u32 {
                into_handle(self.0.clone())
            }

            /// The object on the same state as the one whose `handle()` gave `handle` (each
            /// handle is taken once). Throws `ValueError` for any other number, `TypeError`
            /// for a value that is not a number. (Rust code holding a `u32` calls
            /// `from_handle`.)
            #[wasm_bindgen(js_name = fromHandle)]
            pub fn from_handle_value(
                #[wasm_bindgen(unchecked_param_type = "number")] handle: JsValue,
            ) -> Result<$js, JsValue> {
                let class = stringify!($class);
                super::dispose::ensure();
                from_handle::<$rust>(handle_arg(&handle, class)?, class).map($js)
            }

            /// Python's repr, e.g. `<unlocked pythreading.Lock object at 0x...>`.
            #[wasm_bindgen(js_name = toString)]
            pub fn repr(&self) -> String {
                format!("{:?}", self.0)
            }
        }

        impl $js {
            /// The object on the same state as the one whose `handle()` gave `handle` (each
            /// handle is taken once): `Err` (a JS `ValueError`) for any other number.
            pub fn from_handle(handle: u32) -> Result<$js, JsValue> {
                super::dispose::ensure();
                from_handle::<$rust>(handle, stringify!($class)).map($js)
            }
        }

        impl From<$rust> for $js {
            fn from(v: $rust) -> $js {
                $js(v)
            }
        }

        impl From<$js> for $rust {
            fn from(v: $js) -> $rust {
                v.0.clone() // a clone: `Thread` has a `Drop` (it forgets an unstarted JS thread)
            }
        }
    };
}
pub(super) use transferable;
