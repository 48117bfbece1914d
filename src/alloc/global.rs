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
//! Small blocks come from one of [`GlobalBump::SLOTS`] independent arenas
//! ("slots"). A slot's whole state is one word, its bump pointer `top`, on
//! a cache line of its own (128 bytes, so that no two slots share a line
//! or an adjacent-line prefetch pair). Because chunks are aligned to their
//! size, the end of a slot's current chunk is computed from `top` itself
//! (`((top - 1) | (CHUNK_SIZE - 1)) + 1`; `top` never rests on a chunk's
//! first byte), so *one* compare-and-swap of that word both checks the room
//! and takes the block: there is no lock, no second word to keep
//! consistent, and a thread that is preempted mid-allocation blocks no one
//! (lock-free). Freeing the most recent block is one more compare-and-swap,
//! tried only when a plain load shows the block is the most recent;
//! `realloc` in place likewise. Switching a slot to a new chunk (once per
//! `CHUNK_SIZE` bytes) is a `mmap` + two `munmap` (to trim the alignment
//! slack) and a compare-and-swap; the loser of a race unmaps its chunk and
//! retries. Each slot maps its first chunk when it is first used.
//!
//! **Which slot.** There is no thread-local storage in a program without
//! libc, but every thread has a free identity: its stack pointer. Thread
//! stacks are megabytes apart, so the allocator reads the stack pointer
//! (one instruction), drops its low 20 bits (1 MiB) and hashes the rest
//! with a multiplication into a slot number. The multiplier (about
//! 2<sup>64</sup>·17/256) is chosen so that two stacks 1 to 14 MiB apart
//! never share a slot: threads of std (2 MiB stacks) or of glibc (8 MiB)
//! created one after the other get different slots; stacks further apart
//! share a slot with a chance of 1 in 16. Correctness never depends on the
//! choice: any thread may bump from any slot, and every slot stays
//! lock-free as described above.
//!
//! **Only when needed.** As long as no allocation has ever lost a
//! compare-and-swap race, every thread uses slot 0, so a single-threaded
//! program maps one chunk and rolls back every LIFO free whatever its stack
//! depth. The first allocation that finds `top` moved by another thread
//! between its load and its compare-and-swap switches the allocator, for
//! good, to picking slots by stack address (the idea of Java's
//! `LongAdder`). From then on, the most recent block is rolled back (or
//! grown in place) when the thread that frees it runs on a stack that
//! picks the block's slot: the one that allocated it, at a stack depth
//! within the same MiB; a block freed from elsewhere simply stays
//! allocated. This is exact, never a guess: a slot's `top` can only equal
//! a block's end when the block lies in that slot's current chunk.
//!
//! **Cost.** The compare-and-swap is the whole cost over a
//! single-threaded bump: 5-8 ns when uncontended on the reference machines
//! (the bump itself is under 1 ns, glibc's `malloc` about 4 ns thanks to
//! its per-thread cache). Picking the slot adds a load of a read-mostly
//! flag and, once spread, a stack-pointer read, a shift, a multiplication
//! and a shift (about a nanosecond). With one slot shared by two threads
//! allocating at once every compare-and-swap would move the cache line
//! between cores (measured 17x glibc's time); with a slot each, the lines
//! stay put. A spin lock would cost the same atomic read-modify-write to
//! acquire plus a store to release, and would make every thread wait for a
//! preempted holder. The price in memory: up to one partly used chunk per
//! slot in use (address space; pages cost RAM only once touched). See
//! `benches/alloc.rs` and the README for the measured numbers.
//!
//! A program that allocates from one thread only can skip the atomic
//! read-modify-write altogether with [`GlobalBump::new_single_thread`]
//! (an `unsafe` promise; it always uses slot 0).

use core::alloc::{GlobalAlloc, Layout};
use core::ffi::c_void;
use core::ptr;
use core::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use super::chunk::{FAST_ALIGN_MAX, map_anon, round_up, unmap};
use crate::flags::MremapFlags;
use crate::{page_size, sys};

/// One arena: its bump pointer, alone on its cache line (128 bytes: two
/// 64-byte lines, which x86 prefetches in pairs).
#[repr(C, align(128))]
struct Slot {
    /// Next free byte of the slot's current chunk; 0 before its first
    /// chunk. Inside a chunk, `base < top <= base + CHUNK_SIZE`.
    top: AtomicUsize,
}

/// A value alone on its cache line.
#[repr(C, align(128))]
struct Padded<T>(T);

/// A process-wide bump allocator on anonymous mappings. See the
/// [module documentation](self).
///
/// Thread safety: small blocks are bumped lock-free (one compare-and-swap)
/// from one of [`GlobalBump::SLOTS`] arenas, each on its own cache line.
/// Until two threads first collide, everyone uses slot 0; from then on a
/// thread picks its slot by its stack address (threads have no other free
/// identity without libc), so threads allocating at once almost never
/// share a cache line. Freeing the most recent block of the slot the
/// caller's stack picks rolls it back. Costs and details:
/// [Thread safety and its cost](self#thread-safety-and-its-cost).
#[repr(C)]
pub struct GlobalBump {
    slots: [Slot; SLOTS],
    /// `false`: one thread only (plain loads and stores, slot 0 only).
    shared: bool,
    /// Set (once) by the first allocation that lost a race: from then on
    /// the slot is picked by stack address. Read-mostly, beside `shared`.
    spread: AtomicBool,
    /// Bytes mapped (chunks and large blocks); statistics only.
    mapped: Padded<AtomicUsize>,
}

const CHUNK: usize = GlobalBump::CHUNK_SIZE;
const LARGE: usize = GlobalBump::LARGE_THRESHOLD;
// A small block always fits in a fresh chunk, even after aligning to a
// (64 KiB) page.
const _: () = assert!(LARGE + (64 << 10) < CHUNK && CHUNK.is_power_of_two());

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

/// The current stack pointer (approximately: any address in the current
/// frame will do).
#[inline(always)]
fn stack_pointer() -> usize {
    let sp: usize;
    #[cfg(target_arch = "x86_64")]
    // SAFETY: reads a register into another; touches no memory or flags.
    unsafe {
        core::arch::asm!("mov {}, rsp", out(reg) sp, options(pure, nomem, nostack, preserves_flags));
    }
    #[cfg(target_arch = "aarch64")]
    // SAFETY: reads a register into another; touches no memory or flags.
    unsafe {
        core::arch::asm!("mov {}, sp", out(reg) sp, options(pure, nomem, nostack, preserves_flags));
    }
    #[cfg(target_arch = "riscv64")]
    // SAFETY: reads a register into another; touches no memory or flags.
    unsafe {
        core::arch::asm!("mv {}, sp", out(reg) sp, options(pure, nomem, nostack, preserves_flags));
    }
    #[cfg(target_arch = "powerpc64")]
    // SAFETY: reads a register into another; touches no memory or flags.
    unsafe {
        core::arch::asm!("mr {}, 1", out(reg) sp, options(pure, nomem, nostack, preserves_flags));
    }
    #[cfg(target_arch = "s390x")]
    // SAFETY: reads a register into another; touches no memory or flags.
    unsafe {
        core::arch::asm!("lgr {}, %r15", out(reg) sp, options(pure, nomem, nostack, preserves_flags));
    }
    #[cfg(not(any(
        target_arch = "x86_64",
        target_arch = "aarch64",
        target_arch = "riscv64",
        target_arch = "powerpc64",
        target_arch = "s390x"
    )))]
    {
        let probe = 0u8;
        sp = core::hint::black_box(&probe) as *const u8 as usize;
    }
    sp
}

/// The end of the chunk that holds `top` (0 when `top` is 0).
#[inline(always)]
const fn chunk_end(top: usize) -> usize {
    (top.wrapping_sub(1) | (CHUNK - 1)).wrapping_add(1)
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
        f.debug_struct("GlobalBump")
            .field("mapped_bytes", &self.mapped_bytes())
            .field("shared", &self.shared)
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
    /// Number of independent arenas small blocks are bumped from (see
    /// [Thread safety and its cost](self#thread-safety-and-its-cost)).
    pub const SLOTS: usize = SLOTS;

    /// A thread-safe allocator; maps nothing until the first allocation.
    #[must_use]
    pub const fn new() -> Self {
        Self {
            slots: [const {
                Slot {
                    top: AtomicUsize::new(0),
                }
            }; SLOTS],
            shared: true,
            spread: AtomicBool::new(false),
            mapped: Padded(AtomicUsize::new(0)),
        }
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
        a.shared = false;
        a
    }

    /// Bytes currently mapped: every chunk (small blocks are never
    /// unmapped) and every live large block.
    pub fn mapped_bytes(&self) -> usize {
        self.mapped.0.load(Ordering::Relaxed)
    }

    /// Picks slots by stack address from now on, as the first contended
    /// allocation does. For tests: correctness never depends on it.
    #[doc(hidden)]
    pub fn spread_now(&self) {
        if self.shared {
            self.spread.store(true, Ordering::Relaxed);
        }
    }

    /// The bump pointer of the calling thread's slot.
    #[inline(always)]
    fn slot(&self) -> &AtomicUsize {
        let i = if self.spread.load(Ordering::Relaxed) {
            slot_of_stack(stack_pointer())
        } else {
            0
        };
        &self.slots[i].top
    }

    /// Another thread moved a slot's `top` under us: spread from now on.
    #[cold]
    #[inline(never)]
    fn contended(&self) {
        self.spread.store(true, Ordering::Relaxed);
    }

    /// Replaces `top` by `new` if it still is `cur`; `Err` with its value
    /// (possibly `cur` again: a spurious failure) otherwise.
    #[inline(always)]
    fn swap_top(&self, top: &AtomicUsize, cur: usize, new: usize) -> Result<(), usize> {
        if self.shared {
            top.compare_exchange_weak(cur, new, Ordering::AcqRel, Ordering::Relaxed)
                .map(drop)
        } else {
            top.store(new, Ordering::Relaxed);
            Ok(())
        }
    }

    /// Replaces `top` by `new` if it still is `cur` (no spurious failure).
    #[inline(always)]
    fn swap_strong(&self, top: &AtomicUsize, cur: usize, new: usize) -> bool {
        if self.shared {
            top.compare_exchange(cur, new, Ordering::AcqRel, Ordering::Relaxed)
                .is_ok()
        } else {
            top.store(new, Ordering::Relaxed);
            true
        }
    }

    /// Bumps a small block from the slot's current chunk; `None` when it
    /// does not fit (or there is no chunk yet).
    #[inline(always)]
    fn bump(&self, slot: &AtomicUsize, size: usize, align: usize) -> Option<*mut u8> {
        let mut top = slot.load(Ordering::Relaxed);
        loop {
            // No overflow: `top` is a user-space address (far below 2^63)
            // or 0, `size` and `align` are small here.
            let aligned = (top + (align - 1)) & !(align - 1);
            let new_top = aligned + size;
            if new_top > chunk_end(top) || top == 0 {
                return None;
            }
            match self.swap_top(slot, top, new_top) {
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
    fn alloc_slow(&self, slot: &AtomicUsize, size: usize, align: usize) -> *mut u8 {
        self.alloc_slow_fresh(slot, size, align).0
    }

    /// [`alloc_slow`](Self::alloc_slow), also telling whether the block is
    /// fresh from the kernel (a new chunk or a large block: still zero).
    fn alloc_slow_fresh(&self, slot: &AtomicUsize, size: usize, align: usize) -> (*mut u8, bool) {
        let page = page_size();
        if align > page || page > CHUNK {
            return (ptr::null_mut(), false);
        }
        if size >= LARGE {
            return (self.map_large(size), true);
        }
        loop {
            let top = slot.load(Ordering::Acquire);
            if top != 0 {
                let aligned = (top + (align - 1)) & !(align - 1);
                let new_top = aligned + size;
                if new_top <= chunk_end(top) {
                    if self.swap_strong(slot, top, new_top) {
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
            if self.swap_strong(slot, top, aligned + size) {
                self.mapped.0.fetch_add(CHUNK, Ordering::Relaxed);
                return (aligned as *mut u8, true);
            }
            // Another thread moved `top` first: retry in its chunk.
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

    /// Gives back the small block `p..p+size` if it is the most recent one
    /// of `slot`. (A slot's `top` equals the block's end only if the block
    /// lies in the slot's current chunk, so no other slot is ever changed.)
    #[inline(always)]
    fn rollback(&self, slot: &AtomicUsize, p: usize, size: usize) {
        let end = p + size;
        if slot.load(Ordering::Relaxed) == end {
            if self.shared {
                // Fails harmlessly if another thread allocated meanwhile.
                let _ = slot.compare_exchange(end, p, Ordering::Release, Ordering::Relaxed);
            } else {
                slot.store(p, Ordering::Relaxed);
            }
        }
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

// SAFETY: blocks are disjoint: each small block is taken by one atomic
// update of a slot's `top` inside a chunk that belongs to that slot alone
// and is never unmapped, each large block is a mapping of its own. Errors
// return null; nothing panics.
unsafe impl GlobalAlloc for GlobalBump {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let (size, align) = (layout.size(), layout.align());
        let slot = self.slot();
        if size < LARGE
            && align <= FAST_ALIGN_MAX
            && let Some(p) = self.bump(slot, size, align)
        {
            return p;
        }
        self.alloc_slow(slot, size, align)
    }

    /// Zeroes only what may have been used before: a block bumped from a
    /// chunk already in use (its bytes may be a rolled-back block's). A
    /// block at the start of a fresh chunk, or a large block, is fresh from
    /// the kernel: already zero, and its pages are left untouched (not
    /// faulted in).
    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let (size, align) = (layout.size(), layout.align());
        let slot = self.slot();
        if size < LARGE
            && align <= FAST_ALIGN_MAX
            && let Some(p) = self.bump(slot, size, align)
        {
            // SAFETY: a fresh block of `size` bytes.
            unsafe { ptr::write_bytes(p, 0, size) };
            return p;
        }
        let (p, fresh) = self.alloc_slow_fresh(slot, size, align);
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
            self.rollback(self.slot(), ptr as usize, size);
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
            let slot = self.slot();
            let end = p + old;
            if new_size <= old {
                self.rollback(slot, p + new_size, old - new_size);
                return ptr;
            }
            // Grow in place when the block is the most recent one of the
            // slot and its chunk has room.
            let new_end = p + new_size;
            if new_end <= chunk_end(end)
                && slot.load(Ordering::Relaxed) == end
                && self.swap_strong(slot, end, new_end)
            {
                return ptr;
            }
        }
        // SAFETY: forwarded from the caller.
        unsafe { self.realloc_slow(ptr, layout, new_size) }
    }
}
