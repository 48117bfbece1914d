//! [`MmapRaw`]: a mapping handed out as a raw pointer, for memory that
//! others change under us.

use core::fmt;

use crate::fd::AsFd;
use crate::flags::{MsyncFlags, ProtFlags};
use crate::sys::Errno;

use super::MapOptions;
use super::methods::{flush_methods, shared_methods};
use super::raw::RawMap;

/// A memory mapping handed out as a raw pointer only (memmap2's
/// `MmapRaw`): never as `&[u8]` or `&mut [u8]`. Unmapped on drop,
/// exactly as it was mapped.
///
/// # Why a raw pointer
///
/// A Rust reference promises that the bytes behind it do not change while
/// it lives (`&[u8]`), or that nobody else sees them (`&mut [u8]`). Shared
/// memory that **other processes or threads change under us** — a file
/// another process writes, a shared memfd, atomics or a ring buffer in
/// shared memory — breaks that promise, and the compiler may then cache,
/// reorder or drop reads and writes: handing out a slice there is
/// unsound. `MmapRaw` gives only [`as_ptr`](Self::as_ptr) and
/// [`as_mut_ptr`](Self::as_mut_ptr); the caller reads and writes through
/// them with volatile or atomic accesses, in `unsafe` code that states
/// what synchronises with the other side.
///
/// For the same reason making one is **safe**, even from a file: a
/// truncated file raises SIGBUS only when a page is touched, and touching
/// memory through a raw pointer is already `unsafe`.
///
/// Made by [`MapOptions::map_raw`] (a file, read-write shared),
/// [`MapOptions::map_raw_read_only`], [`MapOptions::map_raw_anon_shared`]
/// and [`MapOptions::map_raw_anon`]. Options, flush, advise, lock and drop
/// work as for [`MmapMut`](super::MmapMut);
/// [`remap_dont_unmap`](Self::remap_dont_unmap) moves the pages and keeps
/// the old range (`MREMAP_DONTUNMAP`).
///
/// ```
/// use core::sync::atomic::{AtomicU32, Ordering};
/// use rawmap::MapOptions;
/// // A counter in shared anonymous memory, seen by forked children.
/// let map = MapOptions::new().len(rawmap::page_size()).map_raw_anon_shared()?;
/// // SAFETY: the mapping is page aligned, zeroed, writable and lives as
/// // long as `map`; every access to it goes through this atomic.
/// let counter = unsafe { AtomicU32::from_ptr(map.as_mut_ptr().cast()) };
/// counter.fetch_add(1, Ordering::SeqCst);
/// assert_eq!(counter.load(Ordering::SeqCst), 1);
/// # Ok::<(), rawmap::Errno>(())
/// ```
pub struct MmapRaw {
    inner: RawMap,
}

// SAFETY: an MmapRaw owns its mapping and hands out raw pointers only;
// using them is the caller's (unsafe) business, as with memmap2's MmapRaw.
unsafe impl Send for MmapRaw {}
// SAFETY: as above; `&MmapRaw` gives pointers and system calls on the
// range only.
unsafe impl Sync for MmapRaw {}

impl MmapRaw {
    pub(super) fn from_inner(inner: RawMap) -> Self {
        Self { inner }
    }

    /// Maps a whole file for reading and writing, shared with the file;
    /// shorthand for [`MapOptions::new().map_raw(file)`](MapOptions::map_raw).
    ///
    /// # Errors
    ///
    /// As [`MapOptions::map_raw`].
    pub fn map_raw<F: AsFd>(file: F) -> Result<Self, Errno> {
        MapOptions::new().map_raw(file)
    }

    shared_methods!(ProtFlags::READ);

    /// The first byte of the mapping, for writing (when empty: page
    /// aligned, non-null and never a mapping). Writing needs
    /// `PROT_WRITE` ([`prot`](Self::prot)): a read-only map raises
    /// SIGSEGV.
    #[inline]
    #[must_use]
    pub fn as_mut_ptr(&self) -> *mut u8 {
        self.inner.ptr()
    }

    flush_methods!();

    /// Moves the pages to a new address and keeps the old range mapped:
    /// [`mremap(2)`](https://man7.org/linux/man-pages/man2/mremap.2.html)
    /// with `MREMAP_MAYMOVE | MREMAP_DONTUNMAP` (Linux 5.7). `self` is
    /// the new range, with the contents; the old range, returned as its
    /// own map, is empty: private anonymous pages read as zeros, file
    /// pages come back from the file (the basis of userfaultfd-style
    /// live migration and of snapshotting a buffer others keep writing).
    ///
    /// qemu-user 7.2 unmaps the old range instead; the returned map is
    /// then empty (checked with `mincore`).
    ///
    /// # Errors
    ///
    /// `EINVAL` for an empty map (no system call), a huge page map, a
    /// kernel before 5.7, or (before Linux 5.13) anything but private
    /// anonymous memory; `ENOMEM` when no room is left. On error nothing
    /// changes.
    pub fn remap_dont_unmap(&mut self) -> Result<MmapRaw, Errno> {
        self.inner.remap_dont_unmap().map(Self::from_inner)
    }
}

impl fmt::Debug for MmapRaw {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MmapRaw")
            .field("ptr", &self.as_ptr())
            .field("len", &self.len())
            .field("prot", &self.prot())
            .finish()
    }
}
