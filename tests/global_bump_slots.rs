//! `GlobalBump`'s slots: one arena per stack region once spread, slot 0
//! for everyone before. Stacks are made "very different" inside one thread
//! by recursing through frames of more than a MiB each, so the checks do
//! not depend on where the system puts thread stacks; the two-thread test
//! asserts what the documented hash guarantees for the stacks it gets
//! (1 to 14 MiB apart: different slots), and prints the rest.
mod common;

use std::alloc::{GlobalAlloc, Layout};
use std::hint::black_box;
use std::mem::MaybeUninit;
use std::sync::Barrier;

use rawmap::GlobalBump;

const CHUNK: usize = GlobalBump::CHUNK_SIZE;
/// Stack bytes per recursion level: more than a MiB, so that every level
/// has a different stack address >> 20.
const FRAME: usize = 1_250_000;
/// Levels of recursion: 10 levels span about 12 MiB of stack.
const LEVELS: usize = 10;

fn small() -> Layout {
    Layout::from_size_align(64, 16).unwrap()
}

/// An address in the caller's frame.
#[inline(always)]
fn probe() -> usize {
    let x = 0u8;
    black_box(&x) as *const u8 as usize
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Phase {
    Down,
    Up,
}

/// Calls `f(level, stack address, phase)` at `levels` nested stack depths,
/// `FRAME` bytes apart: on the way down, then on the way back up.
#[inline(never)]
fn descend(level: usize, levels: usize, f: &mut dyn FnMut(usize, usize, Phase)) {
    let here = probe();
    f(level, here, Phase::Down);
    if level + 1 < levels {
        let mut pad = MaybeUninit::<[u8; FRAME]>::uninit();
        black_box(&mut pad);
        descend(level + 1, levels, f);
        black_box(&mut pad);
    }
    f(level, here, Phase::Up);
}

/// Runs `body` on a thread with a stack deep enough for `LEVELS` levels.
fn on_deep_stack(body: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new()
        .stack_size(LEVELS * FRAME + (4 << 20))
        .spawn(body)
        .unwrap()
        .join()
        .unwrap();
}

/// `a` and `b` (stack addresses) are far enough apart, whatever the call
/// depth between them and the allocator's own frame, for the hash's
/// guarantee (stacks 1 to 14 MiB apart pick different slots) to apply.
fn surely_apart(a: usize, b: usize) -> bool {
    let d = (a >> 20).abs_diff(b >> 20);
    (2..=13).contains(&d)
}

fn chunk_of(p: usize) -> usize {
    p & !(CHUNK - 1)
}

#[test]
fn spread_slots_follow_the_stack() {
    static A: GlobalBump = GlobalBump::new_stack_slots();
    A.spread_now();
    on_deep_stack(|| {
        let l = small();
        // (stack address, first block, second block) per level.
        let mut seen = [(0usize, 0usize, 0usize); LEVELS];
        let mut cross = 0usize; // a block of level 0, freed from level 5
        descend(0, LEVELS, &mut |level, here, phase| {
            // SAFETY: non-zero sizes; blocks are live with layout `l` and
            // freed once.
            unsafe {
                match phase {
                    Phase::Down => {
                        let p = A.alloc(l);
                        let q = A.alloc(l);
                        assert!(!p.is_null() && !q.is_null());
                        assert_eq!(q as usize, p as usize + 64, "level {level}: one slot");
                        A.dealloc(q, l);
                        assert_eq!(A.alloc(l), q, "level {level}: rolled back");
                        seen[level] = (here, p as usize, q as usize);
                        if level == 0 {
                            cross = A.alloc(l) as usize;
                        }
                        if level == 5 {
                            A.dealloc(cross as *mut u8, l);
                        }
                    }
                    Phase::Up if level == 0 => {
                        let next = A.alloc(l) as usize;
                        if surely_apart(here, seen[5].0) {
                            assert_ne!(
                                next, cross,
                                "a block freed from another slot's stack stays allocated"
                            );
                            assert_eq!(next, cross + 64);
                        } else {
                            eprintln!("levels 0 and 5 not surely apart: cross-slot free unchecked");
                        }
                        A.dealloc(next as *mut u8, l);
                        assert_eq!(A.alloc(l) as usize, next, "rolled back at level 0");
                    }
                    Phase::Up => {}
                }
            }
        });
        let mut asserted = 0;
        for i in 0..LEVELS {
            for j in i + 1..LEVELS {
                let ((si, pi, _), (sj, pj, _)) = (seen[i], seen[j]);
                if surely_apart(si, sj) {
                    assert_ne!(
                        chunk_of(pi),
                        chunk_of(pj),
                        "levels {i} and {j}: stacks {si:#x} and {sj:#x} share a chunk"
                    );
                    asserted += 1;
                }
            }
        }
        let mut chunks: Vec<usize> = seen.iter().map(|s| chunk_of(s.1)).collect();
        chunks.sort_unstable();
        chunks.dedup();
        eprintln!(
            "{LEVELS} stack depths {FRAME} B apart: {} chunks, {asserted} pairs asserted apart; {A:?}",
            chunks.len()
        );
        // Levels 0 and 2 are more than 2 MiB and less than 14 MiB apart.
        assert!(asserted >= LEVELS - 2, "only {asserted} pairs checked");
        // One chunk per slot used, and only small blocks: nothing else.
        assert_eq!(A.mapped_bytes(), chunks.len() * CHUNK);
    });
}

#[test]
fn before_contention_every_stack_uses_slot_0() {
    static A: GlobalBump = GlobalBump::new_stack_slots();
    on_deep_stack(|| {
        let l = small();
        let mut blocks = [0usize; LEVELS];
        descend(0, LEVELS, &mut |level, _, phase| {
            // SAFETY: non-zero sizes; blocks are live with layout `l` and
            // freed once, most recent first (on the way up).
            unsafe {
                match phase {
                    Phase::Down => blocks[level] = A.alloc(l) as usize,
                    Phase::Up => A.dealloc(blocks[level] as *mut u8, l),
                }
            }
        });
        for w in blocks.windows(2) {
            assert_eq!(w[1], w[0] + 64, "one slot whatever the stack depth");
        }
        assert_eq!(
            A.mapped_bytes(),
            CHUNK,
            "a single-threaded program maps one chunk"
        );
        // SAFETY: non-zero size.
        let again = unsafe { A.alloc(l) } as usize;
        assert_eq!(again, blocks[0], "every LIFO free rolled back");
        assert!(format!("{A:?}").contains("spread: false"), "{A:?}");
    });
}

#[test]
fn two_threads_bump_from_their_own_slots() {
    static A: GlobalBump = GlobalBump::new_stack_slots();
    A.spread_now();
    const N: usize = 2000;
    let barrier = Barrier::new(2);
    let [(s0, b0), (s1, b1)] = std::thread::scope(|s| {
        let run = || {
            s.spawn(|| {
                let here = probe();
                let l = Layout::from_size_align(32, 8).unwrap();
                let mut blocks = Vec::with_capacity(N);
                barrier.wait();
                for _ in 0..N {
                    // SAFETY: non-zero size.
                    let p = unsafe { A.alloc(l) };
                    assert!(!p.is_null());
                    blocks.push(p as usize);
                }
                (here, blocks)
            })
        };
        let (t0, t1) = (run(), run());
        [t0.join().unwrap(), t1.join().unwrap()]
    });
    // Blocks never overlap, whatever the slots.
    let mut all: Vec<usize> = b0.iter().chain(&b1).copied().collect();
    all.sort_unstable();
    assert!(
        all.windows(2).all(|w| w[1] >= w[0] + 32),
        "overlapping blocks"
    );
    let apart = surely_apart(s0, s1);
    eprintln!(
        "thread stacks {s0:#x} and {s1:#x} ({} MiB apart): chunks {:#x} and {:#x}; {A:?}",
        (s0 >> 20).abs_diff(s1 >> 20),
        chunk_of(b0[0]),
        chunk_of(b1[0])
    );
    if apart {
        assert_ne!(
            chunk_of(b0[0]),
            chunk_of(b1[0]),
            "different slots, different chunks"
        );
        // Nobody else bumped in between: each thread's blocks follow one
        // another (2000 x 32 B fit in one chunk).
        for b in [&b0, &b1] {
            assert!(b.windows(2).all(|w| w[1] == w[0] + 32), "slot shared");
        }
        assert_eq!(A.mapped_bytes(), 2 * CHUNK);
    } else {
        eprintln!("stacks not 2..=13 MiB apart: their slots may coincide, not asserted");
    }
}
