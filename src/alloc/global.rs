//! [`GlobalBump`]: a process-wide bump allocator, usable as
//! `#[global_allocator]` in a static binary with no libc.
//!
//! ```no_run
//! #[global_allocator]
//! static A: rawmap::GlobalBump = rawmap::GlobalBump::new();
//! ```
//!
//! - **Small blocks** (below [`GlobalBump::LARGE_THRESHOLD`]) are bumped
//!   upward from a chunk of [`GlobalBump::CHUNK_SIZE`] bytes, mapped with
//!   `mmap(PRIVATE | ANONYMOUS)` and aligned to its own size. They are
//!   never unmapped: freeing one only gives its bytes back when it is the
//!   most recent block of its arena (the bump pointer rolls back);
//!   `realloc` of that block grows or shrinks it in place. This suits
//!   programs that allocate as they go and exit, or free in LIFO order; a
//!   long-running program that frees in any other order only grows.
//! - **Large blocks** get a mapping of their own, page aligned: `realloc`
//!   grows them with `mremap(MAYMOVE)` (the kernel moves page tables, no
//!   bytes are copied) and `dealloc` unmaps them.
//! - `alloc`/`realloc` never panic, abort or unwind: exhaustion, a size
//!   that overflows, an alignment above [`page_size()`](crate::page_size)
//!   all return null.
//!
//! # Thread safety and its cost
//!
//! **Owned arenas.** A thread that has a thread pointer (the register its
//! libc, or `rawmap::rt` for the main thread, points at its control block;
//! see `src/alloc/thread.rs` for each arch) bumps from an arena of its own,
//! one of [`GlobalBump::OWNED_SLOTS`]: plain loads and stores, no atomic
//! read-modify-write, nearly as cheap as [`GlobalBump::new_single_thread`].
//! Each arena's owner (its thread pointer) is recorded in a read-mostly
//! array apart from the bump pointers; the fast path reads the thread
//! pointer (one instruction: `mov fs:[0]`, `mrs tpidr_el0`, `mv tp`...) and
//! compares it with arena 0's owner, then, if that is another thread, with
//! the owner of the arena its hash picks. A thread's first allocation
//! claims a free arena: arena 0 (so the first thread to allocate, in most
//! programs the only one, needs no hash), else one of the four its hash
//! points at, with one compare-and-swap; arenas are never given back (no
//! libc tells a library that a thread ended), but no two live threads have
//! the same thread pointer, and a later thread that gets an exited
//! thread's pointer (glibc reuses stacks and control blocks: 40 threads run
//! one after the other used one arena in `tests/global_bump_owned.rs`)
//! takes its arena over, which is sound because the exited thread can no
//! longer touch it. Only the owner reads or writes an owned arena's bump
//! pointer: a block freed by another thread stays allocated.
//!
//! This rests on one property of the program, which every libc's threads
//! have: *each thread has its own thread pointer*. The only way to break it
//! is a thread made by a raw `clone(CLONE_VM)` without `CLONE_SETTLS`
//! (which inherits its parent's, and cannot run std code either: std's
//! thread-locals would be its parent's), or on x86 with a zero one
//! (`fs:[0]` then faults); a program that makes such threads uses
//! [`GlobalBump::new_stack_slots`]. Like glibc's `malloc`, the owned
//! fast path is not async-signal-safe: a signal handler that allocates
//! while its thread is inside the allocator may get an overlapping block
//! (installing a signal handler is `unsafe` for that reason).
//!
//! **Shared arenas.** A process with no thread pointers (no libc, and a
//! start-up other than `rt`'s that sets none: on x86_64 the `fs` base is
//! checked once with `arch_prctl(ARCH_GET_FS)`, on i686 the `gs`
//! selector, elsewhere the first allocating thread's register), a thread
//! whose thread pointer is 0, or one whose five arenas (arena 0 and the four
//! its hash picks) are all owned, bumps
//! from one of [`GlobalBump::SLOTS`] shared arenas ("slots"). A slot's
//! whole state is one word, its bump pointer `top`, on a cache line of its
//! own (128 bytes, so that no two slots share a line or an adjacent-line
//! prefetch pair). Because chunks are aligned to their size, the end of a
//! slot's current chunk is computed from `top` itself
//! (`((top - 1) | (CHUNK_SIZE - 1)) + 1`; `top` never rests on a chunk's
//! first byte), so *one* compare-and-swap of that word both checks the room
//! and takes the block: there is no lock, no second word to keep
//! consistent, and a thread that is preempted mid-allocation blocks no one
//! (lock-free). Freeing the most recent block is one more compare-and-swap,
//! tried only when a plain load shows the block is the most recent;
//! `realloc` in place likewise. Switching a slot to a new chunk (once per
//! `CHUNK_SIZE` bytes) is a `mmap` + two `munmap` (to trim the alignment
//! slack) and a compare-and-swap; the loser of a race unmaps its chunk and
//! retries. Each arena (owned or shared) maps its first chunk when it is
//! first used.
//!
//! **Which shared slot.** Without a thread pointer a thread still has a
//! free identity: its stack pointer. Thread stacks are megabytes apart, so
//! the allocator reads the stack pointer (one instruction), drops its low
//! 20 bits (1 MiB) and hashes the rest with a multiplication into a slot
//! number. The multiplier (about 2<sup>64</sup>·17/256) is chosen so that
//! two stacks 1 to 14 MiB apart never share a slot; stacks further apart
//! share a slot with a chance of 1 in 16. Correctness never depends on the
//! choice: any thread may bump from any shared slot. As long as no
//! allocation has ever lost a compare-and-swap race, every thread uses
//! slot 0, so a single-threaded program maps one chunk and rolls back every
//! LIFO free whatever its stack depth; the first allocation that finds
//! `top` moved by another thread switches, for good, to picking slots by
//! stack address (the idea of Java's `LongAdder`). A block is rolled back
//! (or grown in place) when the thread that frees it runs on a stack that
//! picks the block's slot; a block freed from elsewhere stays allocated.
//! This is exact, never a guess: an arena's `top` can only equal a block's
//! end when the block lies in that arena's current chunk.
//!
//! **Cost.** In an owned arena: a load of a read-mostly mode byte, the
//! thread pointer, a load of arena 0's owner and a compare (and for other
//! threads a shift, a multiplication, a shift, a second owner and compare),
//! beside the bump itself (under 1 ns); 1.2-1.5x
//! [`GlobalBump::new_single_thread`]'s time on one thread, about a quarter
//! to a third of glibc's `malloc`, and no line that one thread writes is
//! read by another (see `benches/alloc.rs` and the README's table). The
//! fast paths handle only owned arenas (and `new_single_thread`'s), so that
//! their code has no compare-and-swap; the shared arenas take an
//! out-of-line call. In a shared arena the compare-and-swap is the cost: 5-8 ns when
//! uncontended on the reference machines; with one slot shared by two
//! threads allocating at once every compare-and-swap would move the cache
//! line between cores (measured 17x glibc's time), hence the slots. The
//! price in memory: up to one partly used chunk per arena in use (address
//! space; pages cost RAM only once touched).
//!
//! [`GlobalBump::new_single_thread`] (an `unsafe` promise that one thread
//! allocates) uses one arena with plain loads and stores and no thread
//! pointer.

use core::alloc::{GlobalAlloc, Layout};
use core::ffi::c_void;
use core::ptr;
use core::sync::atomic::{AtomicBool, AtomicU8, AtomicUsize, Ordering};

use super::chunk::{FAST_ALIGN_MAX, map_anon, round_up, unmap};
use super::thread::{stack_pointer, thread_pointer, thread_pointer_usable};
use crate::flags::MremapFlags;
use crate::{page_size, sys};

/// A shared arena: its bump pointer, alone on its cache line (128 bytes:
/// two 64-byte lines, which x86 prefetches in pairs).
#[repr(C, align(128))]
struct Slot {
    /// Next free byte of the slot's current chunk; 0 before its first
    /// chunk. Inside a chunk, `base < top <= base + CHUNK_SIZE`.
    top: AtomicUsize,
}

/// An arena owned by one thread, found by its thread pointer; its owner
/// is in [`GlobalBump::owners`], apart (a word that every thread reads
/// must not share a line with a bump pointer that one thread writes).
#[repr(C, align(128))]
struct Owned {
    /// As [`Slot::top`], but read and written by the owner only, with plain
    /// loads and stores (atomics only so that `Debug` may look).
    top: AtomicUsize,
}

/// A value alone on its cache line.
#[repr(C, align(128))]
struct Padded<T>(T);

/// A process-wide bump allocator on anonymous mappings. See the
/// [module documentation](self).
///
/// Thread safety: each thread bumps small blocks from an arena of its own
/// (one of [`GlobalBump::OWNED_SLOTS`]), found by its thread pointer and
/// updated with plain loads and stores: no atomic read-modify-write. A
/// thread with no thread pointer, or whose arenas are all taken, bumps
/// lock-free (one compare-and-swap) from one of [`GlobalBump::SLOTS`]
/// shared arenas picked by its stack address. Freeing the most recent
/// block of the caller's arena rolls it back. Costs and details:
/// [Thread safety and its cost](self#thread-safety-and-its-cost).
#[repr(C)]
pub struct GlobalBump {
    /// `owners[i]`: `!tp` of the thread that owns `owned[i]` (`tp`, its
    /// thread pointer, is never 0 here, so `!tp` is never 0); 0 while free.
    /// Set once, by a compare-and-swap from 0, and never changed again:
    /// read-mostly, on lines of their own.
    owners: Padded<[AtomicUsize; OWNED]>,
    owned: [Owned; OWNED],
    slots: [Slot; SLOTS],
    /// `TP_UNKNOWN` until the first allocation finds out whether threads
    /// can be told apart by their thread pointer (`TP_YES`, `TP_NO`);
    /// `TP_SINGLE` for `new_single_thread`. The fast path's one load of
    /// the allocator's own state before the arena's.
    tp: AtomicU8,
    /// Set (once) by the first shared-arena allocation that lost a race:
    /// from then on the shared slot is picked by stack address.
    spread: AtomicBool,
    /// Bytes mapped (chunks and large blocks); statistics only.
    mapped: Padded<AtomicUsize>,
}

const CHUNK: usize = GlobalBump::CHUNK_SIZE;
const LARGE: usize = GlobalBump::LARGE_THRESHOLD;
// A small block always fits in a fresh chunk, even after aligning to a
// (64 KiB) page.
const _: () = assert!(LARGE + (64 << 10) < CHUNK && CHUNK.is_power_of_two());

const TP_UNKNOWN: u8 = 0;
const TP_YES: u8 = 1;
const TP_NO: u8 = 2;
/// `new_single_thread`: slot 0, plain loads and stores.
const TP_SINGLE: u8 = 3;

const OWNED_BITS: u32 = 5;
const OWNED: usize = 1 << OWNED_BITS;
/// Owned arenas a thread looks at: its hash's and the next three.
const PROBES: usize = 4;
/// 2^64 / the golden ratio (Fibonacci hashing).
const PHI: u64 = 0x9E37_79B9_7F4A_7C15;

/// The first owned arena a thread pointer looks at.
#[inline(always)]
const fn owned_of_tp(tp: usize) -> usize {
    ((tp as u64 >> 12).wrapping_mul(PHI) >> (64 - OWNED_BITS)) as usize
}

const SLOT_BITS: u32 = 4;
const SLOTS: usize = 1 << SLOT_BITS;
/// Stack addresses in the same 2^STACK_SHIFT bytes pick the same slot.
const STACK_SHIFT: u32 = 20;
/// About 2^64 * 17/256 (Fibonacci hashing's bits, shifted, below): for
/// every `d` in 1..=14, `d * MIX mod 2^64` lies in `[2^60, 2^64 - 2^60]`,
/// so keys 1 to 14 apart never get the same top 4 bits (checked below).
const MIX: u64 = 0x1109_E377_9B97_F4A7;
const _: () = {
    let mut d: u64 = 1;
    while d <= 14 {
        let c = d.wrapping_mul(MIX);
        assert!(c >= 1 << 60 && c <= (1u64 << 60).wrapping_neg());
        d += 1;
    }
};

/// The slot for a stack address: 1 MiB granules, multiplicative hash.
#[inline(always)]
const fn slot_of_stack(sp: usize) -> usize {
    ((sp as u64 >> STACK_SHIFT).wrapping_mul(MIX) >> (64 - SLOT_BITS)) as usize
}

/// The end of the chunk that holds `top` (0 when `top` is 0).
#[inline(always)]
const fn chunk_end(top: usize) -> usize {
    (top.wrapping_sub(1) | (CHUNK - 1)).wrapping_add(1)
}

/// The arena a call works on: a bump pointer, and whether other threads
/// may update it at the same time (compare-and-swap) or not (plain loads
/// and stores: an owned arena, or `new_single_thread`).
#[derive(Clone, Copy)]
struct Arena<'a> {
    top: &'a AtomicUsize,
    atomic: bool,
}

impl Arena<'_> {
    /// Replaces `top` by `new` if it still is `cur`; `Err` with its value
    /// (possibly `cur` again: a spurious failure) otherwise.
    #[inline(always)]
    fn swap(self, cur: usize, new: usize) -> Result<(), usize> {
        if self.atomic {
            self.top
                .compare_exchange_weak(cur, new, Ordering::AcqRel, Ordering::Relaxed)
                .map(drop)
        } else {
            self.top.store(new, Ordering::Relaxed);
            Ok(())
        }
    }

    /// Replaces `top` by `new` if it still is `cur` (no spurious failure).
    #[inline(always)]
    fn swap_strong(self, cur: usize, new: usize) -> bool {
        if self.atomic {
            self.top
                .compare_exchange(cur, new, Ordering::AcqRel, Ordering::Relaxed)
                .is_ok()
        } else {
            self.top.store(new, Ordering::Relaxed);
            true
        }
    }

    /// Gives back the small block `p..p+size` if it is the most recent one
    /// of this arena. (An arena's `top` equals the block's end only if the
    /// block lies in the arena's current chunk, so no other arena is ever
    /// changed.)
    #[inline(always)]
    fn rollback(self, p: usize, size: usize) {
        let end = p + size;
        if self.top.load(Ordering::Relaxed) == end {
            if self.atomic {
                // Fails harmlessly if another thread allocated meanwhile.
                let _ = self
                    .top
                    .compare_exchange(end, p, Ordering::Release, Ordering::Relaxed);
            } else {
                self.top.store(p, Ordering::Relaxed);
            }
        }
    }
}

impl Default for GlobalBump {
    fn default() -> Self {
        Self::new()
    }
}

impl core::fmt::Debug for GlobalBump {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let used = self
            .slots
            .iter()
            .filter(|s| s.top.load(Ordering::Relaxed) != 0)
            .count();
        let tp = match self.tp.load(Ordering::Relaxed) {
            TP_YES => "yes",
            TP_NO => "no",
            TP_SINGLE => "not used",
            _ => "not yet known",
        };
        f.debug_struct("GlobalBump")
            .field("mapped_bytes", &self.mapped_bytes())
            .field("shared", &self.is_shared())
            .field("thread_pointer", &tp)
            .field("owned_arenas", &self.owned_arenas())
            .field("spread", &self.spread.load(Ordering::Relaxed))
            .field("slots_used", &used)
            .finish_non_exhaustive()
    }
}

impl GlobalBump {
    /// Size (and alignment) of the chunks small blocks are bumped from.
    pub const CHUNK_SIZE: usize = 1 << 20;
    /// Blocks of at least this many bytes get a mapping of their own.
    pub const LARGE_THRESHOLD: usize = 64 << 10;
    /// Number of arenas that threads own (see
    /// [Thread safety and its cost](self#thread-safety-and-its-cost)).
    pub const OWNED_SLOTS: usize = OWNED;
    /// Number of shared arenas, for threads that own none (see
    /// [Thread safety and its cost](self#thread-safety-and-its-cost)).
    pub const SLOTS: usize = SLOTS;

    /// A thread-safe allocator; maps nothing until the first allocation.
    #[must_use]
    pub const fn new() -> Self {
        Self {
            owners: Padded([const { AtomicUsize::new(0) }; OWNED]),
            owned: [const {
                Owned {
                    top: AtomicUsize::new(0),
                }
            }; OWNED],
            slots: [const {
                Slot {
                    top: AtomicUsize::new(0),
                }
            }; SLOTS],
            tp: AtomicU8::new(TP_UNKNOWN),
            spread: AtomicBool::new(false),
            mapped: Padded(AtomicUsize::new(0)),
        }
    }

    /// A thread-safe allocator that never uses thread pointers: every
    /// thread bumps from the shared arenas, one compare-and-swap per
    /// allocation. For a program whose threads may share a thread pointer
    /// (threads made by a raw `clone(CLONE_VM)` without `CLONE_SETTLS`,
    /// see [Thread safety and its cost](self#thread-safety-and-its-cost)).
    #[must_use]
    pub const fn new_stack_slots() -> Self {
        let mut a = Self::new();
        a.tp = AtomicU8::new(TP_NO);
        a
    }

    /// An allocator for a program that allocates from one thread only:
    /// plain loads and stores instead of compare-and-swap, one slot.
    ///
    /// # Safety
    ///
    /// No two threads may ever call into this allocator at the same time
    /// (for example: the program never spawns a thread, or only the thread
    /// that spawned the others allocates, and they never do). Otherwise two
    /// threads may receive overlapping blocks.
    #[must_use]
    pub const unsafe fn new_single_thread() -> Self {
        let mut a = Self::new();
        a.tp = AtomicU8::new(TP_SINGLE);
        a
    }

    /// Bytes currently mapped: every chunk (small blocks are never
    /// unmapped) and every live large block.
    pub fn mapped_bytes(&self) -> usize {
        self.mapped.0.load(Ordering::Relaxed)
    }

    /// `false` for [`new_single_thread`](Self::new_single_thread)'s
    /// allocator (derived from the mode, which says it once).
    #[inline]
    fn is_shared(&self) -> bool {
        self.tp.load(Ordering::Relaxed) != TP_SINGLE
    }

    /// Arenas owned by a thread (live or exited) so far. For tests.
    #[doc(hidden)]
    pub fn owned_arenas(&self) -> usize {
        self.owners
            .0
            .iter()
            .filter(|o| o.load(Ordering::Relaxed) != 0)
            .count()
    }

    /// Whether the calling thread owns an arena. For tests.
    #[doc(hidden)]
    pub fn owns_arena(&self) -> bool {
        self.is_shared() && !self.arena().atomic
    }

    /// Picks shared slots by stack address from now on, as the first
    /// contended shared-arena allocation does. For tests: correctness never
    /// depends on it.
    #[doc(hidden)]
    pub fn spread_now(&self) {
        if self.is_shared() {
            self.spread.store(true, Ordering::Relaxed);
        }
    }

    /// The calling thread's arena if plain loads and stores may update it:
    /// the arena the thread owns (one load of the mode, the thread pointer,
    /// one load of the owner), or `new_single_thread`'s slot 0. `None`:
    /// see [`arena_slow`](Self::arena_slow). The fast paths below use only
    /// this, so that their code knows at compile time that no atomic
    /// read-modify-write is needed.
    #[inline(always)]
    fn plain_arena(&self) -> Option<&AtomicUsize> {
        match self.tp.load(Ordering::Relaxed) {
            TP_YES => {
                // SAFETY: `TP_YES` is stored only after
                // `thread_pointer_usable()` returned true.
                let tp = unsafe { thread_pointer() };
                // Arena 0 first, without the hash: the first thread to
                // allocate (in most programs the only one) claims it.
                if self.owners.0[0].load(Ordering::Relaxed) == !tp {
                    return Some(&self.owned[0].top);
                }
                let i = owned_of_tp(tp);
                (self.owners.0[i].load(Ordering::Relaxed) == !tp).then_some(&self.owned[i].top)
            }
            TP_SINGLE => Some(&self.slots[0].top),
            _ => None,
        }
    }

    /// The calling thread's arena, whichever it is.
    #[inline(always)]
    fn arena(&self) -> Arena<'_> {
        match self.plain_arena() {
            Some(top) => Arena { top, atomic: false },
            None => self.arena_slow(),
        }
    }

    /// The shared arena for the calling thread: slot 0 until spread, then
    /// by stack address.
    #[inline(always)]
    fn shared_arena(&self) -> Arena<'_> {
        let i = if self.spread.load(Ordering::Relaxed) {
            slot_of_stack(stack_pointer())
        } else {
            0
        };
        Arena {
            top: &self.slots[i].top,
            atomic: true,
        }
    }

    /// The rest of [`arena`](Self::arena): finds out whether thread
    /// pointers are usable (once per process), looks for an arena the
    /// thread owns further along its probe sequence, or claims a free one;
    /// if none, a shared arena.
    #[cold]
    #[inline(never)]
    fn arena_slow(&self) -> Arena<'_> {
        let mut mode = self.tp.load(Ordering::Relaxed);
        if mode == TP_SINGLE {
            // Not reached from the fast paths (`plain_arena` answers).
            return Arena {
                top: &self.slots[0].top,
                atomic: false,
            };
        }
        if mode == TP_UNKNOWN {
            // Threads racing here find the same answer unless one of them
            // has no thread pointer; either answer is then sound (a thread
            // pointer of 0 picks the shared arenas; on x86, where reading
            // it would fault, every thread has one or none: see the module
            // docs).
            mode = if thread_pointer_usable() {
                TP_YES
            } else {
                TP_NO
            };
            self.tp.store(mode, Ordering::Relaxed);
        }
        if mode == TP_YES {
            // SAFETY: `thread_pointer_usable()` returned true (above, or
            // before `TP_YES` was stored).
            let tp = unsafe { thread_pointer() };
            if tp != 0 {
                let first = owned_of_tp(tp);
                // Arena 0, then the hash's four.
                let probe = |k: usize| match k {
                    0 => 0,
                    _ => (first + k - 1) % OWNED,
                };
                for k in 0..=PROBES {
                    let i = probe(k);
                    if self.owners.0[i].load(Ordering::Relaxed) == !tp {
                        return Arena {
                            top: &self.owned[i].top,
                            atomic: false,
                        };
                    }
                }
                for k in 0..=PROBES {
                    let i = probe(k);
                    let o = &self.owners.0[i];
                    // Acquire: a free arena's `top` is 0 and stays so until
                    // its owner maps a chunk; nothing to synchronise with,
                    // but the claim must not be reordered after our first
                    // use of it.
                    if o.load(Ordering::Relaxed) == 0
                        && o.compare_exchange(0, !tp, Ordering::Acquire, Ordering::Relaxed)
                            .is_ok()
                    {
                        return Arena {
                            top: &self.owned[i].top,
                            atomic: false,
                        };
                    }
                }
            }
        }
        self.shared_arena()
    }

    /// Another thread moved a shared slot's `top` under us: spread from
    /// now on.
    #[cold]
    #[inline(never)]
    fn contended(&self) {
        self.spread.store(true, Ordering::Relaxed);
    }

    /// Bumps a small block from the arena's current chunk; `None` when it
    /// does not fit (or there is no chunk yet).
    #[inline(always)]
    fn bump(&self, a: Arena<'_>, size: usize, align: usize) -> Option<*mut u8> {
        let mut top = a.top.load(Ordering::Relaxed);
        loop {
            // No overflow: `top` is a user-space address (far below 2^63)
            // or 0, `size` and `align` are small here.
            let aligned = (top + (align - 1)) & !(align - 1);
            let new_top = aligned + size;
            if new_top > chunk_end(top) || top == 0 {
                return None;
            }
            match a.swap(top, new_top) {
                Ok(()) => return Some(aligned as *mut u8),
                Err(t) => {
                    if t != top {
                        self.contended();
                    }
                    top = t;
                }
            }
        }
    }

    #[cold]
    #[inline(never)]
    fn alloc_slow(&self, a: Arena<'_>, size: usize, align: usize) -> *mut u8 {
        self.alloc_slow_fresh(a, size, align).0
    }

    /// [`alloc_slow`](Self::alloc_slow), also telling whether the block is
    /// fresh from the kernel (a new chunk or a large block: still zero).
    fn alloc_slow_fresh(&self, a: Arena<'_>, size: usize, align: usize) -> (*mut u8, bool) {
        let page = page_size();
        if align > page || page > CHUNK {
            return (ptr::null_mut(), false);
        }
        if size >= LARGE {
            return (self.map_large(size), true);
        }
        loop {
            let top = a.top.load(Ordering::Acquire);
            if top != 0 {
                let aligned = (top + (align - 1)) & !(align - 1);
                let new_top = aligned + size;
                if new_top <= chunk_end(top) {
                    if a.swap_strong(top, new_top) {
                        return (aligned as *mut u8, false);
                    }
                    self.contended();
                    continue;
                }
            }
            let Some(base) = map_aligned_chunk() else {
                return (ptr::null_mut(), false);
            };
            // Start one byte in, so that `top` never rests on the base.
            let aligned = (base + 1 + (align - 1)) & !(align - 1);
            if a.swap_strong(top, aligned + size) {
                self.mapped.0.fetch_add(CHUNK, Ordering::Relaxed);
                return (aligned as *mut u8, true);
            }
            // Another thread moved a shared `top` first: retry in its chunk.
            self.contended();
            // SAFETY: our fresh chunk, never published.
            unsafe { unmap(base, CHUNK) };
        }
    }

    /// Maps a large block (page aligned) of `size` bytes.
    fn map_large(&self, size: usize) -> *mut u8 {
        let Some(len) = round_up(size, page_size()) else {
            return ptr::null_mut();
        };
        match map_anon(len) {
            Some(p) => {
                self.mapped.0.fetch_add(len, Ordering::Relaxed);
                p as *mut u8
            }
            None => ptr::null_mut(),
        }
    }

    /// `alloc` in arena `a`: the bump, else the slow path.
    #[inline(always)]
    fn alloc_in(&self, a: Arena<'_>, size: usize, align: usize) -> *mut u8 {
        if size < LARGE
            && align <= FAST_ALIGN_MAX
            && let Some(p) = self.bump(a, size, align)
        {
            return p;
        }
        self.alloc_slow(a, size, align)
    }

    /// `alloc` outside the fast path: a shared arena (one compare-and-swap),
    /// or the thread's first call (claims an owned arena).
    #[inline(never)]
    fn alloc_other(&self, size: usize, align: usize) -> *mut u8 {
        self.alloc_in(self.other_arena(), size, align)
    }

    /// The arena when [`plain_arena`](Self::plain_arena) has none: a
    /// process without thread pointers goes straight to its shared arena.
    #[inline(always)]
    fn other_arena(&self) -> Arena<'_> {
        if self.tp.load(Ordering::Relaxed) == TP_NO {
            self.shared_arena()
        } else {
            self.arena_slow()
        }
    }

    /// `dealloc` of a small block outside the fast path (a shared arena,
    /// or the thread's first call).
    #[inline(never)]
    fn rollback_slow(&self, p: usize, size: usize) {
        self.other_arena().rollback(p, size);
    }

    /// The out-of-line part of `realloc`: large blocks, moves, and the
    /// size checks.
    ///
    /// # Safety
    ///
    /// As `GlobalAlloc::realloc`: `p` was allocated by this allocator with
    /// `layout` and is still live; `new_size > 0`.
    #[cold]
    #[inline(never)]
    unsafe fn realloc_slow(&self, p: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let Ok(new_layout) = Layout::from_size_align(new_size, layout.align()) else {
            return ptr::null_mut();
        };
        let old = layout.size();
        if old >= LARGE && new_size >= LARGE {
            let page = page_size();
            let (Some(old_len), Some(new_len)) = (round_up(old, page), round_up(new_size, page))
            else {
                return ptr::null_mut();
            };
            if old_len == new_len {
                return p;
            }
            // SAFETY: the caller's large block is a mapping of its own; it
            // moves (page tables only) or stays, and the caller uses the
            // returned pointer.
            let r = unsafe {
                sys::mremap(
                    p.cast::<c_void>(),
                    old_len,
                    new_len,
                    MremapFlags::MAYMOVE,
                    ptr::null_mut(),
                )
            };
            return match r {
                Ok(q) => {
                    if new_len > old_len {
                        self.mapped
                            .0
                            .fetch_add(new_len - old_len, Ordering::Relaxed);
                    } else {
                        self.mapped
                            .0
                            .fetch_sub(old_len - new_len, Ordering::Relaxed);
                    }
                    q.cast::<u8>()
                }
                Err(_) => ptr::null_mut(),
            };
        }
        // Move: a fresh block, copy, free the old one.
        // SAFETY: `new_layout` has a non-zero size (the caller's contract).
        let q = unsafe { self.alloc(new_layout) };
        if !q.is_null() {
            // SAFETY: distinct live blocks, each holding at least the
            // copied length.
            unsafe {
                ptr::copy_nonoverlapping(p, q, old.min(new_size));
                self.dealloc(p, layout);
            }
        }
        q
    }
}

/// Maps `CHUNK` bytes aligned to `CHUNK`: maps twice as much and trims.
fn map_aligned_chunk() -> Option<usize> {
    let raw = map_anon(2 * CHUNK)?;
    let base = round_up(raw, CHUNK)?;
    // SAFETY: the slack before and after the aligned chunk is part of our
    // fresh mapping, page aligned (CHUNK is a multiple of the page size).
    unsafe {
        if base > raw {
            unmap(raw, base - raw);
        }
        let tail = raw + 2 * CHUNK - (base + CHUNK);
        if tail > 0 {
            unmap(base + CHUNK, tail);
        }
    }
    Some(base)
}

// SAFETY: blocks are disjoint: each small block is taken inside a chunk
// that belongs to one arena alone and is never unmapped, by one update of
// that arena's `top`: a compare-and-swap in a shared arena; a plain store in
// an owned one, whose `top` only its owner reads and writes (an owner is a
// thread pointer, and no two live threads have the same one; a later
// thread with an exited owner's thread pointer takes over after that
// thread's end) or in `new_single_thread`'s (the caller's promise). Each
// large block is a mapping of its own. Errors return null; nothing panics.
unsafe impl GlobalAlloc for GlobalBump {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let (size, align) = (layout.size(), layout.align());
        let Some(top) = self.plain_arena() else {
            return self.alloc_other(size, align);
        };
        self.alloc_in(Arena { top, atomic: false }, size, align)
    }

    /// Zeroes only what may have been used before: a block bumped from a
    /// chunk already in use (its bytes may be a rolled-back block's). A
    /// block at the start of a fresh chunk, or a large block, is fresh from
    /// the kernel: already zero, and its pages are left untouched (not
    /// faulted in).
    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let (size, align) = (layout.size(), layout.align());
        let a = self.arena();
        if size < LARGE
            && align <= FAST_ALIGN_MAX
            && let Some(p) = self.bump(a, size, align)
        {
            // SAFETY: a fresh block of `size` bytes.
            unsafe { ptr::write_bytes(p, 0, size) };
            return p;
        }
        let (p, fresh) = self.alloc_slow_fresh(a, size, align);
        if !p.is_null() && !fresh {
            // SAFETY: a fresh block of `size` bytes.
            unsafe { ptr::write_bytes(p, 0, size) };
        }
        p
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        let size = layout.size();
        if size < LARGE {
            match self.plain_arena() {
                Some(top) => Arena { top, atomic: false }.rollback(ptr as usize, size),
                None => self.rollback_slow(ptr as usize, size),
            }
        } else {
            let len = round_up(size, page_size()).unwrap_or(size);
            // SAFETY: a large block is a mapping of its own, which the
            // caller no longer uses.
            unsafe { unmap(ptr as usize, len) };
            self.mapped.0.fetch_sub(len, Ordering::Relaxed);
        }
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let (p, old) = (ptr as usize, layout.size());
        if old < LARGE && new_size < LARGE && old > 0 {
            let a = self.arena();
            let end = p + old;
            if new_size <= old {
                a.rollback(p + new_size, old - new_size);
                return ptr;
            }
            // Grow in place when the block is the most recent one of the
            // arena and its chunk has room.
            let new_end = p + new_size;
            if new_end <= chunk_end(end)
                && a.top.load(Ordering::Relaxed) == end
                && a.swap_strong(end, new_end)
            {
                return ptr;
            }
        }
        // SAFETY: forwarded from the caller.
        unsafe { self.realloc_slow(ptr, layout, new_size) }
    }
}
