//! The workload for `benches/insns.sh`: `MODE N` runs N anonymous
//! page-sized mmap + munmap pairs through one implementation, so that
//! callgrind can count the user-space instructions each one spends.
//!
//! MODE is one of `bare`, `rawmap`, `rawmap-safe`, `glibc`, `rustix`,
//! `memmap2`. Run under `cargo bench` (no MODE) it only prints how to use it.

use std::hint::black_box;
use std::ptr::null_mut;

#[path = "common/bare.rs"]
mod bare;

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
    // Dispatch once, outside the loop, so the loop holds only the pair.
    match mode {
        "bare" => repeat(n, || {
            // SAFETY: a fresh anonymous page, unmapped right away.
            unsafe {
                let p = bare::mmap_anon(black_box(len));
                // A real caller checks the result, as every wrapper does.
                assert!(p <= -4096isize as usize, "mmap failed");
                assert_eq!(bare::munmap(p, len), 0, "munmap failed");
            }
        }),
        "rawmap" => repeat(n, || {
            use rawmap::{MapFlags, ProtFlags, sys};
            // SAFETY: a fresh anonymous page, unmapped right away.
            unsafe {
                let p = sys::mmap(
                    null_mut(),
                    black_box(len),
                    ProtFlags::READ | ProtFlags::WRITE,
                    MapFlags::PRIVATE | MapFlags::ANONYMOUS,
                    None,
                    0,
                )
                .unwrap();
                sys::munmap(p, len).unwrap();
            }
        }),
        "glibc" => repeat(n, || {
            // SAFETY: a fresh anonymous page, unmapped right away.
            unsafe {
                let p = libc::mmap(
                    null_mut(),
                    black_box(len),
                    libc::PROT_READ | libc::PROT_WRITE,
                    libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                    -1,
                    0,
                );
                assert_ne!(p, libc::MAP_FAILED);
                assert_eq!(libc::munmap(p, len), 0);
            }
        }),
        "rustix" => repeat(n, || {
            use rustix::mm;
            // SAFETY: a fresh anonymous page, unmapped right away.
            unsafe {
                let p = mm::mmap_anonymous(
                    null_mut(),
                    black_box(len),
                    mm::ProtFlags::READ | mm::ProtFlags::WRITE,
                    mm::MapFlags::PRIVATE,
                )
                .unwrap();
                mm::munmap(p, len).unwrap();
            }
        }),
        "rawmap-safe" => repeat(n, || {
            black_box(
                rawmap::MapOptions::new()
                    .len(black_box(len))
                    .map_anon()
                    .unwrap(),
            );
        }),
        "memmap2" => repeat(n, || {
            black_box(memmap2::MmapMut::map_anon(black_box(len)).unwrap());
        }),
        other => panic!("unknown mode {other}"),
    }
}

#[inline(always)]
fn repeat(n: usize, f: impl Fn()) {
    for _ in 0..n {
        f();
    }
}
