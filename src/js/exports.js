// What pythreading's JS API defines in JS rather than in Rust: the error classes (Python's
// exceptions as subclasses of `Error`), `TIMEOUT_MAX`, and `[Symbol.dispose]` of the locks.
//
// A wasm-bindgen snippet (src/js/error.rs and src/js/module.rs import it): the glue imports
// this file and re-exports its classes and constants (`reexport`), so `import { RuntimeError } from 'pythreading-web'` (or
// from the glue itself, unbundled) gives the very classes the library throws, and
// `e instanceof RuntimeError`, `e instanceof Error` both hold. The hierarchy is Python's:
//
//   Error
//   ├── RuntimeError
//   │   └── BrokenBarrierError      (threading.BrokenBarrierError derives from RuntimeError)
//   ├── ValueError
//   ├── OverflowError
//   ├── Full, Empty, ShutDown       (the queue module's)
//   └── TypeError (JS's own TypeError: an argument of the wrong type; pythreading's class
//                  extends it, so `e instanceof globalThis.TypeError` holds too)
//
// The classes are made once per JS realm (a page, a worker) and kept under a global symbol:
// if a bundler or an app loads two copies of this file in one realm, both hand out the same
// classes, so `instanceof` still works across them.

const KEY = Symbol.for('pythreading.errors');

function make() {
  // Each class names itself (`name` on the prototype, as the built-in errors do), so
  // `String(e)` and stack traces read `RuntimeError: release unlocked lock`.
  const define = (name, Base) => {
    const C = { [name]: class extends Base {} }[name];
    Object.defineProperty(C.prototype, 'name', {
      value: name,
      writable: true,
      configurable: true,
      enumerable: false,
    });
    return C;
  };
  const RuntimeError = define('RuntimeError', Error);
  return {
    RuntimeError,
    BrokenBarrierError: define('BrokenBarrierError', RuntimeError),
    ValueError: define('ValueError', Error),
    OverflowError: define('OverflowError', Error),
    TypeError: define('TypeError', globalThis.TypeError),
    Full: define('Full', Error),
    Empty: define('Empty', Error),
    ShutDown: define('ShutDown', Error),
  };
}

const classes = globalThis[KEY] || (globalThis[KEY] = Object.freeze(make()));

export const RuntimeError = classes.RuntimeError;
export const BrokenBarrierError = classes.BrokenBarrierError;
export const ValueError = classes.ValueError;
export const OverflowError = classes.OverflowError;
export const TypeError = classes.TypeError;
export const Full = classes.Full;
export const Empty = classes.Empty;
export const ShutDown = classes.ShutDown;

/// An instance of the class named `name` (Python's exception name) with `message`; a name
/// without a class of its own (a future error kind) gives an `Error` with that `name`.
export function pyError(name, message) {
  const C = Object.prototype.hasOwnProperty.call(classes, name) ? classes[name] : null;
  if (C) return new C(message);
  const e = new Error(message);
  e.name = name;
  return e;
}

/// Python's `threading.TIMEOUT_MAX` (seconds), the same number as the Rust side's
/// `pythreading::TIMEOUT_MAX` (a browser test checks that they agree).
export const TIMEOUT_MAX = 9223372036;

function release() {
  this.release();
}

/// Makes `[Symbol.dispose]` of the class of `instance` release it (`using` is JS's `with`):
/// wasm-bindgen sets every exported class's `[Symbol.dispose]` to `free`, which would drop
/// the object's Rust state instead. Called once per realm and class (src/js/dispose.rs), with a
/// throwaway instance (the classes themselves are not reachable from Rust).
export function disposeReleases(instance) {
  const proto = Object.getPrototypeOf(instance);
  if (typeof Symbol.dispose === 'symbol' && proto[Symbol.dispose] !== release) {
    Object.defineProperty(proto, Symbol.dispose, {
      value: release,
      writable: true,
      configurable: true,
      enumerable: false,
    });
  }
  instance.free();
}
