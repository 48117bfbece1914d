//! The process entry point: a naked `_start` per architecture, and the Rust
//! function it calls with the initial stack pointer.

use super::Args;

unsafe extern "Rust" {
    /// Defined by [`entry!`](crate::rt::entry) in the program.
    safe fn __rawmap_rt_main(args: Args) -> i32;
}

/// The program entry point on x86_64.
///
/// At entry `rsp` points at `argc` (16-byte aligned by the ABI). Pass it as
/// the first argument, align the stack anyway, clear the frame pointer and
/// call [`start_rust`] so that it sees a normal call frame with no caller.
///
/// # Safety
///
/// Only the kernel may jump here, with the initial process stack.
#[cfg(target_arch = "x86_64")]
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

/// The program entry point on aarch64.
///
/// At entry `sp` points at `argc`. Pass it in `x0`, align the stack, clear
/// the frame pointer and link register, and branch to [`start_rust`].
///
/// # Safety
///
/// Only the kernel may jump here, with the initial process stack.
#[cfg(target_arch = "aarch64")]
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
#[cfg(target_arch = "riscv64")]
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

/// Reads `argc`, `argv`, `envp` and the aux vector from the initial stack,
/// records the page size and the aux vector, runs the `.init_array`
/// constructors, then the program's main function, and exits with its
/// return value.
///
/// # Safety
///
/// `sp` must be the initial stack pointer the kernel gave `_start`.
unsafe extern "C" fn start_rust(sp: *const usize) -> ! {
    // SAFETY: the kernel's initial stack layout (see the System V ABI,
    // "Process Initialization"): argc, then argc pointers and a null, then
    // the environment pointers and a null, then the aux vector ending with
    // AT_NULL. Everything stays valid for the life of the process.
    let args = unsafe {
        let argc = *sp;
        let argv = sp.add(1).cast::<*const u8>();
        let envp = argv.add(argc + 1);
        let mut end = envp;
        while !(*end).is_null() {
            end = end.add(1);
        }
        let auxv = end.add(1).cast::<usize>();
        crate::page::init_from_auxv(auxv);
        super::auxv::set(auxv);
        super::auxv::run_constructors();
        Args::from_raw(argc, argv, envp, auxv)
    };
    let code = __rawmap_rt_main(args);
    crate::sys::exit_group(code)
}
