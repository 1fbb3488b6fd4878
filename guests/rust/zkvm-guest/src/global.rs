//! Mutable globals for a single-hart machine without threads or interrupts.

use core::cell::UnsafeCell;

/// A global cell. The zkVM has one hart and no interrupts, so there is never concurrent access; the
/// `with` closure must not re-enter the same global (none of the SDK's callers do).
pub struct Global<T>(UnsafeCell<T>);

unsafe impl<T> Sync for Global<T> {}

impl<T> Global<T> {
    pub const fn new(value: T) -> Self {
        Global(UnsafeCell::new(value))
    }

    pub fn with<R>(&self, f: impl FnOnce(&mut T) -> R) -> R {
        f(unsafe { &mut *self.0.get() })
    }
}
