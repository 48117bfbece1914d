//! `rawmap::path::Arg`: every accepted path type opens the same file, a
//! `&CStr` is passed with no copy, the others through a NUL-terminated
//! stack copy; an interior NUL is `EINVAL`, and a path of `PATH_MAX` bytes
//! or more is `ENAMETOOLONG`, as the kernel (and so libc and std) answers.
mod common;

use std::ffi::{CStr, CString, OsStr, OsString};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use common::TmpFile;
use rawmap::path::{Arg, PATH_MAX};
use rawmap::{Errno, File, Mode, OFlags, sys};

/// What a path argument becomes: the C string's address and bytes.
fn seen(arg: impl Arg) -> Result<(usize, Vec<u8>), Errno> {
    arg.into_with_c_str(|c| Ok((c.as_ptr() as usize, c.to_bytes_with_nul().to_vec())))
}

fn contents(file: &File) -> Vec<u8> {
    let mut buf = [0u8; 64];
    let n = file.read_at(&mut buf, 0).unwrap();
    buf[..n].to_vec()
}

#[test]
fn a_cstr_is_passed_with_no_copy() {
    let c: &CStr = c"/tmp/some/path";
    let (addr, bytes) = seen(c).unwrap();
    assert_eq!(addr, c.as_ptr() as usize);
    assert_eq!(bytes, b"/tmp/some/path\0");
    let owned = CString::new("/tmp/x").unwrap();
    assert_eq!(seen(&owned).unwrap().0, owned.as_ptr() as usize);
}

#[test]
fn other_types_are_copied_nul_terminated() {
    let s = String::from("/tmp/some/path");
    let (addr, bytes) = seen(s.as_str()).unwrap();
    assert_ne!(addr, s.as_ptr() as usize, "a copy, not the str itself");
    assert_eq!(bytes, b"/tmp/some/path\0");
    assert_eq!(seen(b"/a/b".as_slice()).unwrap().1, b"/a/b\0");
    assert_eq!(seen(b"/a/b").unwrap().1, b"/a/b\0");
    assert_eq!(seen("").unwrap().1, b"\0");
    // Non-UTF-8 bytes are fine (Linux paths are bytes).
    let raw = OsStr::from_bytes(b"/tmp/\xff\xfe");
    assert_eq!(seen(raw).unwrap().1, b"/tmp/\xff\xfe\0");
    assert_eq!(seen(Path::new(raw)).unwrap().1, b"/tmp/\xff\xfe\0");
}

#[test]
fn every_path_type_opens_the_file() {
    let t = TmpFile::with_contents("path-types", b"same file");
    let p: &Path = t.path();
    let s: &str = p.to_str().unwrap();
    let expect = b"same file".to_vec();
    let check = |f: Result<File, Errno>| assert_eq!(contents(&f.unwrap()), expect);
    check(File::open(t.c()));
    check(File::open(s));
    check(File::open(String::from(s)));
    let (string, path_buf) = (String::from(s), p.to_path_buf());
    let (os_string, c_string) = (OsString::from(s), CString::new(s).unwrap());
    check(File::open(&string));
    check(File::open(s.as_bytes()));
    check(File::open(&s.as_bytes().to_vec()));
    check(File::open(p));
    check(File::open(p.to_path_buf()));
    check(File::open(&path_buf));
    check(File::open(p.as_os_str()));
    check(File::open(OsString::from(s)));
    check(File::open(&os_string));
    check(File::open(CString::new(s).unwrap()));
    check(File::open(&c_string));
    check(File::open_rw(s));
    check(File::open_with(p, OFlags::RDONLY, Mode::empty()));
    let fd = sys::open(s, OFlags::RDONLY | OFlags::CLOEXEC, Mode::empty()).unwrap();
    check(Ok(File::from_fd(fd)));
    let fd = sys::openat(
        rawmap::fd::CWD,
        p,
        OFlags::RDONLY | OFlags::CLOEXEC,
        Mode::empty(),
    );
    check(fd.map(File::from_fd));
}

#[test]
fn create_truncate_unlink_take_any_path() {
    let t = TmpFile::new("path-create");
    let p = PathBuf::from(t.path());
    let f = File::create(&p).unwrap();
    f.write_all(b"0123456789").unwrap();
    sys::truncate(p.to_str().unwrap(), 4).unwrap();
    assert_eq!(std::fs::read(&p).unwrap(), b"0123");
    assert_eq!(File::create_new(p.as_os_str()).unwrap_err(), Errno::EEXIST);
    sys::unlink(&p).unwrap();
    assert!(!p.exists());
    assert_eq!(sys::unlink(p.as_path()), Err(Errno::ENOENT));
    // The empty path is the kernel's ENOENT.
    assert_eq!(File::open("").unwrap_err(), Errno::ENOENT);
}

#[test]
fn an_interior_nul_is_einval_and_reaches_no_syscall() {
    let t = TmpFile::new("path-nul");
    let prefix = t.path().to_str().unwrap().to_owned();
    // The kernel would see (and create) `prefix` if the bytes were passed
    // as they are; rawmap refuses instead.
    let with_nul = format!("{prefix}\0.more");
    assert_eq!(File::create(with_nul.as_str()).unwrap_err(), Errno::EINVAL);
    assert_eq!(
        File::create(with_nul.as_bytes()).unwrap_err(),
        Errno::EINVAL
    );
    assert_eq!(
        File::create(Path::new(&with_nul)).unwrap_err(),
        Errno::EINVAL
    );
    // A trailing NUL too: a `&str` is not a C string.
    let trailing = format!("{prefix}\0");
    assert_eq!(File::create(trailing.as_str()).unwrap_err(), Errno::EINVAL);
    assert!(!t.path().exists(), "nothing was created");
    assert_eq!(seen("\0").unwrap_err(), Errno::EINVAL);
}

/// A path of `PATH_MAX - 1` bytes fits (`/` repeated, then `tmp`: still
/// `/tmp`); one byte more is `ENAMETOOLONG`, which is also what the
/// kernel answers libc and std for it.
#[test]
fn path_max_is_the_kernels_limit() {
    assert_eq!(PATH_MAX, libc::PATH_MAX as usize);
    let longest = format!("{}tmp", "/".repeat(PATH_MAX - 1 - 3));
    assert_eq!(longest.len(), PATH_MAX - 1);
    let dir = File::open(longest.as_str()).unwrap();
    let st = sys::fstat(&dir).unwrap();
    assert_eq!(st.st_mode & libc::S_IFMT, libc::S_IFDIR);
    let too_long = format!("/{longest}");
    assert_eq!(too_long.len(), PATH_MAX);
    assert_eq!(
        File::open(too_long.as_str()).unwrap_err(),
        Errno::ENAMETOOLONG
    );
    // The kernel's own answer for the same path, through libc and std.
    let c = CString::new(too_long.as_str()).unwrap();
    // SAFETY: a C string; the result is checked and closed if open.
    let fd = unsafe { libc::open(c.as_ptr(), libc::O_RDONLY | libc::O_CLOEXEC) };
    assert_eq!(fd, -1);
    assert_eq!(common::libc_errno(), libc::ENAMETOOLONG);
    // A `&CStr` is not checked by rawmap: the kernel answers the same.
    assert_eq!(File::open(c.as_c_str()).unwrap_err(), Errno::ENAMETOOLONG);
    let err = std::fs::File::open(&too_long).unwrap_err();
    assert_eq!(err.raw_os_error(), Some(libc::ENAMETOOLONG));
    let huge = "/".repeat(3 * PATH_MAX);
    assert_eq!(seen(huge.as_str()).unwrap_err(), Errno::ENAMETOOLONG);
}
