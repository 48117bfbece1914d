//! [`IoSlice`] and [`IoSliceMut`]: the `struct iovec` buffers of
//! [`preadv`](super::preadv) and [`pwritev`](super::pwritev), without std.

use core::fmt;
use core::marker::PhantomData;

use linux_raw_sys::general::iovec;

/// A buffer to write from, laid out as the kernel's `struct iovec`
/// (like `std::io::IoSlice`, which needs std).
#[repr(transparent)]
#[derive(Copy, Clone)]
pub struct IoSlice<'a> {
    iov: iovec,
    _buf: PhantomData<&'a [u8]>,
}

/// A buffer to read into, laid out as the kernel's `struct iovec`
/// (like `std::io::IoSliceMut`).
#[repr(transparent)]
pub struct IoSliceMut<'a> {
    iov: iovec,
    _buf: PhantomData<&'a mut [u8]>,
}

impl<'a> IoSlice<'a> {
    /// Borrows `buf`.
    #[inline]
    #[must_use]
    pub const fn new(buf: &'a [u8]) -> Self {
        Self {
            iov: iovec {
                iov_base: buf.as_ptr().cast_mut().cast(),
                iov_len: buf.len() as _,
            },
            _buf: PhantomData,
        }
    }

    /// The buffer.
    #[inline]
    #[must_use]
    pub fn as_slice(&self) -> &'a [u8] {
        // SAFETY: made from a `&'a [u8]` of exactly this pointer and length.
        unsafe { core::slice::from_raw_parts(self.iov.iov_base.cast(), self.iov.iov_len as usize) }
    }
}

impl<'a> IoSliceMut<'a> {
    /// Borrows `buf` mutably.
    #[inline]
    pub fn new(buf: &'a mut [u8]) -> Self {
        Self {
            iov: iovec {
                iov_base: buf.as_mut_ptr().cast(),
                iov_len: buf.len() as _,
            },
            _buf: PhantomData,
        }
    }

    /// The buffer.
    #[inline]
    #[must_use]
    pub fn as_slice(&self) -> &[u8] {
        // SAFETY: made from a `&'a mut [u8]` of this pointer and length,
        // borrowed for as long as `self`.
        unsafe { core::slice::from_raw_parts(self.iov.iov_base.cast(), self.iov.iov_len as usize) }
    }

    /// The buffer, for writing.
    #[inline]
    pub fn as_mut_slice(&mut self) -> &mut [u8] {
        // SAFETY: as in `as_slice`; `&mut self` makes the borrow unique.
        unsafe {
            core::slice::from_raw_parts_mut(self.iov.iov_base.cast(), self.iov.iov_len as usize)
        }
    }
}

// SAFETY: an `IoSlice` is a `&[u8]`, which is Send and Sync.
unsafe impl Send for IoSlice<'_> {}
// SAFETY: as above.
unsafe impl Sync for IoSlice<'_> {}
// SAFETY: an `IoSliceMut` is a `&mut [u8]`, which is Send and Sync.
unsafe impl Send for IoSliceMut<'_> {}
// SAFETY: as above.
unsafe impl Sync for IoSliceMut<'_> {}

impl fmt::Debug for IoSlice<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.as_slice().fmt(f)
    }
}

impl fmt::Debug for IoSliceMut<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.as_slice().fmt(f)
    }
}
