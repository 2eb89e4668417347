//! Per-worker buffers lent for the moments bytes move. One lease carries
//! an exchange: the request is built and written from its buffer, and the
//! response read into it (the same buffer when the answer is there at
//! once; an exchange that must wait gives it back and takes one again when
//! the answer comes). A virtual user that waits (for a connect, for the
//! first response byte, for its think time) holds none, so how many
//! buffers a worker ever makes follows its I/O, not how many exchanges are
//! waiting at once.

use std::cell::{Cell, RefCell};

use flate2::Decompress;

/// Capacity of a buffer: one read syscall's worth, the usual room for a
/// response head, and more than a request head with an inline body. The
/// bytes are not initialised up front: a buffer's length is what it holds
/// (a request, or what has been read), so a buffer never read to its end
/// costs the process only the pages that were touched.
pub(crate) const BUF_SIZE: usize = 16 * 1024;
/// Largest response head accepted: a head that does not fit grows its
/// buffer up to this.
pub(crate) const MAX_HEAD: usize = 64 * 1024;
/// Request bodies up to this size are copied behind the head so the
/// request leaves in one write.
pub(crate) const INLINE_BODY: usize = 8 * 1024;
/// Buffers given back larger than this (grown for a large head, a request
/// with many headers) are dropped rather than pooled.
const MAX_KEPT_SIZE: usize = 2 * BUF_SIZE;
/// Free buffers kept beyond this are dropped: the pool never holds more
/// than a burst's worth.
const MAX_FREE: usize = 4096;
/// Free inflate states kept (each holds a 32 KiB window).
const MAX_FREE_INFLATERS: usize = 256;

#[derive(Default)]
pub(crate) struct BufferPool {
    /// The buffer given back last, taken again by the next exchange without
    /// touching the list: the common case (an exchange gives its buffer
    /// back while it waits for the answer and takes one again when the
    /// answer is there).
    hot: Cell<Option<Vec<u8>>>,
    free: RefCell<Vec<Vec<u8>>>,
    /// Raw-deflate states for gzip bodies (tens of KiB each to build).
    inflaters: RefCell<Vec<Decompress>>,
    /// Buffers ever allocated: the pool's high-water mark.
    #[cfg(test)]
    made: Cell<usize>,
}

impl BufferPool {
    pub(crate) fn take_inflate(&self) -> Decompress {
        self.inflaters
            .borrow_mut()
            .pop()
            .unwrap_or_else(|| Decompress::new(false))
    }

    /// `inflate` must have been reset.
    pub(crate) fn give_inflate(&self, inflate: Decompress) {
        let mut free = self.inflaters.borrow_mut();
        if free.len() < MAX_FREE_INFLATERS {
            free.push(inflate);
        }
    }

    /// A lease holding an empty buffer with room for `BUF_SIZE` bytes.
    #[cfg(test)]
    pub(crate) fn lease(&self) -> Lease<'_> {
        Lease {
            buf: self.take(),
            pool: self,
        }
    }

    /// A lease holding no buffer yet (see [`Lease::refill`]).
    pub(crate) fn empty_lease(&self) -> Lease<'_> {
        Lease {
            buf: Vec::new(),
            pool: self,
        }
    }

    #[inline]
    fn take(&self) -> Vec<u8> {
        match self.hot.take() {
            Some(buf) => buf,
            None => self.take_cold(),
        }
    }

    #[cold]
    fn take_cold(&self) -> Vec<u8> {
        self.free.borrow_mut().pop().unwrap_or_else(|| {
            #[cfg(test)]
            self.made.set(self.made.get() + 1);
            Vec::with_capacity(BUF_SIZE)
        })
    }

    #[inline]
    fn give(&self, mut buf: Vec<u8>) {
        // Grown past what is worth keeping, or never a pooled buffer (bytes
        // pushed into a lease that held none): dropped.
        if !(BUF_SIZE..=MAX_KEPT_SIZE).contains(&buf.capacity()) {
            return;
        }
        buf.clear();
        if let Some(older) = self.hot.replace(Some(buf)) {
            self.give_cold(older);
        }
    }

    #[cold]
    fn give_cold(&self, buf: Vec<u8>) {
        let mut free = self.free.borrow_mut();
        if free.len() < MAX_FREE {
            free.push(buf);
        }
    }

    /// Buffers allocated so far.
    #[cfg(test)]
    pub(crate) fn made(&self) -> usize {
        self.made.get()
    }

    /// Buffers free in the pool now.
    #[cfg(test)]
    pub(crate) fn free_count(&self) -> usize {
        let hot = self.hot.take();
        let count = usize::from(hot.is_some()) + self.free.borrow().len();
        self.hot.set(hot);
        count
    }
}

impl std::fmt::Debug for BufferPool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BufferPool").finish_non_exhaustive()
    }
}

/// The right to a buffer from the pool, held by an exchange for its whole
/// length, and the buffer itself while bytes move: [`Lease::release`]
/// gives the buffer back (the exchange is about to wait), [`Lease::refill`]
/// takes one again (an empty one unless it still held its own). The buffer
/// goes back on drop too, also when the exchange fails or its future is
/// dropped by a timeout. One lease lives in the exchange's state and is
/// lent down by reference, so handing the buffer from the request to the
/// response moves nothing.
#[derive(Debug)]
pub(crate) struct Lease<'p> {
    /// Empty with no capacity while no buffer is held.
    buf: Vec<u8>,
    pool: &'p BufferPool,
}

impl<'p> Lease<'p> {
    pub(crate) fn pool(&self) -> &'p BufferPool {
        self.pool
    }

    /// Gives the buffer back, if one is held.
    #[inline]
    pub(crate) fn release(&mut self) {
        if self.buf.capacity() != 0 {
            self.pool.give(std::mem::take(&mut self.buf));
        }
    }

    /// Takes a buffer again, unless one is held (then it is kept as is).
    #[inline]
    pub(crate) fn refill(&mut self) {
        if self.buf.capacity() == 0 {
            self.buf = self.pool.take();
        }
    }

    /// Holds a buffer now.
    #[cfg(test)]
    pub(crate) fn holds(&self) -> bool {
        self.buf.capacity() != 0
    }
}

impl std::ops::Deref for Lease<'_> {
    type Target = Vec<u8>;

    #[inline]
    fn deref(&self) -> &Vec<u8> {
        &self.buf
    }
}

impl std::ops::DerefMut for Lease<'_> {
    #[inline]
    fn deref_mut(&mut self) -> &mut Vec<u8> {
        &mut self.buf
    }
}

impl Drop for Lease<'_> {
    #[inline]
    fn drop(&mut self) {
        self.release();
    }
}

#[cfg(test)]
mod tests {
    use super::{BUF_SIZE, BufferPool, MAX_KEPT_SIZE};

    #[test]
    fn buffers_return_to_the_pool_emptied_and_are_reused() {
        let pool = BufferPool::default();
        {
            let mut first = pool.lease();
            first.extend_from_slice(b"GET / HTTP/1.1\r\n");
            let second = pool.lease();
            assert!(second.capacity() >= BUF_SIZE);
        }
        assert_eq!(pool.free_count(), 2);
        assert_eq!(pool.made(), 2);
        let again = pool.lease();
        assert!(again.is_empty() && again.capacity() >= BUF_SIZE);
        assert_eq!(pool.free_count(), 1);
        assert_eq!(pool.made(), 2);
    }

    /// A released lease holds nothing; refilled, it holds an empty buffer;
    /// refilled while it holds one, it keeps what it holds.
    #[test]
    fn a_lease_releases_and_refills() {
        let pool = BufferPool::default();
        let mut lease = pool.lease();
        lease.extend_from_slice(b"request");
        lease.refill();
        assert_eq!(&lease[..], b"request");
        lease.release();
        assert!(!lease.holds());
        assert_eq!(pool.free_count(), 1);
        lease.release();
        assert_eq!(pool.free_count(), 1);
        lease.refill();
        assert!(lease.holds() && lease.is_empty());
        assert_eq!((pool.free_count(), pool.made()), (0, 1));
        drop(lease);
        assert_eq!(pool.free_count(), 1);
        // A lease made empty takes nothing until refilled.
        let empty = pool.empty_lease();
        assert!(!empty.holds());
        assert_eq!(pool.free_count(), 1);
    }

    /// A buffer grown for a large head is dropped, not kept: pooled
    /// buffers stay small.
    #[test]
    fn grown_buffers_are_not_kept() {
        let pool = BufferPool::default();
        pool.lease().reserve(2 * MAX_KEPT_SIZE);
        assert_eq!(pool.free_count(), 0);
    }
}
