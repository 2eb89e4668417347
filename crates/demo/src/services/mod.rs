//! The five services, one file each; each builds its axum `Router`.

pub(crate) mod gateway;
pub(crate) mod orders;
pub(crate) mod payments;
pub(crate) mod products;
pub(crate) mod users;

use std::sync::Mutex;

/// Locks a std mutex, carrying on if a panicking thread poisoned it: the
/// stores hold plain data that a panic cannot leave half-written.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
