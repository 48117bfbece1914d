//! `tour`: the seed's mmap notes run live, in a static binary with no libc.
//!
//! ```text
//! cargo tour        # from the repository root; or:
//! cargo run --release --manifest-path examples/nolibc/Cargo.toml --bin tour
//! ```
//!
//! It creates a scratch file in `$TMPDIR` (or `/tmp`), walks through the
//! seed step by step (map, write, msync, munmap, read back; a private map;
//! the FAQ's cases; anonymous memory shared with a child process;
//! collections on `GlobalBump`) and removes the file at the end. Exit
//! status 0, or 1 with the failed step on stderr.
#![no_std]
#![no_main]

extern crate alloc;

use rawmap::GlobalBump;
use rawmap::rt::{Args, eprintln};

#[global_allocator]
static HEAP: GlobalBump = GlobalBump::new();

macro_rules! say {
    ($($arg:tt)*) => { rawmap::rt::println!($($arg)*) };
}
macro_rules! say_err {
    ($($arg:tt)*) => { rawmap::rt::eprintln!($($arg)*) };
}

mod steps;

rawmap::rt::entry!(main);

fn main(args: Args) -> i32 {
    if args.len() > 1 {
        eprintln!("usage: tour (no arguments: it works on a scratch file in $TMPDIR or /tmp)");
        return 2;
    }
    let dir = args
        .var(b"TMPDIR")
        .map(|d| d.to_bytes())
        .filter(|d| !d.is_empty())
        .unwrap_or(b"/tmp");
    steps::run(dir, &HEAP)
}
