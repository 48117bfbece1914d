//! `_start` on powerpc64le (ELFv2).
//!
//! | quirk    | here                                                    |
//! |----------|---------------------------------------------------------|
//! | TOC      | `r2` must hold the TOC pointer before any Rust code runs; the kernel does not set it, and `r12` (which a global entry point would use) holds nothing useful at process entry: compute it from the PC and `.TOC.` |
//! | frame    | the caller provides a frame of at least 32 bytes whose first doubleword is the back chain (0: no caller); the callee saves `lr` at 16 in it |
//! | call     | `bl` to the local entry point, then a `nop` the linker may turn into a TOC restore |

use super::start_rust;

/// The program entry point on powerpc64le.
///
/// At entry `r1` points at `argc`. Set `r2` to the TOC pointer, pass `r1`
/// in `r3`, align the stack, push an empty 32-byte frame with a null back
/// chain, clear `lr`, and branch to [`start_rust`].
///
/// # Safety
///
/// Only the kernel may jump here, with the initial process stack.
#[unsafe(naked)]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn _start() -> ! {
    core::arch::naked_asm!(
        "bcl 20, 31, 1f",           // lr = the address of 1 (and nothing else)
        "1:",
        "mflr 2",
        "addis 2, 2, (.TOC.-1b)@ha", // r2 = .TOC., PC-relative
        "addi 2, 2, (.TOC.-1b)@l",
        "mr 3, 1",                  // the initial stack: argc, argv..., 0, envp..., 0, auxv
        "clrrdi 1, 1, 4",           // 16-byte aligned (the ABI's rule)
        "li 0, 0",
        "stdu 0, -32(1)",           // the minimal frame, back chain 0: no caller
        "mtlr 0",                   // and no return address
        "bl {entry}",
        "nop",
        "trap",                     // start_rust never returns
        entry = sym start_rust,
    )
}
