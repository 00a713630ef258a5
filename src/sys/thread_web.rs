//! Browsers: `wasm32-unknown-unknown` with atomics, threads on Web Workers. The worker-based
//! spawn is the browser issue's work; until then `spawn` reports `Unsupported`, which
//! `Thread::start` turns into `Err(Runtime)`, never a hang.

#[cfg(not(target_feature = "atomics"))]
compile_error!(
    "pythreading on wasm32-unknown-unknown needs shared memory: build with nightly and \
     RUSTFLAGS='-Ctarget-feature=+atomics,+bulk-memory,+mutable-globals' and \
     -Zbuild-std=panic_abort,std (the repository's .cargo/config.toml sets these)"
);

/// `std::time::Instant` panics on this target; `web-time` reads `performance.now()`.
pub(crate) use web_time::Instant;

pub(crate) const MIN_STACK_SIZE: usize = 32 * 1024;

pub(crate) struct JoinHandle(std::thread::JoinHandle<()>);

impl JoinHandle {
    pub(crate) fn join(self) {
        drop(self.0);
    }
}

pub(crate) fn spawn(
    name: &str,
    stack_size: usize,
    f: Box<dyn FnOnce() + Send + 'static>,
) -> std::io::Result<JoinHandle> {
    super::std_spawn(name, stack_size, f).map(JoinHandle)
}

pub(crate) fn native_id() -> u64 {
    super::counter_native_id()
}

pub(crate) fn is_main_thread() -> bool {
    false
}

pub(crate) fn main_native_id() -> Option<u64> {
    None
}

pub(crate) fn at_exit(_f: extern "C" fn()) -> bool {
    false
}
