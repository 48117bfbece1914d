//! `rt_check`: exercises rawmap's no-libc runtime itself, for the tests
//! (and as a small example of `rawmap::rt`).
//!
//! - `rt_check [ARG...]`: prints its arguments (after the program name), an
//!   environment variable, whether the page size agrees with the aux
//!   vector, and checks the runtime's `memcpy`, `memmove`, `memset`,
//!   `memcmp`, `bcmp` and `strlen` against simple byte loops, over every
//!   alignment and length up to 72 bytes. Exit status 0, or 1 when a
//!   check fails.
//! - `rt_check panic`: panics (the handler prints the message, status 101).
//! - `rt_check exit N`: returns N from main.
#![no_std]
#![no_main]

use core::ffi::{c_char, c_int, c_void};
use core::hint::black_box;

use rawmap::rt::{Args, println};

rawmap::rt::entry!(main);

unsafe extern "C" {
    // The runtime's own definitions (there is no libc to take them from).
    fn memcpy(dst: *mut c_void, src: *const c_void, n: usize) -> *mut c_void;
    fn memmove(dst: *mut c_void, src: *const c_void, n: usize) -> *mut c_void;
    fn memset(dst: *mut c_void, c: c_int, n: usize) -> *mut c_void;
    fn memcmp(a: *const c_void, b: *const c_void, n: usize) -> c_int;
    fn bcmp(a: *const c_void, b: *const c_void, n: usize) -> c_int;
    fn strlen(s: *const c_char) -> usize;
}

fn main(args: Args) -> i32 {
    match (args.get(1).map(|a| a.to_bytes()), args.get(2)) {
        (Some(b"panic"), _) => panic!("deliberate panic: {}", black_box(42)),
        (Some(b"exit"), Some(n)) => {
            return core::str::from_utf8(n.to_bytes())
                .ok()
                .and_then(|s| s.parse().ok())
                .unwrap_or(-1);
        }
        _ => {}
    }
    println!("{} arguments after the name", args.len().saturating_sub(1));
    for a in args.iter().skip(1) {
        println!("  {a:?}");
    }
    match args.var(b"RAWMAP_CHECK") {
        Some(v) => println!("RAWMAP_CHECK={v:?}"),
        None => println!("RAWMAP_CHECK is not set"),
    }
    let aux = args.aux(linux_raw_sys_at_pagesz());
    let page_ok = aux == Some(rawmap::page_size());
    println!(
        "page_size() equals AT_PAGESZ: {}",
        if page_ok { "yes" } else { "NO" }
    );
    let (cases, failures) = check_mem();
    println!("mem* checks: {cases} cases, {failures} failures");
    if page_ok && failures == 0 { 0 } else { 1 }
}

/// `AT_PAGESZ` (6 on every Linux architecture).
fn linux_raw_sys_at_pagesz() -> usize {
    6
}

/// Every alignment (0..8) of source and destination, every length 0..72.
fn check_mem() -> (u32, u32) {
    let mut cases = 0;
    let mut failures = 0;
    let mut fail = |ok: bool| {
        cases += 1;
        if !ok {
            failures += 1;
        }
    };
    let pattern = |i: usize| (i * 37 + 11) as u8;
    for len in 0..72usize {
        for da in 0..8usize {
            for sa in 0..8usize {
                let mut src = [0u8; 96];
                let mut dst = [0u8; 96];
                for (i, b) in src.iter_mut().enumerate() {
                    *b = pattern(i);
                }
                let len = black_box(len);
                // memcpy: exactly [da, da+len) changes.
                // SAFETY: both ranges lie inside the 96-byte arrays.
                unsafe {
                    memcpy(
                        dst.as_mut_ptr().add(da).cast(),
                        src.as_ptr().add(sa).cast(),
                        len,
                    )
                };
                let ok = (0..96).all(|i| {
                    dst[i]
                        == if (da..da + len).contains(&i) {
                            src[sa + i - da]
                        } else {
                            0
                        }
                });
                fail(ok);
                // memcmp/bcmp: equal, then one byte differs at the end.
                // SAFETY: as above.
                let eq = unsafe {
                    memcmp(
                        dst.as_ptr().add(da).cast(),
                        src.as_ptr().add(sa).cast(),
                        len,
                    ) == 0
                        && bcmp(
                            dst.as_ptr().add(da).cast(),
                            src.as_ptr().add(sa).cast(),
                            len,
                        ) == 0
                };
                fail(eq);
                if len > 0 {
                    dst[da + len - 1] = dst[da + len - 1].wrapping_add(1);
                    let (x, y) = (dst[da + len - 1], src[sa + len - 1]);
                    // SAFETY: as above.
                    let c = unsafe {
                        memcmp(
                            dst.as_ptr().add(da).cast(),
                            src.as_ptr().add(sa).cast(),
                            len,
                        )
                    };
                    // SAFETY: as above.
                    let b = unsafe {
                        bcmp(
                            dst.as_ptr().add(da).cast(),
                            src.as_ptr().add(sa).cast(),
                            len,
                        )
                    };
                    fail(c.signum() == (i32::from(x) - i32::from(y)).signum() && b != 0);
                }
                // memmove within one buffer, both directions.
                let mut buf = src;
                // SAFETY: both ranges lie inside the 96-byte array.
                unsafe {
                    memmove(
                        buf.as_mut_ptr().add(da).cast(),
                        buf.as_ptr().add(sa).cast(),
                        len,
                    )
                };
                let ok = (0..96).all(|i| {
                    buf[i]
                        == if (da..da + len).contains(&i) {
                            pattern(sa + i - da)
                        } else {
                            pattern(i)
                        }
                });
                fail(ok);
                // memset: exactly [da, da+len) becomes 0xa5.
                let mut buf = src;
                // SAFETY: inside the array.
                unsafe { memset(buf.as_mut_ptr().add(da).cast(), 0x1a5, len) };
                let ok = (0..96).all(|i| {
                    buf[i]
                        == if (da..da + len).contains(&i) {
                            0xa5
                        } else {
                            pattern(i)
                        }
                });
                fail(ok);
                if sa == 0 {
                    // strlen: a NUL at da + len.
                    let mut s = [b'x'; 96];
                    s[da + len] = 0;
                    // SAFETY: NUL-terminated inside the array.
                    fail(unsafe { strlen(s.as_ptr().add(da).cast()) } == len);
                }
            }
        }
    }
    (cases, failures)
}
