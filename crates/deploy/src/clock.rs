//! Time, behind a trait: the real clock sleeps, the tests' clock only moves forward, so a
//! 15-minute timeout or a storm of retries is tested in milliseconds.

use std::cell::Cell;
use std::time::{Duration, Instant};

pub trait Clock {
    /// Time since the clock was made.
    fn elapsed(&self) -> Duration;
    fn sleep(&self, duration: Duration);
}

pub struct SystemClock {
    start: Instant,
}

impl SystemClock {
    pub fn new() -> SystemClock {
        SystemClock {
            start: Instant::now(),
        }
    }
}

impl Default for SystemClock {
    fn default() -> Self {
        SystemClock::new()
    }
}

impl Clock for SystemClock {
    fn elapsed(&self) -> Duration {
        self.start.elapsed()
    }

    fn sleep(&self, duration: Duration) {
        std::thread::sleep(duration);
    }
}

/// A clock whose sleeps return at once and move its time forward.
#[derive(Default)]
pub struct VirtualClock {
    now: Cell<Duration>,
}

impl Clock for VirtualClock {
    fn elapsed(&self) -> Duration {
        self.now.get()
    }

    fn sleep(&self, duration: Duration) {
        self.now.set(self.now.get() + duration);
    }
}
