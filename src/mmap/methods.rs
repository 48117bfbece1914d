//! The methods the map types share, written once as macros over their
//! `inner: RawMap` field: all of them for [`Mmap`](super::Mmap),
//! [`MmapMut`](super::MmapMut) and [`MmapRaw`](super::MmapRaw), the
//! write-back ones for the last two.

use crate::flags::Advice;

/// Whether `advice` leaves the contents of the range as they are, so that
/// the safe `advise` may pass it on. `DONTNEED`, `FREE`, `REMOVE`,
/// `WIPEONFORK` and values this crate does not name are not.
pub(super) fn keeps_contents(advice: Advice) -> bool {
    matches!(
        advice,
        Advice::NORMAL
            | Advice::RANDOM
            | Advice::SEQUENTIAL
            | Advice::WILLNEED
            | Advice::DONTFORK
            | Advice::DOFORK
            | Advice::MERGEABLE
            | Advice::UNMERGEABLE
            | Advice::HUGEPAGE
            | Advice::NOHUGEPAGE
            | Advice::DONTDUMP
            | Advice::DODUMP
            | Advice::KEEPONFORK
            | Advice::COLD
            | Advice::PAGEOUT
            | Advice::POPULATE_READ
            | Advice::POPULATE_WRITE
            | Advice::COLLAPSE
    )
}

/// Expands to the shared inherent methods; `$required` is the protection
/// `from_raw` insists on.
macro_rules! shared_methods {
    ($required:expr) => {
        /// The length of the slice in bytes.
        #[inline]
        #[must_use]
        pub fn len(&self) -> usize {
            self.inner.len()
        }

        /// Whether the slice is empty (then nothing is mapped).
        #[inline]
        #[must_use]
        pub fn is_empty(&self) -> bool {
            self.inner.len() == 0
        }

        /// The first byte of the slice (when empty: page aligned, non-null
        /// and never a mapping, see
        /// [the empty pointer](crate::mmap::RawParts#the-empty-pointer)).
        #[inline]
        #[must_use]
        pub fn as_ptr(&self) -> *const u8 {
            self.inner.ptr().cast_const()
        }

        /// The current protection (`PROT_READ`, plus `PROT_WRITE` or
        /// `PROT_EXEC`).
        #[inline]
        #[must_use]
        pub fn prot(&self) -> $crate::ProtFlags {
            self.inner.prot()
        }

        /// Gives the kernel advice about the whole slice:
        /// [`madvise(2)`](https://man7.org/linux/man-pages/man2/madvise.2.html).
        ///
        /// Only advice that leaves the contents alone is accepted here
        /// (`NORMAL`, `RANDOM`, `SEQUENTIAL`, `WILLNEED`, `DONTFORK`,
        /// `DOFORK`, `MERGEABLE`, `UNMERGEABLE`, `HUGEPAGE`, `NOHUGEPAGE`,
        /// `DONTDUMP`, `DODUMP`, `KEEPONFORK`, `COLD`, `PAGEOUT`,
        /// `POPULATE_READ`, `POPULATE_WRITE`, `COLLAPSE`); the rest go
        /// through [`advise_unchecked`](Self::advise_unchecked).
        ///
        /// # Errors
        ///
        /// `EINVAL` for advice that may change the contents (`DONTNEED`,
        /// `FREE`, `REMOVE`, `WIPEONFORK`, unnamed values), without a
        /// system call; the kernel's answer otherwise, which depends on
        /// its version and configuration: `EINVAL` for advice it does not
        /// know or was built without (`MERGEABLE` without `CONFIG_KSM`,
        /// `HUGEPAGE` without transparent huge pages, `COLLAPSE` before
        /// Linux 6.1, `POPULATE_*` before 5.14); `EBADF` for `WILLNEED` on
        /// anonymous memory when the kernel has no swap (`CONFIG_SWAP`
        /// off, as in small embedded kernels). Advice is a hint: treat an
        /// error as "not taken". qemu-user accepts most advice without acting on it. An
        /// empty map: `Ok` without a system call.
        pub fn advise(&self, advice: $crate::Advice) -> Result<(), $crate::Errno> {
            self.advise_range(advice, 0, self.len())
        }

        /// [`advise`](Self::advise) for the `len` bytes at `offset` in the
        /// slice. The range is widened to whole pages for the kernel.
        ///
        /// # Errors
        ///
        /// `EOVERFLOW` when `offset + len` overflows, `EINVAL` when the
        /// range ends past the slice (both without a system call); then as
        /// [`advise`](Self::advise). An empty range: `Ok`.
        pub fn advise_range(
            &self,
            advice: $crate::Advice,
            offset: usize,
            len: usize,
        ) -> Result<(), $crate::Errno> {
            if !super::methods::keeps_contents(advice) {
                return Err($crate::Errno::EINVAL);
            }
            // SAFETY: the advice leaves the contents as they are.
            unsafe { self.inner.advise(advice, offset, len) }
        }

        /// Any advice, for the `len` bytes at `offset` in the slice.
        ///
        /// # Errors
        ///
        /// As [`advise_range`](Self::advise_range), except that every
        /// advice value is passed on.
        ///
        /// # Safety
        ///
        /// Some advice changes the contents: after `DONTNEED` private
        /// anonymous pages read as zeros and private file pages revert to
        /// the file, `FREE` makes them undefined until written, `REMOVE`
        /// punches a hole in the file, `WIPEONFORK` zeroes them in a child.
        /// The caller must make sure no reference that relies on the old
        /// contents (a `&[u8]` borrowed from this map, in this process or a
        /// forked child) is used afterwards.
        pub unsafe fn advise_unchecked(
            &self,
            advice: $crate::Advice,
            offset: usize,
            len: usize,
        ) -> Result<(), $crate::Errno> {
            // SAFETY: the caller accepts the advice's effect.
            unsafe { self.inner.advise(advice, offset, len) }
        }

        /// Locks the slice's pages in RAM:
        /// [`mlock(2)`](https://man7.org/linux/man-pages/man2/mlock.2.html).
        /// They stay locked until [`unlock`](Self::unlock) or the drop.
        ///
        /// # Errors
        ///
        /// `ENOMEM` past `RLIMIT_MEMLOCK`, `EPERM` with a zero limit and no
        /// privilege, `EAGAIN`. An empty map: `Ok` without a system call.
        pub fn lock(&self) -> Result<(), $crate::Errno> {
            self.inner.lock(true)
        }

        /// Locks the slice's pages in RAM as they are first touched, instead
        /// of faulting them all in now:
        /// [`mlock2(2)`](https://man7.org/linux/man-pages/man2/mlock2.2.html)
        /// with `MLOCK_ONFAULT` (Linux 4.4). They stay locked until
        /// [`unlock`](Self::unlock) or the drop.
        ///
        /// # Errors
        ///
        /// As [`lock`](Self::lock); `ENOSYS` under an emulator without
        /// `mlock2`. An empty map: `Ok` without a system call.
        pub fn lock_on_fault(&self) -> Result<(), $crate::Errno> {
            self.inner.lock_with($crate::MlockFlags::ONFAULT)
        }

        /// Unlocks the slice's pages:
        /// [`munlock(2)`](https://man7.org/linux/man-pages/man2/munlock.2.html).
        ///
        /// # Errors
        ///
        /// The kernel's answer (`ENOMEM`, `EPERM`); `Ok` for an empty map.
        pub fn unlock(&self) -> Result<(), $crate::Errno> {
            self.inner.lock(false)
        }

        /// Resizes the map to `new_len` bytes:
        /// [`mremap(2)`](https://man7.org/linux/man-pages/man2/mremap.2.html)
        /// with `MREMAP_MAYMOVE`, so the mapping may move (`as_ptr`
        /// changes). The contents up to the smaller length are kept; an
        /// anonymous map grows with zeros. `new_len == 0` unmaps everything
        /// (an empty map); growing an empty anonymous map maps fresh memory.
        ///
        /// Any map can shrink. Growing works for anonymous maps that are
        /// private; a file map grows with the `unsafe`
        /// [`remap_file`](Self::remap_file).
        ///
        /// # Errors
        ///
        /// Without a system call: `EINVAL` when growing a file map, an
        /// empty file map, or a shared anonymous map past its original
        /// size (its shmem object cannot grow: the kernel would raise
        /// SIGBUS there); `ENOMEM` for a length over `isize::MAX`. The
        /// kernel's answer otherwise: `ENOMEM` (no room), `EINVAL` for
        /// huge page maps it cannot resize. On error the map is unchanged.
        pub fn remap(&mut self, new_len: usize) -> Result<(), $crate::Errno> {
            self.remap_with(new_len, $crate::mmap::RemapOptions::new().may_move(true))
        }

        /// [`remap`](Self::remap) with options: in place only (the
        /// default [`RemapOptions::new()`](crate::mmap::RemapOptions::new),
        /// no `MREMAP_MAYMOVE`: `as_ptr` never changes) or may move.
        ///
        /// # Errors
        ///
        /// As [`remap`](Self::remap); in place only, growing fails with
        /// `ENOMEM` when the pages after the map are in use, or the map is
        /// empty (nothing to grow in place). On error the map is unchanged.
        pub fn remap_with(
            &mut self,
            new_len: usize,
            options: $crate::mmap::RemapOptions,
        ) -> Result<(), $crate::Errno> {
            // SAFETY: file maps may not grow here (`file_growth` false).
            unsafe { self.inner.remap(new_len, false, options) }
        }

        /// [`remap`](Self::remap) that may also grow a file map (the new
        /// part maps the file further on from the map's end).
        ///
        /// # Errors
        ///
        /// As [`remap`](Self::remap), except that growing a non-empty file
        /// map is passed on to the kernel.
        ///
        /// # Safety
        ///
        /// The file must cover the grown range (`offset + new_len` no more
        /// than the file's size) for as long as the map lives: touching a
        /// page past the end of the file raises SIGBUS. The file contract
        /// of the constructor extends to the new range (see
        /// [why mapping a file is unsafe](crate::Mmap#why-mapping-a-file-is-unsafe)).
        pub unsafe fn remap_file(&mut self, new_len: usize) -> Result<(), $crate::Errno> {
            // SAFETY: the caller guarantees the file covers the new range.
            unsafe {
                self.remap_file_with(new_len, $crate::mmap::RemapOptions::new().may_move(true))
            }
        }

        /// [`remap_file`](Self::remap_file) with options (see
        /// [`remap_with`](Self::remap_with)).
        ///
        /// # Errors
        ///
        /// As [`remap_file`](Self::remap_file) and
        /// [`remap_with`](Self::remap_with).
        ///
        /// # Safety
        ///
        /// As [`remap_file`](Self::remap_file).
        pub unsafe fn remap_file_with(
            &mut self,
            new_len: usize,
            options: $crate::mmap::RemapOptions,
        ) -> Result<(), $crate::Errno> {
            // SAFETY: the caller guarantees the file covers the new range.
            unsafe { self.inner.remap(new_len, true, options) }
        }

        /// Gives up ownership of the mapping without unmapping it. Turn it
        /// back into a map with [`from_raw`](Self::from_raw), or unmap
        /// `base..base + mapped_len` yourself.
        #[must_use = "the mapping leaks unless given back to from_raw"]
        pub fn into_raw(self) -> $crate::mmap::RawParts {
            self.inner.into_parts()
        }

        /// Takes ownership of a mapping described by `parts`; dropping the
        /// result unmaps `base..base + mapped_len`.
        ///
        /// # Panics
        ///
        /// When `parts` are inconsistent: `base` null or not page aligned,
        /// `ptr` outside `base..base + mapped_len`, the slice past
        /// `base + mapped_len`, `mapped_len > isize::MAX`, a non-empty
        /// slice with `mapped_len == 0`, or `prot` without the rights this
        /// type needs.
        ///
        /// # Safety
        ///
        /// `parts` come from [`into_raw`](Self::into_raw) (of either map
        /// type), or describe a mapping the caller owns and hands over:
        /// `base..base + mapped_len` is exactly what was mapped (whole huge
        /// pages for `MAP_HUGETLB`), with these `flags` and currently this
        /// `prot`, and nothing else uses or unmaps it. For a file mapping
        /// the file contract of the constructors applies.
        #[must_use]
        pub unsafe fn from_raw(parts: $crate::mmap::RawParts) -> Self {
            assert!(
                parts.prot.contains($required),
                "from_raw: protection {:?} lacks {:?}",
                parts.prot,
                $required
            );
            // SAFETY: the caller hands over a mapping nobody else owns.
            Self::from_inner(unsafe { super::raw::RawMap::from_parts(parts) })
        }
    };
}

pub(super) use shared_methods;

/// Expands to the write-back methods of the maps that can be written
/// ([`MmapMut`](super::MmapMut), [`MmapRaw`](super::MmapRaw)).
macro_rules! flush_methods {
    () => {
        /// Writes the whole mapping back to the file and waits for it:
        /// [`msync(2)`](https://man7.org/linux/man-pages/man2/msync.2.html)
        /// with `MS_SYNC`. Without it the kernel writes dirty pages back on
        /// its own schedule (the data is in the page cache, visible to
        /// `read`, at once). Does nothing useful, but succeeds, for
        /// anonymous and private maps.
        ///
        /// # Errors
        ///
        /// `EIO` (write-back failed), `ENOMEM`. An empty map: `Ok` without
        /// a system call.
        pub fn flush(&self) -> Result<(), Errno> {
            self.inner.flush(None, MsyncFlags::SYNC)
        }

        /// Starts writing the whole mapping back without waiting
        /// (`MS_ASYNC`; on Linux dirty pages are already tracked, so this
        /// returns at once).
        ///
        /// # Errors
        ///
        /// As [`flush`](Self::flush).
        pub fn flush_async(&self) -> Result<(), Errno> {
            self.inner.flush(None, MsyncFlags::ASYNC)
        }

        /// [`flush`](Self::flush) for the `len` bytes at `offset` in the
        /// mapping (widened to whole pages for the kernel).
        ///
        /// # Errors
        ///
        /// `EOVERFLOW` when `offset + len` overflows, `EINVAL` when the
        /// range ends past the mapping, both without a system call; then as
        /// [`flush`](Self::flush). An empty range: `Ok`.
        pub fn flush_range(&self, offset: usize, len: usize) -> Result<(), Errno> {
            self.inner.flush(Some((offset, len)), MsyncFlags::SYNC)
        }

        /// [`flush_async`](Self::flush_async) for the `len` bytes at
        /// `offset`.
        ///
        /// # Errors
        ///
        /// As [`flush_range`](Self::flush_range).
        pub fn flush_async_range(&self, offset: usize, len: usize) -> Result<(), Errno> {
            self.inner.flush(Some((offset, len)), MsyncFlags::ASYNC)
        }
    };
}

pub(super) use flush_methods;
