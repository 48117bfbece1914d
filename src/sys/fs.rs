//! File system calls: open, close, size, read and write.

use core::mem::MaybeUninit;

use syscalls::{Sysno, raw};

use super::arch;
use super::errno::{Errno, ret_c_int, ret_unit, ret_usize};
use super::iovec::{IoSlice, IoSliceMut};
use crate::fd::{AsFd, OwnedFd, RawFd};
use crate::flags::{Mode, OFlags};
use crate::path::Arg;

pub use super::arch::Stat;

/// Opens a file:
/// [`open(2)`](https://man7.org/linux/man-pages/man2/open.2.html).
///
/// On aarch64 and riscv64, which have no `open` system call, this is
/// `openat(AT_FDCWD, path, flags, mode)`.
///
/// # Errors
///
/// `ENOENT` (missing, without `CREAT`), `EEXIST` (`CREAT | EXCL` on an
/// existing file), `EACCES` (permission), `EISDIR` (a directory opened for
/// writing), `ENOTDIR`, `ELOOP`, `EMFILE`, `EINVAL` (bad flag combination,
/// e.g. `TMPFILE` without write access); before the call, `EINVAL` for a
/// NUL inside `path` and `ENAMETOOLONG` for one of `PATH_MAX` bytes or more
/// (see [`path::Arg`](crate::path::Arg): a `&CStr`, `&str`, `&[u8]`, or
/// with std a `&Path`, ...).
#[inline]
pub fn open(path: impl Arg, flags: OFlags, mode: Mode) -> Result<OwnedFd, Errno> {
    path.into_with_c_str(|path| {
        // SAFETY: `path` is a C string.
        let ret = unsafe {
            arch::open(
                path.as_ptr().cast(),
                flags.bits() | arch::OPEN_FLAGS,
                mode.bits(),
            )
        };
        // SAFETY: on success the kernel returned a new descriptor we now own.
        ret_c_int(ret).map(|fd| unsafe { OwnedFd::from_raw_fd(fd) })
    })
}

/// Opens a file relative to a directory:
/// [`openat(2)`](https://man7.org/linux/man-pages/man2/openat.2.html).
///
/// Pass [`fd::CWD`](crate::fd::CWD) as `dirfd` for the current directory.
///
/// # Errors
///
/// As [`open`], plus `EBADF` for a bad `dirfd` with a relative path and
/// `ENOTDIR` when `dirfd` is not a directory.
#[inline]
pub fn openat(
    dirfd: impl AsFd,
    path: impl Arg,
    flags: OFlags,
    mode: Mode,
) -> Result<OwnedFd, Errno> {
    let dirfd = dirfd.as_fd().as_raw_fd();
    path.into_with_c_str(|path| {
        // SAFETY: `path` is a C string; `dirfd` is sign-extended from an int.
        let ret = unsafe {
            raw::syscall4(
                Sysno::openat as usize,
                dirfd as isize as usize,
                path.as_ptr() as usize,
                (flags.bits() | arch::OPEN_FLAGS) as usize,
                mode.bits() as usize,
            )
        };
        // SAFETY: on success the kernel returned a new descriptor we now own.
        ret_c_int(ret).map(|fd| unsafe { OwnedFd::from_raw_fd(fd) })
    })
}

/// Closes a descriptor and reports the kernel's answer:
/// [`close(2)`](https://man7.org/linux/man-pages/man2/close.2.html).
///
/// Dropping an [`OwnedFd`] closes it too, ignoring the answer.
///
/// # Errors
///
/// `EBADF` when the number was not open; `EIO`/`EINTR` from some file
/// systems (the descriptor is released anyway).
#[inline]
pub fn close(fd: OwnedFd) -> Result<(), Errno> {
    close_raw(fd.into_raw_fd())
}

/// `close(fd)` on a raw number; used by `OwnedFd::drop`.
#[inline]
pub(crate) fn close_raw(fd: RawFd) -> Result<(), Errno> {
    // SAFETY: close takes no pointer; releasing a number we own (or one that
    // is not open: EBADF) cannot break memory safety.
    ret_unit(unsafe { raw::syscall1(Sysno::close as usize, fd as isize as usize) })
}

/// Sets a file's size:
/// [`ftruncate(2)`](https://man7.org/linux/man-pages/man2/ftruncate.2.html).
///
/// Growing fills with zeros (a sparse hole); this is how the seed gives a
/// newly created file a size before mapping it.
///
/// # Errors
///
/// `EINVAL` for a descriptor not open for writing or not a regular file, or
/// a length above `i64::MAX`; `EBADF` for a bad descriptor; `EFBIG` past
/// `RLIMIT_FSIZE` or the file system's limit.
#[inline]
pub fn ftruncate(fd: impl AsFd, len: u64) -> Result<(), Errno> {
    // SAFETY: no pointer is passed.
    ret_unit(unsafe {
        arch::syscall_a_u64(
            arch::FTRUNCATE,
            fd.as_fd().as_raw_fd() as isize as usize,
            len,
        )
    })
}

/// Sets the size of the file at `path`:
/// [`truncate(2)`](https://man7.org/linux/man-pages/man2/truncate.2.html).
///
/// # Errors
///
/// As [`ftruncate`], plus the path errors of [`open`] and `EISDIR`.
#[inline]
pub fn truncate(path: impl Arg, len: u64) -> Result<(), Errno> {
    path.into_with_c_str(|path| {
        // SAFETY: `path` is a C string.
        ret_unit(unsafe { arch::syscall_a_u64(arch::TRUNCATE, path.as_ptr() as usize, len) })
    })
}

/// Reads a descriptor's metadata:
/// [`fstat(2)`](https://man7.org/linux/man-pages/man2/fstat.2.html)
/// (`fstat64` on the 32-bit arches; on loongarch64, which has no `fstat`
/// before Linux 6.11,
/// [`statx(2)`](https://man7.org/linux/man-pages/man2/statx.2.html)
/// converted into `struct stat`).
///
/// # Errors
///
/// `EBADF` for a bad descriptor.
#[inline]
pub fn fstat(fd: impl AsFd) -> Result<Stat, Errno> {
    let mut st = MaybeUninit::<Stat>::uninit();
    // SAFETY: the kernel writes a whole `struct stat` into `st`.
    let ret = unsafe { arch::fstat(fd.as_fd().as_raw_fd(), st.as_mut_ptr()) };
    // SAFETY: on success the kernel filled every field.
    ret_unit(ret).map(|()| unsafe { st.assume_init() })
}

/// Reads from a descriptor into `buf`:
/// [`read(2)`](https://man7.org/linux/man-pages/man2/read.2.html).
///
/// Returns the number of bytes read; 0 at end of file.
///
/// # Errors
///
/// `EBADF` (bad or write-only descriptor), `EISDIR`, `EINTR`, `EAGAIN`,
/// `EFAULT` is impossible (the buffer is a slice).
#[inline]
pub fn read(fd: impl AsFd, buf: &mut [u8]) -> Result<usize, Errno> {
    // SAFETY: the kernel writes at most `buf.len()` bytes into `buf`.
    ret_usize(unsafe {
        raw::syscall3(
            Sysno::read as usize,
            fd.as_fd().as_raw_fd() as isize as usize,
            buf.as_mut_ptr() as usize,
            buf.len(),
        )
    })
}

/// Reads from a descriptor at an offset, leaving the file position alone:
/// [`pread(2)`](https://man7.org/linux/man-pages/man2/pread.2.html).
///
/// # Errors
///
/// As [`read`], plus `ESPIPE` for pipes and `EINVAL` for an offset above
/// `i64::MAX`.
#[inline]
pub fn pread(fd: impl AsFd, buf: &mut [u8], offset: u64) -> Result<usize, Errno> {
    // SAFETY: the kernel writes at most `buf.len()` bytes into `buf`.
    ret_usize(unsafe {
        arch::syscall_abc_u64(
            Sysno::pread64,
            fd.as_fd().as_raw_fd() as isize as usize,
            buf.as_mut_ptr() as usize,
            buf.len(),
            offset,
        )
    })
}

/// Writes `buf` at an offset, leaving the file position alone:
/// [`pwrite(2)`](https://man7.org/linux/man-pages/man2/pwrite.2.html).
///
/// Returns the number of bytes written, which may be fewer than asked.
/// (On Linux, a descriptor opened with `O_APPEND` appends anyway.)
///
/// # Errors
///
/// As [`write()`], plus `ESPIPE` for pipes and `EINVAL` for an offset above
/// `i64::MAX`.
#[inline]
pub fn pwrite(fd: impl AsFd, buf: &[u8], offset: u64) -> Result<usize, Errno> {
    // SAFETY: the kernel reads at most `buf.len()` bytes from `buf`.
    ret_usize(unsafe {
        arch::syscall_abc_u64(
            Sysno::pwrite64,
            fd.as_fd().as_raw_fd() as isize as usize,
            buf.as_ptr() as usize,
            buf.len(),
            offset,
        )
    })
}

/// Reads at an offset into several buffers, in order, leaving the file
/// position alone:
/// [`preadv(2)`](https://man7.org/linux/man-pages/man2/preadv.2.html).
///
/// Returns the total number of bytes read.
///
/// # Errors
///
/// As [`pread`], plus `EINVAL` for more than `IOV_MAX` (1024) buffers or
/// a total length over `isize::MAX`.
#[inline]
pub fn preadv(fd: impl AsFd, bufs: &mut [IoSliceMut<'_>], offset: u64) -> Result<usize, Errno> {
    let (lo, hi) = arch::u64_lo_hi(offset);
    // SAFETY: `IoSliceMut` is a `struct iovec` over a live `&mut [u8]`; the
    // kernel writes at most each buffer's length into it.
    ret_usize(unsafe {
        raw::syscall5(
            Sysno::preadv as usize,
            fd.as_fd().as_raw_fd() as isize as usize,
            bufs.as_mut_ptr() as usize,
            bufs.len(),
            lo,
            hi,
        )
    })
}

/// Writes several buffers, in order, at an offset, leaving the file
/// position alone:
/// [`pwritev(2)`](https://man7.org/linux/man-pages/man2/pwritev.2.html).
///
/// Returns the total number of bytes written.
///
/// # Errors
///
/// As [`pwrite`], plus `EINVAL` for more than `IOV_MAX` (1024) buffers or
/// a total length over `isize::MAX`.
#[inline]
pub fn pwritev(fd: impl AsFd, bufs: &[IoSlice<'_>], offset: u64) -> Result<usize, Errno> {
    let (lo, hi) = arch::u64_lo_hi(offset);
    // SAFETY: `IoSlice` is a `struct iovec` over a live `&[u8]`; the kernel
    // only reads the buffers.
    ret_usize(unsafe {
        raw::syscall5(
            Sysno::pwritev as usize,
            fd.as_fd().as_raw_fd() as isize as usize,
            bufs.as_ptr() as usize,
            bufs.len(),
            lo,
            hi,
        )
    })
}

/// Writes `buf` to a descriptor:
/// [`write(2)`](https://man7.org/linux/man-pages/man2/write.2.html).
///
/// Returns the number of bytes written, which may be fewer than asked.
///
/// # Errors
///
/// `EBADF` (bad or read-only descriptor), `EFBIG` (past `RLIMIT_FSIZE`),
/// `ENOSPC`, `EPIPE`, `EINTR`, `EAGAIN`.
#[inline]
pub fn write(fd: impl AsFd, buf: &[u8]) -> Result<usize, Errno> {
    // SAFETY: the kernel reads at most `buf.len()` bytes from `buf`.
    ret_usize(unsafe {
        raw::syscall3(
            Sysno::write as usize,
            fd.as_fd().as_raw_fd() as isize as usize,
            buf.as_ptr() as usize,
            buf.len(),
        )
    })
}

/// Where [`lseek`] counts from.
#[repr(u32)]
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Whence {
    /// `SEEK_SET`: from the start of the file.
    Set = linux_raw_sys::general::SEEK_SET,
    /// `SEEK_CUR`: from the current position.
    Cur = linux_raw_sys::general::SEEK_CUR,
    /// `SEEK_END`: from the end of the file.
    End = linux_raw_sys::general::SEEK_END,
    /// `SEEK_DATA` (Linux 3.1): to the first byte of data at or after the
    /// offset (`ENXIO` when there is none before the end of the file).
    Data = linux_raw_sys::general::SEEK_DATA,
    /// `SEEK_HOLE` (Linux 3.1): to the first hole at or after the offset
    /// (the end of the file counts as one; `ENXIO` past the end). A file
    /// system without hole tracking reports only that one.
    Hole = linux_raw_sys::general::SEEK_HOLE,
}

/// Moves a descriptor's file position:
/// [`lseek(2)`](https://man7.org/linux/man-pages/man2/lseek.2.html).
///
/// Seeking past the end does **not** change the file's size; only a write
/// there does (the seed's FAQ 5 glosses over this).
///
/// # Errors
///
/// `EINVAL` for a resulting negative position (or a file system without
/// `SEEK_DATA`/`SEEK_HOLE`), `ENXIO` for `Data`/`Hole` at or past the end
/// of the file (and `Data` in a trailing hole), `ESPIPE` for pipes,
/// `EBADF`.
#[inline]
pub fn lseek(fd: impl AsFd, offset: i64, whence: Whence) -> Result<u64, Errno> {
    arch::lseek(fd.as_fd().as_raw_fd(), offset, whence as u32)
}

/// Flushes a file's data and metadata to the device:
/// [`fsync(2)`](https://man7.org/linux/man-pages/man2/fsync.2.html).
///
/// # Errors
///
/// `EBADF`, `EIO`, `EINVAL` (a descriptor that cannot be synced, e.g. a
/// pipe).
#[inline]
pub fn fsync(fd: impl AsFd) -> Result<(), Errno> {
    // SAFETY: no pointer is passed.
    ret_unit(unsafe {
        raw::syscall1(
            Sysno::fsync as usize,
            fd.as_fd().as_raw_fd() as isize as usize,
        )
    })
}

/// Flushes a file's data, and only the metadata needed to read it back
/// (the size, not the times), to the device:
/// [`fdatasync(2)`](https://man7.org/linux/man-pages/man2/fdatasync.2.html).
///
/// # Errors
///
/// As [`fsync`].
#[inline]
pub fn fdatasync(fd: impl AsFd) -> Result<(), Errno> {
    // SAFETY: no pointer is passed.
    ret_unit(unsafe {
        raw::syscall1(
            Sysno::fdatasync as usize,
            fd.as_fd().as_raw_fd() as isize as usize,
        )
    })
}

/// Removes a name from the file system:
/// [`unlink(2)`](https://man7.org/linux/man-pages/man2/unlink.2.html)
/// (as `unlinkat(AT_FDCWD, path, 0)`, which every architecture has).
///
/// # Errors
///
/// `ENOENT`, `EACCES`, `EISDIR` (use a directory call instead), `EPERM`.
#[inline]
pub fn unlink(path: impl Arg) -> Result<(), Errno> {
    path.into_with_c_str(|path| {
        // SAFETY: `path` is a C string.
        ret_unit(unsafe {
            raw::syscall3(
                Sysno::unlinkat as usize,
                linux_raw_sys::general::AT_FDCWD as isize as usize,
                path.as_ptr() as usize,
                0,
            )
        })
    })
}
