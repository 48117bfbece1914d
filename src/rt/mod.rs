//! A minimal runtime for static programs that have **no libc**: the
//! process entry point (`_start`), a panic handler, the `mem*` symbols the
//! compiler calls, argument access and `print!`-style output.
//!
//! **For programs that have no libc; never enable `rt` in a program that
//! links libc** (anything using `std`, or a `libc` crate): it defines
//! `_start`, `memcpy` and friends, `getauxval` and the panic handler, which would clash
//! with libc's and std's. The crate refuses to compile with both `rt` and
//! `std`. Note that a dev-dependency on `rawmap` with `std` (as rawmap's own
//! `Cargo.toml` has) turns `std` on for every example and test of that
//! package, so no-libc programs live in a package of their own (rawmap's are
//! in `examples/nolibc/`).
//!
//! # What a program looks like
//!
//! ```ignore
//! #![no_std]
//! #![no_main]
//!
//! use rawmap::rt::{Args, println};
//!
//! rawmap::rt::entry!(main);
//!
//! fn main(args: Args) -> i32 {
//!     println!("{} arguments, page size {}", args.len(), rawmap::page_size());
//!     0
//! }
//! ```
//!
//! Build it with `panic = "abort"` (in every profile) and link it with
//! `-nostartfiles -nostdlib -static -no-pie` (one `build.rs` line each:
//! `cargo:rustc-link-arg-bins=-nostartfiles`, and so on; the README's
//! "Your own static binary" has the complete files). The result is an
//! `ET_EXEC` with no interpreter, no dynamic section and no relocations.
//! Do not build a static-PIE (`-no-pie` makes sure): nothing here
//! relocates the program.
//!
//! The `alloc` crate works with a `#[global_allocator]` (`format!`,
//! `String`, `Vec`, `BTreeMap`, `Box<dyn Trait>`, ...): the runtime also
//! provides `_Unwind_Resume`, which the precompiled `alloc` refers to.
//!
//! # What happens at start
//!
//! The kernel jumps to `_start` with the stack holding `argc`, the `argv`
//! pointers, a null, the `envp` pointers, a null, then the aux vector. The
//! naked `_start` (one per architecture) passes that stack pointer to a Rust
//! function with a 16-byte aligned stack and no return address (riscv64
//! first loads the global pointer `gp` from `__global_pointer$`, which the
//! linker's gp-relative relaxations rely on; powerpc64le computes its TOC
//! pointer `r2` from `.TOC.`; s390x leaves the 160-byte register save area
//! a callee may write below its caller's stack pointer). That function records the
//! page size from the aux vector ([`page::init_from_auxv`](crate::page::init_from_auxv)),
//! gives the main thread a thread pointer (the arch's TLS register, see
//! `src/alloc/thread.rs`, pointing to a static block whose first word is
//! its own address, as the x86 ABIs want), so that
//! [`GlobalBump`](crate::GlobalBump) can give the thread an arena of its
//! own, calls the function named in [`entry!`] and ends the process with
//! [`exit_group`](crate::sys::exit_group) and its return value.
//!
//! Nothing else is set up: no thread-local variables (the thread pointer's
//! block holds none), no `.fini_array`
//! destructors, no signal handling (`SIGPIPE` keeps its default action and
//! ends the process, as for a C program), no buffered stdout (each
//! [`print!`]/[`println!`] is one `write`, so nothing is lost at exit or
//! duplicated by `fork`). A panic prints `panicked at FILE:LINE:COL:` and
//! the message to stderr and exits with status 101.
//!
//! Allocation needs a `#[global_allocator]`, for example
//! [`GlobalBump`](crate::global_bump).

// Not when documenting for docs.rs (`--cfg docsrs`, every feature on, so
// that `rt` appears next to `std`): nothing is linked there, and the panic
// handler, the one item that would clash with std's, is left out.
#[cfg(all(any(test, feature = "std"), not(docsrs)))]
compile_error!(
    "rawmap's `rt` feature is for programs with no libc and cannot be combined with `std` \
     (which links libc) or with rawmap's own unit tests. A dev-dependency on rawmap with \
     `std` enables `std` for every example and test of the same package: put no-libc \
     programs in a package of their own."
);

mod args;
mod auxv;
pub mod io;
mod mem;
mod panic;
mod start;

#[doc(inline)]
pub use crate::{
    __rt_eprint as eprint, __rt_eprintln as eprintln, __rt_print as print, __rt_println as println,
};
pub use args::{Args, ArgsIter};

/// Declares the program's main function for the no-libc runtime.
///
/// `entry!(main)` makes `main`, a `fn(Args) -> i32`, the function that
/// `_start` calls; its return value becomes the exit status. Use it once, at
/// the top level of a `#![no_std] #![no_main]` binary crate.
///
/// It also makes sure the linker keeps the runtime's symbols (`_start`,
/// `memcpy`, ...), which live in rawmap's library archive.
#[macro_export]
macro_rules! entry {
    ($main:path) => {
        /// The program's main function, called by rawmap's `_start`.
        #[doc(hidden)]
        #[unsafe(no_mangle)]
        pub fn __rawmap_rt_main(args: $crate::rt::Args) -> i32 {
            let main: fn($crate::rt::Args) -> i32 = $main;
            main(args)
        }

        /// Pulls the runtime's object file out of rawmap's archive.
        #[used]
        static __RAWMAP_RT_KEEP: &$crate::rt::Keep = &$crate::rt::KEEP;
    };
}
#[doc(inline)]
pub use crate::entry;

/// The addresses of the runtime's entry and `mem*` symbols.
///
/// Referenced by [`entry!`] so that the linker takes the object files that
/// define them from rawmap's archive even before anything calls them (core
/// and alloc, which call `memcpy`, come later on the link line).
#[doc(hidden)]
#[derive(Debug)]
pub struct Keep(#[allow(dead_code)] [*const (); 9]);

// SAFETY: only addresses of functions, never dereferenced as data.
unsafe impl Sync for Keep {}

/// See [`Keep`].
#[doc(hidden)]
#[used]
pub static KEEP: Keep = Keep([
    start::_start as *const (),
    mem::memcpy as *const (),
    mem::memmove as *const (),
    mem::memset as *const (),
    mem::memcmp as *const (),
    mem::bcmp as *const (),
    mem::strlen as *const (),
    panic::rust_eh_personality as *const (),
    auxv::getauxval as *const (),
]);
