//! `mwc FILE...`: `wc` through memory mappings (lines, words, bytes), plus
//! the most frequent words of all files, counted in a `BTreeMap` on
//! `GlobalBump`, in a static binary with no libc.
//!
//! Counting rules are those of `wc` in the C locale: a line is a `\n`, a
//! word is a maximal run of bytes that are not ASCII whitespace. Words are
//! compared as bytes (no case folding). Output:
//!
//! ```text
//!       2       5      27 a.txt
//!       0       0       0 empty.txt
//!       2       5      27 total
//! most frequent words:
//!       2 the
//! ```
//!
//! The `total` line appears for more than one file; the word list shows up
//! to 10 words, most frequent first, ties in byte order. Errors go to
//! stderr as `mwc: PATH: ENOENT (No such file or directory)`, the file is
//! skipped, and the exit status is 1. No arguments: usage, status 2.
#![no_std]
#![no_main]

extern crate alloc;

use alloc::collections::BTreeMap;
use alloc::vec::Vec;
use core::fmt::Write;

use rawmap::GlobalBump;
use rawmap::rt::io::{FdWriter, STDOUT};
use rawmap::rt::{Args, eprintln};
use rawmap::sys::Errno;
use rawmap_examples::{Input, open_input, report};

#[global_allocator]
static HEAP: GlobalBump = GlobalBump::new();

rawmap::rt::entry!(main);

/// Line, word and byte counts.
#[derive(Default, Clone, Copy)]
struct Counts {
    lines: u64,
    words: u64,
    bytes: u64,
}

/// The contents of one input: a mapping, or the bytes read from a stream.
enum Contents {
    Mapped(rawmap::Mmap),
    Read(Vec<u8>),
}

impl Contents {
    fn bytes(&self) -> &[u8] {
        match self {
            Contents::Mapped(m) => m,
            Contents::Read(v) => v,
        }
    }
}

fn main(args: Args) -> i32 {
    if args.len() < 2 {
        eprintln!("usage: mwc FILE...");
        return 2;
    }
    let mut out = FdWriter::<4096>::new(STDOUT);
    let mut status = 0;
    // Keep every input alive: the word map borrows words from them.
    let mut inputs: Vec<Contents> = Vec::new();
    let mut total = Counts::default();
    let mut files = 0;
    for path in args.iter().skip(1) {
        match load(path) {
            Ok(c) => {
                let n = count(c.bytes());
                print_counts(&mut out, n, path.to_bytes());
                total.lines += n.lines;
                total.words += n.words;
                total.bytes += n.bytes;
                files += 1;
                inputs.push(c);
            }
            Err(e) => {
                // Keep stdout and stderr in order on a terminal.
                let _ = out.flush();
                report("mwc", path.to_bytes(), e);
                status = 1;
            }
        }
    }
    if files > 1 {
        print_counts(&mut out, total, b"total");
    }
    let mut freq: BTreeMap<&[u8], u64> = BTreeMap::new();
    for c in &inputs {
        for w in words(c.bytes()) {
            *freq.entry(w).or_insert(0) += 1;
        }
    }
    if !freq.is_empty() {
        let mut top: Vec<(&[u8], u64)> = freq.into_iter().collect();
        // Most frequent first; ties in byte order (the map's order, kept by
        // the stable sort).
        top.sort_by_key(|&(_, n)| core::cmp::Reverse(n));
        let _ = writeln!(out, "most frequent words:");
        for (w, n) in top.into_iter().take(10) {
            let _ = write!(out, "{n:>7} ");
            out.write_bytes(w);
            out.write_bytes(b"\n");
        }
    }
    if out.flush().is_err() {
        status = 1;
    }
    status
}

/// Maps (or reads) one input.
fn load(path: &core::ffi::CStr) -> Result<Contents, Errno> {
    match open_input(path)? {
        Input::Mapped(m) => Ok(Contents::Mapped(m)),
        Input::Stream(file) => {
            let mut v = Vec::new();
            let mut buf = [0u8; 64 << 10];
            loop {
                match file.read(&mut buf)? {
                    0 => return Ok(Contents::Read(v)),
                    n => v.extend_from_slice(&buf[..n]),
                }
            }
        }
    }
}

/// The words of `bytes`: maximal runs of non-whitespace.
fn words(bytes: &[u8]) -> impl Iterator<Item = &[u8]> {
    bytes
        .split(|b| b.is_ascii_whitespace() || *b == 0x0b)
        .filter(|w| !w.is_empty())
}

fn count(bytes: &[u8]) -> Counts {
    Counts {
        lines: bytes.iter().filter(|&&b| b == b'\n').count() as u64,
        words: words(bytes).count() as u64,
        bytes: bytes.len() as u64,
    }
}

fn print_counts(out: &mut FdWriter<4096>, n: Counts, name: &[u8]) {
    let _ = write!(out, "{:>7} {:>7} {:>7} ", n.lines, n.words, n.bytes);
    out.write_bytes(name);
    out.write_bytes(b"\n");
}
