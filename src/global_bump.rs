//! [`GlobalBump`]: a process-wide bump allocator, usable as
//! `#[global_allocator]` in a static binary with no libc.
//!
//! ```no_run
//! #[global_allocator]
//! static A: rawmap::GlobalBump = rawmap::GlobalBump::new();
//! ```
//!
//! - **Small blocks** (below [`GlobalBump::LARGE_THRESHOLD`]) are bumped
//!   upward from a shared chunk of [`GlobalBump::CHUNK_SIZE`] bytes, mapped
//!   with `mmap(PRIVATE | ANONYMOUS)` and aligned to its own size. They are
//!   never unmapped: freeing one only gives its bytes back when it is the
//!   most recent block (the bump pointer rolls back); `realloc` of the most
//!   recent block grows or shrinks it in place. This suits programs that
//!   allocate as they go and exit, or free in LIFO order; a long-running
//!   program that frees in any other order only grows.
//! - **Large blocks** get a mapping of their own, page aligned: `realloc`
//!   grows them with `mremap(MAYMOVE)` (the kernel moves page tables, no
//!   bytes are copied) and `dealloc` unmaps them.
//! - `alloc`/`realloc` never panic, abort or unwind: exhaustion, a size
//!   that overflows, an alignment above [`page_size()`](crate::page_size)
//!   all return null.
//!
//! # Thread safety and its cost
//!
//! The whole state is one word, the bump pointer `top`. Because chunks are
//! aligned to their size, the end of the current chunk is computed from
//! `top` itself (`((top - 1) | (CHUNK_SIZE - 1)) + 1`; `top` never rests
//! on a chunk's first byte), so *one* compare-and-swap of that word both
//! checks the room and takes the block: there is no lock, no second word to
//! keep consistent, and a thread that is preempted mid-allocation blocks
//! no one (lock-free). Freeing the most recent block is one more
//! compare-and-swap, tried only when a plain load shows the block is the
//! most recent; `realloc` in place likewise. Switching to a new chunk (once
//! per `CHUNK_SIZE` bytes) is a `mmap` + two `munmap` (to trim the
//! alignment slack) and a compare-and-swap; the loser of a race unmaps its
//! chunk and retries.
//!
//! That compare-and-swap is the whole cost over a single-threaded bump:
//! 5-8 ns when uncontended on the reference machines (the bump itself
//! is under 1 ns, glibc's `malloc` about 4 ns thanks to its per-thread
//! cache), and much more when threads allocate at the same time, as every
//! allocation writes the same cache line. Per-thread caches would avoid it
//! but need thread-local storage, which a no-libc program may not have set
//! up. A spin lock would cost the same atomic read-modify-write to acquire
//! plus a store to release, and would make every thread wait for a
//! preempted holder. See `benches/alloc.rs` and the README for the
//! measured numbers.
//!
//! A program that allocates from one thread only can skip the atomic
//! read-modify-write altogether with [`GlobalBump::new_single_thread`]
//! (an `unsafe` promise).

use core::alloc::{GlobalAlloc, Layout};
use core::ffi::c_void;
use core::ptr;
use core::sync::atomic::{AtomicUsize, Ordering};

use crate::bump::{FAST_ALIGN_MAX, map_anon, round_up, unmap};
use crate::flags::MremapFlags;
use crate::{page_size, sys};

/// A process-wide bump allocator on anonymous mappings. See the
/// [module documentation](self).
pub struct GlobalBump {
    /// Next free byte of the current chunk; 0 before the first chunk.
    /// Inside a chunk, `base < top <= base + CHUNK_SIZE`.
    top: AtomicUsize,
    /// Bytes mapped (chunks and large blocks); statistics only.
    mapped: AtomicUsize,
    /// `false`: one thread only (plain loads and stores).
    shared: bool,
}

const CHUNK: usize = GlobalBump::CHUNK_SIZE;
const LARGE: usize = GlobalBump::LARGE_THRESHOLD;
// A small block always fits in a fresh chunk, even after aligning to a
// (64 KiB) page.
const _: () = assert!(LARGE + (64 << 10) < CHUNK && CHUNK.is_power_of_two());

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
        f.debug_struct("GlobalBump")
            .field("mapped_bytes", &self.mapped_bytes())
            .field("shared", &self.shared)
            .finish_non_exhaustive()
    }
}

impl GlobalBump {
    /// Size (and alignment) of the chunks small blocks are bumped from.
    pub const CHUNK_SIZE: usize = 1 << 20;
    /// Blocks of at least this many bytes get a mapping of their own.
    pub const LARGE_THRESHOLD: usize = 64 << 10;

    /// A thread-safe allocator; maps nothing until the first allocation.
    pub const fn new() -> Self {
        Self {
            top: AtomicUsize::new(0),
            mapped: AtomicUsize::new(0),
            shared: true,
        }
    }

    /// An allocator for a program that allocates from one thread only:
    /// plain loads and stores instead of compare-and-swap.
    ///
    /// # Safety
    ///
    /// No two threads may ever call into this allocator at the same time
    /// (for example: the program never spawns a thread, or only the thread
    /// that spawned the others allocates, and they never do). Otherwise two
    /// threads may receive overlapping blocks.
    pub const unsafe fn new_single_thread() -> Self {
        Self {
            top: AtomicUsize::new(0),
            mapped: AtomicUsize::new(0),
            shared: false,
        }
    }

    /// Bytes currently mapped: every chunk (small blocks are never
    /// unmapped) and every live large block.
    pub fn mapped_bytes(&self) -> usize {
        self.mapped.load(Ordering::Relaxed)
    }

    /// Replaces `top` by `new` if it still is `cur`.
    #[inline(always)]
    fn swap_top(&self, cur: usize, new: usize) -> Result<(), usize> {
        if self.shared {
            self.top
                .compare_exchange_weak(cur, new, Ordering::AcqRel, Ordering::Relaxed)
                .map(drop)
        } else {
            self.top.store(new, Ordering::Relaxed);
            Ok(())
        }
    }

    /// Bumps a small block from the current chunk; `None` when it does not
    /// fit (or there is no chunk yet).
    #[inline(always)]
    fn bump(&self, size: usize, align: usize) -> Option<*mut u8> {
        let mut top = self.top.load(Ordering::Relaxed);
        loop {
            // No overflow: `top` is a user-space address (far below 2^63)
            // or 0, `size` and `align` are small here.
            let aligned = (top + (align - 1)) & !(align - 1);
            let new_top = aligned + size;
            if new_top > chunk_end(top) || top == 0 {
                return None;
            }
            match self.swap_top(top, new_top) {
                Ok(()) => return Some(aligned as *mut u8),
                Err(t) => top = t,
            }
        }
    }

    #[cold]
    #[inline(never)]
    fn alloc_slow(&self, size: usize, align: usize) -> *mut u8 {
        let page = page_size();
        if align > page || page > CHUNK {
            return ptr::null_mut();
        }
        if size >= LARGE {
            return self.map_large(size);
        }
        loop {
            let top = self.top.load(Ordering::Acquire);
            if top != 0 {
                let aligned = (top + (align - 1)) & !(align - 1);
                let new_top = aligned + size;
                if new_top <= chunk_end(top) {
                    match self.swap_top(top, new_top) {
                        Ok(()) => return aligned as *mut u8,
                        Err(_) => continue,
                    }
                }
            }
            let Some(base) = map_aligned_chunk() else {
                return ptr::null_mut();
            };
            // Start one byte in, so that `top` never rests on the base.
            let aligned = (base + 1 + (align - 1)) & !(align - 1);
            if self.swap_strong(top, aligned + size) {
                self.mapped.fetch_add(CHUNK, Ordering::Relaxed);
                return aligned as *mut u8;
            }
            // Another thread moved `top` first: retry in its chunk.
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
                self.mapped.fetch_add(len, Ordering::Relaxed);
                p as *mut u8
            }
            None => ptr::null_mut(),
        }
    }

    /// Gives back the small block `p..p+size` if it is the most recent one.
    #[inline(always)]
    fn rollback(&self, p: usize, size: usize) {
        let end = p + size;
        if self.top.load(Ordering::Relaxed) == end {
            if self.shared {
                // Fails harmlessly if another thread allocated meanwhile.
                let _ = self
                    .top
                    .compare_exchange(end, p, Ordering::Release, Ordering::Relaxed);
            } else {
                self.top.store(p, Ordering::Relaxed);
            }
        }
    }

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
                        self.mapped.fetch_add(new_len - old_len, Ordering::Relaxed);
                    } else {
                        self.mapped.fetch_sub(old_len - new_len, Ordering::Relaxed);
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
// update of `top` inside a chunk that is never unmapped, each large block
// is a mapping of its own. Errors return null; nothing panics.
unsafe impl GlobalAlloc for GlobalBump {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let (size, align) = (layout.size(), layout.align());
        if size < LARGE
            && align <= FAST_ALIGN_MAX
            && let Some(p) = self.bump(size, align)
        {
            return p;
        }
        self.alloc_slow(size, align)
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded from the caller.
        let p = unsafe { self.alloc(layout) };
        // Large blocks are fresh mappings, already zero.
        if !p.is_null() && layout.size() < LARGE {
            // SAFETY: a fresh block of `layout.size()` bytes.
            unsafe { ptr::write_bytes(p, 0, layout.size()) };
        }
        p
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        let size = layout.size();
        if size < LARGE {
            self.rollback(ptr as usize, size);
        } else {
            let len = round_up(size, page_size()).unwrap_or(size);
            // SAFETY: a large block is a mapping of its own, which the
            // caller no longer uses.
            unsafe { unmap(ptr as usize, len) };
            self.mapped.fetch_sub(len, Ordering::Relaxed);
        }
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let (p, old) = (ptr as usize, layout.size());
        if old < LARGE && new_size < LARGE && old > 0 {
            let end = p + old;
            if new_size <= old {
                self.rollback(p + new_size, old - new_size);
                return ptr;
            }
            // Grow in place when the block is the most recent one and its
            // chunk has room.
            let new_end = p + new_size;
            if new_end <= chunk_end(end)
                && self.top.load(Ordering::Relaxed) == end
                && self.swap_strong(end, new_end)
            {
                return ptr;
            }
        }
        // SAFETY: forwarded from the caller.
        unsafe { self.realloc_slow(ptr, layout, new_size) }
    }
}

impl GlobalBump {
    /// Replaces `top` by `new` if it still is `cur` (no spurious failure).
    #[inline(always)]
    fn swap_strong(&self, cur: usize, new: usize) -> bool {
        if self.shared {
            self.top
                .compare_exchange(cur, new, Ordering::AcqRel, Ordering::Relaxed)
                .is_ok()
        } else {
            self.top.store(new, Ordering::Relaxed);
            true
        }
    }
}
