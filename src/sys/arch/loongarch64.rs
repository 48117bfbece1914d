//! loongarch64: the asm-generic system-call table (`syscall 0` with the
//! number in `$a7`, arguments in `$a0..$a5`, result in `$a0`).
//!
//! | quirk        | here                                              |
//! |--------------|---------------------------------------------------|
//! | `open`       | none: `openat(AT_FDCWD, ..)`                      |
//! | `mmap`       | six arguments in registers, offset in bytes       |
//! | `clone`      | flags first, then the stack (no `CLONE_BACKWARDS2`, s390x's stack-first order); `fork` passes 0 for the three others, whose order then does not matter |
//! | `fstat`      | none before Linux 6.11 (LoongArch was merged in 5.19 with `statx` only, `fstat`/`newfstatat` came back in 6.11): always `statx(fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS)`, converted into the asm-generic `struct stat` (`linux_raw_sys`), as glibc does |
//! | page size    | 16K in most kernel configs (4K and 64K exist): discovered from `AT_PAGESZ`, as everywhere |
//! | errno        | the asm-generic values                            |

use core::mem::MaybeUninit;

use linux_raw_sys::general::{AT_EMPTY_PATH, STATX_BASIC_STATS, statx};
use syscalls::{Sysno, raw};

use super::super::fs::Stat;

pub(crate) use super::shared::{
    fork_flags_first as fork, mmap_in_registers as mmap, open_via_openat as open,
};

/// `fstat(fd, st)` as `statx(fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS)`,
/// its answer written into `*st` as the `struct stat` a 6.11 kernel's
/// `fstat` would fill: the raw kernel answer (0 or `-errno`), as every
/// arch's `fstat` gives it to `fs::fstat`.
///
/// # Safety
///
/// `st` must be valid for writes of a [`Stat`].
#[inline]
pub(crate) unsafe fn fstat(fd: i32, st: *mut Stat) -> usize {
    let mut stx = MaybeUninit::<statx>::uninit();
    // SAFETY: the path is a NUL-terminated empty string, which with
    // AT_EMPTY_PATH names `fd` itself; the kernel writes at most a whole
    // `struct statx` into `stx`.
    let ret = unsafe {
        raw::syscall5(
            Sysno::statx as usize,
            fd as isize as usize,
            c"".as_ptr() as usize,
            AT_EMPTY_PATH as usize,
            STATX_BASIC_STATS as usize,
            stx.as_mut_ptr() as usize,
        )
    };
    if ret != 0 {
        return ret;
    }
    // SAFETY: on success the kernel filled the struct (the fields of
    // STATX_BASIC_STATS it could not give are 0, as fstat would give them).
    let s = unsafe { stx.assume_init() };
    // SAFETY: the caller guarantees `st` is valid for writes.
    unsafe { st.write(stat_from_statx(&s)) };
    0
}

/// The kernel's `new_encode_dev`: the dev_t encoding of `st_dev` and
/// `st_rdev` (glibc's `makedev`).
const fn encode_dev(major: u32, minor: u32) -> u64 {
    let (major, minor) = (major as u64, minor as u64);
    ((major & 0xffff_f000) << 32)
        | ((major & 0xfff) << 8)
        | ((minor & 0xffff_ff00) << 12)
        | (minor & 0xff)
}

/// The asm-generic `struct stat` for a `struct statx` (every field by name:
/// no layout is assumed).
fn stat_from_statx(s: &statx) -> Stat {
    // SAFETY: `struct stat` is plain integers, for which all-zero is valid
    // (and is what the kernel puts in the padding fields).
    let mut st: Stat = unsafe { core::mem::zeroed() };
    st.st_dev = encode_dev(s.stx_dev_major, s.stx_dev_minor) as _;
    st.st_ino = s.stx_ino as _;
    st.st_mode = s.stx_mode as _;
    st.st_nlink = s.stx_nlink as _;
    st.st_uid = s.stx_uid as _;
    st.st_gid = s.stx_gid as _;
    st.st_rdev = encode_dev(s.stx_rdev_major, s.stx_rdev_minor) as _;
    st.st_size = s.stx_size as _;
    st.st_blksize = s.stx_blksize as _;
    st.st_blocks = s.stx_blocks as _;
    st.st_atime = s.stx_atime.tv_sec as _;
    st.st_atime_nsec = s.stx_atime.tv_nsec as _;
    st.st_mtime = s.stx_mtime.tv_sec as _;
    st.st_mtime_nsec = s.stx_mtime.tv_nsec as _;
    st.st_ctime = s.stx_ctime.tv_sec as _;
    st.st_ctime_nsec = s.stx_ctime.tv_nsec as _;
    st
}
