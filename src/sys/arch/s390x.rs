//! s390x (64-bit, big-endian): `svc 0` with the number in `r1`, arguments
//! in `r2..r7`, result in `r2`.
//!
//! | quirk        | here                                              |
//! |--------------|---------------------------------------------------|
//! | `mmap`       | number 90 is the *old* `mmap` (`sys_old_mmap` in `arch/s390/kernel/syscalls/syscall.tbl`): one argument, a pointer to the six as `unsigned long`s; there is no `mmap2` on 64-bit |
//! | `clone`      | `(stack, flags, parent_tid, child_tid, tls)`: the stack comes first (`CONFIG_CLONE_BACKWARDS2`) |
//! | `open`       | a system call of its own                          |
//! | byte order   | big-endian: `struct stat` and every other layout from `linux_raw_sys`, never read as bytes |
//! | errno        | the asm-generic values                            |

use syscalls::{Sysno, raw};

pub(crate) use super::shared::open_syscall as open;

/// `mmap` on s390x: the six arguments in a block of `unsigned long`s
/// (`struct mmap_arg_struct`), passed by pointer.
///
/// # Safety
///
/// As [`crate::sys::mmap`].
#[inline]
pub(crate) unsafe fn mmap(
    addr: usize,
    len: usize,
    prot: u32,
    flags: u32,
    fd: i32,
    offset: u64,
) -> usize {
    let args: [usize; 6] = [
        addr,
        len,
        prot as usize,
        flags as usize,
        fd as isize as usize,
        offset as usize,
    ];
    // SAFETY: the kernel only reads the block, which lives until the call
    // returns; the caller upholds `sys::mmap`'s contract.
    unsafe { raw::syscall1(Sysno::mmap as usize, args.as_ptr() as usize) }
}

/// `fork()` as `clone(0, SIGCHLD, 0, 0, 0)`: on s390x the new stack comes
/// before the flags.
///
/// # Safety
///
/// As [`crate::sys::fork`].
#[inline]
pub(crate) unsafe fn fork() -> usize {
    // SAFETY: with no CLONE_VM and a null stack the child runs on a copy of
    // the parent's stack, exactly like fork(2).
    unsafe {
        raw::syscall5(
            Sysno::clone as usize,
            0,
            linux_raw_sys::general::SIGCHLD as usize,
            0,
            0,
            0,
        )
    }
}
