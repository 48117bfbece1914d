//! `_start` on loongarch64.

use super::start_rust;

/// The program entry point on loongarch64.
///
/// At entry `$sp` points at `argc`. Pass it in `$a0`, align the stack to
/// 16 bytes (the psABI's rule), clear the frame pointer and return address,
/// and call [`start_rust`].
///
/// # Safety
///
/// Only the kernel may jump here, with the initial process stack.
#[unsafe(naked)]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn _start() -> ! {
    core::arch::naked_asm!(
        "move $a0, $sp",            // the initial stack: argc, argv..., 0, envp..., 0, auxv
        "bstrins.d $sp, $zero, 3, 0", // 16-byte aligned: clear bits 3..0
        "move $fp, $zero",          // no frame above this one
        "move $ra, $zero",          // and no return address
        "bl {entry}",
        "break 0",                  // start_rust never returns
        entry = sym start_rust,
    )
}
