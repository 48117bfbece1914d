//! [`MmapMut`]: a writable mapping, `&mut [u8]`.

use core::fmt;
use core::ops::{Deref, DerefMut};

use crate::fd::AsFd;
use crate::flags::{MsyncFlags, ProtFlags};
use crate::sys::Errno;

use super::methods::{flush_methods, shared_methods};
use super::raw::RawMap;
use super::{MapOptions, Mmap};

/// A writable memory mapping (`PROT_READ | PROT_WRITE`); derefs to
/// `&mut [u8]`. Unmapped on drop, exactly as it was mapped.
///
/// One type for every writable kind, made by [`MapOptions`]: a shared file
/// map ([`map_mut`](MapOptions::map_mut): writes reach the file), a private
/// copy-on-write file map ([`map_copy`](MapOptions::map_copy)), private
/// anonymous memory ([`map_anon`](MapOptions::map_anon), or
/// [`MmapMut::map_anon`]) and shared anonymous memory
/// ([`map_anon_shared`](MapOptions::map_anon_shared)). File maps carry the
/// contract explained in [why mapping a file is
/// unsafe](Mmap#why-mapping-a-file-is-unsafe).
///
/// The seed's whole idea: change memory, and the file changes.
///
/// ```
/// use rawmap::{File, MapOptions, MmapMut};
/// # let p = std::env::temp_dir().join(format!("rawmap-doc-mmapmut-{}", std::process::id()));
/// # let path = std::ffi::CString::new(p.into_os_string().into_encoded_bytes()).unwrap();
/// # let path = path.as_c_str();
/// let file = File::create(path)?;
/// file.set_len(5)?; // a new file is empty: give it a size first
/// // SAFETY: this process owns the new file; nobody else truncates or
/// // writes it while `map` lives.
/// let mut map = unsafe { MapOptions::new().map_mut(&file) }?;
/// map.copy_from_slice(b"hello");
/// map.flush()?; // msync: the bytes are in the file now
/// drop(map);
/// let mut buf = [0u8; 5];
/// file.read_at(&mut buf, 0)?;
/// assert_eq!(&buf, b"hello");
///
/// // Anonymous memory needs no file and no `unsafe`.
/// let mut anon = MmapMut::map_anon(3 * rawmap::page_size())?;
/// anon[0] = 1;
/// anon.remap(6 * rawmap::page_size())?; // grows, keeps the contents
/// assert_eq!(anon[0], 1);
/// # rawmap::sys::unlink(path)?;
/// # Ok::<(), rawmap::Errno>(())
/// ```
pub struct MmapMut {
    inner: RawMap,
}

// SAFETY: an MmapMut owns its mapping like `Box<[u8]>` owns its bytes;
// mutation needs `&mut self`.
unsafe impl Send for MmapMut {}
// SAFETY: `&MmapMut` gives only `&[u8]` and system calls that do not change
// the contents (msync writes back, it does not modify).
unsafe impl Sync for MmapMut {}

impl MmapMut {
    pub(super) fn from_inner(inner: RawMap) -> Self {
        Self { inner }
    }

    /// Maps a whole file for reading and writing, shared with the file;
    /// shorthand for [`MapOptions::new().map_mut(file)`](MapOptions::map_mut).
    ///
    /// # Errors
    ///
    /// As [`MapOptions::map_mut`].
    ///
    /// # Safety
    ///
    /// As [`MapOptions::map_mut`]: while the map lives, the file is not
    /// truncated and not changed by anyone else (see
    /// [why](Mmap#why-mapping-a-file-is-unsafe)).
    pub unsafe fn map_mut<F: AsFd>(file: F) -> Result<Self, Errno> {
        // SAFETY: the caller upholds the file contract.
        unsafe { MapOptions::new().map_mut(file) }
    }

    /// Maps `len` bytes of private anonymous memory, zero-filled; shorthand
    /// for [`MapOptions::new().len(len).map_anon()`](MapOptions::map_anon).
    /// `len == 0` gives an empty map (nothing is mapped).
    ///
    /// # Errors
    ///
    /// `ENOMEM` when `len` is too large or memory runs out.
    pub fn map_anon(len: usize) -> Result<Self, Errno> {
        MapOptions::new().len(len).map_anon()
    }

    shared_methods!(ProtFlags::READ | ProtFlags::WRITE);

    /// The first byte of the slice, for writing (when empty: page aligned,
    /// non-null and never a mapping, see
    /// [the empty pointer](crate::mmap::RawParts#the-empty-pointer)).
    #[inline]
    pub fn as_mut_ptr(&mut self) -> *mut u8 {
        self.inner.ptr()
    }

    flush_methods!();

    /// Makes the map read-only (`PROT_READ`):
    /// [`mprotect(2)`](https://man7.org/linux/man-pages/man2/mprotect.2.html).
    ///
    /// # Errors
    ///
    /// `ENOMEM`. On error the map is dropped (unmapped).
    pub fn make_read_only(mut self) -> Result<Mmap, Errno> {
        // SAFETY: `self` is owned, so no `&mut [u8]` into it is alive.
        unsafe { self.inner.protect(ProtFlags::READ) }?;
        Ok(Mmap::from_inner(self.inner))
    }

    /// Makes the map executable and no longer writable
    /// (`PROT_READ | PROT_EXEC`), in one `mprotect`: the pages are never
    /// writable and executable at once.
    ///
    /// # Errors
    ///
    /// `EACCES` for a file on a `noexec` mount, `ENOMEM`. On error the map
    /// is dropped (unmapped).
    pub fn make_exec(mut self) -> Result<Mmap, Errno> {
        // SAFETY: `self` is owned, so no `&mut [u8]` into it is alive.
        unsafe { self.inner.protect(ProtFlags::READ | ProtFlags::EXEC) }?;
        Ok(Mmap::from_inner(self.inner))
    }
}

impl Deref for MmapMut {
    type Target = [u8];

    #[inline]
    fn deref(&self) -> &[u8] {
        // SAFETY: `ptr..ptr+len` is mapped readable (or empty with a
        // page-aligned, non-null pointer, see `empty_ptr`) and lives as long as `self`.
        unsafe { core::slice::from_raw_parts(self.inner.ptr(), self.inner.len()) }
    }
}

impl DerefMut for MmapMut {
    #[inline]
    fn deref_mut(&mut self) -> &mut [u8] {
        // SAFETY: as in `deref`, and mapped writable; `&mut self` makes the
        // borrow unique.
        unsafe { core::slice::from_raw_parts_mut(self.inner.ptr(), self.inner.len()) }
    }
}

impl AsRef<[u8]> for MmapMut {
    #[inline]
    fn as_ref(&self) -> &[u8] {
        self
    }
}

impl AsMut<[u8]> for MmapMut {
    #[inline]
    fn as_mut(&mut self) -> &mut [u8] {
        self
    }
}

impl fmt::Debug for MmapMut {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MmapMut")
            .field("ptr", &self.as_ptr())
            .field("len", &self.len())
            .finish()
    }
}
