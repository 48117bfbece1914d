//! Exhaustion: allocation fails with `AllocError` / null, nothing panics.
//!
//! Natively, a forked child lowers its `RLIMIT_AS` (raw `prlimit64`) just
//! above its current size and allocates until the kernel says no.
//! qemu-user ignores `RLIMIT_AS`: there the `Bump` case runs against its
//! own mapping limit (`Bump::set_limit`) and the `GlobalBump` case is
//! skipped, with the reason printed.
mod common;

use std::alloc::{GlobalAlloc, Layout};

use rawmap::sys::{self, Resource, Rlimit};
use rawmap::{AllocError, Bump, GlobalBump};

const HEADROOM: u64 = 64 << 20;

/// Runs `body` in a child whose address space may grow by `HEADROOM` only.
/// The child must not use the heap (raw fork of a threaded parent):
/// `body` returns a small failure code, 0 on success. The limit is taken
/// from the child's own size: measured in the parent, it would miss what
/// other test threads map meanwhile (a glibc arena for a new thread
/// reserves 64 MiB: seen eating the whole headroom).
fn with_rlimit_as(body: fn() -> i32) {
    let _ = rawmap::page_size(); // discovered before the fork
    let st = common::in_child(move || {
        let lim = Rlimit {
            cur: common::maps_summary().1 + HEADROOM,
            max: Rlimit::INFINITY,
        };
        if sys::prlimit64(0, Resource::AS, Some(lim)).is_err() {
            return 90;
        }
        body()
    });
    assert_eq!(st.exit_code(), Some(0), "child: {st:?}");
}

#[test]
fn bump_returns_alloc_error_when_the_address_space_is_full() {
    if let Some(arch) = common::under_qemu() {
        eprintln!(
            "qemu-user ({arch}) ignores RLIMIT_AS: exhausting a Bump through its own limit instead"
        );
        let b = Bump::new();
        b.set_limit(Some(HEADROOM as usize));
        assert_eq!(exhaust_bump(&b), 0);
        return;
    }
    with_rlimit_as(|| exhaust_bump(&Bump::new()));
}

/// Fills `b` until it fails; 0 if every failure was a clean `AllocError`.
fn exhaust_bump(b: &Bump) -> i32 {
    let mut n: usize = 0;
    loop {
        match b.try_alloc([1u8; 4000]) {
            Ok(x) if x[3999] == 1 => n += 1,
            Ok(_) => return 1,
            Err(AllocError) => break,
        }
        if n > (1 << 30) / 4000 {
            return 2; // never failed
        }
    }
    if n < 1000 {
        return 3; // failed far too early
    }
    let large = Layout::from_size_align(HEADROOM as usize, 8).unwrap();
    if b.try_alloc_layout(large).is_ok() {
        return 4;
    }
    0
}

#[test]
fn global_bump_returns_null_when_the_address_space_is_full() {
    if let Some(arch) = common::under_qemu() {
        eprintln!(
            "SKIP: qemu-user ({arch}) ignores RLIMIT_AS, and GlobalBump has no limit of its own"
        );
        return;
    }
    with_rlimit_as(|| {
        static A: GlobalBump = GlobalBump::new();
        let small = Layout::from_size_align(3000, 8).unwrap();
        let mut n: usize = 0;
        // SAFETY: non-zero sizes; blocks are only written within bounds.
        unsafe {
            loop {
                let p = A.alloc(small);
                if p.is_null() {
                    break;
                }
                p.add(2999).write(1);
                n += 1;
                if n > (1 << 30) / 3000 {
                    return 2;
                }
            }
            if n < 1000 {
                return 3;
            }
            let large = Layout::from_size_align(HEADROOM as usize, 8).unwrap();
            if !A.alloc(large).is_null() || !A.alloc_zeroed(large).is_null() {
                return 4;
            }
            // A large block cannot grow either: realloc answers null and
            // the block stays.
            let mid = Layout::from_size_align(GlobalBump::LARGE_THRESHOLD, 8).unwrap();
            let m = A.alloc(mid);
            if !m.is_null() {
                m.write(9);
                if !A.realloc(m, mid, HEADROOM as usize).is_null() || m.read() != 9 {
                    return 5;
                }
            }
        }
        0
    });
}
