//! powerpc64 (little-endian ELFv2, `powerpc64le`): `sc`, number in `r0`,
//! arguments in `r3..r8`, result in `r3`.
//!
//! | quirk        | here                                              |
//! |--------------|---------------------------------------------------|
//! | errors       | the kernel returns a *positive* errno and sets CR0.SO; `syscalls::raw` negates it, so the one decode (`errno.rs`) sees `-errno` as elsewhere |
//! | `open`       | a system call of its own                          |
//! | `mmap`       | six arguments in registers, offset in bytes       |
//! | `clone`      | `(flags, stack, parent_tid, tls, child_tid)`      |
//! | `struct stat`| powerpc64's own layout (`linux_raw_sys`)          |
//! | errno        | `EDEADLOCK` is 58, not `EDEADLK` (35) as elsewhere (`arch/powerpc/include/uapi/asm/errno.h`) |
//! | pages        | 64 KiB on most distribution kernels (discovered, never assumed) |

pub(crate) use super::shared::{
    fork_flags_first as fork, mmap_in_registers as mmap, open_syscall as open,
};
