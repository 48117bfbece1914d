//! `alloc_check`: the `alloc` crate in a program with no libc, on
//! [`GlobalBump`](rawmap::GlobalBump): `format!`, `String`, `Vec`,
//! `BTreeMap`, `Box<dyn Trait>` and `to_string()` link and run, in dev and
//! release builds (the precompiled `alloc` refers to `_Unwind_Resume`,
//! which `rawmap::rt` provides for `panic = "abort"` programs).
//!
//! Prints a few lines built with each of them, and whether the main thread
//! owns a `GlobalBump` arena (the runtime gives it a thread pointer); the
//! tests compare them exactly. `alloc_check ARG...` also counts its arguments' bytes in a
//! `BTreeMap`.
#![no_std]
#![no_main]

extern crate alloc;

use alloc::boxed::Box;
use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use rawmap::rt::{Args, println};

#[global_allocator]
static ALLOC: rawmap::GlobalBump = rawmap::GlobalBump::new();

rawmap::rt::entry!(main);

trait Shape {
    fn area(&self) -> u64;
    fn name(&self) -> String;
}

struct Square(u64);
struct Rect(u64, u64);

impl Shape for Square {
    fn area(&self) -> u64 {
        self.0 * self.0
    }
    fn name(&self) -> String {
        format!("square {}", self.0)
    }
}

impl Shape for Rect {
    fn area(&self) -> u64 {
        self.0 * self.1
    }
    fn name(&self) -> String {
        format!("rect {}x{}", self.0, self.1)
    }
}

fn main(args: Args) -> i32 {
    let page = rawmap::page_size();
    let greeting = format!("format!: page size {page}, {} args", args.len());
    println!("{greeting}");

    let words: Vec<String> = ["to_string:", "one", "two"]
        .iter()
        .map(|w| w.to_string())
        .collect();
    let mut s = words.join(" ");
    s.push(' ');
    s += &42u32.to_string();
    println!("{s}");

    let squares: Vec<u64> = (1..=10).map(|i| i * i).collect();
    let total: u64 = squares.iter().sum();
    println!(
        "Vec: {} squares, sum {total}, last {:?}",
        squares.len(),
        squares.last()
    );

    let shapes: Vec<Box<dyn Shape>> = alloc::vec![Box::new(Square(3)), Box::new(Rect(2, 5))];
    for shape in &shapes {
        println!("Box<dyn Shape>: {} has area {}", shape.name(), shape.area());
    }

    let mut counts: BTreeMap<u8, usize> = BTreeMap::new();
    for arg in args.iter().skip(1) {
        for &b in arg.to_bytes() {
            *counts.entry(b).or_default() += 1;
        }
    }
    let listed: Vec<String> = counts
        .iter()
        .map(|(b, n)| format!("{}={n}", char::from(*b)))
        .collect();
    println!("BTreeMap: [{}]", listed.join(", "));

    // A large block (above the small-block threshold) and its release.
    let big = alloc::vec![7u8; 1 << 20];
    println!(
        "large Vec: {} bytes, sum {}",
        big.len(),
        big.iter().map(|&b| u64::from(b)).sum::<u64>()
    );
    drop(big);

    // The runtime gave the main thread a thread pointer, so the allocator
    // bumps from an arena this thread owns (plain loads and stores).
    println!(
        "GlobalBump: main thread owns an arena: {}, arenas owned: {}",
        ALLOC.owns_arena(),
        ALLOC.owned_arenas()
    );
    0
}
