//! The tour's work as an ordinary Rust program: glibc, std, dynamically
//! linked. It runs the very same steps as the no-libc `tour`
//! (`examples/nolibc/src/bin/tour/steps.rs`, included below) with
//! `GlobalBump` as its global allocator too; only the runtime differs. It
//! exists to measure what libc and std cost at start-up:
//!
//! ```text
//! cargo build --release --example tour_std
//! hyperfine -N target/release/examples/tour_std examples/nolibc/target/release/tour
//! ```
//!
//! Its output is the tour's, line for line.

extern crate alloc;

use rawmap::GlobalBump;

#[global_allocator]
static HEAP: GlobalBump = GlobalBump::new();

macro_rules! say {
    ($($arg:tt)*) => { println!($($arg)*) };
}
macro_rules! say_err {
    ($($arg:tt)*) => { eprintln!($($arg)*) };
}

#[path = "nolibc/src/bin/tour/steps.rs"]
mod steps;

fn main() {
    if std::env::args_os().len() > 1 {
        eprintln!("usage: tour_std (no arguments: it works on a scratch file in $TMPDIR or /tmp)");
        std::process::exit(2);
    }
    let dir = std::env::var_os("TMPDIR")
        .filter(|d| !d.is_empty())
        .unwrap_or_else(|| "/tmp".into());
    let code = steps::run(dir.as_encoded_bytes(), &HEAP);
    std::process::exit(code);
}
