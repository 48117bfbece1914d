//! aarch64 and riscv64: the asm-generic system-call table (`svc 0` with the
//! number in `x8`, `ecall` with it in `a7`; arguments in `x0..x5`/`a0..a5`).
//!
//! | quirk        | here                                              |
//! |--------------|---------------------------------------------------|
//! | `open`       | none: `openat(AT_FDCWD, ..)`                      |
//! | `mmap`       | six arguments in registers, offset in bytes       |
//! | `clone`      | `(flags, stack, parent_tid, tls, child_tid)`      |
//! | `struct stat`| the asm-generic layout (`linux_raw_sys`)          |
//! | flags        | aarch64's `O_DIRECTORY`, `O_NOFOLLOW`, `O_DIRECT` differ from riscv64's (`linux_raw_sys`) |

pub(crate) use super::shared::{
    fork_flags_first as fork, mmap_in_registers as mmap, open_via_openat as open,
};
