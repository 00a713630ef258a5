//! Helpers shared by the test guests.

use std::time::{Duration, Instant};

/// Polls `done` every millisecond for at most ten seconds; returns whether it became true.
pub fn wait_until(mut done: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if done() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    done()
}
