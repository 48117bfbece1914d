//! File descriptors: [`OwnedFd`] closes on drop, [`BorrowedFd`] borrows one.
//!
//! These mirror `std::os::fd` for programs without std. With the `std`
//! feature they convert to and from the `std::os::fd` types.

use core::fmt;
use core::marker::PhantomData;

/// A raw file descriptor number, as in C.
pub type RawFd = i32;

/// An owned file descriptor, closed when dropped.
///
/// Invariant: the number is a descriptor this value owns (not negative).
#[repr(transparent)]
pub struct OwnedFd {
    fd: RawFd,
}

/// A borrowed file descriptor, valid for `'fd`.
#[repr(transparent)]
#[derive(Copy, Clone)]
pub struct BorrowedFd<'fd> {
    fd: RawFd,
    _owner: PhantomData<&'fd OwnedFd>,
}

/// `AT_FDCWD`: the current working directory, for the `dirfd` argument of
/// [`openat`](crate::sys::openat).
pub const CWD: BorrowedFd<'static> = BorrowedFd {
    fd: linux_raw_sys::general::AT_FDCWD,
    _owner: PhantomData,
};

impl OwnedFd {
    /// Takes ownership of a raw descriptor.
    ///
    /// # Safety
    ///
    /// `fd` must be an open descriptor that nothing else owns (it will be
    /// closed when the returned value is dropped). For tests that provoke
    /// `EBADF`, a number that is not open is allowed as long as no other
    /// code opens it before this value is dropped or forgotten.
    pub const unsafe fn from_raw_fd(fd: RawFd) -> Self {
        Self { fd }
    }

    /// The descriptor's number.
    pub const fn as_raw_fd(&self) -> RawFd {
        self.fd
    }

    /// Gives up ownership without closing.
    pub fn into_raw_fd(self) -> RawFd {
        let fd = self.fd;
        core::mem::forget(self);
        fd
    }

    /// Borrows the descriptor.
    pub const fn as_fd(&self) -> BorrowedFd<'_> {
        BorrowedFd {
            fd: self.fd,
            _owner: PhantomData,
        }
    }
}

impl Drop for OwnedFd {
    fn drop(&mut self) {
        // Errors from close are deliberately ignored here, as std does: the
        // descriptor is released either way. Use `sys::close` to see them.
        let _ = crate::sys::close_raw(self.fd);
    }
}

impl<'fd> BorrowedFd<'fd> {
    /// Borrows a raw descriptor.
    ///
    /// # Safety
    ///
    /// `fd` must stay open for `'fd`, or be a number the caller uses only to
    /// provoke `EBADF` (nothing else may open it meanwhile).
    pub const unsafe fn borrow_raw(fd: RawFd) -> Self {
        Self {
            fd,
            _owner: PhantomData,
        }
    }

    /// The descriptor's number.
    pub const fn as_raw_fd(&self) -> RawFd {
        self.fd
    }
}

/// Types that can lend a [`BorrowedFd`].
pub trait AsFd {
    /// Borrows the descriptor.
    fn as_fd(&self) -> BorrowedFd<'_>;
}

impl AsFd for OwnedFd {
    fn as_fd(&self) -> BorrowedFd<'_> {
        OwnedFd::as_fd(self)
    }
}

impl AsFd for BorrowedFd<'_> {
    fn as_fd(&self) -> BorrowedFd<'_> {
        *self
    }
}

impl<T: AsFd + ?Sized> AsFd for &T {
    fn as_fd(&self) -> BorrowedFd<'_> {
        T::as_fd(self)
    }
}

impl fmt::Debug for OwnedFd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OwnedFd").field("fd", &self.fd).finish()
    }
}

impl fmt::Debug for BorrowedFd<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BorrowedFd").field("fd", &self.fd).finish()
    }
}

#[cfg(feature = "std")]
mod std_conv {
    use super::{BorrowedFd, OwnedFd};
    use std::os::fd::{AsRawFd, FromRawFd, IntoRawFd};

    impl From<OwnedFd> for std::os::fd::OwnedFd {
        fn from(fd: OwnedFd) -> Self {
            // SAFETY: `fd` owned the descriptor; ownership moves over.
            unsafe { Self::from_raw_fd(fd.into_raw_fd()) }
        }
    }

    impl From<std::os::fd::OwnedFd> for OwnedFd {
        fn from(fd: std::os::fd::OwnedFd) -> Self {
            // SAFETY: `fd` owned the descriptor; ownership moves over.
            unsafe { Self::from_raw_fd(fd.into_raw_fd()) }
        }
    }

    impl<'a> From<std::os::fd::BorrowedFd<'a>> for BorrowedFd<'a> {
        fn from(fd: std::os::fd::BorrowedFd<'a>) -> Self {
            // SAFETY: the std borrow keeps the descriptor open for 'a.
            unsafe { Self::borrow_raw(fd.as_raw_fd()) }
        }
    }

    impl<'a> From<BorrowedFd<'a>> for std::os::fd::BorrowedFd<'a> {
        fn from(fd: BorrowedFd<'a>) -> Self {
            // SAFETY: our borrow keeps the descriptor open for 'a; it is not
            // -1 because `BorrowedFd` is only made from open descriptors
            // (or `CWD`, which std also accepts as a number).
            unsafe { Self::borrow_raw(fd.as_raw_fd()) }
        }
    }

    impl AsRawFd for OwnedFd {
        fn as_raw_fd(&self) -> i32 {
            self.fd
        }
    }

    impl std::os::fd::AsFd for OwnedFd {
        fn as_fd(&self) -> std::os::fd::BorrowedFd<'_> {
            self.as_fd_std()
        }
    }

    impl OwnedFd {
        fn as_fd_std(&self) -> std::os::fd::BorrowedFd<'_> {
            OwnedFd::as_fd(self).into()
        }
    }
}
