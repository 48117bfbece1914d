//! Memory-management system calls: `mmap` and the calls that act on a
//! mapped range.

use core::ffi::c_void;

use syscalls::{Sysno, raw};

use super::arch;
use super::errno::{Errno, ret_unit, ret_usize};
use crate::fd::BorrowedFd;
use crate::flags::{Advice, MapFlags, MlockFlags, MremapFlags, MsyncFlags, ProtFlags};

/// Maps files or devices into memory:
/// [`mmap(2)`](https://man7.org/linux/man-pages/man2/mmap.2.html).
///
/// `fd` is `None` (passed as -1) for an anonymous mapping; for any
/// descriptor type, pass `Some(rawmap::AsFd::as_fd(&file))` (with `std`,
/// `Some(std_borrowed_fd.into())` works too). `offset` is in
/// bytes and must be a multiple of [`page_size()`](crate::page_size).
///
/// # Errors
///
/// The kernel's answer, among others: `EINVAL` for `len == 0`, an offset
/// that is not page aligned, or neither/both of `SHARED`/`PRIVATE`;
/// `EBADF` for a bad `fd` without `ANONYMOUS`; `EACCES` when `prot` asks for
/// more than `fd` was opened for (`PROT_WRITE` with `MAP_SHARED` on a
/// read-only descriptor, any mapping of a write-only descriptor); `ENODEV`
/// for a file that cannot be mapped; `ENOMEM` when no room is left;
/// `EEXIST` for `FIXED_NOREPLACE` over an existing mapping; `EOVERFLOW` when
/// `offset + len` overflows.
///
/// # Safety
///
/// With `MapFlags::FIXED` the new mapping silently replaces whatever was at
/// `addr..addr+len`, which must not be memory Rust still uses. For a file
/// mapping, the caller decides how the returned memory may be used: another
/// process may change or truncate the file (touching a page past its end
/// raises SIGBUS).
#[inline]
pub unsafe fn mmap(
    addr: *mut c_void,
    len: usize,
    prot: ProtFlags,
    flags: MapFlags,
    fd: Option<BorrowedFd<'_>>,
    offset: u64,
) -> Result<*mut c_void, Errno> {
    let fd = match fd {
        Some(fd) => fd.as_raw_fd(),
        None => -1,
    };
    // SAFETY: the caller upholds the contract above; the kernel checks the
    // arguments. How they reach it differs per arch (`arch.rs`).
    let ret = unsafe { arch::mmap(addr as usize, len, prot.bits(), flags.bits(), fd, offset) };
    ret_usize(ret).map(|a| a as *mut c_void)
}

/// Removes a mapping:
/// [`munmap(2)`](https://man7.org/linux/man-pages/man2/munmap.2.html).
///
/// Unmapping a range that holds no mapping is not an error.
///
/// # Errors
///
/// `EINVAL` when `addr` is not page aligned (the seed's FAQ 1: `ptr++` then
/// `munmap(ptr, ..)`), when `len` is 0, or the range wraps around.
///
/// # Safety
///
/// Nothing in `addr..addr+len` may be used by Rust code afterwards.
#[inline]
pub unsafe fn munmap(addr: *mut c_void, len: usize) -> Result<(), Errno> {
    // SAFETY: the caller guarantees nothing uses the range any more.
    ret_unit(unsafe { raw::syscall2(Sysno::munmap as usize, addr as usize, len) })
}

/// Changes the protection of a range:
/// [`mprotect(2)`](https://man7.org/linux/man-pages/man2/mprotect.2.html).
///
/// # Errors
///
/// `EINVAL` for an unaligned `addr` or invalid `prot` bits; `ENOMEM` when
/// part of the range is not mapped; `EACCES` when asking for `PROT_WRITE` on
/// a shared mapping of a file opened read-only.
///
/// # Safety
///
/// Removing access from memory that Rust references still point into makes
/// using them fault; the caller must rule that out.
#[inline]
pub unsafe fn mprotect(addr: *mut c_void, len: usize, prot: ProtFlags) -> Result<(), Errno> {
    // SAFETY: the caller guarantees the change breaks no live reference.
    ret_unit(unsafe {
        raw::syscall3(
            Sysno::mprotect as usize,
            addr as usize,
            len,
            prot.bits() as usize,
        )
    })
}

/// Flushes a file mapping back to the file:
/// [`msync(2)`](https://man7.org/linux/man-pages/man2/msync.2.html).
///
/// # Errors
///
/// `EINVAL` for an unaligned `addr`, unknown flags, or both `SYNC` and
/// `ASYNC`; `ENOMEM` when the range is not fully mapped; `EBUSY` for
/// `INVALIDATE` on a locked range.
///
/// # Safety
///
/// `msync` reads no Rust memory, but `INVALIDATE` may let other mappings'
/// contents change under live references; the caller must rule that out.
#[inline]
pub unsafe fn msync(addr: *mut c_void, len: usize, flags: MsyncFlags) -> Result<(), Errno> {
    // SAFETY: the caller accepts the effect on the range.
    ret_unit(unsafe {
        raw::syscall3(
            Sysno::msync as usize,
            addr as usize,
            len,
            flags.bits() as usize,
        )
    })
}

/// Gives the kernel advice about a range:
/// [`madvise(2)`](https://man7.org/linux/man-pages/man2/madvise.2.html).
///
/// # Errors
///
/// `EINVAL` for an unaligned `addr` or unknown advice; `ENOMEM` when part
/// of the range is not mapped; `EBADF`/`EACCES`/`EPERM` per advice.
///
/// # Safety
///
/// Some advice changes memory contents (`DONTNEED`, `FREE`, `REMOVE`,
/// `WIPEONFORK`): the caller must rule out live references that depend on
/// them.
#[inline]
pub unsafe fn madvise(addr: *mut c_void, len: usize, advice: Advice) -> Result<(), Errno> {
    // SAFETY: the caller accepts the advice's effect on the range.
    ret_unit(unsafe {
        raw::syscall3(
            Sysno::madvise as usize,
            addr as usize,
            len,
            advice.as_raw() as usize,
        )
    })
}

/// Grows, shrinks or moves a mapping:
/// [`mremap(2)`](https://man7.org/linux/man-pages/man2/mremap.2.html).
///
/// `new_addr` is used only with `MremapFlags::FIXED`; pass null otherwise.
///
/// # Errors
///
/// `EFAULT` when `old..old+old_len` is not one mapping; `EINVAL` for an
/// unaligned address, bad flags or `new_len == 0`; `ENOMEM` when the range
/// cannot grow in place and `MAYMOVE` was not given (or no room is left).
///
/// # Safety
///
/// The old range may disappear (or move): nothing in it may be used
/// afterwards unless the call kept it in place. With `FIXED` whatever was at
/// `new_addr` is replaced.
#[inline]
pub unsafe fn mremap(
    old_addr: *mut c_void,
    old_len: usize,
    new_len: usize,
    flags: MremapFlags,
    new_addr: *mut c_void,
) -> Result<*mut c_void, Errno> {
    // SAFETY: the caller upholds the contract above.
    let ret = unsafe {
        raw::syscall5(
            Sysno::mremap as usize,
            old_addr as usize,
            old_len,
            new_len,
            flags.bits() as usize,
            new_addr as usize,
        )
    };
    ret_usize(ret).map(|a| a as *mut c_void)
}

/// Locks a range into RAM:
/// [`mlock(2)`](https://man7.org/linux/man-pages/man2/mlock.2.html).
///
/// Safe: locking changes no memory contents and no access rights.
///
/// # Errors
///
/// `ENOMEM` when part of the range is not mapped or `RLIMIT_MEMLOCK` would
/// be exceeded; `EPERM` without the privilege and with a zero limit.
#[inline]
pub fn mlock(addr: *const c_void, len: usize) -> Result<(), Errno> {
    // SAFETY: mlock only pins pages; it cannot invalidate any memory.
    ret_unit(unsafe { raw::syscall2(Sysno::mlock as usize, addr as usize, len) })
}

/// Locks a range into RAM, with flags:
/// [`mlock2(2)`](https://man7.org/linux/man-pages/man2/mlock2.2.html)
/// (Linux 4.4).
///
/// With [`MlockFlags::ONFAULT`] pages are locked as they are first
/// touched instead of being faulted in now. Empty flags: as [`mlock`].
///
/// # Errors
///
/// As [`mlock`], plus `EINVAL` for unknown flags.
#[inline]
pub fn mlock2(addr: *const c_void, len: usize, flags: MlockFlags) -> Result<(), Errno> {
    // SAFETY: mlock2 only pins pages; it cannot invalidate any memory.
    ret_unit(unsafe {
        raw::syscall3(
            Sysno::mlock2 as usize,
            addr as usize,
            len,
            flags.bits() as usize,
        )
    })
}

/// Unlocks a range:
/// [`munlock(2)`](https://man7.org/linux/man-pages/man2/munlock.2.html).
///
/// # Errors
///
/// `ENOMEM` when part of the range is not mapped.
#[inline]
pub fn munlock(addr: *const c_void, len: usize) -> Result<(), Errno> {
    // SAFETY: munlock only unpins pages; it cannot invalidate any memory.
    ret_unit(unsafe { raw::syscall2(Sysno::munlock as usize, addr as usize, len) })
}

/// Tells which pages of a range are resident:
/// [`mincore(2)`](https://man7.org/linux/man-pages/man2/mincore.2.html).
///
/// `vec` gets one byte per page of `addr..addr+len` (bit 0 set: resident).
///
/// # Errors
///
/// `EINVAL` for an unaligned `addr`; `ENOMEM` when part of the range is not
/// mapped; `EFAULT` is ruled out by the length check below.
///
/// # Panics
///
/// If `vec` is shorter than the number of pages in the range (the kernel
/// would write past its end).
#[inline]
pub fn mincore(addr: *const c_void, len: usize, vec: &mut [u8]) -> Result<(), Errno> {
    let pages = len.div_ceil(crate::page_size());
    assert!(vec.len() >= pages, "mincore: vec shorter than the range");
    // SAFETY: the kernel writes `pages` bytes into `vec`, which is long
    // enough; `addr` is only looked up, never dereferenced by us.
    ret_unit(unsafe {
        raw::syscall3(
            Sysno::mincore as usize,
            addr as usize,
            len,
            vec.as_mut_ptr() as usize,
        )
    })
}
