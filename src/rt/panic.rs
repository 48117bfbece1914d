//! The panic handler: the message to stderr, then exit status 101.

use core::fmt::Write;

use super::io::FdWriter;

#[panic_handler]
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
