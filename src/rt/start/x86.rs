//! `_start` on i686.
//!
//! | quirk     | here                                                   |
//! |-----------|--------------------------------------------------------|
//! | arguments | on the stack (cdecl), not in registers                 |
//! | alignment | the i386 System V ABI (as GCC and LLVM use it) wants `esp + 4` 16-byte aligned at a function's entry, i.e. `esp` 16-byte aligned before the `call` |
//! | TLS, `gp` | none needed: nothing in rawmap's runtime uses `gs` or a global pointer |

use super::start_rust;

/// The program entry point on i686.
///
/// At entry `esp` points at `argc`. Keep it in `eax`, align the stack to 16
/// bytes, push it as [`start_rust`]'s only argument so that `esp` is 16-byte
/// aligned at the call, clear the frame pointer and call.
///
/// # Safety
///
/// Only the kernel may jump here, with the initial process stack.
#[unsafe(naked)]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn _start() -> ! {
    core::arch::naked_asm!(
        "mov eax, esp",   // the initial stack: argc, argv..., 0, envp..., 0, auxv
        "and esp, -16",   // 16-byte aligned
        "sub esp, 12",    // so that after the push of the argument ...
        "push eax",       // ... esp is 16-byte aligned again at the call
        "xor ebp, ebp",   // no frame above this one
        "call {entry}",   // pushes a return address, as any call does
        "ud2",            // start_rust never returns
        entry = sym start_rust,
    )
}
