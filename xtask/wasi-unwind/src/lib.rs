//! The part of libunwind that Rust's std uses on `wasm32-wasip1-threads` with `-Cpanic=unwind`.
//!
//! With `-Cpanic=unwind`, std's `unwind` crate links `-lunwind` on WASI and calls
//! `_Unwind_RaiseException` (to start a panic) and `_Unwind_DeleteException` (when
//! `catch_unwind` drops a caught panic), and the code LLVM emits for wasm exception handling
//! (`throw`, `try_table`/`catch`) names the tag `__cpp_exception`, which std leaves to the
//! toolchain on WASI. The nightly's `rust-std` component for the target ships wasi-sdk's
//! libunwind in its self-contained directory; where rustup cannot install that component (a
//! toolchain mirror without it), `cargo xtask wasi-sysroot` builds this crate and installs it
//! there as `libunwind.a` (with wasi-libc's `libc.a` and `crt1-*.o` from the stable
//! toolchain's copy of the target).
//!
//! Nothing else is needed: wasm has no two-phase unwinding, the engine walks the stack, and
//! Rust's landing pads are `catch_all` cleanups and catch-everything handlers that never call
//! a personality routine (so `_Unwind_CallPersonality` and `__wasm_lpad_context` stay unused).
//! A symbol std starts to use later fails the link by name, never silently.
#![no_std]
// `global_asm!` on wasm (the tag) and `llvm.wasm.throw` (the one instruction libunwind is for
// here): both unstable, which is fine for a crate only the nightly builds.
#![feature(asm_experimental_arch, link_llvm_intrinsics)]
#![allow(internal_features)]

// The exception tag of C++ and of Rust panics on wasm (LLVM's tag 0, `WebAssembly::CPP_EXCEPTION`),
// carrying one pointer: the `_Unwind_Exception` being thrown. The same definition std makes
// for wasm32-unknown-unknown.
core::arch::global_asm!(
    ".globl __cpp_exception",
    ".tagtype __cpp_exception i32",
    "__cpp_exception:",
);

/// The Itanium ABI's exception header, as std's `unwind` crate lays it out on WASI.
#[repr(C)]
pub struct UnwindException {
    class: u64,
    cleanup: Option<unsafe extern "C" fn(reason: i32, exception: *mut UnwindException)>,
    private: [usize; 2],
}

/// `_URC_FOREIGN_EXCEPTION_CAUGHT`, the reason `_Unwind_DeleteException` gives the cleanup.
const FOREIGN_EXCEPTION_CAUGHT: i32 = 1;

extern "C-unwind" {
    /// LLVM lowers this intrinsic to the `throw` instruction.
    #[link_name = "llvm.wasm.throw"]
    fn wasm_throw(tag: i32, exception: *mut u8) -> !;
}

/// Throws `exception` as a wasm exception with the `__cpp_exception` tag (tag 0); it never
/// returns (the engine unwinds to the nearest handler, or the thread traps with an uncaught
/// exception).
///
/// # Safety
/// `exception` points to a live `_Unwind_Exception` (std's panic payload header).
#[no_mangle]
pub unsafe extern "C-unwind" fn _Unwind_RaiseException(exception: *mut UnwindException) -> i32 {
    // SAFETY: tag 0 is `__cpp_exception` above, whose payload is this one pointer.
    unsafe { wasm_throw(0, exception.cast()) }
}

/// Runs the exception's cleanup (std's frees the panic payload).
///
/// # Safety
/// `exception` points to a live `_Unwind_Exception`, which is not used afterwards.
#[no_mangle]
pub unsafe extern "C" fn _Unwind_DeleteException(exception: *mut UnwindException) {
    // SAFETY: the caller's contract; the cleanup is the one the thrower stored.
    unsafe {
        if let Some(cleanup) = (*exception).cleanup {
            cleanup(FOREIGN_EXCEPTION_CAUGHT, exception);
        }
    }
}
