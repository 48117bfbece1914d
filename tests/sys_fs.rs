//! The file wrappers of `rawmap::sys` (`open`, `openat`, `close`,
//! `ftruncate`, `truncate`, `fstat`, `read`, `pread`, `write`, `lseek`,
//! `fsync`, `unlink`) against the real kernel: every success path and every
//! errno path that can be provoked, asserting the exact `Errno`.
mod common;

use std::ffi::{CStr, CString};

use common::{TmpFile, in_child, tmp_path};
use linux_raw_sys::general::{S_IFDIR, S_IFMT, S_IFREG};
use rawmap::fd::{self, BorrowedFd};
use rawmap::sys::{self, Whence};
use rawmap::{Errno, Mode, OFlags, OwnedFd};

/// A descriptor number that can never be open: above the largest possible
/// `fs.nr_open` (which is below `i32::MAX`).
const NEVER_OPEN_FD: i32 = i32::MAX;

fn bad_fd() -> BorrowedFd<'static> {
    // SAFETY: only used to provoke EBADF; this number can never be open.
    unsafe { BorrowedFd::borrow_raw(NEVER_OPEN_FD) }
}

fn mode() -> Mode {
    Mode::from_octal(0o600)
}

fn open(path: &CStr, flags: OFlags) -> OwnedFd {
    sys::open(path, flags, mode()).expect("open")
}

#[allow(clippy::unnecessary_cast)] // st_size is i64, but u64 on s390x
fn size_of(fd: &OwnedFd) -> u64 {
    sys::fstat(fd.as_fd()).unwrap().st_size as u64
}

/// A fresh directory, removed (with its contents) on drop.
struct TmpDir(CString);

impl TmpDir {
    fn new(tag: &str) -> Self {
        let p = tmp_path(tag);
        std::fs::create_dir(p.to_str().unwrap()).unwrap();
        Self(p)
    }
    fn join(&self, name: &str) -> CString {
        CString::new(format!("{}/{name}", self.0.to_str().unwrap())).unwrap()
    }
}

impl Drop for TmpDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(self.0.to_str().unwrap());
    }
}

// ---------------------------------------------------------------- open

#[test]
fn open_creates_reads_and_writes() {
    let t = TmpFile::new("fs-creat");
    let fd = sys::open(
        t.c(),
        OFlags::RDWR | OFlags::CREAT | OFlags::EXCL | OFlags::CLOEXEC,
        mode(),
    )
    .unwrap();
    assert!(fd.as_raw_fd() >= 0);
    assert_eq!(sys::write(fd.as_fd(), b"hello"), Ok(5));
    drop(fd);
    assert_eq!(std::fs::read(t.path()).unwrap(), b"hello");
    let fd = open(t.c(), OFlags::RDONLY);
    let mut buf = [0u8; 8];
    assert_eq!(sys::read(fd.as_fd(), &mut buf), Ok(5));
    assert_eq!(&buf[..5], b"hello");
}

#[test]
fn open_missing_file_is_enoent() {
    let t = TmpFile::new("fs-missing");
    assert_eq!(
        sys::open(t.c(), OFlags::RDONLY, mode()).err(),
        Some(Errno::ENOENT)
    );
}

#[test]
fn open_creat_excl_on_existing_file_is_eexist() {
    let t = TmpFile::with_contents("fs-excl", b"x");
    let r = sys::open(t.c(), OFlags::RDWR | OFlags::CREAT | OFlags::EXCL, mode());
    assert_eq!(r.err(), Some(Errno::EEXIST));
}

#[test]
fn open_directory_for_writing_is_eisdir() {
    for flags in [OFlags::WRONLY, OFlags::RDWR] {
        assert_eq!(
            sys::open(c"/", flags, mode()).err(),
            Some(Errno::EISDIR),
            "{flags:?}"
        );
    }
    // Read-only is fine.
    open(c"/", OFlags::RDONLY);
}

#[test]
fn open_through_a_file_or_o_directory_on_a_file_is_enotdir() {
    let t = TmpFile::with_contents("fs-notdir", b"x");
    let below = CString::new(format!("{}/x", t.0.to_str().unwrap())).unwrap();
    assert_eq!(
        sys::open(&below, OFlags::RDONLY, mode()).err(),
        Some(Errno::ENOTDIR)
    );
    assert_eq!(
        sys::open(t.c(), OFlags::RDONLY | OFlags::DIRECTORY, mode()).err(),
        Some(Errno::ENOTDIR)
    );
}

#[test]
fn open_without_permission_is_eacces() {
    // A file nobody may read or write.
    let t = TmpFile::with_contents("fs-perm", b"x");
    std::fs::set_permissions(
        t.path(),
        std::os::unix::fs::PermissionsExt::from_mode(0o000),
    )
    .unwrap();
    let root = sys::open(t.c(), OFlags::RDONLY, mode()).is_ok();
    if !root {
        // Not privileged: the permission bits apply to us directly.
        assert_eq!(
            sys::open(t.c(), OFlags::RDONLY, mode()).err(),
            Some(Errno::EACCES)
        );
        return;
    }
    // CAP_DAC_OVERRIDE bypasses the bits: drop to the `nobody` uid in a
    // child (a raw setuid system call: only the child's one thread changes).
    let path = t.0.clone();
    let st = in_child(|| {
        // SAFETY: a plain system call in a single-threaded child.
        if unsafe { libc::syscall(libc::SYS_setuid, 65534) } != 0 {
            return 1;
        }
        match sys::open(&path, OFlags::RDONLY, Mode::empty()) {
            Err(Errno::EACCES) => 0,
            _ => 2,
        }
    });
    assert_eq!(st.exit_code(), Some(0));
}

#[test]
fn open_o_path_gives_a_descriptor_without_io() {
    let t = TmpFile::with_contents("fs-opath", b"data");
    let fd = open(t.c(), OFlags::PATH);
    let mut buf = [0u8; 4];
    assert_eq!(sys::read(fd.as_fd(), &mut buf), Err(Errno::EBADF));
    assert_eq!(size_of(&fd), 4);
}

// ---------------------------------------------------------------- openat

#[test]
fn openat_is_relative_to_the_directory_descriptor() {
    let d = TmpDir::new("fs-at");
    let dir = open(&d.0, OFlags::RDONLY | OFlags::DIRECTORY);
    let fd = sys::openat(
        dir.as_fd(),
        c"inner",
        OFlags::WRONLY | OFlags::CREAT | OFlags::EXCL,
        mode(),
    )
    .unwrap();
    assert_eq!(sys::write(fd.as_fd(), b"in"), Ok(2));
    assert_eq!(
        std::fs::read(d.join("inner").to_str().unwrap()).unwrap(),
        b"in"
    );
}

#[test]
fn openat_cwd_is_the_current_directory() {
    // The test harness runs in the package directory, which has Cargo.toml.
    let fd = sys::openat(fd::CWD, c"Cargo.toml", OFlags::RDONLY, mode()).unwrap();
    assert_eq!(size_of(&fd), std::fs::metadata("Cargo.toml").unwrap().len());
}

#[test]
fn openat_bad_dirfd_with_relative_path_is_ebadf() {
    let r = sys::openat(bad_fd(), c"x", OFlags::RDONLY, mode());
    assert_eq!(r.err(), Some(Errno::EBADF));
    // An absolute path ignores the descriptor.
    sys::openat(bad_fd(), c"/", OFlags::RDONLY, mode()).unwrap();
}

#[test]
fn openat_file_as_dirfd_is_enotdir() {
    let t = TmpFile::with_contents("fs-atfile", b"x");
    let file = open(t.c(), OFlags::RDONLY);
    let r = sys::openat(file.as_fd(), c"x", OFlags::RDONLY, mode());
    assert_eq!(r.err(), Some(Errno::ENOTDIR));
}

// ---------------------------------------------------------------- close

#[test]
fn close_reports_success() {
    let t = TmpFile::with_contents("fs-close", b"x");
    let fd = open(t.c(), OFlags::RDONLY);
    let raw = fd.as_raw_fd();
    assert_eq!(sys::close(fd), Ok(()));
    // The number is free now (unless another test thread took it at once).
    let p = format!("/proc/self/fd/{raw}");
    assert!(std::fs::read_link(&p).map_or(true, |l| l != t.path()));
}

#[test]
fn close_unused_number_is_ebadf() {
    // SAFETY: a number that can never be open; close fails and owns nothing.
    let fd = unsafe { OwnedFd::from_raw_fd(NEVER_OPEN_FD) };
    assert_eq!(sys::close(fd), Err(Errno::EBADF));
}

// ---------------------------------------------------------------- ftruncate / truncate

#[test]
fn ftruncate_grows_with_zeros_and_shrinks() {
    let t = TmpFile::with_contents("fs-ftr", b"abc");
    let fd = open(t.c(), OFlags::RDWR);
    sys::ftruncate(fd.as_fd(), 10_000).unwrap();
    assert_eq!(size_of(&fd), 10_000);
    let mut buf = [1u8; 4];
    assert_eq!(sys::pread(fd.as_fd(), &mut buf, 9_996), Ok(4));
    assert_eq!(buf, [0; 4]);
    sys::ftruncate(fd.as_fd(), 2).unwrap();
    assert_eq!(std::fs::read(t.path()).unwrap(), b"ab");
}

#[test]
fn ftruncate_read_only_descriptor_is_einval() {
    let t = TmpFile::with_contents("fs-ftr-ro", b"abc");
    let fd = open(t.c(), OFlags::RDONLY);
    assert_eq!(sys::ftruncate(fd.as_fd(), 0), Err(Errno::EINVAL));
    assert_eq!(size_of(&fd), 3);
}

#[test]
fn ftruncate_directory_or_negative_length_is_einval() {
    let dir = open(c"/", OFlags::RDONLY);
    assert_eq!(sys::ftruncate(dir.as_fd(), 0), Err(Errno::EINVAL));
    let t = TmpFile::with_contents("fs-ftr-neg", b"abc");
    let fd = open(t.c(), OFlags::RDWR);
    assert_eq!(sys::ftruncate(fd.as_fd(), 1 << 63), Err(Errno::EINVAL));
}

#[test]
fn ftruncate_bad_or_o_path_descriptor_is_ebadf() {
    assert_eq!(sys::ftruncate(bad_fd(), 0), Err(Errno::EBADF));
    let t = TmpFile::with_contents("fs-ftr-path", b"abc");
    let fd = open(t.c(), OFlags::PATH);
    assert_eq!(sys::ftruncate(fd.as_fd(), 0), Err(Errno::EBADF));
}

#[test]
fn truncate_sets_the_size_by_path() {
    let t = TmpFile::with_contents("fs-tr", b"abcdef");
    sys::truncate(t.c(), 2).unwrap();
    assert_eq!(std::fs::read(t.path()).unwrap(), b"ab");
    sys::truncate(t.c(), 5).unwrap();
    assert_eq!(std::fs::read(t.path()).unwrap(), b"ab\0\0\0");
}

#[test]
fn truncate_errors() {
    let missing = TmpFile::new("fs-tr-missing");
    assert_eq!(sys::truncate(missing.c(), 0), Err(Errno::ENOENT));
    assert_eq!(sys::truncate(c"/", 0), Err(Errno::EISDIR));
    let t = TmpFile::with_contents("fs-tr-neg", b"abc");
    assert_eq!(sys::truncate(t.c(), 1 << 63), Err(Errno::EINVAL));
    let below = CString::new(format!("{}/x", t.0.to_str().unwrap())).unwrap();
    assert_eq!(sys::truncate(&below, 0), Err(Errno::ENOTDIR));
}

// ---------------------------------------------------------------- fstat

#[test]
fn fstat_reports_size_and_type() {
    let t = TmpFile::with_contents("fs-stat", &[7u8; 1234]);
    let fd = open(t.c(), OFlags::RDONLY);
    let st = sys::fstat(fd.as_fd()).unwrap();
    assert_eq!(st.st_size, 1234);
    assert_eq!(st.st_mode & S_IFMT, S_IFREG);
    let meta = std::fs::metadata(t.path()).unwrap();
    assert_eq!(st.st_ino as u64, std::os::unix::fs::MetadataExt::ino(&meta));
    let dir = open(c"/", OFlags::RDONLY | OFlags::DIRECTORY);
    assert_eq!(sys::fstat(dir.as_fd()).unwrap().st_mode & S_IFMT, S_IFDIR);
}

#[test]
fn fstat_bad_descriptor_is_ebadf() {
    assert_eq!(sys::fstat(bad_fd()).err(), Some(Errno::EBADF));
}

// ---------------------------------------------------------------- read / pread / write

#[test]
fn read_returns_zero_at_end_of_file() {
    let t = TmpFile::with_contents("fs-eof", b"ab");
    let fd = open(t.c(), OFlags::RDONLY);
    let mut buf = [0u8; 4];
    assert_eq!(sys::read(fd.as_fd(), &mut buf), Ok(2));
    assert_eq!(sys::read(fd.as_fd(), &mut buf), Ok(0));
}

#[test]
fn read_write_only_descriptor_is_ebadf() {
    let t = TmpFile::with_contents("fs-rd-wo", b"ab");
    let fd = open(t.c(), OFlags::WRONLY);
    let mut buf = [0u8; 2];
    assert_eq!(sys::read(fd.as_fd(), &mut buf), Err(Errno::EBADF));
    assert_eq!(sys::pread(fd.as_fd(), &mut buf, 0), Err(Errno::EBADF));
    assert_eq!(sys::read(bad_fd(), &mut buf), Err(Errno::EBADF));
}

#[test]
fn read_directory_is_eisdir() {
    let dir = open(c"/", OFlags::RDONLY | OFlags::DIRECTORY);
    let mut buf = [0u8; 16];
    assert_eq!(sys::read(dir.as_fd(), &mut buf), Err(Errno::EISDIR));
    assert_eq!(sys::pread(dir.as_fd(), &mut buf, 0), Err(Errno::EISDIR));
}

#[test]
fn pread_reads_at_offset_and_keeps_the_position() {
    let t = TmpFile::with_contents("fs-pread", b"0123456789");
    let fd = open(t.c(), OFlags::RDONLY);
    let mut buf = [0u8; 3];
    assert_eq!(sys::pread(fd.as_fd(), &mut buf, 5), Ok(3));
    assert_eq!(&buf, b"567");
    assert_eq!(sys::pread(fd.as_fd(), &mut buf, 100), Ok(0));
    assert_eq!(sys::lseek(fd.as_fd(), 0, Whence::Cur), Ok(0));
    assert_eq!(sys::read(fd.as_fd(), &mut buf), Ok(3));
    assert_eq!(&buf, b"012");
}

#[test]
fn pread_negative_offset_is_einval() {
    let t = TmpFile::with_contents("fs-pread-neg", b"0123");
    let fd = open(t.c(), OFlags::RDONLY);
    let mut buf = [0u8; 1];
    assert_eq!(
        sys::pread(fd.as_fd(), &mut buf, 1 << 63),
        Err(Errno::EINVAL)
    );
}

#[test]
fn write_read_only_descriptor_is_ebadf() {
    let t = TmpFile::with_contents("fs-wr-ro", b"ab");
    let fd = open(t.c(), OFlags::RDONLY);
    assert_eq!(sys::write(fd.as_fd(), b"x"), Err(Errno::EBADF));
    assert_eq!(sys::write(bad_fd(), b"x"), Err(Errno::EBADF));
    assert_eq!(std::fs::read(t.path()).unwrap(), b"ab");
}

#[test]
fn write_appends_with_o_append() {
    let t = TmpFile::with_contents("fs-append", b"ab");
    let fd = open(t.c(), OFlags::WRONLY | OFlags::APPEND);
    assert_eq!(sys::write(fd.as_fd(), b"cd"), Ok(2));
    assert_eq!(std::fs::read(t.path()).unwrap(), b"abcd");
}

// ---------------------------------------------------------------- lseek

#[test]
fn lseek_set_cur_end() {
    let t = TmpFile::with_contents("fs-seek", b"0123456789");
    let fd = open(t.c(), OFlags::RDONLY);
    assert_eq!(sys::lseek(fd.as_fd(), 4, Whence::Set), Ok(4));
    assert_eq!(sys::lseek(fd.as_fd(), 2, Whence::Cur), Ok(6));
    assert_eq!(sys::lseek(fd.as_fd(), -1, Whence::End), Ok(9));
    let mut b = [0u8; 1];
    sys::read(fd.as_fd(), &mut b).unwrap();
    assert_eq!(&b, b"9");
}

#[test]
fn lseek_past_the_end_does_not_change_the_size() {
    let t = TmpFile::with_contents("fs-seek-past", b"ab");
    let fd = open(t.c(), OFlags::RDWR);
    assert_eq!(sys::lseek(fd.as_fd(), 1 << 20, Whence::Set), Ok(1 << 20));
    assert_eq!(size_of(&fd), 2);
    // Only a write there does.
    assert_eq!(sys::write(fd.as_fd(), b"z"), Ok(1));
    assert_eq!(size_of(&fd), (1 << 20) + 1);
}

#[test]
fn lseek_to_a_negative_position_is_einval() {
    let t = TmpFile::with_contents("fs-seek-neg", b"ab");
    let fd = open(t.c(), OFlags::RDONLY);
    assert_eq!(sys::lseek(fd.as_fd(), -1, Whence::Set), Err(Errno::EINVAL));
    assert_eq!(sys::lseek(fd.as_fd(), -3, Whence::End), Err(Errno::EINVAL));
    assert_eq!(sys::lseek(fd.as_fd(), 0, Whence::Cur), Ok(0));
    assert_eq!(sys::lseek(bad_fd(), 0, Whence::Set), Err(Errno::EBADF));
}

// ---------------------------------------------------------------- fsync

#[test]
fn fsync_regular_file_succeeds() {
    let t = TmpFile::new("fs-fsync");
    let fd = sys::open(t.c(), OFlags::RDWR | OFlags::CREAT, mode()).unwrap();
    sys::write(fd.as_fd(), b"durable").unwrap();
    assert_eq!(sys::fsync(fd.as_fd()), Ok(()));
}

#[test]
fn fsync_errors() {
    assert_eq!(sys::fsync(bad_fd()), Err(Errno::EBADF));
    // A character device without an fsync operation.
    let null = open(c"/dev/null", OFlags::WRONLY);
    assert_eq!(sys::fsync(null.as_fd()), Err(Errno::EINVAL));
}

// ---------------------------------------------------------------- unlink

#[test]
fn unlink_removes_the_name_but_not_an_open_file() {
    let t = TmpFile::with_contents("fs-unlink", b"still here");
    let fd = open(t.c(), OFlags::RDONLY);
    assert_eq!(sys::unlink(t.c()), Ok(()));
    assert!(!t.path().exists());
    let mut buf = [0u8; 10];
    assert_eq!(sys::read(fd.as_fd(), &mut buf), Ok(10));
    assert_eq!(&buf, b"still here");
}

#[test]
fn unlink_errors() {
    let missing = TmpFile::new("fs-unlink-missing");
    assert_eq!(sys::unlink(missing.c()), Err(Errno::ENOENT));
    let d = TmpDir::new("fs-unlink-dir");
    assert_eq!(sys::unlink(&d.0), Err(Errno::EISDIR));
    let t = TmpFile::with_contents("fs-unlink-nd", b"x");
    let below = CString::new(format!("{}/x", t.0.to_str().unwrap())).unwrap();
    assert_eq!(sys::unlink(&below), Err(Errno::ENOTDIR));
}
