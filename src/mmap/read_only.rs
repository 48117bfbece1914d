//! [`Mmap`]: a read-only mapping, `&[u8]`.

use core::fmt;
use core::ops::Deref;

use crate::fd::AsFd;
use crate::flags::ProtFlags;
use crate::sys::Errno;

use super::methods::shared_methods;
use super::raw::RawMap;
use super::{MapOptions, MmapMut};

/// A read-only memory mapping (`PROT_READ`, or `PROT_READ | PROT_EXEC`
/// after [`make_exec`](Self::make_exec)); derefs to `&[u8]`. Unmapped on
/// drop, exactly as it was mapped.
///
/// Made by [`Mmap::map`] / [`MapOptions::map`] from a file, or from a
/// [`MmapMut`] with [`make_read_only`](MmapMut::make_read_only) /
/// [`make_exec`](MmapMut::make_exec).
///
/// ```
/// use rawmap::{File, Mmap};
/// # let p = std::env::temp_dir().join(format!("rawmap-doc-mmap-{}", std::process::id()));
/// # std::fs::write(&p, b"hello, mapping").unwrap();
/// # let path = std::ffi::CString::new(p.into_os_string().into_encoded_bytes()).unwrap();
/// # let path = path.as_c_str();
/// let file = File::open(path)?;
/// // SAFETY: nobody truncates or rewrites this file while `map` lives.
/// let map = unsafe { Mmap::map(&file) }?;
/// drop(file); // the mapping outlives the descriptor (the seed's FAQ 6)
/// assert_eq!(&map[..], b"hello, mapping");
/// # rawmap::sys::unlink(path)?;
/// # Ok::<(), rawmap::Errno>(())
/// ```
///
/// # Why mapping a file is unsafe
///
/// A file mapping is a window on the file's pages in the page cache, not a
/// copy. Rust's `&[u8]` (and `&mut [u8]`) promise that nobody else changes
/// the bytes while the reference lives, and that reading them cannot
/// fail. Neither holds for a file that other code (another process, or this
/// one through `write` or another mapping) can change:
///
/// - **Truncation raises SIGBUS.** When the file is shrunk (`ftruncate`,
///   `O_TRUNC`) below the mapped range, touching a mapped page that lies
///   wholly past the new end of the file raises SIGBUS, which kills the
///   process (the seed's FAQ 5 and 7: the file must be large enough for
///   what is mapped, and touching memory beyond it faults). rawmap checks
///   the size when mapping (a length past the end of the file is refused
///   with `EINVAL`), but cannot stop a later truncation.
/// - **The contents can change under a `&[u8]`.** Writes to a
///   `MAP_SHARED` file (by anyone) show through at once, and also through
///   a private copy-on-write map, in pages it has not written yet. The
///   compiler assumes bytes behind a shared reference do not change.
///
/// So the file-backed constructors are `unsafe`: the caller promises that,
/// while the map lives, the file is not truncated below the mapped range
/// and is not changed by anyone else (for example: a private file, or an
/// advisory lock that all writers respect). Anonymous maps have no file and
/// their constructors are safe.
pub struct Mmap {
    inner: RawMap,
}

// SAFETY: an Mmap owns its mapping and only hands out shared access to
// bytes; like `Box<[u8]>` it may move to and be shared by other threads.
unsafe impl Send for Mmap {}
// SAFETY: as above; `&Mmap` gives only `&[u8]` and system calls on the
// range that do not change its contents.
unsafe impl Sync for Mmap {}

impl Mmap {
    pub(super) fn from_inner(inner: RawMap) -> Self {
        Self { inner }
    }

    /// Maps a whole file read-only; shorthand for
    /// [`MapOptions::new().map(file)`](MapOptions::map).
    ///
    /// An empty file gives an empty map (nothing is mapped).
    ///
    /// # Errors
    ///
    /// As [`MapOptions::map`].
    ///
    /// # Safety
    ///
    /// As [`MapOptions::map`]: while the map lives, the file is not
    /// truncated and not changed by anyone else (see
    /// [why](Self#why-mapping-a-file-is-unsafe)).
    pub unsafe fn map<F: AsFd>(file: F) -> Result<Self, Errno> {
        // SAFETY: the caller upholds the file contract.
        unsafe { MapOptions::new().map(file) }
    }

    shared_methods!(ProtFlags::READ);

    /// Makes the map writable (`PROT_READ | PROT_WRITE`, and no longer
    /// executable):
    /// [`mprotect(2)`](https://man7.org/linux/man-pages/man2/mprotect.2.html).
    ///
    /// For a shared file map, writes then reach the file.
    ///
    /// # Errors
    ///
    /// `EACCES` for a shared map of a file not open for writing; `ENOMEM`.
    /// On error the map is dropped (unmapped).
    pub fn make_mut(mut self) -> Result<MmapMut, Errno> {
        // SAFETY: adding write access (and dropping exec) breaks no
        // reference: `self` is owned, so none is alive.
        unsafe { self.inner.protect(ProtFlags::READ | ProtFlags::WRITE) }?;
        Ok(MmapMut::from_inner(self.inner))
    }

    /// Makes the map executable (`PROT_READ | PROT_EXEC`).
    ///
    /// # Errors
    ///
    /// `EACCES` for a file on a `noexec` mount; `ENOMEM`. On error the map
    /// is dropped (unmapped).
    pub fn make_exec(mut self) -> Result<Mmap, Errno> {
        // SAFETY: the bytes stay readable; no reference is alive.
        unsafe { self.inner.protect(ProtFlags::READ | ProtFlags::EXEC) }?;
        Ok(self)
    }

    /// Makes the map read-only again (`PROT_READ`, no longer executable).
    ///
    /// # Errors
    ///
    /// `ENOMEM`. On error the map is dropped (unmapped).
    pub fn make_read_only(mut self) -> Result<Mmap, Errno> {
        // SAFETY: the bytes stay readable; no reference is alive.
        unsafe { self.inner.protect(ProtFlags::READ) }?;
        Ok(self)
    }
}

impl Deref for Mmap {
    type Target = [u8];

    #[inline]
    fn deref(&self) -> &[u8] {
        // SAFETY: `ptr..ptr+len` is mapped readable (or empty with a
        // page-aligned, non-null pointer, see `empty_ptr`) and lives as long as `self`;
        // nothing writes it through this map (the file contract covers
        // others).
        unsafe { core::slice::from_raw_parts(self.inner.ptr(), self.inner.len()) }
    }
}

impl AsRef<[u8]> for Mmap {
    #[inline]
    fn as_ref(&self) -> &[u8] {
        self
    }
}

impl fmt::Debug for Mmap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Mmap")
            .field("ptr", &self.as_ptr())
            .field("len", &self.len())
            .finish()
    }
}
