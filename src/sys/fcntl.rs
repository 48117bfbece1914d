//! `fcntl`: descriptor and status flags, duplication, and file seals, one
//! typed function per command (as rustix does).

use syscalls::{Sysno, raw};

use linux_raw_sys::general as g;

use super::errno::{Errno, ret_c_int, ret_unit, ret_usize};
use crate::fd::{AsFd, BorrowedFd, OwnedFd, RawFd};
use crate::flags::{FdFlags, OFlags, SealFlags};

/// `fcntl(fd.as_fd(), cmd, arg)`, the raw answer.
#[inline]
fn fcntl(fd: BorrowedFd<'_>, cmd: u32, arg: usize) -> usize {
    // SAFETY: none of the commands used here takes a pointer.
    unsafe {
        raw::syscall3(
            Sysno::fcntl as usize,
            fd.as_raw_fd() as isize as usize,
            cmd as usize,
            arg,
        )
    }
}

/// The file status flags and access mode (`F_GETFL`):
/// [`fcntl(2)`](https://man7.org/linux/man-pages/man2/fcntl.2.html).
///
/// The access mode is `flags & OFlags::ACCMODE` (`RDONLY` is empty). The
/// kernel may report flags it adds itself (`O_LARGEFILE` on 64-bit).
///
/// # Errors
///
/// `EBADF`.
#[inline]
pub fn fcntl_getfl(fd: impl AsFd) -> Result<OFlags, Errno> {
    ret_usize(fcntl(fd.as_fd(), g::F_GETFL, 0)).map(|v| OFlags::from_bits_retain(v as u32))
}

/// Sets the file status flags (`F_SETFL`):
/// [`fcntl(2)`](https://man7.org/linux/man-pages/man2/fcntl.2.html).
///
/// Only `O_APPEND`, `O_ASYNC`, `O_DIRECT`, `O_NOATIME` and `O_NONBLOCK`
/// can change; the access mode and creation flags are ignored.
///
/// # Errors
///
/// `EBADF`; `EPERM` for `O_APPEND` off on an append-only file, or
/// `O_NOATIME` on a file one does not own; `EINVAL` for `O_DIRECT` on a
/// file system without it.
#[inline]
pub fn fcntl_setfl(fd: impl AsFd, flags: OFlags) -> Result<(), Errno> {
    ret_unit(fcntl(fd.as_fd(), g::F_SETFL, flags.bits() as usize))
}

/// The descriptor flags (`F_GETFD`: `FD_CLOEXEC`):
/// [`fcntl(2)`](https://man7.org/linux/man-pages/man2/fcntl.2.html).
///
/// # Errors
///
/// `EBADF`.
#[inline]
pub fn fcntl_getfd(fd: impl AsFd) -> Result<FdFlags, Errno> {
    ret_usize(fcntl(fd.as_fd(), g::F_GETFD, 0)).map(|v| FdFlags::from_bits_retain(v as u32))
}

/// Sets the descriptor flags (`F_SETFD`):
/// [`fcntl(2)`](https://man7.org/linux/man-pages/man2/fcntl.2.html).
///
/// # Errors
///
/// `EBADF`.
#[inline]
pub fn fcntl_setfd(fd: impl AsFd, flags: FdFlags) -> Result<(), Errno> {
    ret_unit(fcntl(fd.as_fd(), g::F_SETFD, flags.bits() as usize))
}

/// Duplicates a descriptor onto the lowest free number at or above `min`,
/// with `FD_CLOEXEC` set (`F_DUPFD_CLOEXEC`):
/// [`fcntl(2)`](https://man7.org/linux/man-pages/man2/fcntl.2.html).
///
/// # Errors
///
/// `EBADF`; `EINVAL` for `min` negative or not below `RLIMIT_NOFILE`;
/// `EMFILE` when no number is free.
#[inline]
pub fn fcntl_dupfd_cloexec(fd: impl AsFd, min: RawFd) -> Result<OwnedFd, Errno> {
    let ret = fcntl(fd.as_fd(), g::F_DUPFD_CLOEXEC, min as isize as usize);
    // SAFETY: on success the kernel returned a new descriptor we now own.
    ret_c_int(ret).map(|n| unsafe { OwnedFd::from_raw_fd(n) })
}

/// Adds seals to a file (`F_ADD_SEALS`): see
/// [`fcntl(2)`](https://man7.org/linux/man-pages/man2/fcntl.2.html) and
/// [`memfd_create(2)`](https://man7.org/linux/man-pages/man2/memfd_create.2.html).
/// Seals can never be removed.
///
/// # Errors
///
/// `EINVAL` for a file that does not support sealing (neither a memfd nor
/// a shmem/hugetlbfs file) or unknown seals; `EPERM` when `F_SEAL_SEAL` is
/// already set (a memfd made without `MFD_ALLOW_SEALING` has it), or the
/// descriptor is not open for writing; `EBUSY` for `F_SEAL_WRITE` while a
/// shared writable mapping of the file exists; `EBADF`.
#[inline]
pub fn fcntl_add_seals(fd: impl AsFd, seals: SealFlags) -> Result<(), Errno> {
    ret_unit(fcntl(fd.as_fd(), g::F_ADD_SEALS, seals.bits() as usize))
}

/// The seals of a file (`F_GET_SEALS`): see
/// [`fcntl(2)`](https://man7.org/linux/man-pages/man2/fcntl.2.html).
///
/// # Errors
///
/// `EINVAL` for a file that does not support sealing; `EBADF`.
#[inline]
pub fn fcntl_get_seals(fd: impl AsFd) -> Result<SealFlags, Errno> {
    ret_usize(fcntl(fd.as_fd(), g::F_GET_SEALS, 0)).map(|v| SealFlags::from_bits_retain(v as u32))
}
