//! `_start` on s390x.
//!
//! | quirk     | here                                                   |
//! |-----------|--------------------------------------------------------|
//! | save area | a callee stores registers in the 160 bytes *above* the stack pointer it is given (the caller's register save area), so `_start` must leave them below `argc` rather than let `start_rust` overwrite the initial stack |
//! | back chain| the first doubleword of that area: 0, no caller        |
//! | alignment | 8 bytes are the ABI's rule; 16 here, as everywhere     |

use super::start_rust;

/// The program entry point on s390x.
///
/// At entry `r15` points at `argc`. Pass it in `r2`, align the stack, make
/// room for the 160-byte register save area with a null back chain, and
/// branch to [`start_rust`] (`brasl` sets the return address `r14`).
///
/// # Safety
///
/// Only the kernel may jump here, with the initial process stack.
#[unsafe(naked)]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn _start() -> ! {
    core::arch::naked_asm!(
        "lgr %r2, %r15",          // the initial stack: argc, argv..., 0, envp..., 0, auxv
        "nill %r15, 65520",       // 16-byte aligned (clears the low 4 bits)
        "aghi %r15, -160",        // the register save area start_rust may write
        "xc 0(8,%r15), 0(%r15)",  // back chain 0: no frame above this one
        "brasl %r14, {entry}",
        ".short 0",               // an invalid opcode: start_rust never returns
        entry = sym start_rust,
    )
}
