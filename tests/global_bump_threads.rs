//! Threads hammer one `GlobalBump` (a static of the test, not the test
//! binary's global allocator): every block gets a pattern of its thread and
//! index, checked after all threads are done, so two blocks that overlap
//! would show. Some blocks are grown in place and some freed at once, so
//! the roll-back and in-place paths race with allocations too. The threads
//! start on slot 0 together; the first lost race spreads them over slots
//! by stack address (printed: `spread`, `slots_used`), so both regimes and
//! the switch between them are exercised.
mod common;

use std::alloc::{GlobalAlloc, Layout};

use rawmap::GlobalBump;

/// Allocations per thread: 10^6 natively; qemu (user or a TCG VM)
/// translates every instruction, so a tenth of that there.
fn per_thread() -> usize {
    if common::emulated() {
        eprintln!("emulated (qemu-user or VM): 10^5 allocations per thread instead of 10^6");
        100_000
    } else {
        1_000_000
    }
}

fn pattern(t: usize, i: usize, k: usize) -> u8 {
    (t as u8).wrapping_mul(37)
        ^ (i as u8)
        ^ ((i >> 8) as u8).wrapping_mul(5)
        ^ (k as u8).wrapping_mul(11)
}

fn layout(t: usize, i: usize) -> Layout {
    let size = 1 + (i * 7 + t) % 24;
    Layout::from_size_align(size, 1 << (i % 4)).unwrap()
}

/// Runs `threads` threads of `n` allocations each on `a`; returns the
/// number of blocks checked.
fn hammer(a: &'static GlobalBump, threads: usize, n: usize) -> usize {
    let handles: Vec<_> = (0..threads)
        .map(|t| {
            std::thread::spawn(move || {
                let mut kept: Vec<(usize, usize, usize)> = Vec::with_capacity(n);
                for i in 0..n {
                    let l = layout(t, i);
                    // SAFETY: non-zero size.
                    let mut p = unsafe { a.alloc(l) };
                    assert!(!p.is_null());
                    let mut size = l.size();
                    if i % 8 == 3 {
                        // Grow (in place when still the most recent block).
                        // SAFETY: `p` is live with layout `l`.
                        p = unsafe { a.realloc(p, l, size + 8) };
                        assert!(!p.is_null());
                        size += 8;
                    }
                    for k in 0..size {
                        // SAFETY: inside the block.
                        unsafe { p.add(k).write(pattern(t, i, k)) };
                    }
                    if i % 16 == 5 {
                        // SAFETY: live with layout `l`, forgotten now.
                        unsafe { a.dealloc(p, l) };
                    } else {
                        kept.push((p as usize, size, i));
                    }
                }
                kept
            })
        })
        .collect();
    let mut checked = 0;
    for (t, h) in handles.into_iter().enumerate() {
        for (p, size, i) in h.join().unwrap() {
            for k in 0..size {
                // SAFETY: a live block of `size` bytes.
                let got = unsafe { (p as *const u8).add(k).read() };
                assert_eq!(
                    got,
                    pattern(t, i, k),
                    "thread {t} block {i} byte {k} at {p:#x} overwritten"
                );
            }
            checked += 1;
        }
    }
    checked
}

#[test]
fn two_threads() {
    static A: GlobalBump = GlobalBump::new();
    let per = per_thread();
    let n = hammer(&A, 2, per);
    eprintln!(
        "2 threads: {n} blocks intact, {} MiB mapped; {A:?}",
        A.mapped_bytes() >> 20
    );
    assert_eq!(n, 2 * (per - per / 16));
}

#[test]
fn eight_threads() {
    static A: GlobalBump = GlobalBump::new();
    let per = per_thread();
    let n = hammer(&A, 8, per);
    eprintln!(
        "8 threads: {n} blocks intact, {} MiB mapped; {A:?}",
        A.mapped_bytes() >> 20
    );
    assert_eq!(n, 8 * (per - per / 16));
}
