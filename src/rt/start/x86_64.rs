//! `_start` on x86_64.

use super::start_rust;

/// The program entry point on x86_64.
///
/// At entry `rsp` points at `argc` (16-byte aligned by the ABI). Pass it as
/// the first argument, align the stack anyway, clear the frame pointer and
/// call [`start_rust`] so that it sees a normal call frame with no caller.
///
/// # Safety
///
/// Only the kernel may jump here, with the initial process stack.
#[unsafe(naked)]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn _start() -> ! {
    core::arch::naked_asm!(
        "mov rdi, rsp",   // the initial stack: argc, argv..., 0, envp..., 0, auxv
        "and rsp, -16",   // 16-byte aligned before the call (the ABI's rule)
        "xor ebp, ebp",   // no frame above this one
        "call {entry}",   // pushes a return address, as any call does
        "ud2",            // start_rust never returns
        entry = sym start_rust,
    )
}
