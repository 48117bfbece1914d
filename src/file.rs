//! [`File`]: an open file, closed on drop, with the few operations a
//! mapping needs (size, resize, sync) and plain reads and writes.
//!
//! No libc and no std: every method is one or two system calls from
//! [`sys`]. Paths are anything [`path::Arg`](crate::path::Arg) takes:
//! `c"/tmp/data"` as it is, `"/tmp/data"` (or with std a `&Path`) through a
//! NUL-terminated copy on the stack; no allocation is ever made.

use core::ffi::CStr;
use core::fmt;

use crate::fd::{BorrowedFd, OwnedFd};
use crate::flags::{FallocateFlags, FileAdvice, MemfdFlags, Mode, OFlags, SealFlags};
use crate::path::Arg;
use crate::sys::{self, Errno};

/// An open file, closed when dropped.
///
/// Every constructor opens with `O_CLOEXEC`, so the descriptor does not
/// leak into programs started with `execve`. Closing the file does not
/// affect mappings made from it (the seed's FAQ 6): a mapping holds its own
/// reference to the file.
///
/// With the `std` feature it is `std::io::{Read, Write, Seek}` (also
/// through `&File`), implements std's `AsFd`, `AsRawFd`, `FromRawFd` and
/// `IntoRawFd` (so std, memmap2 and rustix take it), and converts both ways
/// with `std::fs::File` (`File::from(std_file)`,
/// `std::fs::File::from(file)`; the docs list only the first, since both
/// read `From<File> for File`).
///
/// ```
/// use rawmap::File;
/// # let dir = std::env::temp_dir().join(format!("rawmap-doc-file-{}", std::process::id()));
/// # let path = dir.as_path();
/// // `path` is a `&Path` here; "/tmp/data" (a `&str`) or c"/tmp/data"
/// // (a `&CStr`, passed with no copy) work too: see `rawmap::path::Arg`.
/// let file = File::create(path)?; // read-write, mode 0o600, truncated
/// assert_eq!(file.len()?, 0);
/// file.set_len(10)?; // a new file needs a size before it can be mapped
/// file.write_all(b"hello")?;
/// let mut buf = [0u8; 10];
/// assert_eq!(file.read_at(&mut buf, 0)?, 10);
/// assert_eq!(&buf, b"hello\0\0\0\0\0");
/// # rawmap::sys::unlink(path)?;
/// # Ok::<(), rawmap::Errno>(())
/// ```
pub struct File {
    fd: OwnedFd,
}

/// The mode [`File::create`] gives a new file: `0o600`, readable and
/// writable by its owner only.
pub const DEFAULT_CREATE_MODE: Mode = Mode::from_octal(0o600);

impl File {
    /// Opens an existing file read-only (`O_RDONLY | O_CLOEXEC`):
    /// [`open(2)`](https://man7.org/linux/man-pages/man2/open.2.html).
    ///
    /// Enough for [`MapOptions::map`](crate::MapOptions::map) and
    /// [`map_copy`](crate::MapOptions::map_copy); a shared writable mapping
    /// needs [`open_rw`](Self::open_rw) (the seed's FAQ 2: `EACCES`).
    ///
    /// # Errors
    ///
    /// The kernel's answer: `ENOENT`, `EACCES`, `ENOTDIR`, `ELOOP`,
    /// `EMFILE`, ...
    pub fn open(path: impl Arg) -> Result<Self, Errno> {
        Self::open_with(path, OFlags::RDONLY, Mode::empty())
    }

    /// Opens an existing file for reading and writing
    /// (`O_RDWR | O_CLOEXEC`).
    ///
    /// # Errors
    ///
    /// As [`open`](Self::open), plus `EISDIR` for a directory and `EROFS`
    /// on a read-only file system.
    pub fn open_rw(path: impl Arg) -> Result<Self, Errno> {
        Self::open_with(path, OFlags::RDWR, Mode::empty())
    }

    /// Creates a file, or truncates an existing one to length 0, and opens
    /// it for reading and writing (`O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC`,
    /// mode [`DEFAULT_CREATE_MODE`] = `0o600` before the umask).
    ///
    /// The new file is empty: give it a size with [`set_len`](Self::set_len)
    /// before mapping it (the seed's FAQ 5).
    ///
    /// # Errors
    ///
    /// As [`open_rw`](Self::open_rw), plus `ENOENT` when a directory on the
    /// path is missing and `EACCES` when the directory is not writable.
    pub fn create(path: impl Arg) -> Result<Self, Errno> {
        Self::create_with_mode(path, DEFAULT_CREATE_MODE)
    }

    /// [`create`](Self::create) with an explicit mode (before the umask).
    ///
    /// # Errors
    ///
    /// As [`create`](Self::create).
    pub fn create_with_mode(path: impl Arg, mode: Mode) -> Result<Self, Errno> {
        Self::open_with(path, OFlags::RDWR | OFlags::CREAT | OFlags::TRUNC, mode)
    }

    /// Creates a new file that must not exist yet
    /// (`O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC`, mode `0o600`).
    ///
    /// # Errors
    ///
    /// `EEXIST` when the path exists (even as a dangling symlink), and the
    /// errors of [`create`](Self::create).
    pub fn create_new(path: impl Arg) -> Result<Self, Errno> {
        Self::open_with(
            path,
            OFlags::RDWR | OFlags::CREAT | OFlags::EXCL,
            DEFAULT_CREATE_MODE,
        )
    }

    /// Opens with any flags; `O_CLOEXEC` is always added.
    ///
    /// # Errors
    ///
    /// The kernel's answer, see [`sys::open`].
    pub fn open_with(path: impl Arg, flags: OFlags, mode: Mode) -> Result<Self, Errno> {
        sys::open(path, flags | OFlags::CLOEXEC, mode).map(|fd| Self { fd })
    }

    /// Creates an anonymous in-memory file (a memfd), open for reading and
    /// writing, empty: [`memfd_create(2)`](https://man7.org/linux/man-pages/man2/memfd_create.2.html).
    /// `MFD_CLOEXEC` is always added. With [`MemfdFlags::ALLOW_SEALING`]
    /// it can be [sealed](Self::add_seals), and a file sealed against
    /// writes and shrinking can be mapped without `unsafe`
    /// ([`MapOptions::map_sealed`](crate::MapOptions::map_sealed)).
    ///
    /// # Errors
    ///
    /// As [`sys::memfd_create`].
    pub fn memfd(name: &CStr, flags: MemfdFlags) -> Result<Self, Errno> {
        sys::memfd_create(name, flags | MemfdFlags::CLOEXEC).map(|fd| Self { fd })
    }

    /// Adds seals (`F_ADD_SEALS`, see
    /// [`fcntl(2)`](https://man7.org/linux/man-pages/man2/fcntl.2.html)).
    ///
    /// # Errors
    ///
    /// As [`sys::fcntl_add_seals`]: `EINVAL` (not sealable), `EPERM`
    /// (`F_SEAL_SEAL` set), `EBUSY` (`WRITE` while a shared writable
    /// mapping exists).
    pub fn add_seals(&self, seals: SealFlags) -> Result<(), Errno> {
        sys::fcntl_add_seals(self.as_fd(), seals)
    }

    /// The file's seals (`F_GET_SEALS`).
    ///
    /// # Errors
    ///
    /// `EINVAL` for a file that does not support sealing.
    pub fn seals(&self) -> Result<SealFlags, Errno> {
        sys::fcntl_get_seals(self.as_fd())
    }

    /// A second descriptor for the same open file, with `FD_CLOEXEC`
    /// (`F_DUPFD_CLOEXEC`, see
    /// [`fcntl(2)`](https://man7.org/linux/man-pages/man2/fcntl.2.html)).
    ///
    /// # Errors
    ///
    /// `EMFILE` when no descriptor number is free.
    pub fn try_clone(&self) -> Result<Self, Errno> {
        sys::fcntl_dupfd_cloexec(self.as_fd(), 0).map(|fd| Self { fd })
    }

    /// Wraps an open descriptor.
    #[must_use]
    pub const fn from_fd(fd: OwnedFd) -> Self {
        Self { fd }
    }

    /// Gives the descriptor back, without closing it.
    #[must_use]
    pub fn into_fd(self) -> OwnedFd {
        self.fd
    }

    /// Borrows the descriptor.
    #[must_use]
    pub const fn as_fd(&self) -> BorrowedFd<'_> {
        self.fd.as_fd()
    }

    /// The file's size in bytes, from
    /// [`fstat(2)`](https://man7.org/linux/man-pages/man2/fstat.2.html).
    ///
    /// # Errors
    ///
    /// `EBADF` (only for a descriptor that was closed behind our back).
    #[allow(clippy::len_without_is_empty)] // a size that needs a syscall
    #[allow(clippy::unnecessary_cast)] // st_size is i64, but u64 on s390x
    pub fn len(&self) -> Result<u64, Errno> {
        // st_size is never negative for a file that fstat describes.
        sys::fstat(self.as_fd()).map(|st| st.st_size as u64)
    }

    /// Sets the file's size, filling with zeros when it grows:
    /// [`ftruncate(2)`](https://man7.org/linux/man-pages/man2/ftruncate.2.html).
    ///
    /// Shrinking a file that is mapped makes touching the mapped pages past
    /// the new end raise SIGBUS, in this process and in every other one.
    ///
    /// # Errors
    ///
    /// `EINVAL` when the file is not open for writing or `len > i64::MAX`;
    /// `EFBIG`, `EPERM`, `EIO`.
    pub fn set_len(&self, len: u64) -> Result<(), Errno> {
        sys::ftruncate(self.as_fd(), len)
    }

    /// Flushes the file's data and metadata to the device:
    /// [`fsync(2)`](https://man7.org/linux/man-pages/man2/fsync.2.html).
    ///
    /// Dirty pages of a shared mapping are written back by
    /// [`MmapMut::flush`](crate::MmapMut::flush); `sync_all` then also
    /// commits the file's metadata (its size).
    ///
    /// # Errors
    ///
    /// `EIO`, `ENOSPC`, `EDQUOT`, `EINVAL` (a file that cannot be synced).
    pub fn sync_all(&self) -> Result<(), Errno> {
        sys::fsync(self.as_fd())
    }

    /// Flushes the file's data, and the metadata needed to read it back
    /// (its size), to the device:
    /// [`fdatasync(2)`](https://man7.org/linux/man-pages/man2/fdatasync.2.html).
    ///
    /// # Errors
    ///
    /// As [`sync_all`](Self::sync_all).
    pub fn sync_data(&self) -> Result<(), Errno> {
        sys::fdatasync(self.as_fd())
    }

    /// Makes sure the file's first `len` bytes have disk blocks, growing
    /// the file to `len` if it is shorter (never shrinking it):
    /// [`fallocate(2)`](https://man7.org/linux/man-pages/man2/fallocate.2.html)
    /// with mode 0.
    ///
    /// Use it instead of (or after) [`set_len`](Self::set_len) before
    /// storing through a shared mapping: a sparse file's blocks are only
    /// allocated when a page is written back, and a full disk then raises
    /// SIGBUS at the store; after `allocate` the disk space is reserved
    /// and the failure is this `ENOSPC` instead. `len == 0`: `Ok`, no
    /// system call.
    ///
    /// # Errors
    ///
    /// `ENOSPC`, `EFBIG`, `EBADF` (not open for writing), `EINVAL` for
    /// `len > i64::MAX`, `EOPNOTSUPP` on a file system without
    /// `fallocate`, `EPERM` on a sealed memfd.
    pub fn allocate(&self, len: u64) -> Result<(), Errno> {
        if len == 0 {
            return Ok(());
        }
        sys::fallocate(self.as_fd(), FallocateFlags::empty(), 0, len)
    }

    /// Any [`fallocate`](sys::fallocate) on the `len` bytes at `offset`:
    /// allocate ([`FallocateFlags::ALLOCATE_RANGE`]), `KEEP_SIZE`,
    /// `PUNCH_HOLE | KEEP_SIZE`, `ZERO_RANGE`, ...
    ///
    /// Punching a hole in (or zeroing) a range that is mapped changes the
    /// mapped bytes, like any write to the file: see
    /// [why mapping a file is unsafe](crate::Mmap#why-mapping-a-file-is-unsafe).
    ///
    /// # Errors
    ///
    /// As [`sys::fallocate`].
    pub fn allocate_range(&self, mode: FallocateFlags, offset: u64, len: u64) -> Result<(), Errno> {
        sys::fallocate(self.as_fd(), mode, offset, len)
    }

    /// Tells the kernel how the `len` bytes at `offset` (0: to the end)
    /// will be read:
    /// [`posix_fadvise(2)`](https://man7.org/linux/man-pages/man2/posix_fadvise.2.html).
    ///
    /// # Errors
    ///
    /// As [`sys::posix_fadvise`].
    pub fn advise(&self, offset: u64, len: u64, advice: FileAdvice) -> Result<(), Errno> {
        sys::posix_fadvise(self.as_fd(), offset, len, advice)
    }

    /// Reads from the current position:
    /// [`read(2)`](https://man7.org/linux/man-pages/man2/read.2.html).
    /// Returns the number of bytes read, 0 at end of file.
    ///
    /// # Errors
    ///
    /// `EBADF` when the file is not open for reading, `EISDIR`, `EIO`.
    /// `EINTR` is retried.
    pub fn read(&self, buf: &mut [u8]) -> Result<usize, Errno> {
        retry(|| sys::read(self.as_fd(), buf))
    }

    /// Reads at `offset`, leaving the position alone:
    /// [`pread(2)`](https://man7.org/linux/man-pages/man2/pread.2.html).
    ///
    /// Returns the number of bytes read: `buf.len()` unless the end of the
    /// file comes first (it keeps reading after a short read).
    ///
    /// # Errors
    ///
    /// As [`read`](Self::read), plus `EINVAL` for an offset above
    /// `i64::MAX` and `EOVERFLOW` when `offset + buf.len()` overflows.
    pub fn read_at(&self, buf: &mut [u8], offset: u64) -> Result<usize, Errno> {
        let mut done = 0;
        while done < buf.len() {
            let at = offset.checked_add(done as u64).ok_or(Errno::EOVERFLOW)?;
            match retry(|| sys::pread(self.as_fd(), &mut buf[done..], at))? {
                0 => break,
                n => done += n,
            }
        }
        Ok(done)
    }

    /// Writes all of `buf` at `offset`, leaving the position alone:
    /// [`pwrite(2)`](https://man7.org/linux/man-pages/man2/pwrite.2.html),
    /// repeated after short writes.
    ///
    /// # Errors
    ///
    /// As [`write_all`](Self::write_all), plus `EINVAL` for an offset above
    /// `i64::MAX` and `EOVERFLOW` when `offset + buf.len()` overflows.
    /// `EPERM` on a memfd sealed with `F_SEAL_WRITE` (or past its size
    /// with `F_SEAL_GROW`).
    pub fn write_all_at(&self, buf: &[u8], offset: u64) -> Result<(), Errno> {
        let mut done = 0;
        while done < buf.len() {
            let at = offset.checked_add(done as u64).ok_or(Errno::EOVERFLOW)?;
            match retry(|| sys::pwrite(self.as_fd(), &buf[done..], at))? {
                0 => return Err(Errno::EIO),
                n => done += n,
            }
        }
        Ok(())
    }

    /// Writes all of `buf` at the current position:
    /// [`write(2)`](https://man7.org/linux/man-pages/man2/write.2.html),
    /// repeated after short writes.
    ///
    /// # Errors
    ///
    /// `EBADF` when the file is not open for writing, `ENOSPC`, `EFBIG`,
    /// `EIO`; `EIO` too if the kernel accepts zero bytes. `EINTR` is
    /// retried. On error some of `buf` may have been written.
    pub fn write_all(&self, buf: &[u8]) -> Result<(), Errno> {
        let mut done = 0;
        while done < buf.len() {
            match retry(|| sys::write(self.as_fd(), &buf[done..]))? {
                0 => return Err(Errno::EIO),
                n => done += n,
            }
        }
        Ok(())
    }
}

/// Repeats `f` while it fails with `EINTR`.
fn retry<T>(mut f: impl FnMut() -> Result<T, Errno>) -> Result<T, Errno> {
    loop {
        match f() {
            Err(e) if e == Errno::EINTR => continue,
            r => return r,
        }
    }
}

impl From<OwnedFd> for File {
    fn from(fd: OwnedFd) -> Self {
        Self { fd }
    }
}

impl From<File> for OwnedFd {
    fn from(file: File) -> Self {
        file.fd
    }
}

impl fmt::Debug for File {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("File")
            .field("fd", &self.fd.as_raw_fd())
            .finish()
    }
}

#[cfg(feature = "std")]
mod std_impls {
    //! std interop: std's descriptor traits, conversions to and from
    //! `std::fs::File`, and `std::io::{Read, Write, Seek}`.
    use super::File;
    use crate::fd::{OwnedFd, RawFd};
    use crate::sys::{self, Whence};
    use std::io;
    use std::os::fd as sfd;

    // Hidden from the docs: it would read `impl From<File> for File`, as
    // the other direction does (the type docs say both exist).
    #[doc(hidden)]
    impl From<File> for std::fs::File {
        fn from(file: File) -> Self {
            sfd::OwnedFd::from(file.fd).into()
        }
    }

    impl From<std::fs::File> for File {
        fn from(file: std::fs::File) -> Self {
            Self {
                fd: sfd::OwnedFd::from(file).into(),
            }
        }
    }

    impl sfd::AsFd for File {
        fn as_fd(&self) -> sfd::BorrowedFd<'_> {
            File::as_fd(self).into()
        }
    }

    impl sfd::AsRawFd for File {
        fn as_raw_fd(&self) -> RawFd {
            self.fd.as_raw_fd()
        }
    }

    impl sfd::IntoRawFd for File {
        fn into_raw_fd(self) -> RawFd {
            self.fd.into_raw_fd()
        }
    }

    impl sfd::FromRawFd for File {
        /// As [`OwnedFd::from_raw_fd`]: panics on -1.
        unsafe fn from_raw_fd(fd: RawFd) -> Self {
            // SAFETY: the caller upholds the same contract.
            let fd = unsafe { OwnedFd::from_raw_fd(fd) };
            Self::from_fd(fd)
        }
    }

    /// `read(2)`, retried on `EINTR`; errors keep their number and kind.
    impl io::Read for &File {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            File::read(self, buf).map_err(io::Error::from)
        }
    }

    /// `write(2)` (one call, retried on `EINTR`; it may write less than
    /// `buf`); `flush` does nothing (nothing is buffered: use
    /// [`File::sync_all`] for durability).
    impl io::Write for &File {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            super::retry(|| sys::write(self.as_fd(), buf)).map_err(io::Error::from)
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    /// `lseek(2)`. A position before the start is the kernel's `EINVAL`.
    impl io::Seek for &File {
        fn seek(&mut self, pos: io::SeekFrom) -> io::Result<u64> {
            let (offset, whence) = match pos {
                // An offset above i64::MAX is passed through unchanged
                // and refused by the kernel (EINVAL), as std does.
                io::SeekFrom::Start(n) => (n as i64, Whence::Set),
                io::SeekFrom::Current(n) => (n, Whence::Cur),
                io::SeekFrom::End(n) => (n, Whence::End),
            };
            sys::lseek(self.as_fd(), offset, whence).map_err(io::Error::from)
        }
    }

    impl io::Read for File {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            io::Read::read(&mut &*self, buf)
        }
    }

    impl io::Write for File {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            io::Write::write(&mut &*self, buf)
        }
        fn flush(&mut self) -> io::Result<()> {
            io::Write::flush(&mut &*self)
        }
    }

    impl io::Seek for File {
        fn seek(&mut self, pos: io::SeekFrom) -> io::Result<u64> {
            io::Seek::seek(&mut &*self, pos)
        }
    }
}
