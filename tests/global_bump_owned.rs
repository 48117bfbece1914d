//! `GlobalBump`'s owned arenas: a thread that has a thread pointer bumps
//! from an arena of its own with plain loads and stores. Test binaries run
//! on glibc (natively and under qemu-user, which emulates each arch's TLS
//! register), and glibc gives every thread its own thread pointer before
//! the thread runs, so on every arch here a thread owns an arena as long as
//! one of the four it probes is free: the first one always does.
//! (`rt` programs with no libc set no thread pointer: they use the shared
//! arenas; `tests/global_bump_slots.rs` tests those with
//! `GlobalBump::new_stack_slots()`.)

use std::alloc::{GlobalAlloc, Layout};
use std::sync::{Barrier, mpsc};

use rawmap::GlobalBump;

const CHUNK: usize = GlobalBump::CHUNK_SIZE;

fn small() -> Layout {
    Layout::from_size_align(48, 16).unwrap()
}

#[test]
fn one_thread_owns_an_arena_and_bumps_in_it() {
    static A: GlobalBump = GlobalBump::new();
    assert_eq!(A.owned_arenas(), 0, "nothing before the first allocation");
    let l = small();
    // SAFETY: non-zero sizes; each block is freed once, most recent first.
    unsafe {
        let p = A.alloc(l) as usize;
        assert!(A.owns_arena(), "{A:?}");
        assert_eq!(A.owned_arenas(), 1, "{A:?}");
        let q = A.alloc(l) as usize;
        assert_eq!(q, p + 48, "the next block follows (48 is a multiple of 16)");
        A.dealloc(q as *mut u8, l);
        let r = A.alloc(l) as usize;
        assert_eq!(r, q, "freeing the most recent block rolled it back");
        // In-place growth of the most recent block, then shrinking it.
        let g = A.realloc(r as *mut u8, l, 4096) as usize;
        assert_eq!(g, r, "grown in place");
        let s = A.realloc(g as *mut u8, Layout::from_size_align(4096, 16).unwrap(), 16) as usize;
        assert_eq!(s, r, "shrunk in place");
        let t = A.alloc(l) as usize;
        assert_eq!(t, r + 16, "the shrink gave the bytes back");
    }
    assert_eq!(A.mapped_bytes(), CHUNK, "one chunk");
    assert!(
        format!("{A:?}").contains("thread_pointer: \"yes\""),
        "{A:?}"
    );
}

#[test]
fn threads_own_separate_arenas() {
    static A: GlobalBump = GlobalBump::new();
    const THREADS: usize = 8;
    const N: usize = 5000;
    let barrier = Barrier::new(THREADS);
    let results: Vec<(bool, Vec<usize>)> = std::thread::scope(|s| {
        let hs: Vec<_> = (0..THREADS)
            .map(|t| {
                let barrier = &barrier;
                s.spawn(move || {
                    let l = Layout::from_size_align(40, 8).unwrap();
                    // SAFETY: non-zero size; the first allocation claims.
                    let first = unsafe { A.alloc(l) } as usize;
                    barrier.wait();
                    let mut blocks = vec![first];
                    for i in 1..N {
                        // SAFETY: non-zero size.
                        let p = unsafe { A.alloc(l) };
                        assert!(!p.is_null());
                        // SAFETY: a live block of 40 bytes.
                        unsafe { p.write_bytes((t * 31 + i) as u8, 40) };
                        blocks.push(p as usize);
                    }
                    (A.owns_arena(), blocks)
                })
            })
            .collect();
        hs.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let owners = results.iter().filter(|r| r.0).count();
    eprintln!("{owners} of {THREADS} threads owned an arena; {A:?}");
    assert!(owners >= 1, "the first thread to claim always gets one");
    assert_eq!(A.owned_arenas(), owners);
    for (t, (owns, blocks)) in results.iter().enumerate() {
        for (i, &p) in blocks.iter().enumerate().skip(1) {
            // SAFETY: blocks stay allocated (never freed).
            let b = unsafe { std::slice::from_raw_parts(p as *const u8, 40) };
            assert!(
                b.iter().all(|&x| x == (t * 31 + i) as u8),
                "block overwritten"
            );
        }
        if *owns {
            // Nobody else bumped from this arena: 5000 x 40 B fit in one
            // chunk, so the blocks follow one another.
            assert!(
                blocks.windows(2).all(|w| w[1] == w[0] + 40),
                "thread {t}'s owned arena was shared"
            );
        }
    }
    let mut all: Vec<usize> = results.iter().flat_map(|r| r.1.iter().copied()).collect();
    all.sort_unstable();
    assert!(
        all.windows(2).all(|w| w[1] >= w[0] + 40),
        "overlapping blocks"
    );
}

#[test]
fn an_exited_threads_arena_is_taken_over_without_overlap() {
    static A: GlobalBump = GlobalBump::new();
    const ROUNDS: usize = 40;
    const N: usize = 200;
    let l = Layout::from_size_align(24, 8).unwrap();
    let mut kept: Vec<(usize, u8)> = Vec::new();
    for round in 0..ROUNDS {
        // One thread at a time: glibc hands an exited thread's stack and
        // control block (and so its thread pointer) to the next thread.
        let blocks = std::thread::spawn(move || {
            (0..N)
                .map(|i| {
                    // SAFETY: non-zero size.
                    let p = unsafe { A.alloc(l) };
                    assert!(!p.is_null());
                    let v = (round * 7 + i) as u8;
                    // SAFETY: a live block of 24 bytes.
                    unsafe { p.write_bytes(v, 24) };
                    (p as usize, v)
                })
                .collect::<Vec<_>>()
        })
        .join()
        .unwrap();
        kept.extend(blocks);
    }
    for &(p, v) in &kept {
        // SAFETY: blocks stay allocated (never freed).
        let b = unsafe { std::slice::from_raw_parts(p as *const u8, 24) };
        assert!(
            b.iter().all(|&x| x == v),
            "a later thread overwrote a block"
        );
    }
    kept.sort_unstable();
    assert!(kept.windows(2).all(|w| w[1].0 >= w[0].0 + 24), "overlap");
    let owned = A.owned_arenas();
    eprintln!("{ROUNDS} threads one after the other used {owned} owned arenas; {A:?}");
    assert!((1..=GlobalBump::OWNED_SLOTS).contains(&owned));
}

#[test]
fn freeing_from_another_thread_leaves_the_owners_arena_alone() {
    static A: GlobalBump = GlobalBump::new();
    let l = small();
    let (to_b, from_a) = mpsc::channel::<usize>();
    let (done_tx, done_rx) = mpsc::channel::<()>();
    std::thread::scope(|s| {
        s.spawn(move || {
            // Thread B: frees A's most recent block (its own arena, or a
            // shared one, is another arena: nothing rolls back).
            let p = from_a.recv().unwrap();
            // SAFETY: the block was allocated by `A` with layout `l` and is
            // not used again.
            unsafe { A.dealloc(p as *mut u8, l) };
            done_tx.send(()).unwrap();
        });
        // SAFETY: non-zero sizes.
        let (x, y) = unsafe {
            let x = A.alloc(l) as usize;
            assert!(A.owns_arena(), "{A:?}");
            to_b.send(x).unwrap();
            done_rx.recv().unwrap();
            (x, A.alloc(l) as usize)
        };
        assert_eq!(
            y,
            x + 48,
            "another thread's free rolled back this thread's arena"
        );
    });
}

#[test]
fn stack_slots_variant_never_owns() {
    static A: GlobalBump = GlobalBump::new_stack_slots();
    let l = small();
    // SAFETY: non-zero size.
    let p = unsafe { A.alloc(l) };
    assert!(!p.is_null());
    assert!(!A.owns_arena());
    assert_eq!(A.owned_arenas(), 0);
    assert!(format!("{A:?}").contains("thread_pointer: \"no\""), "{A:?}");
}
