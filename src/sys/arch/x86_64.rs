//! x86_64: `syscall`, number in `rax`, arguments in `rdi rsi rdx r10 r8 r9`.
//!
//! | quirk        | here                                              |
//! |--------------|---------------------------------------------------|
//! | `open`       | a system call of its own                          |
//! | `mmap`       | six arguments in registers, offset in bytes       |
//! | `clone`      | `(flags, stack, parent_tid, child_tid, tls)`      |
//! | `struct stat`| x86_64's own layout (`linux_raw_sys`)             |

pub(crate) use super::shared::{
    fork_flags_first as fork, mmap_in_registers as mmap, open_syscall as open,
};
