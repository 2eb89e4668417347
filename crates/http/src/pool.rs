//! Per-worker buffers lent for the moments bytes move: a write buffer
//! while a request is built and written, a read buffer while a response is
//! read. A virtual user that waits (for a connect, for the first response
//! byte, for its think time) holds none, so how many buffers a worker
//! ever makes follows its I/O, not how many exchanges are waiting at once.

use std::cell::{Cell, RefCell};

use flate2::Decompress;

/// Size of a read buffer: one read syscall's worth, and the usual room for
/// a response head (a head that does not fit grows the buffer up to
/// `MAX_HEAD`; grown buffers are dropped rather than pooled).
pub(crate) const READ_SIZE: usize = 16 * 1024;
/// Largest response head accepted.
pub(crate) const MAX_HEAD: usize = 64 * 1024;
/// Capacity a request-head buffer starts with.
const WRITE_SIZE: usize = 2 * 1024;
/// Request bodies up to this size are copied behind the head so the
/// request leaves in one write.
pub(crate) const INLINE_BODY: usize = 8 * 1024;
/// Free buffers of each kind kept beyond this are dropped: the pool never
/// holds more than a burst's worth.
const MAX_FREE: usize = 4096;
/// Free inflate states kept (each holds a 32 KiB window).
const MAX_FREE_INFLATERS: usize = 256;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A request head (and a small body), rebuilt for each request.
    Write,
    /// Always `READ_SIZE` (or grown) initialised bytes.
    Read,
}

/// Free buffers of one kind.
#[derive(Default)]
struct FreeList {
    /// The buffer given back last, taken again by the next exchange without
    /// touching the list: the common case, and on the request path (two
    /// buffers lent and given back per request, where one was before).
    hot: Cell<Option<Vec<u8>>>,
    rest: RefCell<Vec<Vec<u8>>>,
}

impl FreeList {
    #[inline]
    fn take(&self) -> Option<Vec<u8>> {
        self.hot.take().or_else(|| self.rest.borrow_mut().pop())
    }

    #[inline]
    fn give(&self, buf: Vec<u8>) {
        if let Some(older) = self.hot.replace(Some(buf)) {
            let mut rest = self.rest.borrow_mut();
            if rest.len() < MAX_FREE {
                rest.push(older);
            }
        }
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        let hot = self.hot.take();
        let len = usize::from(hot.is_some()) + self.rest.borrow().len();
        self.hot.set(hot);
        len
    }
}

impl std::fmt::Debug for FreeList {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FreeList").finish_non_exhaustive()
    }
}

#[derive(Debug, Default)]
pub(crate) struct BufferPool {
    writes: FreeList,
    reads: FreeList,
    /// Raw-deflate states for gzip bodies (tens of KiB each to build).
    inflaters: RefCell<Vec<Decompress>>,
    /// Write and read buffers ever allocated: the pool's high-water mark.
    made: Cell<(usize, usize)>,
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

    /// An empty buffer for a request.
    #[inline]
    pub(crate) fn take_write(&self) -> Lease<'_> {
        let buf = self.writes.take().unwrap_or_else(|| {
            let (writes, reads) = self.made.get();
            self.made.set((writes + 1, reads));
            Vec::with_capacity(WRITE_SIZE)
        });
        Lease {
            buf,
            kind: Kind::Write,
            pool: self,
        }
    }

    /// `READ_SIZE` initialised bytes to read into.
    #[inline]
    pub(crate) fn take_read(&self) -> Lease<'_> {
        let buf = self.reads.take().unwrap_or_else(|| {
            let (writes, reads) = self.made.get();
            self.made.set((writes, reads + 1));
            vec![0; READ_SIZE]
        });
        Lease {
            buf,
            kind: Kind::Read,
            pool: self,
        }
    }

    #[inline]
    fn give(&self, kind: Kind, mut buf: Vec<u8>) {
        match kind {
            Kind::Write if buf.capacity() <= 4 * INLINE_BODY => {
                buf.clear();
                self.writes.give(buf);
            }
            Kind::Read if buf.len() == READ_SIZE => self.reads.give(buf),
            // Grown past what is worth keeping: dropped.
            Kind::Write | Kind::Read => {}
        }
    }

    /// Write and read buffers allocated so far.
    #[cfg(test)]
    pub(crate) fn made(&self) -> (usize, usize) {
        self.made.get()
    }

    #[cfg(test)]
    pub(crate) fn free_counts(&self) -> (usize, usize) {
        (self.writes.len(), self.reads.len())
    }
}

/// A buffer on loan; it goes back to the pool on drop, also when the
/// exchange fails or its future is dropped by a timeout.
#[derive(Debug)]
pub(crate) struct Lease<'p> {
    buf: Vec<u8>,
    kind: Kind,
    pool: &'p BufferPool,
}

impl std::ops::Deref for Lease<'_> {
    type Target = Vec<u8>;

    fn deref(&self) -> &Vec<u8> {
        &self.buf
    }
}

impl std::ops::DerefMut for Lease<'_> {
    fn deref_mut(&mut self) -> &mut Vec<u8> {
        &mut self.buf
    }
}

impl Drop for Lease<'_> {
    fn drop(&mut self) {
        self.pool.give(self.kind, std::mem::take(&mut self.buf));
    }
}

#[cfg(test)]
mod tests {
    use super::{BufferPool, READ_SIZE};

    #[test]
    fn buffers_return_to_the_pool_and_are_reused() {
        let pool = BufferPool::default();
        {
            let mut write = pool.take_write();
            write.extend_from_slice(b"GET / HTTP/1.1\r\n");
            let read = pool.take_read();
            assert_eq!(read.len(), READ_SIZE);
        }
        assert_eq!(pool.free_counts(), (1, 1));
        assert!(pool.take_write().is_empty());
        assert_eq!(pool.take_read().len(), READ_SIZE);
        assert_eq!(pool.free_counts(), (1, 1));
    }

    /// A read buffer grown for a large head is dropped, not kept: pooled
    /// buffers stay `READ_SIZE`.
    #[test]
    fn grown_read_buffers_are_not_kept() {
        let pool = BufferPool::default();
        pool.take_read().resize(2 * READ_SIZE, 0);
        assert_eq!(pool.free_counts(), (0, 0));
    }
}
