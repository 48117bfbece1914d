#![no_std]
#![no_main]

extern crate alloc;

use alloc::{format, vec::Vec};
use rawmap::rt::{Args, println};
use rawmap::{File, MapOptions, Mmap};

#[global_allocator]
static ALLOC: rawmap::GlobalBump = rawmap::GlobalBump::new();

rawmap::rt::entry!(main);

fn main(args: Args) -> i32 {
    println!(
        "page size {}, {} arguments",
        rawmap::page_size(),
        args.len()
    );
    // Anonymous memory, unmapped on drop.
    let mut map = match MapOptions::new().len(100).map_anon() {
        Ok(map) => map,
        Err(e) => {
            println!("map_anon: {e}");
            return 1;
        }
    };
    map[99] = 7;
    // Each argument: a file, mapped and counted.
    for path in args.iter().skip(1) {
        let lines = File::open(path).and_then(|file| {
            // SAFETY: nobody truncates or changes the file meanwhile.
            let data = unsafe { Mmap::map(&file) }?;
            Ok(data.iter().filter(|&&b| b == b'\n').count())
        });
        let text = match lines {
            Ok(n) => format!("{n} lines"),
            Err(e) => format!("{e}"),
        };
        println!("{path:?}: {text}");
    }
    let squares: Vec<u32> = (1..=4).map(|i| i * i).collect();
    println!("{squares:?} {}", map[99]);
    0
}
