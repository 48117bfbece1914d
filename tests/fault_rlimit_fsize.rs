//! Fault injection with `RLIMIT_FSIZE`: growing a file past the limit
//! fails with `EFBIG` through every layer, nothing panics and nothing leaks.
//!
//! The kernel first sends `SIGXFSZ`, whose default action kills the process
//! (with a core dump); only a process that ignores or handles it sees
//! `EFBIG`. rawmap has no `sigaction` wrapper, so the child ignores the
//! signal with `libc::signal` (test code only). A second child keeps the
//! default action and must die by `SIGXFSZ` — the signal number asserted.
//!
//! The checks, in a forked child whose limit is `LIMIT` bytes (not a page
//! multiple): `File::set_len`, `sys::ftruncate` and `sys::truncate` past the
//! limit answer `EFBIG` and leave the size alone; up to the limit they
//! work; `sys::write` at the limit answers `EFBIG` and one that straddles it
//! is cut short; `File::write_all` past it answers `EFBIG`; a shared
//! `MmapMut` of the file can be written and flushed (writing through a map
//! never grows a file); the lowest free descriptor number is unchanged at
//! the end. The child uses no heap; each check has its own exit code.
//!
//! qemu-user passes `RLIMIT_FSIZE` on to the host kernel (it filters only
//! `RLIMIT_AS`, `RLIMIT_DATA` and `RLIMIT_STACK`) and delivers the host's
//! `SIGXFSZ` to the guest: the same checks run, and pass, under qemu.
mod common;

use std::ffi::CStr;

use common::TmpFile;
use linux_raw_sys::general::SIGXFSZ;
use rawmap::sys::{self, Resource, Rlimit, Whence};
use rawmap::{Errno, File, MapOptions, Mode, OFlags};

/// Soft and hard limit: three pages and 100 bytes.
fn limit() -> u64 {
    3 * rawmap::page_size() as u64 + 100
}

fn lowest_free_fd() -> i32 {
    sys::open(c"/dev/null", OFlags::RDONLY, Mode::empty())
        .unwrap()
        .as_raw_fd()
}

fn set_fsize_limit() -> bool {
    let l = limit();
    sys::prlimit64(0, Resource::FSIZE, Some(Rlimit { cur: l, max: l })).is_ok()
}

const CHECKS: &[(i32, &str)] = &[
    (1, "prlimit64(RLIMIT_FSIZE) failed"),
    (2, "File::create failed"),
    (3, "File::set_len up to the limit failed"),
    (
        4,
        "File::set_len one byte past the limit did not fail with EFBIG",
    ),
    (5, "the size changed after a failed set_len"),
    (
        6,
        "sys::ftruncate far past the limit did not fail with EFBIG",
    ),
    (
        7,
        "sys::truncate(path) past the limit did not fail with EFBIG",
    ),
    (8, "sys::write at the limit did not fail with EFBIG"),
    (
        9,
        "sys::write straddling the limit was not cut short at the limit",
    ),
    (10, "File::write_all past the limit did not fail with EFBIG"),
    (11, "the size is not the limit after the writes"),
    (12, "mapping the file (MapOptions::map_mut) failed"),
    (13, "writing through the map and flushing failed"),
    (14, "File::set_len below the limit (shrinking) failed"),
    (15, "a descriptor leaked"),
    (16, "ignoring SIGXFSZ failed"),
    (17, "lseek failed"),
];

fn run(path: &CStr) -> i32 {
    let efbig = Some(Errno::EFBIG);
    let l = limit();
    // SAFETY: setting a signal's disposition to SIG_IGN in this child.
    if unsafe { libc::signal(SIGXFSZ as i32, libc::SIG_IGN) } == libc::SIG_ERR {
        return 16;
    }
    let fd_before = lowest_free_fd();
    if !set_fsize_limit() {
        return 1;
    }
    {
        let Ok(file) = File::create(path) else {
            return 2;
        };
        if file.set_len(l).is_err() {
            return 3;
        }
        if file.set_len(l + 1).err() != efbig {
            return 4;
        }
        if file.len() != Ok(l) {
            return 5;
        }
        if sys::ftruncate(file.as_fd(), 1 << 30).err() != efbig {
            return 6;
        }
        if sys::truncate(path, l + 1).err() != efbig {
            return 7;
        }
        if sys::lseek(file.as_fd(), l as i64, Whence::Set) != Ok(l) {
            return 17;
        }
        if sys::write(file.as_fd(), b"x").err() != efbig {
            return 8;
        }
        if sys::lseek(file.as_fd(), l as i64 - 10, Whence::Set) != Ok(l - 10) {
            return 17;
        }
        if sys::write(file.as_fd(), &[7u8; 20]) != Ok(10) {
            return 9;
        }
        // The position is now at the limit.
        if file.write_all(b"more").err() != efbig {
            return 10;
        }
        if file.len() != Ok(l) {
            return 11;
        }
        // SAFETY: nobody else truncates or writes the file meanwhile.
        let Ok(mut map) = (unsafe { MapOptions::new().map_mut(&file) }) else {
            return 12;
        };
        map[0] = 1;
        let last = map.len() - 1;
        map[last] = 2;
        if map.flush().is_err() || map.len() as u64 != l {
            return 13;
        }
        drop(map);
        if file.set_len(rawmap::page_size() as u64).is_err() {
            return 14;
        }
    }
    if lowest_free_fd() != fd_before {
        return 15;
    }
    0
}

#[test]
fn growing_a_file_past_rlimit_fsize_fails_with_efbig() {
    let file = TmpFile::new("rlimit-fsize");
    let path = file.c();
    let _ = rawmap::page_size(); // discovered before the fork
    let status = common::in_child(|| run(path));
    let code = status.exit_code();
    let what = CHECKS
        .iter()
        .find(|(c, _)| Some(*c) == code)
        .map_or("?", |(_, m)| m);
    assert_eq!(code, Some(0), "child: {status:?}: {what}");
    // What the child left behind, read by the parent with std.
    let data = std::fs::read(file.path()).unwrap();
    assert_eq!(data.len(), rawmap::page_size());
    assert_eq!(
        data[0], 1,
        "the byte written through the map reached the file"
    );
    println!(
        "fault_rlimit_fsize: {} checks (cases) passed in a child under RLIMIT_FSIZE = {} bytes{}",
        CHECKS.len(),
        limit(),
        common::under_qemu().map_or(String::new(), |a| format!(" (qemu-user {a})"))
    );
}

#[test]
fn without_ignoring_it_sigxfsz_kills_the_process() {
    let file = TmpFile::with_contents("rlimit-fsize-sig", b"");
    let path = file.c();
    let _ = rawmap::page_size();
    let status = common::in_child(|| {
        let no_core = Rlimit { cur: 0, max: 0 };
        if sys::prlimit64(0, Resource::CORE, Some(no_core)).is_err() || !set_fsize_limit() {
            return 1;
        }
        let Ok(f) = File::open_rw(path) else {
            return 2;
        };
        let _ = f.set_len(limit() + 1);
        3 // survived
    });
    assert_eq!(
        status.term_signal(),
        Some(SIGXFSZ),
        "the child must die by SIGXFSZ, got {status:?}"
    );
    println!(
        "fault_rlimit_fsize: 1 case: set_len past the limit with SIGXFSZ at default -> killed by SIGXFSZ"
    );
}
