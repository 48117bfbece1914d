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
