//! The process entry point: a naked `_start` per architecture (in
//! `src/rt/start/<arch>.rs`, chosen by `target_arch`), and the Rust
//! function it calls with the initial stack pointer.

use super::Args;

unsafe extern "Rust" {
    /// Defined by [`entry!`](crate::rt::entry) in the program.
    safe fn __rawmap_rt_main(args: Args) -> i32;
}

#[cfg_attr(target_arch = "x86_64", path = "start/x86_64.rs")]
#[cfg_attr(target_arch = "aarch64", path = "start/aarch64.rs")]
#[cfg_attr(target_arch = "riscv64", path = "start/riscv64.rs")]
#[cfg_attr(target_arch = "powerpc64", path = "start/powerpc64.rs")]
#[cfg_attr(target_arch = "s390x", path = "start/s390x.rs")]
#[cfg_attr(target_arch = "loongarch64", path = "start/loongarch64.rs")]
#[cfg_attr(target_arch = "x86", path = "start/x86.rs")]
#[cfg_attr(target_arch = "arm", path = "start/arm.rs")]
mod arch;

pub use arch::_start;

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
    // AT_NULL. Everything stays valid for the life of the process. The
    // thread pointer is set once, here, before any code could read it.
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
        crate::alloc::thread::set_main_thread_pointer();
        super::auxv::run_constructors();
        Args::from_raw(argc, argv, envp, auxv)
    };
    let code = __rawmap_rt_main(args);
    crate::sys::exit_group(code)
}
