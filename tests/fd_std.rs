//! std interop for descriptors (feature `std`): rawmap's calls accept std's
//! files and descriptors, rawmap's types are accepted by std, memmap2 and
//! rustix, `File` is `std::io::{Read, Write, Seek}`, and every safe
//! conversion is total (only the unsafe constructors refuse -1, as std's).
mod common;

use std::io::{Read, Seek, SeekFrom, Write};
use std::os::fd::{AsFd as _, AsRawFd, FromRawFd, IntoRawFd};

use common::TmpFile;
use rawmap::{BorrowedFd, Errno, File, MapOptions, Mmap, OwnedFd, sys};

#[test]
fn a_std_file_maps_directly() {
    let t = TmpFile::with_contents("fdstd-map", b"one\ntwo\nthree\n");
    let file = std::fs::File::open(t.path()).unwrap();
    // SAFETY: a private test file nobody changes while it is mapped.
    let map = unsafe { Mmap::map(&file) }.unwrap();
    assert_eq!(map.iter().filter(|&&b| b == b'\n').count(), 3);
    // std's OwnedFd and BorrowedFd, by reference and by value.
    let owned = std::os::fd::OwnedFd::from(file);
    // SAFETY: as above.
    let m2 = unsafe { MapOptions::new().offset(4).map(&owned) }.unwrap();
    assert_eq!(&m2[..3], b"two");
    // SAFETY: as above.
    let m3 = unsafe { MapOptions::new().len(3).map(owned.as_fd()) }.unwrap();
    assert_eq!(&m3[..], b"one");
    // The raw layer too.
    assert_eq!(sys::fstat(&owned).unwrap().st_size, 14);
    let mut buf = [0u8; 3];
    assert_eq!(sys::pread(owned.as_fd(), &mut buf, 8), Ok(3));
    assert_eq!(&buf, b"thr");
}

#[test]
fn a_rawmap_file_goes_to_memmap2_rustix_and_std() {
    let t = TmpFile::with_contents("fdstd-peers", b"hello peers");
    let file = File::open(t.c()).unwrap();
    // SAFETY: a private test file nobody changes while it is mapped.
    let theirs = unsafe { memmap2::Mmap::map(&file) }.unwrap();
    assert_eq!(&theirs[..], b"hello peers");
    // rustix takes std's AsFd.
    let st = rustix::fs::fstat(&file).unwrap();
    assert_eq!(st.st_size, 11);
    let mut buf = [0u8; 5];
    assert_eq!(rustix::io::pread(&file, &mut buf, 6), Ok(5));
    assert_eq!(&buf, b"peers");
    // And std's traits.
    assert_eq!(file.as_raw_fd(), File::as_fd(&file).as_raw_fd());
    let std_borrowed: std::os::fd::BorrowedFd<'_> = std::os::fd::AsFd::as_fd(&file);
    assert_eq!(std_borrowed.as_raw_fd(), file.as_raw_fd());
    // rawmap's OwnedFd and BorrowedFd too.
    let fd: OwnedFd = file.into_fd();
    assert_eq!(rustix::fs::fstat(&fd).unwrap().st_size, 11);
    assert_eq!(rustix::fs::fstat(fd.as_fd()).unwrap().st_size, 11);
    // SAFETY: as above.
    let theirs = unsafe { memmap2::Mmap::map(&fd) }.unwrap();
    assert_eq!(&theirs[..5], b"hello");
}

#[test]
fn conversions_move_ownership_and_keep_the_number() {
    let t = TmpFile::with_contents("fdstd-conv", b"abc");
    let file = File::open(t.c()).unwrap();
    let n = file.as_raw_fd();
    let std_file = std::fs::File::from(file);
    assert_eq!(std_file.as_raw_fd(), n);
    let back = File::from(std_file);
    assert_eq!(back.as_raw_fd(), n);
    let raw = IntoRawFd::into_raw_fd(back);
    assert_eq!(raw, n);
    // SAFETY: `raw` was just given up by its owner.
    let again = unsafe { <File as FromRawFd>::from_raw_fd(raw) };
    let owned: OwnedFd = again.into_fd();
    let std_owned = std::os::fd::OwnedFd::from(owned);
    assert_eq!(std_owned.as_raw_fd(), n);
    let owned = OwnedFd::from(std_owned);
    let borrowed: BorrowedFd<'_> = owned.as_fd();
    let std_b: std::os::fd::BorrowedFd<'_> = borrowed.into();
    assert_eq!(BorrowedFd::from(std_b).as_raw_fd(), n);
    // Still open after all the moves: closed exactly once, on drop.
    let mut buf = [0u8; 3];
    assert_eq!(sys::pread(&owned, &mut buf, 0), Ok(3));
    let st = sys::fstat(&owned).unwrap();
    let ours = (st.st_dev, st.st_ino);
    drop(owned);
    // SAFETY: n is closed now; fstat only reads the number.
    let closed = unsafe { BorrowedFd::borrow_raw(n) };
    // EBADF, or (the other tests of this binary run on other threads and
    // open files too) the number already reused for another file: never
    // ours any more. (Seen on the real-kernel lane: a concurrent test got
    // the number between the drop and this check.)
    match sys::fstat(closed) {
        Err(e) => assert_eq!(e, Errno::EBADF),
        Ok(other) => assert_ne!(
            (other.st_dev, other.st_ino),
            ours,
            "fd {n} still refers to the file after the drop"
        ),
    }
}

/// Every number the unsafe constructors accept (all but -1) converts into
/// std's types without a panic; -1 is refused at construction, as std
/// refuses it.
#[test]
fn safe_conversions_are_total() {
    for n in [i32::MIN, -100, -2, 0, 1, 2, 10_007, i32::MAX] {
        // SAFETY: the borrow is only converted and compared, never used for
        // a call (and a call would get EBADF for a number not open).
        let ours = unsafe { BorrowedFd::borrow_raw(n) };
        let theirs: std::os::fd::BorrowedFd<'_> = ours.into();
        assert_eq!(theirs.as_raw_fd(), n);
        assert_eq!(std::os::fd::AsFd::as_fd(&ours).as_raw_fd(), n);
        assert_eq!(AsRawFd::as_raw_fd(&ours), n);
    }
    // CWD (AT_FDCWD, -100) is accepted by std too.
    let cwd: std::os::fd::BorrowedFd<'static> = rawmap::fd::CWD.into();
    assert_eq!(cwd.as_raw_fd(), -100);
    // -1 panics in the unsafe constructors, before any conversion.
    // SAFETY: the constructor panics before anything is borrowed.
    let r = std::panic::catch_unwind(|| unsafe { BorrowedFd::borrow_raw(-1) });
    assert!(r.is_err());
    // SAFETY: the constructor panics before anything is owned.
    let r = std::panic::catch_unwind(|| unsafe { OwnedFd::from_raw_fd(-1) });
    assert!(r.is_err());
    // An owned number that is not open converts and closes with EBADF,
    // without a panic.
    // SAFETY: i32::MAX is never open (above any RLIMIT_NOFILE), so
    // nothing else can own it.
    let not_open = unsafe { OwnedFd::from_raw_fd(i32::MAX) };
    let std_owned = std::os::fd::OwnedFd::from(not_open);
    assert_eq!(std_owned.as_raw_fd(), i32::MAX);
    assert_eq!(sys::close(OwnedFd::from(std_owned)), Err(Errno::EBADF));
}

#[test]
fn file_is_std_io_read_write_seek() {
    let t = TmpFile::new("fdstd-io");
    let mut f = File::create(t.c()).unwrap();
    writeln!(f, "line {}", 1).unwrap();
    f.write_all(b"line 2\n").unwrap();
    f.flush().unwrap();
    assert_eq!(f.stream_position().unwrap(), 14);
    assert_eq!(f.seek(SeekFrom::Start(0)).unwrap(), 0);
    let mut s = String::new();
    f.read_to_string(&mut s).unwrap();
    assert_eq!(s, "line 1\nline 2\n");
    // `&File` works too (Read, Write, Seek through a shared reference).
    let mut r = &f;
    assert_eq!(r.seek(SeekFrom::End(-2)).unwrap(), 12);
    let mut two = [0u8; 2];
    r.read_exact(&mut two).unwrap();
    assert_eq!(&two, b"2\n");
    // Errors keep their number and kind.
    let err = r.seek(SeekFrom::Current(-100)).unwrap_err();
    assert_eq!(err.raw_os_error(), Some(libc::EINVAL));
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
    let ro = File::open(t.c()).unwrap();
    let err = (&ro).write(b"x").unwrap_err();
    assert_eq!(err.raw_os_error(), Some(libc::EBADF));
    // std::io::copy between a rawmap File and a std one.
    let t2 = TmpFile::new("fdstd-io-copy");
    let mut out = std::fs::File::create(t2.path()).unwrap();
    let mut src = File::open(t.c()).unwrap();
    assert_eq!(std::io::copy(&mut src, &mut out).unwrap(), 14);
    assert_eq!(std::fs::read(t2.path()).unwrap(), b"line 1\nline 2\n");
}
