//! armv7 (32-bit ARM, EABI, little-endian): `svc 0`, number in `r7`,
//! arguments in `r0..r5`, result in `r0` (`syscalls::raw` saves `r7`,
//! which Thumb code uses as its frame pointer).
//!
//! | quirk        | here                                              |
//! |--------------|---------------------------------------------------|
//! | registers    | 32 bits: a 64-bit offset or length is a (low, high) pair that must start on an *even* register (the EABI's rule for 64-bit arguments): a padding 0 goes before it when it would start on an odd one; see the table in `arch.rs` |
//! | `mmap`       | `mmap2`, offset in 4096-byte units on every page size (there is no old `mmap` in EABI) |
//! | `posix_fadvise` | `arm_fadvise64_64(fd, advice, offset pair, len pair)`: advice second, so both pairs land on even registers without padding |
//! | `lseek`      | `_llseek(fd, high, low, &result, whence)`        |
//! | `struct stat`| `struct stat64` with `fstat64` (`struct stat`'s `st_size` is 32 bits) |
//! | `open`       | a system call of its own; `O_LARGEFILE` added (a different value than x86's, from `linux_raw_sys`) |
//! | `clone`      | `(flags, stack, parent_tid, tls, child_tid)`      |

use syscalls::{Sysno, raw};

pub(crate) use super::shared::{
    fork_flags_first as fork, fstat64 as fstat, llseek as lseek, mmap2 as mmap,
    open_syscall as open,
};

/// EABI: a 64-bit pair starts on an even register.
pub(super) const PAIR_ON_EVEN: bool = true;

/// `arm_fadvise64_64(fd, advice, offset_lo, offset_hi, len_lo, len_hi)`,
/// the raw answer.
#[inline]
pub(crate) fn fadvise(fd: i32, offset: u64, len: u64, advice: u32) -> usize {
    let (ol, oh) = super::u64_arg(offset);
    let (ll, lh) = super::u64_arg(len);
    // SAFETY: no pointer is passed.
    unsafe {
        raw::syscall6(
            Sysno::arm_fadvise64_64 as usize,
            fd as isize as usize,
            advice as usize,
            ol,
            oh,
            ll,
            lh,
        )
    }
}
