//! The workload for `benches/insns.sh`: `MODE N` runs N anonymous
//! page-sized mmap + munmap pairs through one implementation, so that
//! callgrind can count the user-space instructions each one spends.
//!
//! MODE is one of `bare`, `rawmap`, `rawmap-safe`, `glibc`, `rustix`,
//! `memmap2`. Run under `cargo bench` (no MODE) it only prints how to use it.

use std::hint::black_box;

#[path = "common/pairs.rs"]
mod pairs;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (mode, n) = match args.as_slice() {
        [mode, n] if !mode.starts_with('-') => (mode.as_str(), n.parse::<usize>().expect("N")),
        _ => {
            println!("insns: instruction counts come from `bash benches/insns.sh`");
            return;
        }
    };
    let len = rawmap::page_size();
    // Dispatch once, outside the loop; each arm's loop is monomorphic and
    // holds only the inlined pair.
    match mode {
        "bare" => repeat(n, len, pairs::pair_bare),
        "rawmap" => repeat(n, len, pairs::pair_rawmap),
        "glibc" => repeat(n, len, pairs::pair_glibc),
        "rustix" => repeat(n, len, pairs::pair_rustix),
        "rawmap-safe" => repeat(n, len, pairs::pair_rawmap_safe),
        "memmap2" => repeat(n, len, pairs::pair_memmap2),
        other => panic!("unknown mode {other}"),
    }
}

#[inline(always)]
fn repeat(n: usize, len: usize, f: impl Fn(usize)) {
    for _ in 0..n {
        f(black_box(len));
    }
}
