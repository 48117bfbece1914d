//! File space: `fallocate` (allocate, punch holes, zero ranges) and
//! `posix_fadvise` (page cache advice for a file range).

use syscalls::Sysno;

use super::arch;
use super::errno::{Errno, ret_unit};
use crate::fd::AsFd;
use crate::flags::{FallocateFlags, FileAdvice};

/// Allocates, frees or zeroes the blocks of a file range:
/// [`fallocate(2)`](https://man7.org/linux/man-pages/man2/fallocate.2.html).
///
/// With no flags the range's blocks are allocated (and the file grows to
/// `offset + len` if it is shorter): unlike a sparse `ftruncate`, stores
/// through a shared mapping of the range can then not fail with SIGBUS
/// for lack of disk space.
///
/// # Errors
///
/// `EINVAL` for `len == 0` or an `offset` above `i64::MAX`; `EFBIG` when
/// `offset + len` passes `i64::MAX` or the file system's (or
/// `RLIMIT_FSIZE`'s) limit; `EOPNOTSUPP` for unknown flags, a bad
/// combination (`PUNCH_HOLE` without `KEEP_SIZE`) or a mode the file
/// system lacks (tmpfs has no `ZERO_RANGE`); `ENOSPC`; `EBADF` for a
/// descriptor not open for writing; `EISDIR` for a directory, `ENODEV` for
/// other non-regular files; `ESPIPE` for a pipe; `EPERM` on a sealed memfd
/// (`F_SEAL_GROW` past its end, `F_SEAL_WRITE` for holes) or an immutable
/// file.
#[inline]
pub fn fallocate(fd: impl AsFd, mode: FallocateFlags, offset: u64, len: u64) -> Result<(), Errno> {
    // SAFETY: no pointer is passed.
    ret_unit(unsafe {
        arch::syscall_ab_u64_u64(
            Sysno::fallocate,
            fd.as_fd().as_raw_fd() as isize as usize,
            mode.bits() as usize,
            offset,
            len,
        )
    })
}

/// Tells the kernel how a file range will be read:
/// [`posix_fadvise(2)`](https://man7.org/linux/man-pages/man2/posix_fadvise.2.html)
/// (the `fadvise64` system call). `len == 0` means "to the end of the
/// file".
///
/// Unlike the C function, which returns the error number, this returns it
/// as `Err`.
///
/// # Errors
///
/// `EBADF`, `ESPIPE` for a pipe, `EINVAL` for an offset or length above
/// `i64::MAX` (or advice the kernel does not know).
#[inline]
pub fn posix_fadvise(
    fd: impl AsFd,
    offset: u64,
    len: u64,
    advice: FileAdvice,
) -> Result<(), Errno> {
    ret_unit(arch::fadvise(
        fd.as_fd().as_raw_fd(),
        offset,
        len,
        advice as u32,
    ))
}
