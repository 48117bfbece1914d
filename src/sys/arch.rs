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
//! | `posix_fadvise` | `fadvise64` | `fadvise64` | `fadvise64` | `fadvise64` |
//!
//! and on the two 32-bit arches (`i686`, `armv7`), where a register holds
//! 32 bits and a 64-bit value (an offset or a length) takes a *pair*,
//! low word first (both are little-endian):
//!
//! | call            | i686 (`x86`)                       | armv7 (`arm`, EABI)                          |
//! |-----------------|------------------------------------|----------------------------------------------|
//! | `mmap`          | `mmap2`: offset in 4096-byte units | `mmap2`: offset in 4096-byte units           |
//! | `ftruncate`     | `ftruncate64(fd, lo, hi)`          | `ftruncate64(fd, 0, lo, hi)`: a pair starts on an even register |
//! | `truncate`      | `truncate64(path, lo, hi)`         | `truncate64(path, 0, lo, hi)`                |
//! | `pread`/`pwrite`| `pread64(fd, buf, n, lo, hi)`      | `pread64(fd, buf, n, 0, lo, hi)`             |
//! | `preadv`/`pwritev` | `(fd, iov, n, lo, hi)`          | `(fd, iov, n, lo, hi)`: two `unsigned long`s, not a pair (no padding) |
//! | `fallocate`     | `(fd, mode, lo, hi, lo, hi)`       | `(fd, mode, lo, hi, lo, hi)`                 |
//! | `posix_fadvise` | `fadvise64_64(fd, lo, hi, lo, hi, advice)` | `arm_fadvise64_64(fd, advice, lo, hi, lo, hi)` |
//! | `lseek`         | `_llseek(fd, hi, lo, &result, whence)` | `_llseek(fd, hi, lo, &result, whence)`   |
//! | `fstat`         | `fstat64` into `struct stat64`     | `fstat64` into `struct stat64`               |
//! | `open`, `openat`| `O_LARGEFILE` added (else `EOVERFLOW` for files past 2 GiB) | `O_LARGEFILE` added |
//! | `clone`         | flags, stack, parent_tid, tls, child_tid | flags, stack, parent_tid, tls, child_tid |
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
//! register on the 64-bit architectures and a pair on the 32-bit ones;
//! they are marshalled only here: by [`u64_arg`] and [`u64_lo_hi`], by the
//! call shapes [`syscall_a_u64`], [`syscall_abc_u64`] and
//! [`syscall_ab_u64_u64`] (which add armv7's padding register, see
//! `PAIR_ON_EVEN` in each 32-bit arch file), and by each arch file's
//! `posix_fadvise`, `lseek`, `fstat` and `mmap`.

#[cfg_attr(target_arch = "x86_64", path = "arch/x86_64.rs")]
#[cfg_attr(
    any(target_arch = "aarch64", target_arch = "riscv64"),
    path = "arch/generic.rs"
)]
#[cfg_attr(target_arch = "powerpc64", path = "arch/powerpc64.rs")]
#[cfg_attr(target_arch = "s390x", path = "arch/s390x.rs")]
#[cfg_attr(target_arch = "loongarch64", path = "arch/loongarch64.rs")]
#[cfg_attr(target_arch = "x86", path = "arch/x86.rs")]
#[cfg_attr(target_arch = "arm", path = "arch/arm.rs")]
mod imp;

#[cfg(target_arch = "loongarch64")]
pub(super) use imp::fstat;
#[cfg(target_pointer_width = "32")]
pub(super) use imp::{fadvise, fstat, lseek};
pub(super) use imp::{fork, mmap, open};
#[cfg(all(target_pointer_width = "64", not(target_arch = "loongarch64")))]
pub(super) use shared::fstat;
#[cfg(target_pointer_width = "64")]
pub(super) use shared::{fadvise_in_registers as fadvise, lseek};

/// `struct stat` for this architecture, from `linux_raw_sys` (its layout
/// differs between x86_64, the asm-generic arches, powerpc64 and s390x, and
/// s390x is big-endian; the 32-bit arches use `struct stat64`, whose
/// `st_size` and `st_ino` are 64 bits, with `fstat64`).
#[cfg(target_pointer_width = "64")]
pub use linux_raw_sys::general::stat as Stat;
/// `struct stat` for this architecture, from `linux_raw_sys`: on the 32-bit
/// arches `struct stat64` (64-bit `st_size` and `st_ino`), filled by
/// `fstat64`.
#[cfg(target_pointer_width = "32")]
pub use linux_raw_sys::general::stat64 as Stat;

/// `ftruncate`'s number: `ftruncate64` on the 32-bit arches.
#[cfg(target_pointer_width = "64")]
pub(super) const FTRUNCATE: Sysno = Sysno::ftruncate;
#[cfg(target_pointer_width = "32")]
pub(super) const FTRUNCATE: Sysno = Sysno::ftruncate64;
/// `truncate`'s number: `truncate64` on the 32-bit arches.
#[cfg(target_pointer_width = "64")]
pub(super) const TRUNCATE: Sysno = Sysno::truncate;
#[cfg(target_pointer_width = "32")]
pub(super) const TRUNCATE: Sysno = Sysno::truncate64;

/// Open flags every `open`/`openat` gets: `O_LARGEFILE` on the 32-bit
/// arches (their kernels, and a 64-bit kernel's compat `open`, refuse a
/// file past 2 GiB with `EOVERFLOW` without it); none on 64-bit, where the
/// kernel forces it.
#[cfg(target_pointer_width = "32")]
pub(super) const OPEN_FLAGS: u32 = linux_raw_sys::general::O_LARGEFILE;
#[cfg(target_pointer_width = "64")]
pub(super) const OPEN_FLAGS: u32 = 0;

use syscalls::{Sysno, raw};

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
    #[cfg(all(not(target_arch = "s390x"), target_pointer_width = "64"))]
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

    /// `fstat(fd, st)` into a `struct stat`.
    ///
    /// # Safety
    ///
    /// `st` must be valid for writes of a [`Stat`](super::Stat).
    #[cfg(target_pointer_width = "64")]
    #[inline]
    pub unsafe fn fstat(fd: i32, st: *mut super::Stat) -> usize {
        // SAFETY: the caller guarantees `st` is writable; the kernel writes
        // one `struct stat` there.
        unsafe { raw::syscall2(Sysno::fstat as usize, fd as isize as usize, st as usize) }
    }

    /// `lseek(fd, offset, whence)`: the new position, or `-errno`.
    #[cfg(target_pointer_width = "64")]
    #[inline]
    pub fn lseek(fd: i32, offset: i64, whence: u32) -> Result<u64, crate::sys::Errno> {
        // SAFETY: no pointer is passed.
        crate::sys::errno::ret_usize(unsafe {
            raw::syscall3(
                Sysno::lseek as usize,
                fd as isize as usize,
                offset as usize,
                whence as usize,
            )
        })
        .map(|p| p as u64)
    }

    /// `fadvise64(fd, offset, len, advice)`, the raw answer.
    #[cfg(target_pointer_width = "64")]
    #[inline]
    pub fn fadvise_in_registers(fd: i32, offset: u64, len: u64, advice: u32) -> usize {
        // SAFETY: no pointer is passed.
        unsafe {
            raw::syscall4(
                Sysno::fadvise64 as usize,
                fd as isize as usize,
                offset as usize,
                len as usize,
                advice as usize,
            )
        }
    }

    /// `_llseek(fd, offset_high, offset_low, &result, whence)`, the 32-bit
    /// arches' `lseek` with a 64-bit position.
    #[cfg(target_pointer_width = "32")]
    #[inline]
    pub fn llseek(fd: i32, offset: i64, whence: u32) -> Result<u64, crate::sys::Errno> {
        let mut result: u64 = 0;
        let (lo, hi) = super::u64_lo_hi(offset as u64);
        // SAFETY: the kernel writes one `loff_t` into `result`.
        let ret = unsafe {
            raw::syscall5(
                Sysno::_llseek as usize,
                fd as isize as usize,
                hi,
                lo,
                (&raw mut result) as usize,
                whence as usize,
            )
        };
        crate::sys::errno::ret_unit(ret).map(|()| result)
    }

    /// `fstat64(fd, st)` into a `struct stat64`.
    ///
    /// # Safety
    ///
    /// `st` must be valid for writes of a [`Stat`](super::Stat).
    #[cfg(target_pointer_width = "32")]
    #[inline]
    pub unsafe fn fstat64(fd: i32, st: *mut super::Stat) -> usize {
        // SAFETY: the caller guarantees `st` is writable; the kernel writes
        // one `struct stat64` there.
        unsafe { raw::syscall2(Sysno::fstat64 as usize, fd as isize as usize, st as usize) }
    }

    /// The unit of `mmap2`'s offset: 4096 bytes on i686 and armv7,
    /// whatever the page size (`arch/arm/kernel/entry-common.S`'s
    /// `sys_mmap2` shifts by 12 on every page size).
    #[cfg(target_pointer_width = "32")]
    pub const MMAP2_UNIT_SHIFT: u32 = 12;

    /// `mmap` as `mmap2`, with a 64-bit byte offset turned into 4096-byte
    /// units. An offset that is not a multiple of 4096 is `EINVAL` (the
    /// kernel's answer for a misaligned offset); one whose unit count does
    /// not fit 32 bits is `EOVERFLOW` (the kernel's answer when the page
    /// offset overflows), both without a system call.
    ///
    /// # Safety
    ///
    /// As [`crate::sys::mmap`].
    #[cfg(target_pointer_width = "32")]
    #[inline]
    pub unsafe fn mmap2(
        addr: usize,
        len: usize,
        prot: u32,
        flags: u32,
        fd: i32,
        offset: u64,
    ) -> usize {
        use linux_raw_sys::errno::{EINVAL, EOVERFLOW};
        if offset & ((1 << MMAP2_UNIT_SHIFT) - 1) != 0 {
            return (EINVAL as usize).wrapping_neg();
        }
        let Ok(units) = usize::try_from(offset >> MMAP2_UNIT_SHIFT) else {
            return (EOVERFLOW as usize).wrapping_neg();
        };
        // SAFETY: the caller upholds `sys::mmap`'s contract.
        unsafe {
            raw::syscall6(
                Sysno::mmap2 as usize,
                addr,
                len,
                prot as usize,
                flags as usize,
                fd as isize as usize,
                units,
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
/// the 64-bit architectures; the 32-bit ones use the call shapes below).
#[cfg(target_pointer_width = "64")]
#[inline(always)]
pub(super) const fn u64_arg(v: u64) -> usize {
    v as usize
}

/// A 64-bit value as the `(low, high)` register pair of the 32-bit
/// (little-endian) arches.
#[cfg(target_pointer_width = "32")]
#[inline(always)]
pub(super) const fn u64_arg(v: u64) -> (usize, usize) {
    u64_lo_hi(v)
}

/// A 64-bit offset as the `pos_l, pos_h` pair of `preadv`/`pwritev`
/// (which take it split on every architecture, as two `unsigned long`s,
/// never aligned to an even register; a 64-bit kernel ignores `pos_h` and
/// uses the whole `pos_l`).
#[inline(always)]
pub(super) const fn u64_lo_hi(v: u64) -> (usize, usize) {
    (v as usize, (v >> 32) as usize)
}

/// `nr(a, v)` with a 64-bit `v`: `ftruncate`, `truncate`.
///
/// # Safety
///
/// `a` must be what the call expects (a C string for `truncate`).
#[inline]
pub(super) unsafe fn syscall_a_u64(nr: Sysno, a: usize, v: u64) -> usize {
    #[cfg(target_pointer_width = "64")]
    // SAFETY: the caller passes the arguments `nr` expects.
    let ret = unsafe { raw::syscall2(nr as usize, a, u64_arg(v)) };
    #[cfg(target_pointer_width = "32")]
    let ret = {
        let (lo, hi) = u64_arg(v);
        // SAFETY: as above; the pair would start on register 1, odd, so
        // armv7 pads it to 2.
        unsafe {
            if imp::PAIR_ON_EVEN {
                raw::syscall4(nr as usize, a, 0, lo, hi)
            } else {
                raw::syscall3(nr as usize, a, lo, hi)
            }
        }
    };
    ret
}

/// `nr(a, b, c, v)` with a 64-bit `v`: `pread64`, `pwrite64`.
///
/// # Safety
///
/// `a`, `b` and `c` must be what the call expects (a buffer and its
/// length for `pread64`/`pwrite64`).
#[inline]
pub(super) unsafe fn syscall_abc_u64(nr: Sysno, a: usize, b: usize, c: usize, v: u64) -> usize {
    #[cfg(target_pointer_width = "64")]
    // SAFETY: the caller passes the arguments `nr` expects.
    let ret = unsafe { raw::syscall4(nr as usize, a, b, c, u64_arg(v)) };
    #[cfg(target_pointer_width = "32")]
    let ret = {
        let (lo, hi) = u64_arg(v);
        // SAFETY: as above; the pair would start on register 3, odd, so
        // armv7 pads it to 4.
        unsafe {
            if imp::PAIR_ON_EVEN {
                raw::syscall6(nr as usize, a, b, c, 0, lo, hi)
            } else {
                raw::syscall5(nr as usize, a, b, c, lo, hi)
            }
        }
    };
    ret
}

/// `nr(a, b, v, w)` with 64-bit `v` and `w`: `fallocate`. (On 32-bit the
/// pairs start on registers 2 and 4, even: no padding on any arch.)
///
/// # Safety
///
/// `a` and `b` must be what the call expects.
#[inline]
pub(super) unsafe fn syscall_ab_u64_u64(nr: Sysno, a: usize, b: usize, v: u64, w: u64) -> usize {
    #[cfg(target_pointer_width = "64")]
    // SAFETY: the caller passes the arguments `nr` expects.
    let ret = unsafe { raw::syscall4(nr as usize, a, b, u64_arg(v), u64_arg(w)) };
    #[cfg(target_pointer_width = "32")]
    let ret = {
        let (vl, vh) = u64_arg(v);
        let (wl, wh) = u64_arg(w);
        // SAFETY: as above.
        unsafe { raw::syscall6(nr as usize, a, b, vl, vh, wl, wh) }
    };
    ret
}
