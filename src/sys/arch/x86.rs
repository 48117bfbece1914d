//! i686 (32-bit x86): `int 0x80`, number in `eax`, arguments in
//! `ebx ecx edx esi edi ebp`, result in `eax`. Also what a 64-bit x86_64
//! kernel runs through its compat layer (`ia32` emulation).
//!
//! | quirk        | here                                              |
//! |--------------|---------------------------------------------------|
//! | registers    | 32 bits: a 64-bit offset or length is a (low, high) pair, in any register (no alignment); see the table in `arch.rs` |
//! | `mmap`       | `mmap2`, offset in 4096-byte units (number 90 is the old one-pointer `mmap`) |
//! | `posix_fadvise` | `fadvise64_64(fd, offset pair, len pair, advice)` (`fadvise64`, 250, takes a 32-bit length) |
//! | `lseek`      | `_llseek(fd, high, low, &result, whence)`        |
//! | `struct stat`| `struct stat64` with `fstat64` (`struct stat`'s `st_size` is 32 bits) |
//! | `open`       | a system call of its own; `O_LARGEFILE` added      |
//! | `clone`      | `(flags, stack, parent_tid, tls, child_tid)`      |
//! | `ebp`        | the sixth argument: `syscalls::raw::syscall6` saves and restores it |

use syscalls::{Sysno, raw};

pub(crate) use super::shared::{
    fork_flags_first as fork, fstat64 as fstat, llseek as lseek, mmap2 as mmap,
    open_syscall as open,
};

/// i386 takes a 64-bit pair in any two consecutive registers.
pub(super) const PAIR_ON_EVEN: bool = false;

/// `fadvise64_64(fd, offset_lo, offset_hi, len_lo, len_hi, advice)`, the
/// raw answer.
#[inline]
pub(crate) fn fadvise(fd: i32, offset: u64, len: u64, advice: u32) -> usize {
    let (ol, oh) = super::u64_arg(offset);
    let (ll, lh) = super::u64_arg(len);
    // SAFETY: no pointer is passed.
    unsafe {
        raw::syscall6(
            Sysno::fadvise64_64 as usize,
            fd as isize as usize,
            ol,
            oh,
            ll,
            lh,
            advice as usize,
        )
    }
}
