//! The one place where the three architectures differ at the system-call
//! level.
//!
//! The syscall numbers themselves come from `syscalls::Sysno`, which follows
//! `target_arch`, and the register conventions from `syscalls::raw`. What is
//! left is the set of calls an architecture has:
//!
//! | call   | x86_64   | aarch64, riscv64 (asm-generic table)   |
//! |--------|----------|----------------------------------------|
//! | `open` | `open`   | none: `openat(AT_FDCWD, ..)`           |
//! | `posix_fadvise` | `fadvise64` | `fadvise64` (`fadvise64_64` on 32-bit) |
//!
//! 64-bit values (file offsets and lengths of `pread`, `pwrite`,
//! `preadv`, `pwritev`, `fallocate`, `posix_fadvise`, `ftruncate`) take one
//! register on every supported architecture; they are marshalled only by
//! [`u64_arg`] and [`u64_lo_hi`] below, so that a 32-bit port, where they
//! take a register pair (in an order, and with an alignment padding
//! register, that differ per call and arch), changes these two helpers
//! and their callers' argument lists, and nothing else.

use syscalls::{Sysno, raw};

/// `open(path, flags, mode)`: returns the raw kernel answer.
///
/// # Safety
///
/// `path` must point to a NUL-terminated string.
#[cfg(target_arch = "x86_64")]
#[inline]
pub(super) unsafe fn open(path: *const u8, flags: u32, mode: u32) -> usize {
    // SAFETY: the caller guarantees `path` is a C string; `open` reads only it.
    unsafe {
        raw::syscall3(
            Sysno::open as usize,
            path as usize,
            flags as usize,
            mode as usize,
        )
    }
}

/// `open(path, flags, mode)` as `openat(AT_FDCWD, path, flags, mode)`: this
/// architecture has no `open` system call.
///
/// # Safety
///
/// `path` must point to a NUL-terminated string.
#[cfg(any(target_arch = "aarch64", target_arch = "riscv64"))]
#[inline]
pub(super) unsafe fn open(path: *const u8, flags: u32, mode: u32) -> usize {
    // SAFETY: the caller guarantees `path` is a C string; `openat` reads only
    // it. AT_FDCWD is sign-extended, as the kernel expects an int.
    unsafe {
        raw::syscall4(
            Sysno::openat as usize,
            linux_raw_sys::general::AT_FDCWD as isize as usize,
            path as usize,
            flags as usize,
            mode as usize,
        )
    }
}

/// A 64-bit offset or length as one system-call argument (one register on
/// the 64-bit architectures; see the module docs for 32-bit ports).
#[inline(always)]
pub(super) const fn u64_arg(v: u64) -> usize {
    v as usize
}

/// A 64-bit offset as the `pos_l, pos_h` pair of `preadv`/`pwritev`
/// (which take it split on every architecture; a 64-bit kernel ignores
/// `pos_h` and uses the whole `pos_l`).
#[inline(always)]
pub(super) const fn u64_lo_hi(v: u64) -> (usize, usize) {
    (v as usize, (v >> 32) as usize)
}
