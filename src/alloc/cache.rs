//! A small process-wide cache of chunks of dropped [`Bump`]s, so that a
//! fresh arena's first chunk costs an atomic exchange instead of `mmap`, its
//! page faults and `munmap`.
//!
//! - **Bounded**: [`SLOTS`] chunks of at most [`MAX_LEN`] bytes each. A
//!   dropped arena offers its current chunk (the newest, largest one) when
//!   it is no longer than that; when every slot is taken, the chunk is
//!   unmapped as before. Older chunks and large blocks are always unmapped.
//! - **Exact**: an arena takes a cached chunk only of exactly the length it
//!   would map (so its sizes, `mapped_bytes` and limits are the same with or
//!   without the cache). Repeating the same work (a new arena per request,
//!   per benchmark iteration) finds its chunk again.
//! - **Lock-free**: each slot is one state word (empty, busy, or the
//!   chunk's base) and its length; taking or giving is one compare-and-swap.
//!   A thread preempted mid-way only keeps that one slot busy; the others
//!   skip it and nobody waits.
//! - **Released on request**: [`Bump::release_cache`] unmaps every cached
//!   chunk (for example before measuring the address space, or when a
//!   long-running program is done with arenas). A cached chunk's pages stay
//!   resident (that is the point: no page faults next time), at most
//!   `SLOTS * MAX_LEN` bytes.

use core::sync::atomic::{AtomicUsize, Ordering};

use super::bump::Bump;
use super::chunk::unmap;

/// Number of cached chunks.
pub(super) const SLOTS: usize = 4;
/// Longest chunk kept (bytes).
pub(super) const MAX_LEN: usize = 4 << 20;

/// Slot state: no chunk.
const EMPTY: usize = 0;
/// Slot state: a thread is filling or emptying the slot.
const BUSY: usize = 1;

/// One cached chunk: `state` is `EMPTY`, `BUSY`, or the chunk's base (page
/// aligned, so never 0 or 1); `len` is valid while `state` is a base.
struct Slot {
    state: AtomicUsize,
    len: AtomicUsize,
}

static CACHE: [Slot; SLOTS] = [const {
    Slot {
        state: AtomicUsize::new(EMPTY),
        len: AtomicUsize::new(0),
    }
}; SLOTS];

/// Takes a cached chunk of exactly `len` bytes: its base.
#[inline]
pub(super) fn take(len: usize) -> Option<usize> {
    for slot in &CACHE {
        let s = slot.state.load(Ordering::Acquire);
        if s > BUSY
            && slot.len.load(Ordering::Relaxed) == len
            && slot
                .state
                .compare_exchange(s, BUSY, Ordering::Acquire, Ordering::Relaxed)
                .is_ok()
        {
            // The slot is ours; its length can have changed only if the
            // chunk was taken and another one cached meanwhile.
            if slot.len.load(Ordering::Relaxed) == len {
                slot.state.store(EMPTY, Ordering::Release);
                return Some(s);
            }
            slot.state.store(s, Ordering::Release);
        }
    }
    None
}

/// Offers the chunk `base..base+len` (ours, unused from now on) to the
/// cache; `false` when it is not kept (the caller unmaps it).
#[inline]
pub(super) fn give(base: usize, len: usize) -> bool {
    debug_assert!(base > BUSY, "chunk base {base:#x}");
    if len > MAX_LEN {
        return false;
    }
    for slot in &CACHE {
        if slot.state.load(Ordering::Relaxed) == EMPTY
            && slot
                .state
                .compare_exchange(EMPTY, BUSY, Ordering::Acquire, Ordering::Relaxed)
                .is_ok()
        {
            slot.len.store(len, Ordering::Relaxed);
            // Release: the chunk's last use (and `len`) happen before the
            // next owner's `Acquire`.
            slot.state.store(base, Ordering::Release);
            return true;
        }
    }
    false
}

impl Bump {
    /// Unmaps every chunk in the process-wide cache of dropped arenas'
    /// chunks, and returns how many bytes that gave back to the kernel.
    ///
    /// A dropped `Bump` keeps its current chunk (up to 4 MiB, at most 4
    /// chunks for the whole process) for the next arena that needs a chunk
    /// of exactly that length: a fresh arena then costs no `mmap`, no page
    /// faults and no `munmap`. The price is that up to 16 MiB (mapped and
    /// touched) may stay with the process after every arena is gone; call
    /// this to give it back. Arenas in use are not affected, and the cache
    /// fills again as arenas are dropped.
    #[must_use]
    pub fn release_cache() -> usize {
        let mut freed = 0;
        for slot in &CACHE {
            let s = slot.state.load(Ordering::Acquire);
            if s > BUSY
                && slot
                    .state
                    .compare_exchange(s, BUSY, Ordering::Acquire, Ordering::Relaxed)
                    .is_ok()
            {
                let len = slot.len.load(Ordering::Relaxed);
                // SAFETY: a dropped arena's chunk, owned by the cache and now
                // by us alone (the slot is busy); no block in it is in use.
                unsafe { unmap(s, len) };
                freed += len;
                slot.state.store(EMPTY, Ordering::Release);
            }
        }
        freed
    }
}
