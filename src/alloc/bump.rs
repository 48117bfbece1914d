//! [`Bump`]: a single-threaded arena on anonymous private mappings.
//!
//! Memory comes in *chunks*, each one `mmap(PRIVATE | ANONYMOUS)` of its
//! own (never another allocator). An allocation rounds the bump pointer up
//! to the alignment and moves it **upward** past the block, so the fast
//! path is a handful of instructions and keeps no per-block header. Because
//! the pointer moves upward, the most recent block can grow, shrink or be
//! freed *in place*: `Vec::push` past the capacity and `reserve_exact`
//! usually return the same pointer without copying, and the arena's
//! footprint follows the vector's final capacity.
//!
//! - Blocks are packed at their own alignment: a `u8` takes one byte, a
//!   `u64` eight (10^6 `u8` take 1 MB, as in bumpalo's `Bump<1>`). With the
//!   size and alignment known at compile time the fast path is an add, a
//!   mask (none for alignment 1), an add and a compare.
//! - Chunks are page multiples that end on a page boundary. The first one is
//!   [`Bump::FIRST_CHUNK`] bytes (at least a page), the second as large,
//!   then each new chunk is twice the previous one, up to
//!   [`Bump::MAX_CHUNK`]: the chunks add up to a power of two times the
//!   first, at most twice what is used (as bumpalo's). When the most recent block
//!   outgrows its chunk, the chunk itself is grown with `mremap` (in place,
//!   or moved by the kernel without copying when the block is alone in it).
//! - A block of [`Bump::LARGE_THRESHOLD`] bytes or more gets a mapping of
//!   its own: it is grown with `mremap(MAYMOVE)` (the kernel moves page
//!   tables, nothing is copied) and unmapped as soon as it is freed.
//! - Other blocks are freed all at once by [`Bump::reset`] (O(1) when the
//!   arena has one chunk) or when the arena is dropped; freeing the most
//!   recent block rolls the bump pointer back.
//! - Nothing is ever dropped: `alloc(value)` hands out `&mut T` and the
//!   value's destructor never runs (use the arena for plain data, or drop
//!   values by hand).
//! - An arena maps nothing until its first allocation; then it costs one
//!   `mmap`, and dropping it one `munmap` per mapping: a few microseconds.
//!   To make a new arena per task cheap anyway, a dropped arena gives its
//!   current chunk (up to 4 MiB) to a small process-wide cache (4 chunks,
//!   lock-free), and a new arena whose first chunk has exactly that length
//!   takes it back: an atomic exchange, no system call, no page fault.
//!   Older chunks and large blocks are unmapped on drop, as is a chunk the
//!   full cache does not keep; [`Bump::release_cache`] unmaps the cached
//!   ones. [`Bump::reset`] (nanoseconds) reuses an arena without either.
//!
//! Errors are values: when the kernel refuses a mapping, the size
//! overflows, or the alignment is above [`page_size()`], the `try_`
//! methods return [`AllocError`] (and the `Allocator` impl, behind the
//! `allocator-api2` feature, its `AllocError`); only the methods without
//! `try_` panic, as documented on each.
//!
//! ```
//! let bump = rawmap::Bump::new();
//! let x = bump.alloc(42u64);
//! let s = bump.alloc_str("hello");
//! *x += 1;
//! assert_eq!((*x, &*s), (43, "hello"));
//! assert_eq!(bump.used_bytes(), 8 + 5);
//! ```
//!
//! With the `allocator-api2` feature, `&Bump` is an allocator for the
//! `allocator_api2` collections (on stable Rust):
//!
//! ```
//! # #[cfg(feature = "allocator-api2")] {
//! use allocator_api2::vec::Vec;
//! let bump = rawmap::Bump::new();
//! let mut v = Vec::new_in(&bump);
//! v.push(0u64);
//! let first = bump.mapped_bytes(); // one chunk
//! for i in 1..10_000 {
//!     v.push(i); // grows in place: the vector is the most recent block
//! }
//! assert_eq!(v[9_999], 9_999);
//! assert_eq!(bump.mapped_bytes(), first);
//! # }
//! ```

use core::alloc::Layout;
use core::cell::Cell;
use core::ffi::c_void;
use core::fmt;
use core::mem;
use core::ptr::{self, NonNull};

use super::cache;
use super::chunk::{FAST_ALIGN_MAX, map_anon, round_up, unmap};
pub use super::chunks::{ChunkIter, ChunkRawIter};
pub use super::string::String;
#[cfg(feature = "allocator-api2")]
pub use super::vec::{Vec, VecExt};
pub use super::with::AllocOrInitError;
use crate::flags::{Advice, MremapFlags};
use crate::{page_size, sys};

/// Allocation failed: the kernel refused the mapping (`ENOMEM`, an address
/// space limit), the arena's limit was reached, the size overflowed, or the
/// alignment is above the page size.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct AllocError;

impl fmt::Display for AllocError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("memory allocation failed")
    }
}

impl core::error::Error for AllocError {}

/// Written at the end of a chunk when a newer chunk takes over, linking
/// the retired chunks for `reset` and `Drop`. The last `FOOTER` bytes of a
/// chunk are never handed out.
#[repr(C)]
pub(super) struct Footer {
    pub(super) prev: *mut Footer,
    pub(super) base: usize,
    pub(super) len: usize,
    /// Bytes used from `base` (the chunk's blocks are `base..base+used`).
    pub(super) used: usize,
}

/// Room kept for the footer at the end of every chunk.
const FOOTER: usize = core::mem::size_of::<Footer>().next_multiple_of(16);

/// At the start of the mapping of a large block; the block follows at
/// `max(HEADER, align)` bytes, which is at most a page, so the header is at
/// the page boundary just below the block.
#[repr(C)]
pub(super) struct Large {
    /// Older large block.
    pub(super) prev: *mut Large,
    /// Newer large block (null for the newest, which `Bump::large` holds).
    pub(super) next: *mut Large,
    /// Length of the mapping.
    pub(super) len: usize,
    /// Size of the block, for `used_bytes`.
    pub(super) size: usize,
    /// Offset of the block from the header (`max(HEADER, align)`).
    pub(super) off: usize,
}

const HEADER: usize = core::mem::size_of::<Large>().next_power_of_two();

const _: () = assert!(HEADER.is_power_of_two() && HEADER < FAST_ALIGN_MAX);

/// A fast single-threaded arena on anonymous mappings. See the
/// [module documentation](self).
///
/// `Bump` is `Send` but not `Sync`: allocating takes `&self`, so one arena
/// is used from one thread at a time. For a process-wide allocator use
/// [`GlobalBump`](crate::GlobalBump).
///
/// ```compile_fail
/// fn shared<T: Sync>(_: &T) {}
/// shared(&rawmap::Bump::new()); // `Bump` is not `Sync`
/// ```
pub struct Bump {
    /// Next free byte of the current chunk (0 when there is none).
    ptr: Cell<usize>,
    /// End of the room for blocks in the current chunk: where its footer
    /// starts, or before when the limit leaves less (0 without a chunk).
    end: Cell<usize>,
    /// Start of the current chunk's mapping; 0 when there is none.
    base: Cell<usize>,
    /// Length of the current chunk's mapping.
    len: Cell<usize>,
    /// The newest retired chunk.
    retired: Cell<*mut Footer>,
    /// Bytes used in retired chunks.
    retired_used: Cell<usize>,
    /// The newest large block.
    large: Cell<*mut Large>,
    /// Bytes in live large blocks.
    large_used: Cell<usize>,
    /// Bytes mapped in total.
    mapped: Cell<usize>,
    /// Length of the next chunk.
    next_chunk: Cell<usize>,
    /// Most bytes the arena may map.
    limit: Cell<Option<usize>>,
}

// SAFETY: a `Bump` exclusively owns every mapping its raw pointers point
// into; nothing in it is tied to the thread that created it. `Cell` keeps
// it `!Sync`.
unsafe impl Send for Bump {}

impl Default for Bump {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for Bump {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Bump")
            .field("used_bytes", &self.used_bytes())
            .field("mapped_bytes", &self.mapped_bytes())
            .field("chunk_capacity", &self.chunk_capacity())
            .field("limit", &self.limit())
            .finish_non_exhaustive()
    }
}

impl Bump {
    /// Blocks of at least this many bytes get a mapping of their own.
    pub const LARGE_THRESHOLD: usize = 1 << 20;
    /// Size of the first chunk (rounded up to the page size).
    ///
    /// Address space, not memory: a page costs RAM only once touched, so
    /// the first chunk is generous and most arenas never need a second one
    /// (whose `munmap` would make [`Bump::reset`] cost a system call).
    pub const FIRST_CHUNK: usize = 256 << 10;
    /// New chunks double in size up to this many bytes.
    pub const MAX_CHUNK: usize = 64 << 20;

    /// An empty arena. Maps nothing until the first allocation.
    #[must_use]
    pub const fn new() -> Self {
        Self {
            ptr: Cell::new(0),
            end: Cell::new(0),
            base: Cell::new(0),
            len: Cell::new(0),
            retired: Cell::new(ptr::null_mut()),
            retired_used: Cell::new(0),
            large: Cell::new(ptr::null_mut()),
            large_used: Cell::new(0),
            mapped: Cell::new(0),
            next_chunk: Cell::new(Self::FIRST_CHUNK),
            limit: Cell::new(None),
        }
    }

    /// An arena whose first chunk holds at least `bytes` bytes, mapped now.
    ///
    /// # Panics
    ///
    /// If the mapping fails (see [`Bump::try_with_capacity`]).
    #[must_use]
    pub fn with_capacity(bytes: usize) -> Self {
        match Self::try_with_capacity(bytes) {
            Ok(b) => b,
            Err(_) => panic!("rawmap::Bump::with_capacity: cannot map {bytes} bytes"),
        }
    }

    /// An arena whose first chunk holds at least `bytes` bytes, mapped now.
    ///
    /// # Errors
    ///
    /// [`AllocError`] if the size overflows or the kernel refuses the
    /// mapping.
    pub fn try_with_capacity(bytes: usize) -> Result<Self, AllocError> {
        let b = Self::new();
        if bytes > 0 {
            b.new_chunk(bytes, 1)?;
        }
        Ok(b)
    }

    /// Caps the bytes of blocks this arena hands out ([`Bump::used_bytes`],
    /// alignment padding and large blocks included) at `limit`, as
    /// bumpalo's `set_allocation_limit` does; `None` removes the cap.
    /// Allocations that would pass it fail with [`AllocError`];
    /// `set_limit(Some(512))` still allows 512 bytes of blocks. Chunks are
    /// sized to the room the limit leaves, so [`Bump::mapped_bytes`] stays
    /// within the limit plus, per chunk, its footer and page rounding.
    /// Lowering the cap below what is used unmaps nothing: later
    /// allocations fail until blocks are given back or the arena is reset.
    pub fn set_limit(&self, limit: Option<usize>) {
        self.limit.set(limit);
        self.clamp_end();
    }

    /// The cap set by [`Bump::set_limit`], if any.
    pub fn limit(&self) -> Option<usize> {
        self.limit.get()
    }

    /// The bytes of blocks the limit still allows (`usize::MAX` without
    /// one).
    fn room(&self) -> usize {
        match self.limit.get() {
            None => usize::MAX,
            Some(n) => n.saturating_sub(self.used_bytes()),
        }
    }

    /// Sets the current chunk's `end`: its footer, or less when the limit
    /// leaves less room.
    fn clamp_end(&self) {
        let base = self.base.get();
        if base == 0 {
            return;
        }
        let footer = base + self.len.get() - FOOTER;
        let ptr = self.ptr.get();
        self.end
            .set(footer.min(ptr.saturating_add(self.room())).max(ptr));
    }

    /// Bytes handed out and not given back: the used part of every chunk
    /// (alignment padding included) plus the size of every live large block.
    /// (bumpalo has no such count; its `allocated_bytes` is this arena's
    /// [`Bump::allocated_bytes`].)
    pub fn used_bytes(&self) -> usize {
        let current = match self.base.get() {
            0 => 0,
            base => self.ptr.get() - base,
        };
        self.retired_used.get() + current + self.large_used.get()
    }

    /// Bytes of memory the arena holds, as bumpalo's `allocated_bytes`
    /// counts them: every chunk, its footer included, and every large
    /// block's mapping. The same as [`Bump::mapped_bytes`].
    pub fn allocated_bytes(&self) -> usize {
        self.mapped.get()
    }

    /// Bytes currently mapped by the arena: every chunk and every large
    /// block's mapping.
    pub fn mapped_bytes(&self) -> usize {
        self.mapped.get()
    }

    /// Bytes left for blocks in the current chunk (within the limit), as
    /// bumpalo's `chunk_capacity`: 0 before the first allocation.
    pub fn chunk_capacity(&self) -> usize {
        self.end.get() - self.ptr.get()
    }

    /// Length of the current chunk's mapping (0 before the first
    /// allocation): what [`Bump::reset`] keeps.
    pub fn chunk_len(&self) -> usize {
        self.len.get()
    }

    /// Moves `value` into the arena and returns a reference to it. Its
    /// destructor never runs.
    ///
    /// # Panics
    ///
    /// If the allocation fails (see [`Bump::try_alloc`]).
    #[inline(always)]
    #[allow(clippy::mut_from_ref)] // each call returns a new, disjoint block
    pub fn alloc<T>(&self, value: T) -> &mut T {
        match self.try_alloc(value) {
            Ok(r) => r,
            Err(_) => oom(Layout::new::<T>()),
        }
    }

    /// Moves `value` into the arena and returns a reference to it. Its
    /// destructor never runs.
    ///
    /// # Errors
    ///
    /// [`AllocError`] when no memory can be mapped (or the limit is
    /// reached), or `T`'s alignment is above the page size. `value` is
    /// dropped then.
    #[inline(always)]
    #[allow(clippy::mut_from_ref)] // each call returns a new, disjoint block
    pub fn try_alloc<T>(&self, value: T) -> Result<&mut T, AllocError> {
        let p = self.try_alloc_layout(Layout::new::<T>())?.cast::<T>();
        // SAFETY: `p` is a fresh block, valid and aligned for a `T`, that no
        // one else references; it lives as long as `&self` (until `reset`,
        // which takes `&mut self`, or drop).
        unsafe {
            p.as_ptr().write(value);
            Ok(&mut *p.as_ptr())
        }
    }

    /// Copies `src` into the arena.
    ///
    /// # Panics
    ///
    /// If the allocation fails (see [`Bump::try_alloc_slice_copy`]).
    #[inline]
    #[allow(clippy::mut_from_ref)] // each call returns a new, disjoint block
    pub fn alloc_slice_copy<T: Copy>(&self, src: &[T]) -> &mut [T] {
        match self.try_alloc_slice_copy(src) {
            Ok(r) => r,
            Err(_) => oom(Layout::for_value(src)),
        }
    }

    /// Copies `src` into the arena.
    ///
    /// # Errors
    ///
    /// [`AllocError`] when no memory can be mapped (or the limit is
    /// reached), or `T`'s alignment is above the page size.
    #[inline]
    #[allow(clippy::mut_from_ref)] // each call returns a new, disjoint block
    pub fn try_alloc_slice_copy<T: Copy>(&self, src: &[T]) -> Result<&mut [T], AllocError> {
        let p = self.try_alloc_layout(Layout::for_value(src))?.cast::<T>();
        // SAFETY: `p` is a fresh block of `src.len()` `T`s that cannot
        // overlap `src`; `T: Copy` so a bitwise copy is a valid value.
        unsafe {
            ptr::copy_nonoverlapping(src.as_ptr(), p.as_ptr(), src.len());
            Ok(core::slice::from_raw_parts_mut(p.as_ptr(), src.len()))
        }
    }

    /// Copies the string `s` into the arena.
    ///
    /// # Panics
    ///
    /// If the allocation fails (see [`Bump::try_alloc_str`]).
    #[inline]
    #[allow(clippy::mut_from_ref)] // each call returns a new, disjoint block
    pub fn alloc_str(&self, s: &str) -> &mut str {
        match self.try_alloc_str(s) {
            Ok(r) => r,
            Err(_) => oom(Layout::for_value(s)),
        }
    }

    /// Copies the string `s` into the arena.
    ///
    /// # Errors
    ///
    /// [`AllocError`] when no memory can be mapped (or the limit is
    /// reached).
    #[inline]
    #[allow(clippy::mut_from_ref)] // each call returns a new, disjoint block
    pub fn try_alloc_str(&self, s: &str) -> Result<&mut str, AllocError> {
        let bytes = self.try_alloc_slice_copy(s.as_bytes())?;
        // SAFETY: a byte-for-byte copy of a valid `str`.
        Ok(unsafe { core::str::from_utf8_unchecked_mut(bytes) })
    }

    /// Allocates a block for `layout` (uninitialized).
    ///
    /// # Panics
    ///
    /// If the allocation fails (see [`Bump::try_alloc_layout`]).
    #[inline(always)]
    pub fn alloc_layout(&self, layout: Layout) -> NonNull<u8> {
        match self.try_alloc_layout(layout) {
            Ok(p) => p,
            Err(_) => oom(layout),
        }
    }

    /// Allocates a block for `layout` (uninitialized). A zero-size block is
    /// a non-null pointer aligned for `layout`, possibly shared with other
    /// zero-size blocks.
    ///
    /// # Errors
    ///
    /// [`AllocError`] when no memory can be mapped (or the limit is
    /// reached), or `layout.align()` is above the page size.
    #[inline(always)]
    pub fn try_alloc_layout(&self, layout: Layout) -> Result<NonNull<u8>, AllocError> {
        match self.bump_fast(layout) {
            Some(p) => Ok(p),
            None => self.alloc_slow(layout),
        }
    }

    /// Gives a block back. Only the most recent block's bytes are reused
    /// (the bump pointer rolls back); a large block is unmapped; other
    /// blocks stay until [`Bump::reset`] or drop.
    ///
    /// # Safety
    ///
    /// `ptr` must be a block of this arena, allocated (or last resized)
    /// with `layout` since the last reset, and not used afterwards.
    #[inline]
    pub unsafe fn dealloc(&self, ptr: NonNull<u8>, layout: Layout) {
        let p = ptr.as_ptr() as usize;
        if layout.size() < Self::LARGE_THRESHOLD {
            if p + layout.size() == self.ptr.get() {
                self.ptr.set(p);
            }
        } else {
            // SAFETY: a block this large lives in a mapping of its own
            // (the caller guarantees it is ours and unused).
            unsafe { self.free_large(p) };
        }
    }

    /// Grows a block to `new_layout`, keeping its contents. (Named so that,
    /// with the `allocator-api2` feature, it does not shadow
    /// `Allocator::grow` when called as a method on `&Bump`.) The most recent
    /// block grows in place (same pointer) while its chunk has room, and
    /// the chunk is grown with `mremap` when it has not.
    ///
    /// # Errors
    ///
    /// [`AllocError`] as for [`Bump::try_alloc_layout`]; the block is then
    /// left as it was.
    ///
    /// # Safety
    ///
    /// `ptr` must be a block of this arena allocated with `old_layout`, and
    /// `new_layout.size() >= old_layout.size()`. On success the old pointer
    /// must not be used any more (use the returned one).
    #[inline]
    pub unsafe fn grow_block(
        &self,
        ptr: NonNull<u8>,
        old_layout: Layout,
        new_layout: Layout,
    ) -> Result<NonNull<u8>, AllocError> {
        debug_assert!(
            new_layout.size() >= old_layout.size(),
            "grow from {} to {} bytes",
            old_layout.size(),
            new_layout.size()
        );
        let p = ptr.as_ptr() as usize;
        // `opaque`: inlined into a caller's loop (`Vec::push`), the old size
        // is `8 * len`; seeing `p + 8 * len` in the (cold) grow path, LLVM's
        // loop strength reduction keeps extra induction variables in the hot
        // push loop (measured 1.5 against 1 cycle per push with 16-byte
        // granules). Hiding the size costs nothing here and leaves the loop
        // as tight as without the allocator.
        let old_end = p + opaque(old_layout.size());
        if old_layout.size() < Self::LARGE_THRESHOLD && old_end == self.ptr.get() {
            // The most recent block: roll back and bump again from `p`.
            self.ptr.set(p);
            if let Some(q) = self.bump_fast(new_layout) {
                if q != ptr {
                    // SAFETY: realigned forward inside the same chunk; the
                    // ranges may overlap, so `copy` (memmove).
                    unsafe { ptr::copy(ptr.as_ptr(), q.as_ptr(), old_layout.size()) };
                }
                return Ok(q);
            }
            self.ptr.set(old_end);
        }
        // SAFETY: forwarded from the caller.
        unsafe { self.grow_slow(ptr, old_layout, new_layout) }
    }

    /// Shrinks a block to `new_layout` (named so as not to shadow
    /// `Allocator::shrink` on `&Bump`), keeping the first
    /// `new_layout.size()` bytes. In place unless the new alignment is not
    /// met; the most recent block gives its tail back.
    ///
    /// # Errors
    ///
    /// [`AllocError`] only when the new alignment forces a move and that
    /// allocation fails; the block is then left as it was.
    ///
    /// # Safety
    ///
    /// `ptr` must be a block of this arena allocated with `old_layout`, and
    /// `new_layout.size() <= old_layout.size()`. On success the old pointer
    /// must not be used any more (use the returned one).
    #[inline(always)]
    pub unsafe fn shrink_block(
        &self,
        ptr: NonNull<u8>,
        old_layout: Layout,
        new_layout: Layout,
    ) -> Result<NonNull<u8>, AllocError> {
        debug_assert!(
            new_layout.size() <= old_layout.size(),
            "shrink from {} to {} bytes",
            old_layout.size(),
            new_layout.size()
        );
        let p = ptr.as_ptr() as usize;
        if old_layout.size() < Self::LARGE_THRESHOLD
            && new_layout.align() <= FAST_ALIGN_MAX
            && p & (new_layout.align() - 1) == 0
        {
            let (old_end, new_end) = (p + old_layout.size(), p + new_layout.size());
            if old_end == self.ptr.get() {
                self.ptr.set(new_end);
            }
            return Ok(ptr);
        }
        // SAFETY: forwarded from the caller.
        unsafe { self.shrink_slow(ptr, old_layout, new_layout) }
    }

    /// Frees every block at once, keeping the current chunk (the newest,
    /// hence largest) mapped for reuse. O(1) when the arena has one chunk
    /// and no large block; otherwise one `munmap` per other mapping.
    #[inline]
    pub fn reset(&mut self) {
        if !self.retired.get().is_null() || !self.large.get().is_null() {
            // SAFETY: `&mut self`: no block of this arena is borrowed any more.
            unsafe { self.unmap_all_but_current() };
        }
        self.ptr.set(self.base.get());
        self.mapped.set(self.len.get());
        // Without a limit `end` is the footer already.
        if self.limit.get().is_some() {
            self.clamp_end();
        }
        debug_assert!(
            self.base.get() == 0 || self.end.get() <= self.base.get() + self.len.get() - FOOTER,
            "end {:#x} past the footer of the chunk at {:#x}",
            self.end.get(),
            self.base.get()
        );
    }

    /// Like [`Bump::reset`], then gives the used pages of the kept chunk
    /// back to the kernel with `madvise(MADV_DONTNEED)`: they read as zero
    /// and are faulted in again on the next use.
    pub fn reset_and_release(&mut self) {
        let used = self.ptr.get().saturating_sub(self.base.get());
        self.reset();
        let base = self.base.get();
        if base != 0 && used > 0 {
            let len = round_up(used, page_size()).map_or(self.len.get(), |n| n.min(self.len.get()));
            // SAFETY: our own chunk, and after the reset no block in it is
            // referenced (`&mut self`); DONTNEED only zeroes it.
            let _ = unsafe { sys::madvise(base as *mut c_void, len, Advice::DONTNEED) };
        }
    }

    /// The fast path: bump inside the current chunk. Small blocks only
    /// (below the large threshold, alignment up to `FAST_ALIGN_MAX`).
    #[inline(always)]
    fn bump_fast(&self, layout: Layout) -> Option<NonNull<u8>> {
        let (size, align) = (layout.size(), layout.align());
        // `1 <= size < LARGE_THRESHOLD` in one unsigned compare (0 wraps to
        // the top). For a size known only at run time (`Layout::array(n)`)
        // that is one branch where a test for 0 and a test for a large size
        // were two: that loop ran 1.3-1.5x bumpalo's time on this kind of
        // machine, and 0.55-0.8x with one branch, with loops aligned as
        // the compiler likes or to 64 bytes (the instructions otherwise the
        // same; `benches/bump_insns.rs`, mode `arr`). A zero size pays the
        // second test instead. A constant size folds both away.
        if size.wrapping_sub(1) >= Self::LARGE_THRESHOLD - 1 || align > FAST_ALIGN_MAX {
            if size == 0 && align <= FAST_ALIGN_MAX {
                // No memory needed: a dangling, aligned, non-null pointer.
                // SAFETY: `align` is a power of two, so not 0.
                return Some(unsafe { NonNull::new_unchecked(align as *mut u8) });
            }
            return None;
        }
        let (ptr, end) = (self.ptr.get(), self.end.get());
        debug_assert!(
            ptr <= end && (ptr == 0) == (self.base.get() == 0),
            "bump pointer {ptr:#x} past the chunk end {end:#x}, or set without a chunk"
        );
        // No overflow: user-space addresses stay far below 2^63, and size
        // and align are small here. Without a chunk, `ptr == end == 0` and
        // `new_ptr >= size > 0`: no room.
        // A run of blocks of one type keeps the pointer aligned: testing it
        // (a predicted branch) keeps the mask off the chain from one bump to
        // the next (measured 0.38 against 0.70 ns per `u32`). Both sides
        // fold away for alignment 1.
        let aligned = if ptr & (align - 1) == 0 {
            ptr
        } else {
            cold_path();
            (ptr + (align - 1)) & !(align - 1)
        };
        let new_ptr = aligned + size;
        if new_ptr <= end {
            self.ptr.set(new_ptr);
            debug_assert!(aligned != 0, "bump returned null for {layout:?}");
            // SAFETY: `aligned >= ptr`, non-zero inside a chunk.
            Some(unsafe { NonNull::new_unchecked(aligned as *mut u8) })
        } else {
            None
        }
    }

    /// Bumps in the current chunk without the fast path's size limits.
    fn bump_current(&self, size: usize, align: usize) -> Option<NonNull<u8>> {
        if self.base.get() == 0 {
            return None;
        }
        let aligned = round_up(self.ptr.get(), align)?;
        let new_ptr = aligned.checked_add(size)?;
        if new_ptr > self.end.get() {
            return None;
        }
        self.ptr.set(new_ptr);
        NonNull::new(aligned as *mut u8)
    }

    #[cold]
    #[inline(never)]
    fn alloc_slow(&self, layout: Layout) -> Result<NonNull<u8>, AllocError> {
        let (size, align) = (layout.size(), layout.align());
        if align > page_size() {
            return Err(AllocError);
        }
        if size >= Self::LARGE_THRESHOLD {
            return self.alloc_large(size, align);
        }
        // A freed large block may have left room under the limit.
        self.clamp_end();
        if let Some(p) = self.bump_current(size, align) {
            return Ok(p);
        }
        if size == 0 {
            // A dangling, aligned, non-null pointer; maps nothing.
            // SAFETY: `align` is a power of two, so not 0.
            return Ok(unsafe { NonNull::new_unchecked(align as *mut u8) });
        }
        self.new_chunk(size, align)?;
        self.bump_current(size, align).ok_or(AllocError)
    }

    /// Maps a chunk with room for `size` bytes at `align` (at most a page)
    /// and makes it current; the previous one is retired.
    fn new_chunk(&self, size: usize, align: usize) -> Result<(), AllocError> {
        let page = page_size();
        debug_assert!(align <= page, "align {align} above the page size {page}");
        // The chunk starts on a page boundary, so the block starts at its
        // base whatever its alignment.
        // Once the current chunk is retired, the limit leaves `room` bytes
        // (its used part stays counted).
        let room = self.room();
        if size > room {
            return Err(AllocError);
        }
        let need = size.checked_add(FOOTER).ok_or(AllocError)?;
        let want = self
            .next_chunk
            .get()
            .min(room.saturating_add(FOOTER))
            .max(need);
        let len = round_up(want, page).ok_or(AllocError)?;
        let had_chunk = self.base.get() != 0;
        // A fresh arena's first chunk: from a dropped arena if one of
        // exactly this length is cached (no mmap, no page faults).
        let cached = if had_chunk { None } else { cache::take(len) };
        let base = match cached {
            Some(b) => b,
            None => map_anon(len).ok_or(AllocError)?,
        };
        self.retire_current();
        self.base.set(base);
        self.len.set(len);
        self.ptr.set(base);
        self.mapped.set(self.mapped.get() + len);
        self.clamp_end();
        // The second chunk is as large as the first, then they double: the
        // total stays a power of two times the first chunk.
        if had_chunk {
            self.next_chunk
                .set((self.next_chunk.get().saturating_mul(2)).min(Self::MAX_CHUNK));
        }
        Ok(())
    }

    /// Links the current chunk into the retired list (writing its footer).
    fn retire_current(&self) {
        let base = self.base.get();
        if base == 0 {
            return;
        }
        let footer = (base + self.len.get() - FOOTER) as *mut Footer;
        // SAFETY: the last FOOTER bytes of the chunk are ours (never handed
        // out) and aligned: the chunk ends on a page boundary and FOOTER is
        // a multiple of the word size.
        unsafe {
            footer.write(Footer {
                prev: self.retired.get(),
                base,
                len: self.len.get(),
                used: self.ptr.get() - base,
            });
        }
        self.retired.set(footer);
        self.retired_used
            .set(self.retired_used.get() + (self.ptr.get() - base));
    }

    /// Grows the current chunk so that the most recent block, at `p`, can
    /// be `new_size` bytes. Returns the block's (possibly moved) address.
    fn extend_chunk(&self, p: usize, old_size: usize, new_size: usize) -> Option<NonNull<u8>> {
        let (base, len) = (self.base.get(), self.len.get());
        // Moving the whole chunk when `p == base` below is sound only if
        // the block at `p` is the most recent one: then no other block
        // lives in the chunk.
        debug_assert!(
            base <= p && p + old_size == self.ptr.get(),
            "extend_chunk: the block at {p:#x} ({old_size} bytes) is not the most recent one \
             of the chunk at {base:#x} (bump pointer {:#x})",
            self.ptr.get()
        );
        let page = page_size();
        // The room the limit leaves for blocks from `p` on (the block's
        // own bytes are counted in `used_bytes`).
        let room = self.room().saturating_add(old_size);
        if new_size > room {
            return None;
        }
        let need = (p - base).checked_add(new_size)?.checked_add(FOOTER)?;
        let others = self.mapped.get() - len;
        let want = len
            .saturating_mul(2)
            .min((p - base).saturating_add(room).saturating_add(FOOTER))
            .max(need);
        let new_len = round_up(want, page)?;
        // SAFETY: our own chunk. Without MAYMOVE it grows in place or not
        // at all: every block keeps its address.
        let grown = unsafe {
            sys::mremap(
                base as *mut c_void,
                len,
                new_len,
                MremapFlags::empty(),
                ptr::null_mut(),
            )
        };
        let new_base = if grown.is_ok() {
            base
        } else if p == base {
            // The block is the only one in the chunk: let the kernel move
            // the whole chunk (page tables, no copy).
            // SAFETY: our own chunk; the only block in it is the caller's,
            // which gets the new address.
            let moved = unsafe {
                sys::mremap(
                    base as *mut c_void,
                    len,
                    new_len,
                    MremapFlags::MAYMOVE,
                    ptr::null_mut(),
                )
            };
            moved.ok()? as usize
        } else {
            return None;
        };
        self.base.set(new_base);
        self.len.set(new_len);
        self.mapped.set(others + new_len);
        let q = new_base + (p - base);
        self.ptr.set(q + new_size);
        self.clamp_end();
        NonNull::new(q as *mut u8)
    }

    /// The out-of-line part of [`grow_block`](Self::grow_block): large blocks, the
    /// last block past its chunk's end, and moves.
    ///
    /// # Safety
    ///
    /// As [`grow_block`](Self::grow_block): `ptr` is a live block of this arena with
    /// layout `old`, and `new.size() >= old.size()`.
    #[cold]
    #[inline(never)]
    unsafe fn grow_slow(
        &self,
        ptr: NonNull<u8>,
        old: Layout,
        new: Layout,
    ) -> Result<NonNull<u8>, AllocError> {
        let p = ptr.as_ptr() as usize;
        if new.align() > page_size() {
            return Err(AllocError);
        }
        let aligned = p & (new.align() - 1) == 0;
        let large = old.size() >= Self::LARGE_THRESHOLD;
        if large && aligned {
            // SAFETY: a large block of ours (the caller's contract).
            return unsafe { self.resize_large(p, new.size()) }.ok_or(AllocError);
        }
        let last = !large && p + old.size() == self.ptr.get();
        if last
            && aligned
            && new.size() < Self::LARGE_THRESHOLD
            && self.base.get() != 0
            && let Some(q) = self.extend_chunk(p, old.size(), new.size())
        {
            return Ok(q);
        }
        // SAFETY: forwarded from the caller; `old.size()` bytes are copied.
        unsafe { self.move_block(ptr, old, new, old.size()) }
    }

    /// The out-of-line part of [`shrink_block`](Self::shrink_block): large blocks and
    /// alignment changes that need a move.
    ///
    /// # Safety
    ///
    /// As [`shrink_block`](Self::shrink_block): `ptr` is a live block of this arena with
    /// layout `old`, and `new.size() <= old.size()`.
    #[cold]
    #[inline(never)]
    unsafe fn shrink_slow(
        &self,
        ptr: NonNull<u8>,
        old: Layout,
        new: Layout,
    ) -> Result<NonNull<u8>, AllocError> {
        let p = ptr.as_ptr() as usize;
        if new.align() > page_size() {
            return Err(AllocError);
        }
        let aligned = p & (new.align() - 1) == 0;
        if old.size() >= Self::LARGE_THRESHOLD && new.size() >= Self::LARGE_THRESHOLD && aligned {
            // SAFETY: a large block of ours (the caller's contract).
            return unsafe { self.resize_large(p, new.size()) }.ok_or(AllocError);
        }
        // SAFETY: forwarded from the caller; `new.size()` bytes are copied.
        unsafe { self.move_block(ptr, old, new, new.size()) }
    }

    /// Reallocates elsewhere: a fresh block for `new`, `copy` bytes moved
    /// over, the old block freed. The most recent block is rolled back
    /// first, so its bytes are reused when the new block lands in the same
    /// chunk (the copy is then a memmove).
    ///
    /// # Safety
    ///
    /// `ptr` is a live block of this arena with layout `old`, and
    /// `copy <= min(old.size(), new.size())`.
    unsafe fn move_block(
        &self,
        ptr: NonNull<u8>,
        old: Layout,
        new: Layout,
        copy: usize,
    ) -> Result<NonNull<u8>, AllocError> {
        let p = ptr.as_ptr() as usize;
        let large = old.size() >= Self::LARGE_THRESHOLD;
        let last = !large && p + old.size() == self.ptr.get();
        if last {
            self.ptr.set(p);
        }
        match self.try_alloc_layout(new) {
            Ok(q) => {
                // SAFETY: both blocks hold at least `copy` bytes; they
                // overlap only when the new block reuses the rolled-back
                // space, which `copy` (memmove) handles. Allocating never
                // writes into a chunk's blocks.
                unsafe { ptr::copy(ptr.as_ptr(), q.as_ptr(), copy) };
                if large {
                    // SAFETY: the caller's large block, now copied.
                    unsafe { self.free_large(p) };
                }
                Ok(q)
            }
            Err(e) => {
                if last {
                    self.ptr.set(p + old.size());
                }
                Err(e)
            }
        }
    }

    /// Maps a large block with its header.
    fn alloc_large(&self, size: usize, align: usize) -> Result<NonNull<u8>, AllocError> {
        let page = page_size();
        let off = HEADER.max(align);
        let len = round_up(size.checked_add(off).ok_or(AllocError)?, page).ok_or(AllocError)?;
        if size > self.room() {
            return Err(AllocError);
        }
        let base = map_anon(len).ok_or(AllocError)?;
        let hdr = base as *mut Large;
        let head = self.large.get();
        // SAFETY: `hdr` is the start of our fresh mapping; `head`, if not
        // null, is the header of our newest live large block.
        unsafe {
            hdr.write(Large {
                prev: head,
                next: ptr::null_mut(),
                len,
                size,
                off,
            });
            if !head.is_null() {
                (*head).next = hdr;
            }
        }
        self.large.set(hdr);
        self.mapped.set(self.mapped.get() + len);
        self.large_used.set(self.large_used.get() + size);
        NonNull::new((base + off) as *mut u8).ok_or(AllocError)
    }

    /// The start and used length of the current chunk (`(0, 0)` without
    /// one).
    pub(super) fn current_used(&self) -> (usize, usize) {
        match self.base.get() {
            0 => (0, 0),
            base => (base, self.ptr.get() - base),
        }
    }

    /// The newest retired chunk's footer (null without one).
    pub(super) fn retired_head(&self) -> *const Footer {
        self.retired.get()
    }

    /// The newest large block's header (null without one).
    pub(super) fn large_head(&self) -> *const Large {
        self.large.get()
    }

    /// The address of the block whose header is `hdr`.
    ///
    /// # Safety
    ///
    /// `hdr` is a live large block's header of some arena.
    pub(super) unsafe fn large_block(hdr: *const Large) -> usize {
        // SAFETY: the caller's live header.
        hdr as usize + unsafe { (*hdr).off }
    }

    /// The header of the large block at `p`.
    fn large_header(p: usize) -> *mut Large {
        ((p - 1) & !(page_size() - 1)) as *mut Large
    }

    /// Resizes the large block at `p` to `new_size` bytes with `mremap`
    /// (may move when growing); `None` if the kernel refuses.
    ///
    /// # Safety
    ///
    /// `p` is a live large block of this arena (its own mapping).
    unsafe fn resize_large(&self, p: usize, new_size: usize) -> Option<NonNull<u8>> {
        let hdr = Self::large_header(p);
        let base = hdr as usize;
        // SAFETY: the header of one of our live large blocks.
        let (len, size) = unsafe { ((*hdr).len, (*hdr).size) };
        let off = p - base;
        let new_len = round_up(off.checked_add(new_size)?, page_size())?;
        let others = self.mapped.get() - len;
        if new_size > size && new_size - size > self.room() {
            return None;
        }
        let new_hdr = if new_len == len {
            hdr
        } else {
            // SAFETY: our own mapping; the caller's block (the only one in
            // it) gets the new address. Shrinking never moves.
            let r = unsafe {
                sys::mremap(
                    base as *mut c_void,
                    len,
                    new_len,
                    MremapFlags::MAYMOVE,
                    ptr::null_mut(),
                )
            };
            r.ok()? as *mut Large
        };
        // SAFETY: `new_hdr` is the (possibly moved) header; its neighbours
        // are live headers of ours.
        unsafe {
            (*new_hdr).len = new_len;
            (*new_hdr).size = new_size;
            if new_hdr != hdr {
                self.relink(new_hdr);
            }
        }
        self.mapped.set(others + new_len);
        self.large_used.set(self.large_used.get() - size + new_size);
        NonNull::new((new_hdr as usize + off) as *mut u8)
    }

    /// Points the neighbours of a moved header at its new address.
    ///
    /// # Safety
    ///
    /// `hdr` is a live header whose links are valid.
    unsafe fn relink(&self, hdr: *mut Large) {
        // SAFETY: the caller guarantees valid links.
        unsafe {
            let (prev, next) = ((*hdr).prev, (*hdr).next);
            if !prev.is_null() {
                (*prev).next = hdr;
            }
            if next.is_null() {
                self.large.set(hdr);
            } else {
                (*next).prev = hdr;
            }
        }
    }

    /// Unlinks and unmaps the large block at `p`.
    ///
    /// # Safety
    ///
    /// `p` is a live large block of this arena, unused from now on.
    unsafe fn free_large(&self, p: usize) {
        let hdr = Self::large_header(p);
        // SAFETY: a live header of ours with valid links.
        unsafe {
            let Large {
                prev,
                next,
                len,
                size,
                ..
            } = hdr.read();
            if !prev.is_null() {
                (*prev).next = next;
            }
            if next.is_null() {
                self.large.set(prev);
            } else {
                (*next).prev = prev;
            }
            self.mapped.set(self.mapped.get() - len);
            self.large_used.set(self.large_used.get() - size);
            unmap(hdr as usize, len);
        }
    }

    /// Unmaps every large block and every retired chunk.
    ///
    /// # Safety
    ///
    /// No block outside the current chunk is used any more.
    unsafe fn unmap_all_but_current(&self) {
        let mut l = self.large.replace(ptr::null_mut());
        while !l.is_null() {
            // SAFETY: a live header; read before its mapping goes.
            let (prev, len) = unsafe { ((*l).prev, (*l).len) };
            // SAFETY: the caller guarantees the block is unused.
            unsafe { unmap(l as usize, len) };
            l = prev;
        }
        let mut f = self.retired.replace(ptr::null_mut());
        while !f.is_null() {
            // SAFETY: a footer we wrote; read before its chunk goes.
            let Footer {
                prev, base, len, ..
            } = unsafe { f.read() };
            // SAFETY: the caller guarantees the chunk is unused.
            unsafe { unmap(base, len) };
            f = prev;
        }
        self.large_used.set(0);
        self.retired_used.set(0);
    }
}

/// Unmaps every mapping of the arena, except the current chunk when the
/// process-wide cache of dropped chunks keeps it for the next arena (see
/// [`Bump::release_cache`]).
impl Drop for Bump {
    fn drop(&mut self) {
        // SAFETY: the arena is going away; no block is borrowed any more.
        unsafe {
            self.unmap_all_but_current();
            let (base, len) = (self.base.get(), self.len.get());
            // The current chunk goes to the cache of dropped chunks when
            // there is room (see `Bump::release_cache`).
            if base != 0 && !cache::give(base, len) {
                unmap(base, len);
            }
        }
    }
}

/// Gives a fresh block back when dropped: armed while an initialiser runs,
/// so that a panic (or, by an explicit drop, an `Err`) rolls the arena
/// back, alignment padding included. The bytes are reused only if the block
/// is still the most recent one (the initialiser allocated nothing that is
/// still live after it).
pub(super) struct Rollback<'a> {
    bump: &'a Bump,
    /// The bump pointer before the block was allocated, if the block came
    /// from the fast path (same chunk); 0 otherwise.
    mark: usize,
    pub(super) ptr: NonNull<u8>,
    layout: Layout,
}

impl<'a> Rollback<'a> {
    /// Allocates a block for `layout`, armed to be given back.
    #[inline(always)]
    pub(super) fn alloc(bump: &'a Bump, layout: Layout) -> Result<Self, AllocError> {
        let before = bump.ptr.get();
        let (ptr, mark) = match bump.bump_fast(layout) {
            Some(p) => (p, before),
            None => (bump.alloc_slow(layout)?, 0),
        };
        Ok(Self {
            bump,
            mark,
            ptr,
            layout,
        })
    }

    /// Keeps the block: the caller hands it out.
    #[inline(always)]
    pub(super) fn keep(self) -> NonNull<u8> {
        let p = self.ptr;
        mem::forget(self);
        p
    }
}

impl Drop for Rollback<'_> {
    #[inline]
    fn drop(&mut self) {
        let (b, p) = (self.bump, self.ptr.as_ptr() as usize);
        // A fast-path block is small and in the chunk of `mark`.
        if self.mark != 0 && b.ptr.get() == p + self.layout.size() {
            // Still the most recent block, in the chunk the mark is in: the
            // padding before it goes back too.
            b.ptr.set(self.mark);
        } else {
            // SAFETY: `ptr` is a block of `bump` with `layout`, never handed
            // to the caller (`keep` forgets the guard).
            unsafe { b.dealloc(self.ptr, self.layout) };
        }
    }
}

/// `x`, hidden from the optimizer (no instruction).
#[inline(always)]
fn opaque(mut x: usize) -> usize {
    // SAFETY: an empty template (a comment): the register is left as it is.
    unsafe {
        core::arch::asm!("/* {0} */", inout(reg) x, options(pure, nomem, nostack, preserves_flags))
    };
    x
}

#[cold]
#[inline(never)]
pub(super) fn oom(layout: Layout) -> ! {
    panic!(
        "rawmap::Bump: cannot allocate {} bytes aligned to {}",
        layout.size(),
        layout.align()
    )
}

#[cfg(feature = "allocator-api2")]
mod api2 {
    use core::alloc::Layout;
    use core::ptr::NonNull;

    use allocator_api2::alloc::{AllocError, Allocator};

    use super::Bump;

    // SAFETY: blocks stay valid until deallocated, reset (`&mut Bump`, so
    // no `&Bump` allocator is alive) or the arena is dropped (likewise);
    // `grow`/`shrink` keep the contents; every error leaves the block as it
    // was.
    unsafe impl Allocator for &Bump {
        #[inline(always)]
        fn allocate(&self, layout: Layout) -> Result<NonNull<[u8]>, AllocError> {
            match self.try_alloc_layout(layout) {
                Ok(p) => Ok(NonNull::slice_from_raw_parts(p, layout.size())),
                Err(_) => Err(AllocError),
            }
        }

        #[inline(always)]
        unsafe fn deallocate(&self, ptr: NonNull<u8>, layout: Layout) {
            // SAFETY: forwarded from the caller.
            unsafe { Bump::dealloc(self, ptr, layout) }
        }

        #[inline(always)]
        unsafe fn grow(
            &self,
            ptr: NonNull<u8>,
            old_layout: Layout,
            new_layout: Layout,
        ) -> Result<NonNull<[u8]>, AllocError> {
            // SAFETY: forwarded from the caller.
            match unsafe { Bump::grow_block(self, ptr, old_layout, new_layout) } {
                Ok(p) => Ok(NonNull::slice_from_raw_parts(p, new_layout.size())),
                Err(_) => Err(AllocError),
            }
        }

        #[inline(always)]
        unsafe fn shrink(
            &self,
            ptr: NonNull<u8>,
            old_layout: Layout,
            new_layout: Layout,
        ) -> Result<NonNull<[u8]>, AllocError> {
            // SAFETY: forwarded from the caller.
            match unsafe { Bump::shrink_block(self, ptr, old_layout, new_layout) } {
                Ok(p) => Ok(NonNull::slice_from_raw_parts(p, new_layout.size())),
                Err(_) => Err(AllocError),
            }
        }
    }
}

/// `core::hint::cold_path` (stable since Rust 1.95) for the MSRV, 1.88: a
/// call to a `#[cold]` function marks its branch as unlikely.
#[cold]
#[inline(never)]
fn cold_path() {}
