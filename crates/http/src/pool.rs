//! Per-worker buffers lent to a session for the length of one exchange, so
//! an idle virtual user holds no buffer at all.

use std::cell::RefCell;
use std::rc::Rc;

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
/// Free buffers kept beyond this are dropped: the pool never holds more
/// than a burst's worth.
const MAX_FREE: usize = 4096;
/// Free inflate states kept (each holds a 32 KiB window).
const MAX_FREE_INFLATERS: usize = 256;

/// The two buffers one exchange needs.
#[derive(Debug)]
pub(crate) struct Buffers {
    /// The request head (and a small body), rebuilt for each request.
    pub(crate) write: Vec<u8>,
    /// Always `READ_SIZE` (or grown) initialised bytes.
    pub(crate) read: Vec<u8>,
}

#[derive(Debug, Default)]
pub(crate) struct BufferPool {
    free: RefCell<Vec<Buffers>>,
    /// Raw-deflate states for gzip bodies (tens of KiB each to build).
    inflaters: RefCell<Vec<Decompress>>,
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

    pub(crate) fn take(self: &Rc<Self>) -> Lease {
        let buffers = self.free.borrow_mut().pop().unwrap_or_else(|| Buffers {
            write: Vec::with_capacity(WRITE_SIZE),
            read: vec![0; READ_SIZE],
        });
        Lease {
            buffers: Some(buffers),
            pool: Rc::clone(self),
        }
    }

    fn give(&self, mut buffers: Buffers) {
        let mut free = self.free.borrow_mut();
        if buffers.read.len() == READ_SIZE
            && buffers.write.capacity() <= 4 * INLINE_BODY
            && free.len() < MAX_FREE
        {
            buffers.write.clear();
            free.push(buffers);
        }
    }

    #[cfg(test)]
    pub(crate) fn free_count(&self) -> usize {
        self.free.borrow().len()
    }
}

/// Buffers on loan; they go back to the pool on drop, also when the
/// exchange fails or its future is dropped by a timeout.
#[derive(Debug)]
pub(crate) struct Lease {
    buffers: Option<Buffers>,
    pool: Rc<BufferPool>,
}

impl Lease {
    pub(crate) fn get(&mut self) -> &mut Buffers {
        // Only `drop` takes the buffers out.
        self.buffers.get_or_insert_with(|| Buffers {
            write: Vec::with_capacity(WRITE_SIZE),
            read: vec![0; READ_SIZE],
        })
    }
}

impl Drop for Lease {
    fn drop(&mut self) {
        if let Some(buffers) = self.buffers.take() {
            self.pool.give(buffers);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::BufferPool;
    use std::rc::Rc;

    #[test]
    fn buffers_return_to_the_pool_and_are_reused() {
        let pool = Rc::new(BufferPool::default());
        {
            let mut lease = pool.take();
            lease.get().write.extend_from_slice(b"GET / HTTP/1.1\r\n");
        }
        assert_eq!(pool.free_count(), 1);
        let mut lease = pool.take();
        assert!(lease.get().write.is_empty());
        assert_eq!(pool.free_count(), 0);
    }
}
