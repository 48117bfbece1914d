//! `_start` on aarch64.

use super::start_rust;

/// The program entry point on aarch64.
///
/// At entry `sp` points at `argc`. Pass it in `x0`, align the stack, clear
/// the frame pointer and link register, and branch to [`start_rust`].
///
/// # Safety
///
/// Only the kernel may jump here, with the initial process stack.
#[unsafe(naked)]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn _start() -> ! {
    core::arch::naked_asm!(
        "mov x0, sp",         // the initial stack: argc, argv..., 0, envp..., 0, auxv
        "and x1, x0, #-16",   // 16-byte aligned (sp cannot be an `and` operand)
        "mov sp, x1",
        "mov x29, xzr",       // no frame above this one
        "mov x30, xzr",       // and no return address
        "bl {entry}",
        "brk #1",             // start_rust never returns
        entry = sym start_rust,
    )
}
