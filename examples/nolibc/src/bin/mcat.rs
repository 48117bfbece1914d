//! `mcat FILE...`: `cat` through memory mappings, in a static binary with
//! no libc.
//!
//! Each regular file is mapped read-only and the mapping is handed to
//! `write(1, ...)` as it is: the bytes go from the page cache to stdout
//! without a copy through a buffer of ours. What cannot be mapped (pipes,
//! devices, `/proc` files, which report size 0) is read in 64 KiB blocks.
//! An empty file prints nothing.
//!
//! Errors go to stderr as `mcat: PATH: ENOENT (No such file or directory)`
//! and the next file is tried; the exit status is then 1. No arguments:
//! a usage line and status 2.
#![no_std]
#![no_main]

use rawmap::rt::io::{stdout, write_all};
use rawmap::rt::{Args, eprintln};
use rawmap::sys::Errno;
use rawmap_examples::{Input, open_input, report};

rawmap::rt::entry!(main);

fn main(args: Args) -> i32 {
    if args.len() < 2 {
        eprintln!("usage: mcat FILE...");
        return 2;
    }
    let mut status = 0;
    for path in args.iter().skip(1) {
        if let Err(e) = cat(path) {
            report("mcat", path.to_bytes(), e);
            status = 1;
        }
    }
    status
}

/// Writes one file to stdout.
fn cat(path: &core::ffi::CStr) -> Result<(), Errno> {
    match open_input(path)? {
        Input::Mapped(map) => write_all(stdout(), &map),
        Input::Stream(file) => {
            let mut buf = [0u8; 64 << 10];
            loop {
                match file.read(&mut buf)? {
                    0 => return Ok(()),
                    n => write_all(stdout(), &buf[..n])?,
                }
            }
        }
    }
}
