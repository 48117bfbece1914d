//! The one place where the architectures differ at the system-call level:
//! one file per architecture (`src/sys/arch/<arch>.rs`, or one for the
//! family sharing the asm-generic table), chosen by `target_arch`, each
//! opening with a table of its quirks.
//!
//! The syscall numbers come from `syscalls::Sysno`, which follows
//! `target_arch`, the register conventions (and powerpc64's CR0.SO error
//! flag, turned into `-errno`) from `syscalls::raw`, and the layouts
//! (`struct stat`) and errno values from `linux_raw_sys`. What is left
//! lives here:
//!
//! | call    | x86_64 | aarch64, riscv64       | powerpc64le | s390x                              |
//! |---------|--------|------------------------|-------------|------------------------------------|
//! | `open`  | `open` | `openat(AT_FDCWD, ..)` | `open`      | `open`                             |
//! | `mmap`  | 6 args | 6 args                 | 6 args      | 1 arg: a pointer to the 6 (`old_mmap`) |
//! | `clone` | flags, stack, .. | flags, stack, .. | flags, stack, .. | stack, flags, .. (`CLONE_BACKWARDS2`) |
//! | `posix_fadvise` | `fadvise64` | `fadvise64` | `fadvise64` | `fadvise64` (`fadvise64_64` on 32-bit arches) |
//!
//! loongarch64 is an asm-generic arch like aarch64 and riscv64 (`openat`,
//! six-register `mmap`, flags-first `clone`), except that it has no `fstat`
//! before Linux 6.11: its file (`arch/loongarch64.rs`) also provides
//! `fstat`, made of `statx`.
//!
//! Every arch file provides the same three functions, `open`, `mmap` and
//! `fork`, mostly by picking one of the shared forms below.
//!
//! 64-bit values (file offsets and lengths of `pread`, `pwrite`,
//! `preadv`, `pwritev`, `fallocate`, `posix_fadvise`, `ftruncate`) take one
//! register on every supported architecture; they are marshalled only by
//! [`u64_arg`] and [`u64_lo_hi`] below, so that a 32-bit port, where they
//! take a register pair (in an order, and with an alignment padding
//! register, that differ per call and arch), changes these two helpers
//! and their callers' argument lists, and nothing else.

#[cfg_attr(target_arch = "x86_64", path = "arch/x86_64.rs")]
#[cfg_attr(
    any(target_arch = "aarch64", target_arch = "riscv64"),
    path = "arch/generic.rs"
)]
#[cfg_attr(target_arch = "powerpc64", path = "arch/powerpc64.rs")]
#[cfg_attr(target_arch = "s390x", path = "arch/s390x.rs")]
#[cfg_attr(target_arch = "loongarch64", path = "arch/loongarch64.rs")]
mod imp;

#[cfg(target_arch = "loongarch64")]
pub(super) use imp::fstat;
pub(super) use imp::{fork, mmap, open};

/// The forms most architectures share; each arch file re-exports the ones
/// it uses.
#[allow(dead_code)] // not every arch uses every form
mod shared {
    use syscalls::{Sysno, raw};

    /// `open(path, flags, mode)`: returns the raw kernel answer.
    ///
    /// # Safety
    ///
    /// `path` must point to a NUL-terminated string.
    #[cfg(not(any(
        target_arch = "aarch64",
        target_arch = "riscv64",
        target_arch = "loongarch64"
    )))]
    #[inline]
    pub unsafe fn open_syscall(path: *const u8, flags: u32, mode: u32) -> usize {
        // SAFETY: the caller guarantees `path` is a C string; `open` reads
        // only it.
        unsafe {
            raw::syscall3(
                Sysno::open as usize,
                path as usize,
                flags as usize,
                mode as usize,
            )
        }
    }

    /// `open(path, flags, mode)` as `openat(AT_FDCWD, path, flags, mode)`,
    /// for an architecture with no `open` system call.
    ///
    /// # Safety
    ///
    /// `path` must point to a NUL-terminated string.
    #[inline]
    pub unsafe fn open_via_openat(path: *const u8, flags: u32, mode: u32) -> usize {
        // SAFETY: the caller guarantees `path` is a C string; `openat` reads
        // only it. AT_FDCWD is sign-extended, as the kernel expects an int.
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

    /// `mmap` with its six arguments in six registers; `fd` is an int,
    /// sign-extended, `offset` in bytes.
    ///
    /// # Safety
    ///
    /// As [`crate::sys::mmap`].
    #[cfg(not(target_arch = "s390x"))]
    #[inline]
    pub unsafe fn mmap_in_registers(
        addr: usize,
        len: usize,
        prot: u32,
        flags: u32,
        fd: i32,
        offset: u64,
    ) -> usize {
        // SAFETY: the caller upholds `sys::mmap`'s contract.
        unsafe {
            raw::syscall6(
                Sysno::mmap as usize,
                addr,
                len,
                prot as usize,
                flags as usize,
                fd as isize as usize,
                offset as usize,
            )
        }
    }

    /// `fork()` as `clone(SIGCHLD, 0, 0, 0, 0)`: the flags first, then the
    /// new stack (the order of the rest differs between arches, but all are
    /// 0).
    ///
    /// # Safety
    ///
    /// As [`crate::sys::fork`].
    #[inline]
    pub unsafe fn fork_flags_first() -> usize {
        // SAFETY: with no CLONE_VM and a null stack the child runs on a copy
        // of the parent's stack, exactly like fork(2).
        unsafe {
            raw::syscall5(
                Sysno::clone as usize,
                linux_raw_sys::general::SIGCHLD as usize,
                0,
                0,
                0,
                0,
            )
        }
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
