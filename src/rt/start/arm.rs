//! `_start` on armv7.
//!
//! | quirk     | here                                                   |
//! |-----------|--------------------------------------------------------|
//! | mode      | `armv7-unknown-linux-gnueabihf` emits ARM (A32) code; the instructions below are valid in Thumb-2 as well (no `bic sp, ..`, which Thumb forbids) |
//! | alignment | the AAPCS wants `sp` 8-byte aligned at a public call; 16 here, as everywhere |
//! | `r7`      | the syscall number register (`syscalls::raw` handles it); Thumb code's frame pointer, so `_start` clears both `r7` and `r11` |

use super::start_rust;

/// The program entry point on armv7.
///
/// At entry `sp` points at `argc`. Pass it in `r0`, align the stack to 16
/// bytes, clear the frame pointers and the link register and branch with
/// link to [`start_rust`].
///
/// # Safety
///
/// Only the kernel may jump here, with the initial process stack.
#[unsafe(naked)]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn _start() -> ! {
    core::arch::naked_asm!(
        "mov r0, sp",       // the initial stack: argc, argv..., 0, envp..., 0, auxv
        "bic r1, r0, #15",  // 16-byte aligned
        "mov sp, r1",
        "mov r7, #0",       // no frame above this one (Thumb's frame pointer)
        "mov r11, #0",      // (ARM's frame pointer)
        "mov lr, #0",
        "bl {entry}",
        "udf #0",           // start_rust never returns
        entry = sym start_rust,
    )
}
