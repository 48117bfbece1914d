//! `_start` on riscv64.

use super::start_rust;

/// The program entry point on riscv64.
///
/// First set the global pointer `gp` to `__global_pointer$` (the linker
/// relaxes accesses near it into `gp`-relative ones, so it must be right
/// before any Rust code runs; `norelax` keeps the linker from "relaxing"
/// this very load into a use of the `gp` it sets). Then pass `sp` (pointing
/// at `argc`) in `a0`, align the stack, clear `fp` and `ra`, and call
/// [`start_rust`].
///
/// # Safety
///
/// Only the kernel may jump here, with the initial process stack.
#[unsafe(naked)]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn _start() -> ! {
    core::arch::naked_asm!(
        ".option push",
        ".option norelax",
        "lla gp, __global_pointer$",
        ".option pop",
        "mv a0, sp",          // the initial stack: argc, argv..., 0, envp..., 0, auxv
        "andi sp, sp, -16",   // 16-byte aligned (the psABI's rule)
        "mv fp, zero",        // no frame above this one
        "mv ra, zero",        // and no return address
        "call {entry}",
        "unimp",              // start_rust never returns
        entry = sym start_rust,
    )
}
