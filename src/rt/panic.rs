//! The panic handler: the message to stderr, then exit status 101.

use core::fmt::Write;

use super::io::FdWriter;

// Left out of the docs.rs build (`--cfg docsrs` with `std`, whose panic
// handler it would duplicate; see the `compile_error!` in `rt`).
#[cfg_attr(not(docsrs), panic_handler)]
#[cfg_attr(docsrs, allow(dead_code))]
fn panic(info: &core::panic::PanicInfo<'_>) -> ! {
    let mut err = FdWriter::<256>::new(2);
    let _ = match info.location() {
        Some(loc) => write!(
            err,
            "panicked at {}:{}:{}:\n{}\n",
            loc.file(),
            loc.line(),
            loc.column(),
            info.message()
        ),
        None => write!(err, "panicked:\n{}\n", info.message()),
    };
    let _ = err.flush();
    crate::sys::exit_group(101)
}

/// The personality routine symbol that code compiled with unwinding (the
/// precompiled `core` and `alloc`) refers to in unoptimised builds. With
/// `panic = "abort"` nothing unwinds, so it is never called to do work.
#[unsafe(no_mangle)]
pub extern "C" fn rust_eh_personality() {}

/// The unwinder's "resume unwinding" entry, which the precompiled `alloc`
/// (built with `panic = "unwind"`) calls from its landing pads: without it,
/// `format!`, `String`, `Vec`, `BTreeMap`, `Box<dyn Trait>` and
/// `to_string()` fail to link with `undefined symbol: _Unwind_Resume`.
///
/// With `panic = "abort"` nothing ever starts unwinding, so no landing pad
/// runs and this is never called; if it were, it ends the process like a
/// panic (status 101), since there is no unwinder to resume.
#[allow(non_snake_case)] // the unwinder ABI's name
#[unsafe(no_mangle)]
pub extern "C" fn _Unwind_Resume(_exception: *mut core::ffi::c_void) -> ! {
    let mut err = FdWriter::<64>::new(2);
    let _ = err.write_str("_Unwind_Resume: no unwinder (panic = \"abort\")\n");
    let _ = err.flush();
    crate::sys::exit_group(101)
}

/// ARM EHABI's personality routines, which every function's entry in the
/// `.ARM.exidx` unwind table refers to (the precompiled `core` and `alloc`
/// are built with unwinding tables): without them an armv7 program fails to
/// link with `undefined reference to __aeabi_unwind_cpp_pr0`. With
/// `panic = "abort"` nothing unwinds, so they are never called; if one
/// were, it answers `_URC_FAILURE` (9), which stops the unwinder.
#[cfg(target_arch = "arm")]
mod arm_ehabi {
    use core::ffi::c_void;

    /// `__aeabi_unwind_cpp_pr0` (short frames): see the module docs.
    #[unsafe(no_mangle)]
    pub extern "C" fn __aeabi_unwind_cpp_pr0(
        _state: u32,
        _ucb: *mut c_void,
        _ctx: *mut c_void,
    ) -> u32 {
        9
    }

    /// `__aeabi_unwind_cpp_pr1` (long frames): see the module docs.
    #[unsafe(no_mangle)]
    pub extern "C" fn __aeabi_unwind_cpp_pr1(
        _state: u32,
        _ucb: *mut c_void,
        _ctx: *mut c_void,
    ) -> u32 {
        9
    }

    /// `__aeabi_unwind_cpp_pr2` (long frames, 32-bit counts): see the
    /// module docs.
    #[unsafe(no_mangle)]
    pub extern "C" fn __aeabi_unwind_cpp_pr2(
        _state: u32,
        _ucb: *mut c_void,
        _ctx: *mut c_void,
    ) -> u32 {
        9
    }

    /// Keeps the three in the link, as `rt::KEEP` does for the others.
    #[derive(Debug)]
    pub struct Keep(#[allow(dead_code)] [*const (); 3]);

    // SAFETY: only addresses of functions, never dereferenced as data.
    unsafe impl Sync for Keep {}

    /// See [`Keep`].
    #[used]
    pub static KEEP: Keep = Keep([
        __aeabi_unwind_cpp_pr0 as *const (),
        __aeabi_unwind_cpp_pr1 as *const (),
        __aeabi_unwind_cpp_pr2 as *const (),
    ]);
}
