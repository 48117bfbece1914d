//! File descriptors: [`OwnedFd`] closes on drop, [`BorrowedFd`] borrows one,
//! and [`AsFd`] is what every descriptor-taking call of rawmap accepts.
//!
//! These mirror `std::os::fd` for programs without std. With the `std`
//! feature they work with std's types in both directions:
//!
//! - every rawmap call that takes a descriptor (`impl AsFd`, or
//!   `F: AsFd`) accepts `&std::fs::File`, `std::os::fd::{OwnedFd,
//!   BorrowedFd}` and anything else that implements std's
//!   [`AsFd`](https://doc.rust-lang.org/std/os/fd/trait.AsFd.html):
//!   rawmap's [`AsFd`] is then implemented for every type that implements
//!   std's;
//! - rawmap's [`OwnedFd`], [`BorrowedFd`] and [`File`](crate::File)
//!   implement std's `AsFd`, `AsRawFd` (and `FromRawFd`, `IntoRawFd` for
//!   the owning ones), so they can be handed to std, memmap2, rustix, ...;
//!   `From` converts both ways between rawmap's and std's `OwnedFd`, and
//!   between the `BorrowedFd`s (`std::os::fd::OwnedFd::from(fd)` as well
//!   as `rawmap::OwnedFd::from(std_fd)`; the docs list the direction into
//!   rawmap's types only, since both would read `From<OwnedFd> for
//!   OwnedFd`).
//!
//! # The invariant: never -1
//!
//! As in std, an [`OwnedFd`] or a [`BorrowedFd`] never holds -1: the unsafe
//! constructors ([`OwnedFd::from_raw_fd`], [`BorrowedFd::borrow_raw`])
//! panic on it, as std's do. -1 is no descriptor (the kernel answers
//! `EBADF` for it, as for any number that is not open), and std's types
//! cannot represent it (it is their niche). Any other number is allowed,
//! including a number that is not open, to provoke `EBADF` in a test, and
//! [`CWD`] (`AT_FDCWD`, -100). That makes every safe conversion into std's
//! types total: none of them can panic.

use core::fmt;
use core::marker::PhantomData;

/// A raw file descriptor number, as in C.
pub type RawFd = i32;

/// An owned file descriptor, closed when dropped.
///
/// Invariant: the number is not -1 (see [the module docs](self)); it is a
/// descriptor this value owns, or (only if the unsafe constructor's caller
/// said so) a number that is not open.
#[repr(transparent)]
pub struct OwnedFd {
    fd: RawFd,
}

/// A borrowed file descriptor, valid for `'fd`.
///
/// Invariant: the number is not -1 (see [the module docs](self)).
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
    /// # Panics
    ///
    /// If `fd` is -1 (as std's `OwnedFd::from_raw_fd`): see
    /// [the invariant](self#the-invariant-never--1).
    ///
    /// # Safety
    ///
    /// `fd` must be an open descriptor that nothing else owns (it will be
    /// closed when the returned value is dropped). For tests that provoke
    /// `EBADF`, a number that is not open is allowed as long as no other
    /// code opens it before this value is dropped or forgotten.
    #[must_use]
    pub const unsafe fn from_raw_fd(fd: RawFd) -> Self {
        assert!(fd != -1, "OwnedFd::from_raw_fd(-1)");
        Self { fd }
    }

    /// The descriptor's number (never -1).
    #[must_use]
    pub const fn as_raw_fd(&self) -> RawFd {
        self.fd
    }

    /// Gives up ownership without closing.
    #[must_use = "the descriptor stays open; close it or wrap it again"]
    pub fn into_raw_fd(self) -> RawFd {
        let fd = self.fd;
        core::mem::forget(self);
        fd
    }

    /// Borrows the descriptor.
    #[must_use]
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
    /// # Panics
    ///
    /// If `fd` is -1 (as std's `BorrowedFd::borrow_raw`): see
    /// [the invariant](self#the-invariant-never--1).
    ///
    /// # Safety
    ///
    /// `fd` must stay open for `'fd`, or be a number the caller uses only to
    /// provoke `EBADF` (nothing else may open it meanwhile).
    #[must_use]
    pub const unsafe fn borrow_raw(fd: RawFd) -> Self {
        assert!(fd != -1, "BorrowedFd::borrow_raw(-1)");
        Self {
            fd,
            _owner: PhantomData,
        }
    }

    /// The descriptor's number (never -1).
    #[must_use]
    pub const fn as_raw_fd(&self) -> RawFd {
        self.fd
    }
}

/// Types that can lend a [`BorrowedFd`]: what rawmap's descriptor-taking
/// calls accept.
///
/// With the `std` feature this is implemented for every type that
/// implements std's
/// [`AsFd`](https://doc.rust-lang.org/std/os/fd/trait.AsFd.html)
/// (`std::fs::File`, std's and rawmap's
/// `OwnedFd` and `BorrowedFd`, rawmap's [`File`](crate::File), references
/// to them, ...): implement std's trait for your own types then. Without
/// std, rawmap's own types and references to them implement it.
pub trait AsFd {
    /// Borrows the descriptor.
    fn as_fd(&self) -> BorrowedFd<'_>;
}

#[cfg(not(feature = "std"))]
mod no_std_impls {
    use super::{AsFd, BorrowedFd, OwnedFd};

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

    impl AsFd for crate::File {
        fn as_fd(&self) -> BorrowedFd<'_> {
            crate::File::as_fd(self)
        }
    }

    impl<T: AsFd + ?Sized> AsFd for &T {
        fn as_fd(&self) -> BorrowedFd<'_> {
            T::as_fd(self)
        }
    }

    impl<T: AsFd + ?Sized> AsFd for &mut T {
        fn as_fd(&self) -> BorrowedFd<'_> {
            T::as_fd(self)
        }
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
mod std_impls {
    use super::{AsFd, BorrowedFd, OwnedFd, RawFd};
    use std::os::fd as sfd;

    /// Every std descriptor type is a rawmap one.
    impl<T: sfd::AsFd + ?Sized> AsFd for T {
        fn as_fd(&self) -> BorrowedFd<'_> {
            sfd::AsFd::as_fd(self).into()
        }
    }

    // Hidden from the docs (each `From` once on a page: both directions
    // would read `impl From<OwnedFd> for OwnedFd`); the module docs say
    // that both directions exist.
    #[doc(hidden)]
    impl From<OwnedFd> for sfd::OwnedFd {
        fn from(fd: OwnedFd) -> Self {
            // SAFETY: `fd` owned the number, which is not -1 (the
            // invariant): ownership moves over and std's assert holds.
            unsafe { sfd::FromRawFd::from_raw_fd(fd.into_raw_fd()) }
        }
    }

    impl From<sfd::OwnedFd> for OwnedFd {
        fn from(fd: sfd::OwnedFd) -> Self {
            // SAFETY: `fd` owned the descriptor (never -1 in std either);
            // ownership moves over.
            unsafe { Self::from_raw_fd(sfd::IntoRawFd::into_raw_fd(fd)) }
        }
    }

    impl<'a> From<sfd::BorrowedFd<'a>> for BorrowedFd<'a> {
        fn from(fd: sfd::BorrowedFd<'a>) -> Self {
            // SAFETY: the std borrow keeps the descriptor open for 'a, and
            // it is never -1.
            unsafe { Self::borrow_raw(sfd::AsRawFd::as_raw_fd(&fd)) }
        }
    }

    // Hidden from the docs, as the `OwnedFd` one above.
    #[doc(hidden)]
    impl<'a> From<BorrowedFd<'a>> for sfd::BorrowedFd<'a> {
        fn from(fd: BorrowedFd<'a>) -> Self {
            // SAFETY: our borrow is valid for 'a (or is a number its maker
            // vouched for, which only ever gives EBADF), and is not -1 by
            // the invariant, so std's assert holds.
            unsafe { Self::borrow_raw(fd.fd) }
        }
    }

    impl sfd::AsFd for OwnedFd {
        fn as_fd(&self) -> sfd::BorrowedFd<'_> {
            OwnedFd::as_fd(self).into()
        }
    }

    impl sfd::AsFd for BorrowedFd<'_> {
        fn as_fd(&self) -> sfd::BorrowedFd<'_> {
            (*self).into()
        }
    }

    impl sfd::AsRawFd for OwnedFd {
        fn as_raw_fd(&self) -> RawFd {
            self.fd
        }
    }

    impl sfd::AsRawFd for BorrowedFd<'_> {
        fn as_raw_fd(&self) -> RawFd {
            self.fd
        }
    }

    impl sfd::IntoRawFd for OwnedFd {
        fn into_raw_fd(self) -> RawFd {
            OwnedFd::into_raw_fd(self)
        }
    }

    impl sfd::FromRawFd for OwnedFd {
        /// As [`OwnedFd::from_raw_fd`]: panics on -1.
        unsafe fn from_raw_fd(fd: RawFd) -> Self {
            // SAFETY: the caller upholds the same contract.
            unsafe { OwnedFd::from_raw_fd(fd) }
        }
    }
}
