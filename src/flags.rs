//! Typed flags for the system calls, valued from `linux_raw_sys::general`.
//!
//! Each flag is documented by its C name. Every type is `#[repr(transparent)]`
//! over the kernel's integer, and keeps unknown bits when built with
//! `from_bits_retain`, so that invalid values can still be passed to the
//! kernel (and rejected by it with `EINVAL`) on purpose.

use linux_raw_sys::general as g;

bitflags::bitflags! {
    /// Memory protection, the `prot` argument of
    /// [`mmap(2)`](https://man7.org/linux/man-pages/man2/mmap.2.html) and
    /// [`mprotect(2)`](https://man7.org/linux/man-pages/man2/mprotect.2.html).
    ///
    /// `PROT_NONE` is [`ProtFlags::empty()`] (also [`ProtFlags::NONE`]).
    #[repr(transparent)]
    #[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
    pub struct ProtFlags: u32 {
        /// `PROT_READ`: pages may be read.
        const READ = g::PROT_READ;
        /// `PROT_WRITE`: pages may be written.
        const WRITE = g::PROT_WRITE;
        /// `PROT_EXEC`: pages may be executed.
        const EXEC = g::PROT_EXEC;
        /// `PROT_GROWSDOWN` (mprotect only): extend the change down to the
        /// start of a grows-down mapping.
        const GROWSDOWN = g::PROT_GROWSDOWN;
        /// `PROT_GROWSUP` (mprotect only, architectures with upward stacks;
        /// none of rawmap's: `EINVAL` there).
        const GROWSUP = g::PROT_GROWSUP;
        /// `PROT_SEM`: the pages may be used for atomic operations (a no-op
        /// on Linux's architectures, accepted for compatibility).
        const SEM = g::PROT_SEM;
        /// `PROT_BTI` (aarch64 only): the pages are guarded by Branch Target
        /// Identification (`EINVAL` on CPUs without BTI).
        #[cfg(target_arch = "aarch64")]
        const BTI = g::PROT_BTI;
        /// `PROT_MTE` (aarch64 only): the pages carry Memory Tagging
        /// Extension tags (`EINVAL` on CPUs without MTE, or for file maps).
        #[cfg(target_arch = "aarch64")]
        const MTE = g::PROT_MTE;
    }
}

impl ProtFlags {
    /// `PROT_NONE`: no access at all (touching the page raises SIGSEGV).
    pub const NONE: Self = Self::empty();
}

bitflags::bitflags! {
    /// The `flags` argument of
    /// [`mmap(2)`](https://man7.org/linux/man-pages/man2/mmap.2.html).
    ///
    /// The low four bits ([`MapFlags::TYPE`], `MAP_TYPE`) hold the mapping
    /// type, a value, not bits: exactly one of [`SHARED`](Self::SHARED),
    /// [`PRIVATE`](Self::PRIVATE), [`SHARED_VALIDATE`](Self::SHARED_VALIDATE)
    /// or [`DROPPABLE`](Self::DROPPABLE) must be given; the kernel answers
    /// `EINVAL` otherwise. `DROPPABLE` is a fourth type given *instead of*
    /// `PRIVATE`: `PRIVATE | DROPPABLE` and `SHARED | DROPPABLE` are other
    /// values of the field and are `EINVAL`.
    #[repr(transparent)]
    #[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
    pub struct MapFlags: u32 {
        /// `MAP_SHARED`: writes are visible to other mappings of the same
        /// object and are carried through to the file.
        const SHARED = g::MAP_SHARED;
        /// `MAP_PRIVATE`: a copy-on-write mapping; writes never reach the
        /// file nor other processes.
        const PRIVATE = g::MAP_PRIVATE;
        /// `MAP_SHARED_VALIDATE`: like `MAP_SHARED`, but unknown flags are
        /// rejected with `EOPNOTSUPP` instead of being ignored.
        const SHARED_VALIDATE = g::MAP_SHARED_VALIDATE;
        /// `MAP_DROPPABLE` (Linux 6.11): a mapping type of its own, given
        /// instead of `PRIVATE` (never with it: `EINVAL`): private anonymous
        /// memory the kernel may drop (zero) under memory pressure. Only
        /// `ANONYMOUS | DROPPABLE` works; older kernels answer `EINVAL`
        /// (an unknown type).
        const DROPPABLE = g::MAP_DROPPABLE;
        /// `MAP_ANONYMOUS` (`MAP_ANON`): not backed by a file; zero-filled;
        /// `fd` is ignored (pass `None`, i.e. -1) and `offset` should be 0.
        const ANONYMOUS = g::MAP_ANONYMOUS;
        /// `MAP_FIXED`: place the mapping exactly at `addr`, silently
        /// replacing whatever was mapped there.
        const FIXED = g::MAP_FIXED;
        /// `MAP_FIXED_NOREPLACE` (Linux 4.17): place the mapping exactly at
        /// `addr`, or fail with `EEXIST` if that range is in use. Kernels
        /// before 4.17 (and qemu-user) treat it as a hint: always compare the
        /// returned address.
        const FIXED_NOREPLACE = g::MAP_FIXED_NOREPLACE;
        /// `MAP_POPULATE`: pre-fault the pages (read-ahead for files).
        const POPULATE = g::MAP_POPULATE;
        /// `MAP_NONBLOCK`: with `MAP_POPULATE`, do not block on I/O.
        const NONBLOCK = g::MAP_NONBLOCK;
        /// `MAP_NORESERVE`: do not reserve swap space for this mapping.
        const NORESERVE = g::MAP_NORESERVE;
        /// `MAP_HUGETLB`: use huge pages (from the hugetlbfs pool). Combine
        /// with a size from [`MapFlags::hugetlb_size`] or one of the
        /// `HUGE_*` constants; without one the default huge page size is used.
        const HUGETLB = g::MAP_HUGETLB;
        /// `MAP_LOCKED`: lock the pages in memory, like `mlock(2)`.
        const LOCKED = g::MAP_LOCKED;
        /// `MAP_STACK`: the mapping is a thread stack (no THP).
        const STACK = g::MAP_STACK;
        /// `MAP_GROWSDOWN`: a stack-like mapping that grows downwards.
        const GROWSDOWN = g::MAP_GROWSDOWN;
        /// `MAP_SYNC`: with `MAP_SHARED_VALIDATE` on a DAX file, writes are
        /// durable once flushed from the CPU cache.
        const SYNC = g::MAP_SYNC;
        /// `MAP_UNINITIALIZED`: do not clear anonymous pages (honoured only
        /// by kernels built for embedded use).
        const UNINITIALIZED = g::MAP_UNINITIALIZED;
        /// `MAP_DENYWRITE`: ignored by Linux (it once made writes to the
        /// file fail with `ETXTBSY`).
        const DENYWRITE = g::MAP_DENYWRITE;
        /// `MAP_EXECUTABLE`: ignored by Linux.
        const EXECUTABLE = g::MAP_EXECUTABLE;
        /// `MAP_32BIT` (x86_64 only): place the mapping in the first 2 GiB.
        #[cfg(target_arch = "x86_64")]
        const BIT32 = g::MAP_32BIT;
        /// `MAP_ABOVE4G` (x86_64 only, Linux 6.5): place the mapping above
        /// 4 GiB.
        #[cfg(target_arch = "x86_64")]
        const ABOVE4G = g::MAP_ABOVE4G;
        /// `MAP_HUGE_16KB`: 16 KiB huge pages (with `MAP_HUGETLB`).
        const HUGE_16KB = g::MAP_HUGE_16KB;
        /// `MAP_HUGE_64KB`: 64 KiB huge pages (with `MAP_HUGETLB`).
        const HUGE_64KB = g::MAP_HUGE_64KB;
        /// `MAP_HUGE_512KB`: 512 KiB huge pages (with `MAP_HUGETLB`).
        const HUGE_512KB = g::MAP_HUGE_512KB;
        /// `MAP_HUGE_1MB`: 1 MiB huge pages (with `MAP_HUGETLB`).
        const HUGE_1MB = g::MAP_HUGE_1MB;
        /// `MAP_HUGE_2MB`: 2 MiB huge pages (with `MAP_HUGETLB`).
        const HUGE_2MB = g::MAP_HUGE_2MB;
        /// `MAP_HUGE_8MB`: 8 MiB huge pages (with `MAP_HUGETLB`).
        const HUGE_8MB = g::MAP_HUGE_8MB;
        /// `MAP_HUGE_16MB`: 16 MiB huge pages (with `MAP_HUGETLB`).
        const HUGE_16MB = g::MAP_HUGE_16MB;
        /// `MAP_HUGE_32MB`: 32 MiB huge pages (with `MAP_HUGETLB`).
        const HUGE_32MB = g::MAP_HUGE_32MB;
        /// `MAP_HUGE_256MB`: 256 MiB huge pages (with `MAP_HUGETLB`).
        const HUGE_256MB = g::MAP_HUGE_256MB;
        /// `MAP_HUGE_512MB`: 512 MiB huge pages (with `MAP_HUGETLB`).
        const HUGE_512MB = g::MAP_HUGE_512MB;
        /// `MAP_HUGE_1GB`: 1 GiB huge pages (with `MAP_HUGETLB`).
        const HUGE_1GB = g::MAP_HUGE_1GB;
        /// `MAP_HUGE_2GB`: 2 GiB huge pages (with `MAP_HUGETLB`).
        const HUGE_2GB = g::MAP_HUGE_2GB;
        /// `MAP_HUGE_16GB`: 16 GiB huge pages (with `MAP_HUGETLB`).
        const HUGE_16GB = g::MAP_HUGE_16GB;
    }
}

impl MapFlags {
    /// `MAP_FILE` (0): the historical "not anonymous" flag, for C parity;
    /// the same as [`MapFlags::empty()`].
    pub const FILE: Self = Self::from_bits_retain(g::MAP_FILE);

    /// `MAP_TYPE`: the mask of the mapping type field (`SHARED`, `PRIVATE`,
    /// `SHARED_VALIDATE`, `DROPPABLE` are values of it).
    pub const TYPE: Self = Self::from_bits_retain(g::MAP_TYPE);

    /// `MAP_HUGETLB | (log2 << MAP_HUGE_SHIFT)`: huge pages of `1 << log2`
    /// bytes (e.g. 21 for 2 MiB, 30 for 1 GiB).
    ///
    /// Returns `None` if `log2` does not fit the 6-bit field
    /// (`MAP_HUGE_MASK`).
    #[must_use]
    pub const fn hugetlb_size(log2: u32) -> Option<Self> {
        if log2 > g::MAP_HUGE_MASK {
            return None;
        }
        Some(Self::from_bits_retain(
            g::MAP_HUGETLB | (log2 << g::MAP_HUGE_SHIFT),
        ))
    }

    /// The huge page size encoded in these flags, in bytes, if
    /// `MAP_HUGETLB` is set with an explicit size.
    #[must_use]
    pub const fn huge_page_size(self) -> Option<usize> {
        let log2 = (self.bits() >> g::MAP_HUGE_SHIFT) & g::MAP_HUGE_MASK;
        if self.bits() & g::MAP_HUGETLB == 0 || log2 == 0 {
            None
        } else {
            1usize.checked_shl(log2)
        }
    }
}

bitflags::bitflags! {
    /// The `flags` argument of
    /// [`openat(2)`](https://man7.org/linux/man-pages/man2/openat.2.html).
    ///
    /// Some values differ per architecture (`O_DIRECTORY`, `O_NOFOLLOW`,
    /// `O_DIRECT`, `O_LARGEFILE`, `O_TMPFILE`); they are taken from
    /// `linux_raw_sys` for the target. `O_RDONLY` is 0, so it is
    /// [`OFlags::empty()`] (also [`OFlags::RDONLY`]).
    #[repr(transparent)]
    #[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
    pub struct OFlags: u32 {
        /// `O_WRONLY`: open for writing only.
        const WRONLY = g::O_WRONLY;
        /// `O_RDWR`: open for reading and writing.
        const RDWR = g::O_RDWR;
        /// `O_ACCMODE`: the mask of the access mode bits.
        const ACCMODE = g::O_ACCMODE;
        /// `O_CREAT`: create the file if it does not exist (needs a mode).
        const CREAT = g::O_CREAT;
        /// `O_EXCL`: with `O_CREAT`, fail with `EEXIST` if the file exists.
        const EXCL = g::O_EXCL;
        /// `O_NOCTTY`: do not make a terminal the controlling terminal.
        const NOCTTY = g::O_NOCTTY;
        /// `O_TRUNC`: truncate a regular file to length 0.
        const TRUNC = g::O_TRUNC;
        /// `O_APPEND`: every write appends.
        const APPEND = g::O_APPEND;
        /// `O_NONBLOCK`: non-blocking I/O.
        const NONBLOCK = g::O_NONBLOCK;
        /// `O_DSYNC`: writes wait for the data to reach the disk.
        const DSYNC = g::O_DSYNC;
        /// `O_SYNC`: writes wait for data and metadata to reach the disk.
        const SYNC = g::O_SYNC;
        /// `O_DIRECT`: bypass the page cache.
        const DIRECT = g::O_DIRECT;
        /// `O_LARGEFILE`: allow files over 2 GiB (implied on 64-bit).
        const LARGEFILE = g::O_LARGEFILE;
        /// `O_DIRECTORY`: fail with `ENOTDIR` unless the path is a directory.
        const DIRECTORY = g::O_DIRECTORY;
        /// `O_NOFOLLOW`: fail with `ELOOP` if the last component is a symlink.
        const NOFOLLOW = g::O_NOFOLLOW;
        /// `O_NOATIME`: do not update the access time.
        const NOATIME = g::O_NOATIME;
        /// `O_CLOEXEC`: close the descriptor on `execve`.
        const CLOEXEC = g::O_CLOEXEC;
        /// `O_PATH`: a descriptor that only names a location (no I/O, no
        /// mmap: `EBADF`).
        const PATH = g::O_PATH;
        /// `O_TMPFILE`: create an unnamed temporary file in a directory.
        const TMPFILE = g::O_TMPFILE;
    }
}

impl OFlags {
    /// `O_RDONLY` (0): open for reading only.
    pub const RDONLY: Self = Self::empty();
}

bitflags::bitflags! {
    /// File mode bits, the `mode` argument of
    /// [`openat(2)`](https://man7.org/linux/man-pages/man2/openat.2.html)
    /// with `O_CREAT` (before the umask is applied).
    #[repr(transparent)]
    #[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
    pub struct Mode: u32 {
        /// `S_IRWXU`: owner may read, write and execute.
        const RWXU = g::S_IRWXU;
        /// `S_IRUSR`: owner may read.
        const RUSR = g::S_IRUSR;
        /// `S_IWUSR`: owner may write.
        const WUSR = g::S_IWUSR;
        /// `S_IXUSR`: owner may execute.
        const XUSR = g::S_IXUSR;
        /// `S_IRWXG`: group may read, write and execute.
        const RWXG = g::S_IRWXG;
        /// `S_IRGRP`: group may read.
        const RGRP = g::S_IRGRP;
        /// `S_IWGRP`: group may write.
        const WGRP = g::S_IWGRP;
        /// `S_IXGRP`: group may execute.
        const XGRP = g::S_IXGRP;
        /// `S_IRWXO`: others may read, write and execute.
        const RWXO = g::S_IRWXO;
        /// `S_IROTH`: others may read.
        const ROTH = g::S_IROTH;
        /// `S_IWOTH`: others may write.
        const WOTH = g::S_IWOTH;
        /// `S_IXOTH`: others may execute.
        const XOTH = g::S_IXOTH;
        /// `S_ISUID`: set-user-ID on execution.
        const SUID = g::S_ISUID;
        /// `S_ISGID`: set-group-ID on execution.
        const SGID = g::S_ISGID;
        /// `S_ISVTX`: sticky bit.
        const SVTX = g::S_ISVTX;
    }
}

impl Mode {
    /// A mode from its octal value, e.g. `Mode::from_octal(0o644)`; bits
    /// outside `0o7777` are dropped.
    #[must_use]
    pub const fn from_octal(mode: u32) -> Self {
        Self::from_bits_truncate(mode)
    }
}

bitflags::bitflags! {
    /// The `flags` argument of
    /// [`msync(2)`](https://man7.org/linux/man-pages/man2/msync.2.html).
    #[repr(transparent)]
    #[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
    pub struct MsyncFlags: u32 {
        /// `MS_ASYNC`: schedule the write-back and return (on Linux a no-op:
        /// dirty pages are already tracked by the kernel).
        const ASYNC = g::MS_ASYNC;
        /// `MS_SYNC`: write the dirty pages back and wait for it.
        const SYNC = g::MS_SYNC;
        /// `MS_INVALIDATE`: ask other mappings of the file to be refreshed.
        const INVALIDATE = g::MS_INVALIDATE;
    }
}

bitflags::bitflags! {
    /// The `flags` argument of
    /// [`mremap(2)`](https://man7.org/linux/man-pages/man2/mremap.2.html).
    #[repr(transparent)]
    #[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
    pub struct MremapFlags: u32 {
        /// `MREMAP_MAYMOVE`: the kernel may move the mapping to grow it.
        const MAYMOVE = g::MREMAP_MAYMOVE;
        /// `MREMAP_FIXED`: move the mapping to `new_address` (needs
        /// `MAYMOVE`).
        const FIXED = g::MREMAP_FIXED;
        /// `MREMAP_DONTUNMAP` (Linux 5.7; private anonymous maps only
        /// before 5.13): move the pages, leave the old range mapped (and
        /// empty). Needs `MAYMOVE` and `old_len == new_len`.
        const DONTUNMAP = g::MREMAP_DONTUNMAP;
    }
}

/// The `advice` argument of
/// [`madvise(2)`](https://man7.org/linux/man-pages/man2/madvise.2.html).
///
/// Advice values are not bits; this is a transparent wrapper over the
/// kernel's integer so that any value, including an invalid one, can be
/// passed ([`Advice::from_raw`]).
#[repr(transparent)]
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct Advice(u32);

impl Advice {
    /// `MADV_NORMAL`: no special treatment.
    pub const NORMAL: Self = Self(g::MADV_NORMAL);
    /// `MADV_RANDOM`: expect random access (less read-ahead).
    pub const RANDOM: Self = Self(g::MADV_RANDOM);
    /// `MADV_SEQUENTIAL`: expect sequential access (more read-ahead).
    pub const SEQUENTIAL: Self = Self(g::MADV_SEQUENTIAL);
    /// `MADV_WILLNEED`: read the pages in soon.
    pub const WILLNEED: Self = Self(g::MADV_WILLNEED);
    /// `MADV_DONTNEED`: drop the pages now; private anonymous pages read
    /// back as zeros, file pages are re-read from the file.
    pub const DONTNEED: Self = Self(g::MADV_DONTNEED);
    /// `MADV_FREE` (Linux 4.5): the pages may be freed lazily; contents are
    /// undefined until written again.
    pub const FREE: Self = Self(g::MADV_FREE);
    /// `MADV_REMOVE`: free the range and its backing store (shmem/tmpfs).
    pub const REMOVE: Self = Self(g::MADV_REMOVE);
    /// `MADV_DONTFORK`: do not copy this range into a child on `fork`.
    pub const DONTFORK: Self = Self(g::MADV_DONTFORK);
    /// `MADV_DOFORK`: undo `MADV_DONTFORK`.
    pub const DOFORK: Self = Self(g::MADV_DOFORK);
    /// `MADV_MERGEABLE`: allow KSM to merge identical pages.
    pub const MERGEABLE: Self = Self(g::MADV_MERGEABLE);
    /// `MADV_UNMERGEABLE`: undo `MADV_MERGEABLE`.
    pub const UNMERGEABLE: Self = Self(g::MADV_UNMERGEABLE);
    /// `MADV_HUGEPAGE`: back this range with transparent huge pages.
    pub const HUGEPAGE: Self = Self(g::MADV_HUGEPAGE);
    /// `MADV_NOHUGEPAGE`: never use transparent huge pages here.
    pub const NOHUGEPAGE: Self = Self(g::MADV_NOHUGEPAGE);
    /// `MADV_DONTDUMP`: leave the range out of core dumps.
    pub const DONTDUMP: Self = Self(g::MADV_DONTDUMP);
    /// `MADV_DODUMP`: undo `MADV_DONTDUMP`.
    pub const DODUMP: Self = Self(g::MADV_DODUMP);
    /// `MADV_WIPEONFORK` (Linux 4.14): a child sees this range zero-filled.
    pub const WIPEONFORK: Self = Self(g::MADV_WIPEONFORK);
    /// `MADV_KEEPONFORK`: undo `MADV_WIPEONFORK`.
    pub const KEEPONFORK: Self = Self(g::MADV_KEEPONFORK);
    /// `MADV_COLD` (Linux 5.4): deactivate the pages.
    pub const COLD: Self = Self(g::MADV_COLD);
    /// `MADV_PAGEOUT` (Linux 5.4): reclaim the pages.
    pub const PAGEOUT: Self = Self(g::MADV_PAGEOUT);
    /// `MADV_POPULATE_READ` (Linux 5.14): pre-fault the pages readable.
    pub const POPULATE_READ: Self = Self(g::MADV_POPULATE_READ);
    /// `MADV_POPULATE_WRITE` (Linux 5.14): pre-fault the pages writable.
    pub const POPULATE_WRITE: Self = Self(g::MADV_POPULATE_WRITE);
    /// `MADV_COLLAPSE` (Linux 6.1): collapse the range into huge pages now.
    pub const COLLAPSE: Self = Self(g::MADV_COLLAPSE);
    /// `MADV_DONTNEED_LOCKED` (Linux 5.18): `MADV_DONTNEED` that also
    /// applies to locked pages.
    pub const DONTNEED_LOCKED: Self = Self(g::MADV_DONTNEED_LOCKED);
    /// `MADV_HWPOISON`: poison the pages as if the memory had failed
    /// (needs `CAP_SYS_ADMIN` and `CONFIG_MEMORY_FAILURE`; a test tool).
    pub const HWPOISON: Self = Self(g::MADV_HWPOISON);
    /// `MADV_SOFT_OFFLINE`: migrate the pages away and take the memory
    /// offline (needs `CAP_SYS_ADMIN` and `CONFIG_MEMORY_FAILURE`).
    pub const SOFT_OFFLINE: Self = Self(g::MADV_SOFT_OFFLINE);
    /// `MADV_GUARD_INSTALL` (Linux 6.13): make the pages guard pages
    /// (touching them raises SIGSEGV) without a new mapping; the
    /// contents are dropped. Older kernels answer `EINVAL`.
    pub const GUARD_INSTALL: Self = Self(g::MADV_GUARD_INSTALL);
    /// `MADV_GUARD_REMOVE` (Linux 6.13): remove guard pages; they read
    /// back as zeros (anonymous) or the file. Older kernels: `EINVAL`.
    pub const GUARD_REMOVE: Self = Self(g::MADV_GUARD_REMOVE);

    /// Any advice value, including ones this crate does not name (the
    /// kernel answers `EINVAL` for unknown ones).
    #[must_use]
    pub const fn from_raw(raw: u32) -> Self {
        Self(raw)
    }

    /// The kernel's integer for this advice.
    #[must_use]
    pub const fn as_raw(self) -> u32 {
        self.0
    }
}

bitflags::bitflags! {
    /// The `flags` argument of
    /// [`mlock2(2)`](https://man7.org/linux/man-pages/man2/mlock2.2.html).
    #[repr(transparent)]
    #[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
    pub struct MlockFlags: u32 {
        /// `MLOCK_ONFAULT` (Linux 4.4): lock pages as they are faulted in,
        /// instead of faulting the whole range in now.
        const ONFAULT = g::MLOCK_ONFAULT;
    }
}

bitflags::bitflags! {
    /// The `mode` argument of
    /// [`fallocate(2)`](https://man7.org/linux/man-pages/man2/fallocate.2.html).
    ///
    /// The empty set is `FALLOC_FL_ALLOCATE_RANGE` (also
    /// [`FallocateFlags::ALLOCATE_RANGE`]): allocate the blocks, growing the
    /// file if the range ends past it. Which modes a file system supports
    /// varies (`EOPNOTSUPP` otherwise); tmpfs has `KEEP_SIZE` and
    /// `PUNCH_HOLE` but not `ZERO_RANGE`, `COLLAPSE_RANGE` or
    /// `INSERT_RANGE`.
    #[repr(transparent)]
    #[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
    pub struct FallocateFlags: u32 {
        /// `FALLOC_FL_KEEP_SIZE`: allocate, but do not change the file size
        /// (blocks past the end stay allocated).
        const KEEP_SIZE = g::FALLOC_FL_KEEP_SIZE;
        /// `FALLOC_FL_PUNCH_HOLE` (Linux 2.6.38): free the blocks of the
        /// range (it reads as zeros); must be given with `KEEP_SIZE`.
        const PUNCH_HOLE = g::FALLOC_FL_PUNCH_HOLE;
        /// `FALLOC_FL_NO_HIDE_STALE`: reserved; rejected by mainline file
        /// systems.
        const NO_HIDE_STALE = g::FALLOC_FL_NO_HIDE_STALE;
        /// `FALLOC_FL_COLLAPSE_RANGE` (Linux 3.15): remove the range and
        /// shift the rest of the file down (block-aligned ranges only).
        const COLLAPSE_RANGE = g::FALLOC_FL_COLLAPSE_RANGE;
        /// `FALLOC_FL_ZERO_RANGE` (Linux 3.15): make the range read as zeros,
        /// keeping it allocated.
        const ZERO_RANGE = g::FALLOC_FL_ZERO_RANGE;
        /// `FALLOC_FL_INSERT_RANGE` (Linux 4.1): insert a hole of the
        /// range's size, shifting the rest of the file up.
        const INSERT_RANGE = g::FALLOC_FL_INSERT_RANGE;
        /// `FALLOC_FL_UNSHARE_RANGE` (Linux 4.5): unshare blocks shared with
        /// other files (reflinks), so writes cannot fail for space.
        const UNSHARE_RANGE = g::FALLOC_FL_UNSHARE_RANGE;
        /// `FALLOC_FL_WRITE_ZEROES` (Linux 6.17): zero the range by writing
        /// zeros to the device (fast on devices that unmap).
        const WRITE_ZEROES = g::FALLOC_FL_WRITE_ZEROES;
    }
}

impl FallocateFlags {
    /// `FALLOC_FL_ALLOCATE_RANGE` (0): plain allocation.
    pub const ALLOCATE_RANGE: Self = Self::from_bits_retain(g::FALLOC_FL_ALLOCATE_RANGE);
}

/// The `advice` argument of
/// [`posix_fadvise(2)`](https://man7.org/linux/man-pages/man2/posix_fadvise.2.html):
/// how a file will be read (page cache behaviour). Values, not bits.
#[repr(u32)]
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum FileAdvice {
    /// `POSIX_FADV_NORMAL`: no special treatment.
    Normal = g::POSIX_FADV_NORMAL,
    /// `POSIX_FADV_RANDOM`: expect random access (no read-ahead).
    Random = g::POSIX_FADV_RANDOM,
    /// `POSIX_FADV_SEQUENTIAL`: expect sequential access (more read-ahead).
    Sequential = g::POSIX_FADV_SEQUENTIAL,
    /// `POSIX_FADV_WILLNEED`: start reading the range into the cache.
    WillNeed = g::POSIX_FADV_WILLNEED,
    /// `POSIX_FADV_DONTNEED`: drop the range's clean pages from the cache.
    DontNeed = g::POSIX_FADV_DONTNEED,
    /// `POSIX_FADV_NOREUSE`: the data will be used once (Linux 6.3 acts on
    /// it; a no-op before).
    NoReuse = g::POSIX_FADV_NOREUSE,
}

bitflags::bitflags! {
    /// File descriptor flags, for
    /// [`fcntl_getfd`](crate::sys::fcntl_getfd) and
    /// [`fcntl_setfd`](crate::sys::fcntl_setfd) (`F_GETFD`/`F_SETFD`).
    #[repr(transparent)]
    #[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
    pub struct FdFlags: u32 {
        /// `FD_CLOEXEC`: the descriptor is closed by `execve`.
        const CLOEXEC = g::FD_CLOEXEC;
    }
}

bitflags::bitflags! {
    /// File seals, for
    /// [`fcntl_add_seals`](crate::sys::fcntl_add_seals) and
    /// [`fcntl_get_seals`](crate::sys::fcntl_get_seals)
    /// (`F_ADD_SEALS`/`F_GET_SEALS`, see
    /// [`memfd_create(2)`](https://man7.org/linux/man-pages/man2/memfd_create.2.html)).
    /// A seal, once set, stays for the life of the file.
    #[repr(transparent)]
    #[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
    pub struct SealFlags: u32 {
        /// `F_SEAL_SEAL`: no more seals may be added.
        const SEAL = g::F_SEAL_SEAL;
        /// `F_SEAL_SHRINK`: the file may not shrink (`EPERM`).
        const SHRINK = g::F_SEAL_SHRINK;
        /// `F_SEAL_GROW`: the file may not grow (`EPERM`).
        const GROW = g::F_SEAL_GROW;
        /// `F_SEAL_WRITE`: the contents may not change: `write` and new
        /// shared writable mappings fail with `EPERM`; adding the seal
        /// fails with `EBUSY` while a shared writable mapping exists.
        const WRITE = g::F_SEAL_WRITE;
        /// `F_SEAL_FUTURE_WRITE` (Linux 5.1): like `WRITE`, but shared
        /// writable mappings made before the seal keep writing.
        const FUTURE_WRITE = g::F_SEAL_FUTURE_WRITE;
        /// `F_SEAL_EXEC` (Linux 6.3): the execute mode bits may not change.
        const EXEC = g::F_SEAL_EXEC;
    }
}

bitflags::bitflags! {
    /// The `flags` argument of
    /// [`memfd_create(2)`](https://man7.org/linux/man-pages/man2/memfd_create.2.html).
    #[repr(transparent)]
    #[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
    pub struct MemfdFlags: u32 {
        /// `MFD_CLOEXEC`: the descriptor is closed by `execve`.
        const CLOEXEC = g::MFD_CLOEXEC;
        /// `MFD_ALLOW_SEALING`: seals may be added (without it the file is
        /// born with `F_SEAL_SEAL`).
        const ALLOW_SEALING = g::MFD_ALLOW_SEALING;
        /// `MFD_HUGETLB` (Linux 4.14): back the file with huge pages
        /// (hugetlbfs); combine with a size from
        /// [`MemfdFlags::hugetlb_size`]. Cannot be sealed before Linux 4.16.
        const HUGETLB = g::MFD_HUGETLB;
        /// `MFD_NOEXEC_SEAL` (Linux 6.3): not executable, sealed so
        /// (`F_SEAL_EXEC`); implies `ALLOW_SEALING`. Older kernels: `EINVAL`.
        const NOEXEC_SEAL = g::MFD_NOEXEC_SEAL;
        /// `MFD_EXEC` (Linux 6.3): executable (the default unless
        /// `vm.memfd_noexec` says otherwise). Older kernels: `EINVAL`.
        const EXEC = g::MFD_EXEC;
    }
}

impl MemfdFlags {
    /// `MFD_HUGETLB | (log2 << MFD_HUGE_SHIFT)`: huge pages of `1 << log2`
    /// bytes (e.g. 21 for 2 MiB, 30 for 1 GiB).
    ///
    /// Returns `None` if `log2` does not fit the 6-bit field
    /// (`MFD_HUGE_MASK`).
    #[must_use]
    pub const fn hugetlb_size(log2: u32) -> Option<Self> {
        if log2 > g::MFD_HUGE_MASK {
            return None;
        }
        Some(Self::from_bits_retain(
            g::MFD_HUGETLB | (log2 << g::MFD_HUGE_SHIFT),
        ))
    }
}
