//! `rawmap::File`: opening modes, O_CLOEXEC, the create mode, size, sync,
//! reads and writes, conversions, and every error path, checked against
//! what std and /proc report.
mod common;

use std::os::unix::fs::PermissionsExt;

use common::TmpFile;
use rawmap::{Errno, File, Mode, OFlags, OwnedFd};

/// The `flags:` field of /proc/self/fdinfo/N (octal).
fn fd_flags(fd: i32) -> u32 {
    let info = std::fs::read_to_string(format!("/proc/self/fdinfo/{fd}")).unwrap();
    let line = info.lines().find(|l| l.starts_with("flags:")).unwrap();
    u32::from_str_radix(line["flags:".len()..].trim(), 8).unwrap()
}

fn raw(file: &File) -> i32 {
    file.as_fd().as_raw_fd()
}

#[test]
fn open_is_read_only_and_cloexec() {
    let t = TmpFile::with_contents("file-open", b"abc");
    let f = File::open(t.c()).unwrap();
    let flags = fd_flags(raw(&f));
    assert_eq!(flags & libc::O_ACCMODE as u32, libc::O_RDONLY as u32);
    assert_ne!(flags & libc::O_CLOEXEC as u32, 0, "O_CLOEXEC missing");
    let mut buf = [0u8; 8];
    assert_eq!(f.read(&mut buf), Ok(3));
    assert_eq!(&buf[..3], b"abc");
    assert_eq!(f.read(&mut buf), Ok(0), "end of file");
    assert_eq!(f.write_all(b"x"), Err(Errno::EBADF));
    assert_eq!(f.set_len(1), Err(Errno::EINVAL), "ftruncate needs write");
}

#[test]
fn open_rw_reads_and_writes() {
    let t = TmpFile::with_contents("file-rw", b"0123456789");
    let f = File::open_rw(t.c()).unwrap();
    let flags = fd_flags(raw(&f));
    assert_eq!(flags & libc::O_ACCMODE as u32, libc::O_RDWR as u32);
    assert_ne!(flags & libc::O_CLOEXEC as u32, 0);
    f.write_all(b"ab").unwrap();
    assert_eq!(std::fs::read(t.path()).unwrap(), b"ab23456789");
    let mut buf = [0u8; 4];
    assert_eq!(f.read_at(&mut buf, 6), Ok(4));
    assert_eq!(&buf, b"6789");
    // A read that meets the end of the file returns what there was.
    assert_eq!(f.read_at(&mut buf, 8), Ok(2));
    assert_eq!(&buf[..2], b"89");
    assert_eq!(f.read_at(&mut buf, 100), Ok(0));
    assert_eq!(f.read_at(&mut buf, u64::MAX), Err(Errno::EINVAL));
    // read_at leaves the position alone: the next read continues at 2.
    assert_eq!(f.read(&mut buf), Ok(4));
    assert_eq!(&buf, b"2345");
}

#[test]
fn create_makes_an_empty_0600_file_and_truncates() {
    let t = TmpFile::with_contents("file-create", b"old contents");
    std::fs::set_permissions(t.path(), std::fs::Permissions::from_mode(0o644)).unwrap();
    let f = File::create(t.c()).unwrap();
    assert_eq!(f.len(), Ok(0), "an existing file is truncated");
    assert_eq!(
        std::fs::metadata(t.path()).unwrap().permissions().mode() & 0o777,
        0o644,
        "an existing file keeps its mode"
    );
    drop(f);
    std::fs::remove_file(t.path()).unwrap();
    let f = File::create(t.c()).unwrap();
    let flags = fd_flags(raw(&f));
    assert_eq!(flags & libc::O_ACCMODE as u32, libc::O_RDWR as u32);
    assert_ne!(flags & libc::O_CLOEXEC as u32, 0);
    // 0o600 has no group/other bits, so no umask can change it.
    assert_eq!(
        std::fs::metadata(t.path()).unwrap().permissions().mode() & 0o777,
        0o600
    );
    assert_eq!(rawmap::file::DEFAULT_CREATE_MODE, Mode::from_octal(0o600));
}

#[test]
fn create_with_mode_and_create_new() {
    let t = TmpFile::new("file-mode");
    let f = File::create_with_mode(t.c(), Mode::from_octal(0o400)).unwrap();
    assert_eq!(
        std::fs::metadata(t.path()).unwrap().permissions().mode() & 0o777,
        0o400
    );
    // The descriptor is read-write even though the mode is read-only.
    f.write_all(b"still writable").unwrap();
    drop(f);
    assert_eq!(File::create_new(t.c()).unwrap_err(), Errno::EEXIST);
    let n = TmpFile::new("file-new");
    let f = File::create_new(n.c()).unwrap();
    assert_eq!(f.len(), Ok(0));
    assert_ne!(fd_flags(raw(&f)) & libc::O_CLOEXEC as u32, 0);
}

#[test]
fn open_with_adds_cloexec() {
    let t = TmpFile::with_contents("file-with", b"x");
    let f = File::open_with(t.c(), OFlags::RDONLY | OFlags::NOATIME, Mode::empty()).unwrap();
    assert_ne!(fd_flags(raw(&f)) & libc::O_CLOEXEC as u32, 0);
    let f = File::open_with(t.c(), OFlags::WRONLY | OFlags::APPEND, Mode::empty()).unwrap();
    f.write_all(b"yz").unwrap();
    assert_eq!(std::fs::read(t.path()).unwrap(), b"xyz");
}

#[test]
fn open_errors() {
    let missing = common::tmp_path("file-missing");
    assert_eq!(File::open(&missing).unwrap_err(), Errno::ENOENT);
    assert_eq!(File::open_rw(&missing).unwrap_err(), Errno::ENOENT);
    let dir =
        std::ffi::CString::new(std::env::temp_dir().into_os_string().into_encoded_bytes()).unwrap();
    assert_eq!(File::open_rw(&dir).unwrap_err(), Errno::EISDIR);
    assert_eq!(File::create(&dir).unwrap_err(), Errno::EISDIR);
    let nested = common::tmp_path("file-nodir");
    let mut nested = nested.into_bytes();
    nested.extend_from_slice(b"/child");
    let nested = std::ffi::CString::new(nested).unwrap();
    assert_eq!(File::create(&nested).unwrap_err(), Errno::ENOENT);
    let t = TmpFile::with_contents("file-notdir", b"");
    let mut under_file = t.0.clone().into_bytes();
    under_file.extend_from_slice(b"/x");
    let under_file = std::ffi::CString::new(under_file).unwrap();
    assert_eq!(File::open(&under_file).unwrap_err(), Errno::ENOTDIR);
}

#[test]
fn len_set_len_sync_all() {
    let t = TmpFile::new("file-len");
    let f = File::create(t.c()).unwrap();
    let page = rawmap::page_size() as u64;
    f.set_len(3 * page + 5).unwrap();
    assert_eq!(f.len(), Ok(3 * page + 5));
    assert_eq!(std::fs::metadata(t.path()).unwrap().len(), 3 * page + 5);
    // Growing fills with zeros.
    let mut buf = vec![1u8; 16];
    assert_eq!(f.read_at(&mut buf, page), Ok(16));
    assert!(buf.iter().all(|&b| b == 0));
    f.set_len(7).unwrap();
    assert_eq!(f.len(), Ok(7));
    assert_eq!(f.set_len(u64::MAX), Err(Errno::EINVAL), "above i64::MAX");
    f.sync_all().unwrap();
}

#[test]
fn write_all_writes_everything() {
    let t = TmpFile::new("file-write");
    let f = File::create(t.c()).unwrap();
    // Larger than a pipe buffer or a page, to cross several write calls
    // should the kernel split them.
    let data: Vec<u8> = (0..(1 << 20) + 3).map(|i| (i * 7) as u8).collect();
    f.write_all(&data).unwrap();
    f.write_all(&[]).unwrap();
    assert_eq!(f.len(), Ok(data.len() as u64));
    let mut back = vec![0u8; data.len()];
    assert_eq!(f.read_at(&mut back, 0), Ok(data.len()));
    assert_eq!(back, data);
    assert_eq!(std::fs::read(t.path()).unwrap(), data);
}

#[test]
fn conversions_keep_the_descriptor_open() {
    let t = TmpFile::with_contents("file-conv", b"conv");
    let f = File::open(t.c()).unwrap();
    let n = raw(&f);
    let fd: OwnedFd = f.into();
    assert_eq!(fd.as_raw_fd(), n);
    let f = File::from(fd);
    assert_eq!(raw(&f), n);
    let fd = f.into_fd();
    let f = File::from_fd(fd);
    assert_eq!(rawmap::AsFd::as_fd(&f).as_raw_fd(), n);
    assert_eq!(format!("{f:?}"), format!("File {{ fd: {n} }}"));
    // Through std and back.
    let mut std_file: std::fs::File = f.into();
    let mut s = String::new();
    std::io::Read::read_to_string(&mut std_file, &mut s).unwrap();
    assert_eq!(s, "conv");
    let f = File::from(std_file);
    assert_eq!(raw(&f), n);
    assert_eq!(f.len(), Ok(4));
}

#[test]
fn drop_closes() {
    let t = TmpFile::with_contents("file-drop", b"x");
    let f = File::open(t.c()).unwrap();
    let link = format!("/proc/self/fd/{}", raw(&f));
    assert_eq!(std::fs::read_link(&link).unwrap(), t.path());
    drop(f);
    // Another test thread may reuse the number at once, but not for this
    // file.
    assert_ne!(std::fs::read_link(&link).ok().as_deref(), Some(t.path()));
}
