//! [`MapOptions`]: the builder every mapping is made with.

use crate::fd::AsFd;
use crate::flags::{MapFlags, ProtFlags, SealFlags};
use crate::sys::Errno;

use super::raw::RawMap;
use super::{Mmap, MmapMut, MmapRaw};

/// How to make a mapping: offset, length and flags, then one of the `map*`
/// methods.
///
/// | method | memory | writes go to | made from |
/// |---|---|---|---|
/// | [`map`](Self::map) | [`Mmap`], `&[u8]` | — (read-only) | a file open for reading |
/// | [`map_mut`](Self::map_mut) | [`MmapMut`], `&mut [u8]` | the file (`MAP_SHARED`) | a file open read-write |
/// | [`map_copy`](Self::map_copy) | [`MmapMut`] | a private copy (`MAP_PRIVATE`) | a file open for reading |
/// | [`map_anon`](Self::map_anon) | [`MmapMut`], zeroed | this process only | nothing |
/// | [`map_anon_shared`](Self::map_anon_shared) | [`MmapMut`], zeroed | this process and `fork`ed children | nothing |
/// | [`map_copy_read_only`](Self::map_copy_read_only) | [`Mmap`], `&[u8]` | — (read-only, `MAP_PRIVATE`) | a file open for reading |
/// | [`map_exec`](Self::map_exec) | [`Mmap`], `PROT_READ \| PROT_EXEC` | — | a file open for reading |
/// | [`map_sealed`](Self::map_sealed) (safe) | [`Mmap`] | — | a memfd sealed against writes and shrinking |
/// | [`map_copy_sealed`](Self::map_copy_sealed) (safe) | [`MmapMut`] | a private copy | a memfd sealed so |
/// | [`map_raw`](Self::map_raw) (safe) | [`MmapRaw`], `*mut u8` | the file | a file open read-write |
/// | [`map_raw_read_only`](Self::map_raw_read_only) (safe) | [`MmapRaw`], `*const u8` | — | a file open for reading |
/// | [`map_raw_anon`](Self::map_raw_anon), [`map_raw_anon_shared`](Self::map_raw_anon_shared) | [`MmapRaw`], zeroed | this process (and children, shared) | nothing |
///
/// The file-backed methods are `unsafe`: see
/// [why mapping a file is unsafe](Mmap#why-mapping-a-file-is-unsafe).
///
/// Edge cases are settled here, before the kernel sees them:
///
/// - **Length 0** (an empty regular file, or `len(0)`): a valid empty
///   mapping, and dropping it does nothing. For anonymous memory no system
///   call is made. For a file, the kernel is asked first whether it can map
///   the file at all (one page at offset 0, mapped and unmapped at once), so
///   a file it cannot map gets its answer rather than an empty map: the
///   files in `/proc` are "regular" files of size 0, and mapping them is
///   `ENODEV` (`/proc/self/maps`) or `EIO` (`/proc/version`), with or
///   without a [`len`](Self::len), as memmap2 gets; a descriptor not open
///   for reading is `EACCES` even for an empty file.
/// - **An offset that is not a page multiple** (the seed's FAQ 3): the
///   mapping starts at the page boundary below it (the huge page boundary
///   for a file on hugetlbfs), and the slice starts at the asked byte.
/// - **`offset + len` overflows** `u64`: `EOVERFLOW`. **Past the end** of a
///   regular file (`offset + len > file size`, or `offset > file size` with
///   no length): `EINVAL`, once the kernel has said (as above) that the
///   file can be mapped at all. **Too large** to map (the length rounded up to
///   whole pages exceeds `isize::MAX`): `ENOMEM`.
///
/// ```
/// use rawmap::MapOptions;
/// let mut map = MapOptions::new().len(100).populate().map_anon()?;
/// map[99] = 1;
/// assert_eq!(map.len(), 100);
/// assert_eq!(map.iter().map(|&b| b as u32).sum::<u32>(), 1);
/// # Ok::<(), rawmap::Errno>(())
/// ```
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
#[must_use]
pub struct MapOptions {
    pub(super) offset: u64,
    pub(super) len: Option<usize>,
    /// `Some(None)`: the default huge page size; `Some(Some(bits))`:
    /// `1 << bits`.
    pub(super) huge: Option<Option<u8>>,
    pub(super) address: Option<usize>,
    pub(super) extra: MapFlags,
}

impl Default for MapOptions {
    fn default() -> Self {
        Self::new()
    }
}

impl MapOptions {
    /// Options for a mapping of the whole file (or, for anonymous maps, of
    /// the length set with [`len`](Self::len)), with no flags.
    pub const fn new() -> Self {
        Self {
            offset: 0,
            len: None,
            huge: None,
            address: None,
            extra: MapFlags::empty(),
        }
    }

    /// Where in the file the mapping starts, in bytes (default 0).
    ///
    /// Any value is accepted: one that is not a multiple of
    /// [`page_size()`](crate::page_size) is aligned down for the kernel and
    /// the slice starts at the asked byte. (A file whose `st_blksize` is a
    /// power of two above the page size, as on hugetlbfs where it is the
    /// huge page size, is mapped in units of that size: offset aligned
    /// down to it, length rounded up to it.) Anonymous maps need 0
    /// (`EINVAL` otherwise).
    pub const fn offset(mut self, offset: u64) -> Self {
        self.offset = offset;
        self
    }

    /// The length in bytes. For a file the default is the rest of the file
    /// after [`offset`](Self::offset); an anonymous map needs it (`EINVAL`
    /// otherwise). 0 makes an empty mapping.
    pub const fn len(mut self, len: usize) -> Self {
        self.len = Some(len);
        self
    }

    /// `MAP_POPULATE`: fault all pages in now (read-ahead for files) rather
    /// than on first touch. (qemu-user ignores it.)
    pub const fn populate(mut self) -> Self {
        self.extra = self.extra.union(MapFlags::POPULATE);
        self
    }

    /// `MAP_NORESERVE`: do not reserve swap space (or, with
    /// [`huge`](Self::huge), huge pages); touching a page may then fail
    /// with SIGSEGV (SIGBUS for huge pages) when memory runs out.
    pub const fn no_reserve(mut self) -> Self {
        self.extra = self.extra.union(MapFlags::NORESERVE);
        self
    }

    /// `MAP_STACK`: the mapping is a thread stack (the kernel then never
    /// backs it with transparent huge pages).
    pub const fn stack(mut self) -> Self {
        self.extra = self.extra.union(MapFlags::STACK);
        self
    }

    /// `MAP_HUGETLB`, anonymous maps only: back the mapping with huge pages
    /// from the hugetlbfs pool, of `1 << page_bits` bytes
    /// (`MAP_HUGE_SHIFT` encoding: 21 for 2 MiB, 30 for 1 GiB), or of the
    /// kernel's default huge page size for `None` (read from
    /// `/proc/meminfo`; mapping fails with its error, e.g. `ENOENT` when
    /// `/proc` is not mounted).
    ///
    /// The mapped length is rounded up to the huge page size, and the map
    /// is unmapped with that length. Mapping fails with `ENOMEM` when the
    /// pool has too few free pages (unless [`no_reserve`](Self::no_reserve)
    /// is set), `EINVAL` for a size the kernel does not support,
    /// `page_bits > 63`, or a file mapping.
    pub const fn huge(mut self, page_bits: Option<u8>) -> Self {
        self.huge = Some(page_bits);
        self
    }

    /// Place the mapping at `addr` exactly, or fail: `MAP_FIXED_NOREPLACE`,
    /// which never replaces an existing mapping.
    ///
    /// `addr` is where the mapping's first page goes (with an unaligned
    /// [`offset`](Self::offset) the slice starts `offset % page_size()`
    /// bytes later) and must be a non-zero multiple of the page size (of
    /// the huge page size with [`huge`](Self::huge) or for a file on
    /// hugetlbfs): `EINVAL` otherwise.
    /// An empty map (length 0) maps nothing and ignores it.
    ///
    /// Mapping fails with `EEXIST` when the range is in use. Kernels before
    /// 4.17, and qemu-user, treat the flag as a mere hint and may place the
    /// mapping elsewhere: the returned address is compared, and a mapping
    /// that landed elsewhere is unmapped and reported as `EEXIST` too.
    pub const fn address(mut self, addr: usize) -> Self {
        self.address = Some(addr);
        self
    }

    /// Maps a file read-only (`PROT_READ`, `MAP_SHARED`).
    ///
    /// # Errors
    ///
    /// Before the kernel: `EOVERFLOW`, `EINVAL` (past the end of the file,
    /// [`huge`](Self::huge) set, misaligned [`address`](Self::address)) and
    /// `ENOMEM` as described [above](Self). The kernel's answer otherwise:
    /// `EACCES` for a file not open for reading, `ENODEV` for a file that
    /// cannot be mapped, `EBADF`, `ENOMEM`, `EEXIST` (address in use).
    ///
    /// # Safety
    ///
    /// See [why mapping a file is unsafe](Mmap#why-mapping-a-file-is-unsafe):
    /// while the map lives, the file must not be truncated below the mapped
    /// range, and its contents must not be changed by anyone else (through
    /// a write, or a shared writable mapping).
    pub unsafe fn map<F: AsFd>(&self, file: F) -> Result<Mmap, Errno> {
        RawMap::map(self, ProtFlags::READ, MapFlags::SHARED, Some(file.as_fd()))
            .map(Mmap::from_inner)
    }

    /// Maps a file for reading and writing, shared with the file
    /// (`PROT_READ | PROT_WRITE`, `MAP_SHARED`): writes reach the file
    /// (make them durable with [`MmapMut::flush`]) and every other mapping
    /// of it.
    ///
    /// # Errors
    ///
    /// As [`map`](Self::map); `EACCES` when the file is not open read-write
    /// (the seed's FAQ 2).
    ///
    /// # Safety
    ///
    /// As [`map`](Self::map): no truncation below the mapped range, no
    /// concurrent change of the contents by anyone else, while the map
    /// lives.
    pub unsafe fn map_mut<F: AsFd>(&self, file: F) -> Result<MmapMut, Errno> {
        RawMap::map(
            self,
            ProtFlags::READ | ProtFlags::WRITE,
            MapFlags::SHARED,
            Some(file.as_fd()),
        )
        .map(MmapMut::from_inner)
    }

    /// Maps a private copy-on-write view of a file
    /// (`PROT_READ | PROT_WRITE`, `MAP_PRIVATE`): writes stay in this
    /// mapping and never reach the file. A file open read-only is enough.
    ///
    /// Pages not yet written still show the file: changes made to the file
    /// by others may appear in them.
    ///
    /// # Errors
    ///
    /// As [`map`](Self::map).
    ///
    /// # Safety
    ///
    /// As [`map`](Self::map).
    pub unsafe fn map_copy<F: AsFd>(&self, file: F) -> Result<MmapMut, Errno> {
        RawMap::map(
            self,
            ProtFlags::READ | ProtFlags::WRITE,
            MapFlags::PRIVATE,
            Some(file.as_fd()),
        )
        .map(MmapMut::from_inner)
    }

    /// Maps a private, read-only view of a file (`PROT_READ`,
    /// `MAP_PRIVATE`), in one call (memmap2's `map_copy_read_only`).
    /// [`Mmap::make_mut`] later gives a private copy-on-write map, whose
    /// writes never reach the file.
    ///
    /// # Errors
    ///
    /// As [`map`](Self::map).
    ///
    /// # Safety
    ///
    /// As [`map`](Self::map): pages not written by this map still show the
    /// file, so changes by others appear in them.
    pub unsafe fn map_copy_read_only<F: AsFd>(&self, file: F) -> Result<Mmap, Errno> {
        RawMap::map(self, ProtFlags::READ, MapFlags::PRIVATE, Some(file.as_fd()))
            .map(Mmap::from_inner)
    }

    /// Maps a file readable and executable (`PROT_READ | PROT_EXEC`,
    /// `MAP_SHARED`), in one call rather than a map and an `mprotect`: the
    /// pages are never writable.
    ///
    /// # Errors
    ///
    /// As [`map`](Self::map); `EPERM` for a file on a `noexec` mount (or a
    /// memfd sealed non-executable).
    ///
    /// # Safety
    ///
    /// As [`map`](Self::map). Running the bytes as code is the caller's
    /// own, further, unsafe step.
    pub unsafe fn map_exec<F: AsFd>(&self, file: F) -> Result<Mmap, Errno> {
        RawMap::map(
            self,
            ProtFlags::READ | ProtFlags::EXEC,
            MapFlags::SHARED,
            Some(file.as_fd()),
        )
        .map(Mmap::from_inner)
    }

    /// Maps a file for reading and writing, shared with the file, as a raw
    /// pointer (`PROT_READ | PROT_WRITE`, `MAP_SHARED`): see [`MmapRaw`].
    /// Safe, because no reference into the memory is made.
    ///
    /// # Errors
    ///
    /// As [`map_mut`](Self::map_mut); `EPERM` for a memfd sealed with
    /// `F_SEAL_WRITE` or `F_SEAL_FUTURE_WRITE`.
    pub fn map_raw<F: AsFd>(&self, file: F) -> Result<MmapRaw, Errno> {
        RawMap::map(
            self,
            ProtFlags::READ | ProtFlags::WRITE,
            MapFlags::SHARED,
            Some(file.as_fd()),
        )
        .map(MmapRaw::from_inner)
    }

    /// Maps a file read-only, shared, as a raw pointer (`PROT_READ`,
    /// `MAP_SHARED`): see [`MmapRaw`]. A file open for reading is enough.
    ///
    /// # Errors
    ///
    /// As [`map`](Self::map).
    pub fn map_raw_read_only<F: AsFd>(&self, file: F) -> Result<MmapRaw, Errno> {
        RawMap::map(self, ProtFlags::READ, MapFlags::SHARED, Some(file.as_fd()))
            .map(MmapRaw::from_inner)
    }

    /// Maps shared anonymous memory, zero-filled, as a raw pointer
    /// (`MAP_SHARED | MAP_ANONYMOUS`): memory a `fork`ed child writes
    /// while we read it. See [`MmapRaw`].
    ///
    /// # Errors
    ///
    /// As [`map_anon`](Self::map_anon).
    pub fn map_raw_anon_shared(&self) -> Result<MmapRaw, Errno> {
        RawMap::map(
            self,
            ProtFlags::READ | ProtFlags::WRITE,
            MapFlags::SHARED,
            None,
        )
        .map(MmapRaw::from_inner)
    }

    /// Maps private anonymous memory, zero-filled, as a raw pointer
    /// (`MAP_PRIVATE | MAP_ANONYMOUS`): memory other threads change, or
    /// for [`MmapRaw::remap_dont_unmap`].
    ///
    /// # Errors
    ///
    /// As [`map_anon`](Self::map_anon).
    pub fn map_raw_anon(&self) -> Result<MmapRaw, Errno> {
        RawMap::map(
            self,
            ProtFlags::READ | ProtFlags::WRITE,
            MapFlags::PRIVATE,
            None,
        )
        .map(MmapRaw::from_inner)
    }

    /// Maps a file read-only (`PROT_READ`, `MAP_SHARED`), **safely**: the
    /// file must be sealed (see [`File::add_seals`](crate::File::add_seals))
    /// with `F_SEAL_WRITE` and `F_SEAL_SHRINK`, which the kernel enforces
    /// on everyone for the life of the file: nobody can change its contents
    /// (no `write`, no shared writable mapping; adding the seal failed
    /// while one existed) nor make it shorter, so the two reasons
    /// [mapping a file is unsafe](Mmap#why-mapping-a-file-is-unsafe) are
    /// gone. The seals are checked with `F_GET_SEALS` first.
    ///
    /// This is how a process hands data to another one that need not trust
    /// it: write a memfd, seal it, pass the descriptor (`fork`, `SCM_RIGHTS`).
    ///
    /// # Errors
    ///
    /// `EPERM` when the file lacks either seal; `EINVAL` for a file that
    /// cannot be sealed (not a memfd or shmem file); then as
    /// [`map`](Self::map).
    pub fn map_sealed<F: AsFd>(&self, file: F) -> Result<Mmap, Errno> {
        let fd = file.as_fd();
        check_sealed(fd)?;
        RawMap::map(self, ProtFlags::READ, MapFlags::SHARED, Some(fd)).map(Mmap::from_inner)
    }

    /// Maps a private copy-on-write view of a sealed file
    /// (`PROT_READ | PROT_WRITE`, `MAP_PRIVATE`), **safely**: with
    /// `F_SEAL_WRITE` and `F_SEAL_SHRINK` set (see
    /// [`map_sealed`](Self::map_sealed)) the pages not yet written can no
    /// longer change under the `&mut [u8]`, and the writes stay here.
    ///
    /// # Errors
    ///
    /// As [`map_sealed`](Self::map_sealed).
    pub fn map_copy_sealed<F: AsFd>(&self, file: F) -> Result<MmapMut, Errno> {
        let fd = file.as_fd();
        check_sealed(fd)?;
        RawMap::map(
            self,
            ProtFlags::READ | ProtFlags::WRITE,
            MapFlags::PRIVATE,
            Some(fd),
        )
        .map(MmapMut::from_inner)
    }

    /// Maps private anonymous memory, zero-filled
    /// (`MAP_PRIVATE | MAP_ANONYMOUS`). A `fork`ed child gets a
    /// copy-on-write copy: neither sees the other's writes.
    ///
    /// # Errors
    ///
    /// `EINVAL` without a [`len`](Self::len), with a non-zero
    /// [`offset`](Self::offset), or a misaligned
    /// [`address`](Self::address); `ENOMEM` when the length is too large or
    /// memory runs out; `EEXIST` when the address is in use.
    pub fn map_anon(&self) -> Result<MmapMut, Errno> {
        RawMap::map(
            self,
            ProtFlags::READ | ProtFlags::WRITE,
            MapFlags::PRIVATE,
            None,
        )
        .map(MmapMut::from_inner)
    }

    /// Maps shared anonymous memory, zero-filled
    /// (`MAP_SHARED | MAP_ANONYMOUS`): a `fork`ed child and its parent see
    /// each other's writes (the seed's inter-process communication).
    ///
    /// Its size is fixed at creation: [`MmapMut::remap`] can shrink it but
    /// not grow it (the kernel would raise SIGBUS past the original size).
    ///
    /// # Errors
    ///
    /// As [`map_anon`](Self::map_anon).
    pub fn map_anon_shared(&self) -> Result<MmapMut, Errno> {
        RawMap::map(
            self,
            ProtFlags::READ | ProtFlags::WRITE,
            MapFlags::SHARED,
            None,
        )
        .map(MmapMut::from_inner)
    }
}

/// `Ok` when `fd`'s file is sealed against writes and shrinking.
fn check_sealed(fd: crate::fd::BorrowedFd<'_>) -> Result<(), Errno> {
    let needed = SealFlags::WRITE | SealFlags::SHRINK;
    if crate::sys::fcntl_get_seals(fd)?.contains(needed) {
        Ok(())
    } else {
        Err(Errno::EPERM)
    }
}
