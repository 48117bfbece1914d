//! [`RawMap`]: the owner of one mapping, shared by [`Mmap`](super::Mmap)
//! and [`MmapMut`](super::MmapMut). It remembers exactly what was mapped
//! (the page-aligned base and the mapped length) apart from what the user
//! sees (the slice), so that `Drop` unmaps exactly the mapping, and it
//! bounds-checks every range before it reaches the kernel.

use core::ffi::c_void;
use core::ptr::{self, NonNull};

use linux_raw_sys::general::{S_IFMT, S_IFREG};

use crate::fd::BorrowedFd;
use crate::flags::{Advice, MapFlags, MlockFlags, MremapFlags, MsyncFlags, ProtFlags};
use crate::page_size;
use crate::sys::{self, Errno};

use super::huge::default_huge_page_size;
use super::{MapOptions, RemapOptions};

/// The parts of a mapping, from `into_raw`, for `from_raw`: see
/// [`Mmap::into_raw`](super::Mmap::into_raw) and
/// [`Mmap::from_raw`](super::Mmap::from_raw).
///
/// ```text
/// base                ptr                      ptr+len       base+mapped_len
///  |<--- unaligned  --->|<------ the slice ------->|<- rest of last page ->|
///  |     offset part    |                          |                       |
/// ```
///
/// An empty mapping has `mapped_len == 0`, `len == 0`, a null `base` and
/// the [empty pointer](RawParts#the-empty-pointer) as `ptr`: nothing is
/// mapped and nothing is unmapped.
///
/// # The empty pointer
///
/// An empty map's slice starts at the start of the **last page of the
/// address space** (`usize::MAX` rounded down to the page size), never at
/// `NonNull::dangling()` (address 1): it is page aligned, so aligned casts
/// of the empty slice (bytemuck's `try_cast_slice`, zerocopy) work for any
/// type, and it is never a real mapping's address (on every 64-bit Linux
/// architecture the top half of the address space belongs to the kernel),
/// so it cannot be mistaken for one. memmap2 had the same bug.
///
/// ```
/// use rawmap::{MapFlags, MmapMut};
/// let page = rawmap::page_size();
/// let mut map = MmapMut::map_anon(page + 1)?;
/// map[page] = 7;
/// let parts = map.into_raw(); // the mapping stays; nothing owns it now
/// assert_eq!(parts.mapped_len, 2 * page); // whole pages, as munmap wants
/// assert_eq!(parts.len, page + 1);
/// assert!(parts.flags.contains(MapFlags::ANONYMOUS));
/// // SAFETY: the parts come from `into_raw` and are used once.
/// let map = unsafe { MmapMut::from_raw(parts) };
/// assert_eq!(map[page], 7);
/// # Ok::<(), rawmap::Errno>(())
/// ```
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct RawParts {
    /// The first byte of the slice.
    pub ptr: *mut u8,
    /// The length of the slice.
    pub len: usize,
    /// The start of the mapping: page aligned (huge page aligned for huge
    /// page maps), at or below `ptr`.
    pub base: *mut u8,
    /// The length of the mapping from `base`, as given to `munmap`: whole
    /// pages, whole huge pages for a `MAP_HUGETLB` map. 0 when nothing is
    /// mapped.
    pub mapped_len: usize,
    /// The current protection.
    pub prot: ProtFlags,
    /// The flags the mapping was made with (they tell anonymous from file
    /// mappings, shared from private, and the huge page size).
    pub flags: MapFlags,
}

/// One mapping, owned. Invariants:
///
/// - `mapped_len == 0`: nothing is mapped, `len == 0`, `ptr` is
///   [`empty_ptr`] (page aligned, never a mapping).
/// - otherwise `base..base+mapped_len` is a mapping this value owns
///   (`base` page aligned, huge page aligned for huge page maps;
///   `mapped_len` a multiple of `granule`) and
///   `ptr..ptr+len` lies within it, `ptr - base < granule`.
/// - `mapped_len <= isize::MAX`.
pub(crate) struct RawMap {
    ptr: NonNull<u8>,
    len: usize,
    base: *mut c_void,
    mapped_len: usize,
    /// The unit the kernel maps in (see [`granule`]); 0 when not known yet
    /// (an empty map), then found from `flags` when needed.
    granule: usize,
    prot: ProtFlags,
    flags: MapFlags,
}

/// The mapping's unit of length: the page, or the huge page for
/// `MAP_HUGETLB` (explicit size, or the kernel's default). File maps can
/// have a larger one too, found by `map` (see `file_len`).
fn granule(flags: MapFlags) -> Result<usize, Errno> {
    if flags.contains(MapFlags::HUGETLB) {
        match flags.huge_page_size() {
            Some(n) => Ok(n),
            None => default_huge_page_size(),
        }
    } else {
        Ok(page_size())
    }
}

/// `offset_in_granule + len` rounded up to whole granules.
///
/// # Errors
///
/// `ENOMEM` when that exceeds `isize::MAX` (no slice can be that long, and
/// no address space is that large) or overflows.
#[inline]
fn mapped_len_for(offset_in_granule: usize, len: usize, granule: usize) -> Result<usize, Errno> {
    // Every granule is a power of two (page sizes, huge page sizes): masks,
    // not divisions, on the path of every map.
    debug_assert!(
        granule.is_power_of_two(),
        "granule {granule} is not a power of two"
    );
    let mask = granule - 1;
    offset_in_granule
        .checked_add(len)
        .and_then(|n| n.checked_add(mask))
        .map(|n| n & !mask)
        .filter(|&n| n <= isize::MAX as usize)
        .ok_or(Errno::ENOMEM)
}

/// The slice pointer of an empty map: the last page of the address space
/// (see [the empty pointer](RawParts#the-empty-pointer)). Page aligned and
/// never mapped: user space ends far below it on x86_64, aarch64 and
/// riscv64.
#[inline]
pub(crate) fn empty_ptr() -> NonNull<u8> {
    let addr = usize::MAX & !(page_size() - 1);
    // SAFETY: the address is not 0 (page_size() is at most 2^63).
    unsafe { NonNull::new_unchecked(ptr::without_provenance_mut(addr)) }
}

impl RawMap {
    /// An empty mapping: nothing mapped.
    pub(crate) fn empty(prot: ProtFlags, flags: MapFlags) -> Self {
        Self {
            ptr: empty_ptr(),
            len: 0,
            base: ptr::null_mut(),
            mapped_len: 0,
            granule: 0,
            prot,
            flags,
        }
    }

    /// Makes a mapping from `opts`. `share` is `SHARED` or `PRIVATE`; `fd`
    /// is `None` for anonymous memory.
    #[inline]
    pub(crate) fn map(
        opts: &MapOptions,
        prot: ProtFlags,
        share: MapFlags,
        fd: Option<BorrowedFd<'_>>,
    ) -> Result<Self, Errno> {
        let mut flags = share | opts.extra;
        let (len, file_granule) = match fd {
            None => {
                flags |= MapFlags::ANONYMOUS;
                if let Some(bits) = opts.huge {
                    flags |= match bits {
                        None => MapFlags::HUGETLB,
                        Some(b) => MapFlags::hugetlb_size(u32::from(b)).ok_or(Errno::EINVAL)?,
                    };
                }
                if opts.offset != 0 {
                    return Err(Errno::EINVAL);
                }
                (opts.len.ok_or(Errno::EINVAL)?, None)
            }
            Some(fd) => {
                if opts.huge.is_some() {
                    return Err(Errno::EINVAL);
                }
                let (len, granule) = file_len(fd, opts.offset, opts.len)?;
                match len {
                    Ok(len) if len > 0 => (len, Some(granule)),
                    // rawmap would answer alone (an empty map, or EINVAL
                    // past the end): the kernel first says whether this
                    // file can be mapped at all (ENODEV for /proc files,
                    // which are "regular" files of size 0; EACCES for a
                    // descriptor not open for reading).
                    Ok(_) | Err(Errno::EINVAL) => {
                        probe(fd, prot, share, granule)?;
                        let _ = len?;
                        return Ok(Self::empty(prot, flags));
                    }
                    Err(e) => return Err(e),
                }
            }
        };
        if len == 0 {
            return Ok(Self::empty(prot, flags));
        }
        let granule = match file_granule {
            Some(g) => g,
            None => granule(flags)?,
        };
        debug_assert!(
            granule.is_power_of_two(),
            "granule {granule} is not a power of two"
        );
        let in_granule = (opts.offset & (granule as u64 - 1)) as usize;
        let file_offset = opts.offset - in_granule as u64;
        let mapped_len = mapped_len_for(in_granule, len, granule)?;
        // Address 0 could never hold a slice (null); other addresses must
        // be aligned to the mapping's granule.
        let hint = match opts.address {
            Some(addr) if addr == 0 || addr & (granule - 1) != 0 => return Err(Errno::EINVAL),
            Some(addr) => {
                flags |= MapFlags::FIXED_NOREPLACE;
                addr as *mut c_void
            }
            None => ptr::null_mut(),
        };
        // SAFETY: no MAP_FIXED: the kernel picks an unused range (or, with
        // FIXED_NOREPLACE, fails rather than replace anything), so no
        // memory Rust uses is touched. The file contract is the caller's
        // (the file-backed constructors are unsafe).
        let base = unsafe { sys::mmap(hint, mapped_len, prot, flags, fd, file_offset) }?;
        if !hint.is_null() && base != hint {
            // An old kernel or qemu-user took FIXED_NOREPLACE as a hint.
            // SAFETY: the mapping was just made and is not handed out.
            let _ = unsafe { sys::munmap(base, mapped_len) };
            return Err(Errno::EEXIST);
        }
        flags.remove(MapFlags::FIXED_NOREPLACE);
        Ok(Self {
            // SAFETY: without MAP_FIXED and with no hint of 0 the kernel
            // never maps page 0 (nor does qemu-user), and in_granule <
            // mapped_len keeps the sum inside the mapping.
            ptr: unsafe { NonNull::new_unchecked(base.cast::<u8>().add(in_granule)) },
            len,
            base,
            mapped_len,
            granule,
            prot,
            flags,
        })
    }

    /// The slice's start.
    #[inline]
    pub(crate) fn ptr(&self) -> *mut u8 {
        self.ptr.as_ptr()
    }

    /// The slice's length.
    #[inline]
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// The current protection.
    #[inline]
    pub(crate) fn prot(&self) -> ProtFlags {
        self.prot
    }

    /// Checks that `offset..offset + len` lies inside the slice and returns
    /// the page-aligned range that covers it, for msync/madvise. `None`
    /// for an empty range (nothing to do).
    ///
    /// # Errors
    ///
    /// `EOVERFLOW` when `offset + len` overflows, `EINVAL` when the range
    /// ends past the slice.
    fn span(&self, offset: usize, len: usize) -> Result<Option<(*mut c_void, usize)>, Errno> {
        let end = offset.checked_add(len).ok_or(Errno::EOVERFLOW)?;
        if end > self.len {
            return Err(Errno::EINVAL);
        }
        if len == 0 {
            return Ok(None);
        }
        let start = self.ptr() as usize + offset;
        let aligned = start & !(page_size() - 1);
        // `start` is inside the mapping, so `aligned >= base`.
        let addr = self.base.wrapping_byte_add(aligned - self.base as usize);
        Ok(Some((addr, len + (start - aligned))))
    }

    /// `msync` of a range of the slice (the whole mapping for `None`).
    pub(crate) fn flush(
        &self,
        range: Option<(usize, usize)>,
        flags: MsyncFlags,
    ) -> Result<(), Errno> {
        let span = match range {
            Some((offset, len)) => self.span(offset, len)?,
            None => (self.mapped_len != 0).then_some((self.base, self.mapped_len)),
        };
        match span {
            // SAFETY: SYNC/ASYNC only write pages back; the range is ours.
            Some((addr, len)) => unsafe { sys::msync(addr, len, flags) },
            None => Ok(()),
        }
    }

    /// `madvise` of a range of the slice, any advice.
    ///
    /// # Safety
    ///
    /// The caller accepts the advice's effect on the contents.
    pub(crate) unsafe fn advise(
        &self,
        advice: Advice,
        offset: usize,
        len: usize,
    ) -> Result<(), Errno> {
        match self.span(offset, len)? {
            // SAFETY: the range is ours; the caller accepts the effect.
            Some((addr, len)) => unsafe { sys::madvise(addr, len, advice) },
            None => Ok(()),
        }
    }

    /// `mlock` (or `munlock`) of the whole slice.
    pub(crate) fn lock(&self, lock: bool) -> Result<(), Errno> {
        if self.len == 0 {
            return Ok(());
        }
        let (ptr, len) = (self.ptr().cast_const().cast(), self.len);
        if lock {
            sys::mlock(ptr, len)
        } else {
            sys::munlock(ptr, len)
        }
    }

    /// `mlock2` of the whole slice.
    pub(crate) fn lock_with(&self, flags: MlockFlags) -> Result<(), Errno> {
        if self.len == 0 {
            return Ok(());
        }
        sys::mlock2(self.ptr().cast_const().cast(), self.len, flags)
    }

    /// `mprotect` of the whole mapping.
    ///
    /// # Safety
    ///
    /// No live reference may rely on an access right being removed.
    pub(crate) unsafe fn protect(&mut self, prot: ProtFlags) -> Result<(), Errno> {
        if self.mapped_len != 0 {
            // SAFETY: our own mapping; the caller vouches for references.
            unsafe { sys::mprotect(self.base, self.mapped_len, prot) }?;
        }
        self.prot = prot;
        Ok(())
    }

    /// Resizes the slice to `new_len`, moving the mapping if needed
    /// (`mremap` with `MREMAP_MAYMOVE`); the contents up to the smaller
    /// length are kept.
    ///
    /// Growing is refused with `EINVAL` for a shared anonymous map (its
    /// shmem object keeps its size: pages past it raise SIGBUS), and for a
    /// file map unless `file_growth` is set; an empty file map cannot grow
    /// (there is no file to map).
    ///
    /// # Safety
    ///
    /// With `file_growth`, the caller guarantees the file covers the grown
    /// range (see `remap_file`).
    pub(crate) unsafe fn remap(
        &mut self,
        new_len: usize,
        file_growth: bool,
        opts: RemapOptions,
    ) -> Result<(), Errno> {
        if new_len == self.len {
            return Ok(());
        }
        let anonymous = self.flags.contains(MapFlags::ANONYMOUS);
        let shared = self.flags.contains(MapFlags::SHARED);
        if new_len == 0 {
            self.unmap();
            return Ok(());
        }
        let granule = match self.granule {
            0 => granule(self.flags)?,
            g => g,
        };
        let in_granule = if self.mapped_len == 0 {
            0
        } else {
            self.ptr() as usize - self.base as usize
        };
        let new_mapped = mapped_len_for(in_granule, new_len, granule)?;
        let grows = new_mapped > self.mapped_len;
        if grows && self.mapped_len != 0 && ((anonymous && shared) || (!anonymous && !file_growth))
        {
            return Err(Errno::EINVAL);
        }
        let base = if self.mapped_len == 0 {
            if !anonymous {
                return Err(Errno::EINVAL);
            }
            if !opts.may_move {
                // Nothing is mapped, so nothing can grow in place.
                return Err(Errno::ENOMEM);
            }
            // SAFETY: a fresh anonymous mapping, no fixed address.
            unsafe { sys::mmap(ptr::null_mut(), new_mapped, self.prot, self.flags, None, 0) }?
        } else if new_mapped != self.mapped_len {
            let flags = if opts.may_move {
                MremapFlags::MAYMOVE
            } else {
                MremapFlags::empty()
            };
            // SAFETY: our own whole mapping; `&mut self` means no reference
            // into it is alive, so it may move (without MAYMOVE the kernel
            // keeps the address or fails). Contents are kept.
            unsafe {
                sys::mremap(
                    self.base,
                    self.mapped_len,
                    new_mapped,
                    flags,
                    ptr::null_mut(),
                )
            }?
        } else {
            self.base
        };
        self.base = base;
        self.mapped_len = new_mapped;
        self.granule = granule;
        // SAFETY: a successful mmap/mremap never returns null, and
        // in_granule < new_mapped.
        self.ptr = unsafe { NonNull::new_unchecked(base.cast::<u8>().add(in_granule)) };
        self.len = new_len;
        Ok(())
    }

    /// Moves the mapping's pages to a new address, leaving the old range
    /// mapped (and empty): `mremap(.., MREMAP_MAYMOVE | MREMAP_DONTUNMAP)`.
    /// Returns the old range, owned; `self` is the new one.
    ///
    /// When the old range is gone afterwards (qemu-user 7.2 unmaps it,
    /// unlike the kernel), the returned map is empty.
    ///
    /// # Errors
    ///
    /// `EINVAL` for an empty map (without a system call), a huge page map,
    /// a kernel before 5.7, or before 5.13 anything but private anonymous
    /// memory; `ENOMEM` when no room is left. On error nothing changes.
    pub(crate) fn remap_dont_unmap(&mut self) -> Result<Self, Errno> {
        if self.mapped_len == 0 {
            return Err(Errno::EINVAL);
        }
        let old = self.base;
        // SAFETY: our own whole mapping. The pages move to a new range the
        // kernel picks; the old range stays mapped, now empty. The callers
        // hand out raw pointers only, so no Rust reference is invalidated.
        let new = unsafe {
            sys::mremap(
                old,
                self.mapped_len,
                self.mapped_len,
                MremapFlags::MAYMOVE | MremapFlags::DONTUNMAP,
                ptr::null_mut(),
            )
        }?;
        let in_granule = self.ptr() as usize - old as usize;
        let mut prev = Self {
            ptr: self.ptr,
            len: self.len,
            base: old,
            mapped_len: self.mapped_len,
            granule: self.granule,
            prot: self.prot,
            flags: self.flags,
        };
        self.base = new;
        // SAFETY: mremap never returns null, and in_granule < mapped_len.
        self.ptr = unsafe { NonNull::new_unchecked(new.cast::<u8>().add(in_granule)) };
        // Is the old range still there? mincore fails with ENOMEM over a
        // range that is not mapped.
        let mut probe = [0u8; 1];
        if sys::mincore(old, 1, &mut probe) == Err(Errno::ENOMEM) {
            // Not ours any more: forget it without unmapping.
            prev.mapped_len = 0;
            prev.unmap();
        }
        Ok(prev)
    }

    /// Unmaps everything and becomes empty.
    fn unmap(&mut self) {
        if self.mapped_len != 0 {
            // SAFETY: our own mapping; `&mut self` (or drop) means no
            // reference into it is alive.
            let r = unsafe { sys::munmap(self.base, self.mapped_len) };
            debug_assert!(r.is_ok(), "munmap of an owned mapping failed: {r:?}");
        }
        // Field by field: assigning `*self` would drop (and unmap) again.
        self.ptr = empty_ptr();
        self.len = 0;
        self.base = ptr::null_mut();
        self.mapped_len = 0;
        self.granule = 0;
    }

    /// Gives up ownership.
    pub(crate) fn into_parts(self) -> RawParts {
        let parts = RawParts {
            ptr: self.ptr(),
            len: self.len,
            base: self.base.cast(),
            mapped_len: self.mapped_len,
            prot: self.prot,
            flags: self.flags,
        };
        core::mem::forget(self);
        parts
    }

    /// Takes ownership.
    ///
    /// # Panics
    ///
    /// When the parts are inconsistent (see [`RawParts`]).
    ///
    /// # Safety
    ///
    /// `parts` describes a mapping nobody else owns (see the public
    /// `from_raw` methods).
    pub(crate) unsafe fn from_parts(parts: RawParts) -> Self {
        let RawParts {
            ptr,
            len,
            base,
            mapped_len,
            prot,
            flags,
        } = parts;
        if mapped_len == 0 {
            assert!(len == 0, "from_raw: a non-empty slice with nothing mapped");
            return Self::empty(prot, flags);
        }
        let (p, b) = (ptr as usize, base as usize);
        assert!(
            b % page_size() == 0
                && b != 0
                && p >= b
                && p - b < mapped_len
                && len <= mapped_len - (p - b)
                && mapped_len <= isize::MAX as usize,
            "from_raw: inconsistent parts {parts:?}"
        );
        Self {
            ptr: NonNull::new(ptr).expect("from_raw: null ptr"),
            len,
            base: base.cast(),
            mapped_len,
            // Found from the flags if remap needs it (a file map's larger
            // unit, see `file_len`, is not in the parts).
            granule: 0,
            prot,
            flags,
        }
    }
}

/// The length to map from `offset` of the file behind `fd`: `len`, checked
/// against the file's end, or the rest of the file; and the unit the kernel
/// maps the file in.
///
/// That unit is the page, except on hugetlbfs, where the kernel maps whole
/// huge pages, needs huge-page-aligned offsets and cannot unmap part of a
/// huge page. The only sign of that in `fstat` is `st_blksize`, which is the
/// huge page size there: a power of two larger than the page is taken as
/// the unit. (Other file systems reporting such a block size then get a
/// slightly larger mapping than needed, never touched past the slice.)
///
/// # Errors
///
/// The outer error is `fstat`'s. The inner one: `EOVERFLOW` when
/// `offset + len` overflows `u64` (or the rest of the file does not fit a
/// `usize`); `EINVAL` when a regular file ends before `offset + len` (or
/// before `offset`, without `len`). Other files (devices) have no
/// meaningful size: an explicit `len` is passed on.
fn file_len(
    fd: BorrowedFd<'_>,
    offset: u64,
    len: Option<usize>,
) -> Result<(Result<usize, Errno>, usize), Errno> {
    let st = sys::fstat(fd)?;
    #[allow(clippy::unnecessary_cast)] // st_size is i64, but u64 on s390x
    let size = st.st_size as u64;
    let regular = st.st_mode & S_IFMT == S_IFREG;
    let page = page_size();
    let blksize = usize::try_from(st.st_blksize).unwrap_or(0);
    let granule = if blksize > page && blksize.is_power_of_two() {
        blksize
    } else {
        page
    };
    let len = match len {
        Some(len) => match offset.checked_add(len as u64) {
            None => Err(Errno::EOVERFLOW),
            Some(end) if regular && end > size => Err(Errno::EINVAL),
            Some(_) => Ok(len),
        },
        None => match size.checked_sub(offset) {
            None => Err(Errno::EINVAL),
            Some(rest) => usize::try_from(rest).map_err(|_| Errno::EOVERFLOW),
        },
    };
    Ok((len, granule))
}

/// Asks the kernel whether `fd` can be mapped at all with `prot` and
/// `share`, by mapping its first `granule` bytes and unmapping them at
/// once; its error if not. (Offset 0: whether the asked offset is past the
/// end or overflows is rawmap's own answer, the same for every file.)
///
/// Used only where rawmap would otherwise answer without the kernel (an
/// empty map, a range past the end), so that a file the kernel cannot map
/// gets the kernel's answer (`ENODEV`, `EACCES`, ...) rather than an empty
/// map or rawmap's `EINVAL`. Mapping past the end of a regular file is
/// allowed (touching it would raise SIGBUS; nothing touches it here).
fn probe(
    fd: BorrowedFd<'_>,
    prot: ProtFlags,
    share: MapFlags,
    granule: usize,
) -> Result<(), Errno> {
    // SAFETY: no hint and no MAP_FIXED: the kernel picks an unused range,
    // which is unmapped right away and never touched.
    let base = unsafe { sys::mmap(ptr::null_mut(), granule, prot, share, Some(fd), 0) }?;
    // SAFETY: the mapping just made, whole, handed to nobody.
    let _ = unsafe { sys::munmap(base, granule) };
    Ok(())
}

impl Drop for RawMap {
    fn drop(&mut self) {
        self.unmap();
    }
}
