//! [`File`]: an open file, closed on drop, with the few operations a
//! mapping needs (size, resize, sync) and plain reads and writes.
//!
//! No libc and no std: every method is one or two system calls from
//! [`sys`]. Paths are C strings (`c"/tmp/data"`), since that is
//! what the kernel takes; no allocation is ever made.

use core::ffi::CStr;
use core::fmt;

use crate::fd::{AsFd, BorrowedFd, OwnedFd};
use crate::flags::{Mode, OFlags};
use crate::sys::{self, Errno};

/// An open file, closed when dropped.
///
/// Every constructor opens with `O_CLOEXEC`, so the descriptor does not
/// leak into programs started with `execve`. Closing the file does not
/// affect mappings made from it (the seed's FAQ 6): a mapping holds its own
/// reference to the file.
///
/// ```
/// use rawmap::File;
/// # let dir = std::env::temp_dir().join(format!("rawmap-doc-file-{}", std::process::id()));
/// # let path = std::ffi::CString::new(dir.into_os_string().into_encoded_bytes()).unwrap();
/// # let path = path.as_c_str();
/// // `path` is a `&CStr`, e.g. c"/tmp/data".
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
    pub fn open(path: &CStr) -> Result<Self, Errno> {
        Self::open_with(path, OFlags::RDONLY, Mode::empty())
    }

    /// Opens an existing file for reading and writing
    /// (`O_RDWR | O_CLOEXEC`).
    ///
    /// # Errors
    ///
    /// As [`open`](Self::open), plus `EISDIR` for a directory and `EROFS`
    /// on a read-only file system.
    pub fn open_rw(path: &CStr) -> Result<Self, Errno> {
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
    pub fn create(path: &CStr) -> Result<Self, Errno> {
        Self::create_with_mode(path, DEFAULT_CREATE_MODE)
    }

    /// [`create`](Self::create) with an explicit mode (before the umask).
    ///
    /// # Errors
    ///
    /// As [`create`](Self::create).
    pub fn create_with_mode(path: &CStr, mode: Mode) -> Result<Self, Errno> {
        Self::open_with(path, OFlags::RDWR | OFlags::CREAT | OFlags::TRUNC, mode)
    }

    /// Creates a new file that must not exist yet
    /// (`O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC`, mode `0o600`).
    ///
    /// # Errors
    ///
    /// `EEXIST` when the path exists (even as a dangling symlink), and the
    /// errors of [`create`](Self::create).
    pub fn create_new(path: &CStr) -> Result<Self, Errno> {
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
    pub fn open_with(path: &CStr, flags: OFlags, mode: Mode) -> Result<Self, Errno> {
        sys::open(path, flags | OFlags::CLOEXEC, mode).map(|fd| Self { fd })
    }

    /// Wraps an open descriptor.
    pub const fn from_fd(fd: OwnedFd) -> Self {
        Self { fd }
    }

    /// Gives the descriptor back, without closing it.
    pub fn into_fd(self) -> OwnedFd {
        self.fd
    }

    /// Borrows the descriptor.
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

impl AsFd for File {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.fd.as_fd()
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
impl From<File> for std::fs::File {
    fn from(file: File) -> Self {
        std::os::fd::OwnedFd::from(file.fd).into()
    }
}

#[cfg(feature = "std")]
impl From<std::fs::File> for File {
    fn from(file: std::fs::File) -> Self {
        Self {
            fd: std::os::fd::OwnedFd::from(file).into(),
        }
    }
}
