//! Positioned and vectored I/O and file space calls of `rawmap::sys`
//! (`pwrite`, `preadv`, `pwritev`, `fdatasync`, `lseek` with `SEEK_DATA`/
//! `SEEK_HOLE`, `fallocate`, `posix_fadvise`) and their `File` wrappers,
//! against the real kernel: success paths and every errno path that can be
//! provoked. Where the answer depends on the file system (the scratch
//! directory is ext4 here, tmpfs on the real-kernel lane), the set of
//! answers Linux gives is asserted, with the reason.
mod common;

use common::TmpFile;
use rawmap::fd::BorrowedFd;
use rawmap::sys::{self, IoSlice, IoSliceMut, Whence};
use rawmap::{Errno, FallocateFlags, File, FileAdvice, Mode, OFlags};

fn bad_fd() -> BorrowedFd<'static> {
    // SAFETY: only used to provoke EBADF; this number is never open.
    unsafe { BorrowedFd::borrow_raw(i32::MAX) }
}

fn page() -> u64 {
    rawmap::page_size() as u64
}

fn rw_file(tag: &str) -> (TmpFile, File) {
    let t = TmpFile::new(tag);
    let f = File::create(t.c()).unwrap();
    (t, f)
}

fn read_only(t: &TmpFile) -> File {
    File::open(t.c()).unwrap()
}

/// Two ends of a pipe (std), for ESPIPE.
fn pipe() -> (std::io::PipeReader, std::io::PipeWriter) {
    std::io::pipe().unwrap()
}

fn borrow<T: std::os::fd::AsFd>(t: &T) -> BorrowedFd<'_> {
    t.as_fd().into()
}

#[test]
fn pwrite_writes_at_the_offset_and_leaves_the_position() {
    let (_t, f) = rw_file("io-pwrite");
    assert_eq!(sys::pwrite(f.as_fd(), b"world", 6), Ok(5));
    assert_eq!(sys::pwrite(f.as_fd(), b"hello", 0), Ok(5));
    assert_eq!(sys::lseek(f.as_fd(), 0, Whence::Cur), Ok(0));
    let mut buf = [0u8; 11];
    assert_eq!(f.read_at(&mut buf, 0), Ok(11));
    assert_eq!(&buf, b"hello\0world");
    // Far past the end: the file grows, with a hole.
    assert_eq!(sys::pwrite(f.as_fd(), b"!", 1 << 20), Ok(1));
    assert_eq!(f.len(), Ok((1 << 20) + 1));
    assert_eq!(sys::pwrite(f.as_fd(), b"", 0), Ok(0));
}

#[test]
fn pwrite_errors() {
    let (t, _f) = rw_file("io-pwrite-err");
    let ro = read_only(&t);
    assert_eq!(sys::pwrite(ro.as_fd(), b"x", 0), Err(Errno::EBADF));
    assert_eq!(sys::pwrite(bad_fd(), b"x", 0), Err(Errno::EBADF));
    let (_r, w) = pipe();
    assert_eq!(sys::pwrite(borrow(&w), b"x", 0), Err(Errno::ESPIPE));
    let rw = File::open_rw(t.c()).unwrap();
    // A negative offset as the kernel sees it (loff_t).
    assert_eq!(sys::pwrite(rw.as_fd(), b"x", 1 << 63), Err(Errno::EINVAL));
}

#[test]
fn preadv_and_pwritev_fill_and_drain_buffers_in_order() {
    let (_t, f) = rw_file("io-vec");
    let bufs = [IoSlice::new(b"ab"), IoSlice::new(b""), IoSlice::new(b"cde")];
    assert_eq!(bufs[2].as_slice(), b"cde");
    assert_eq!(sys::pwritev(f.as_fd(), &bufs, 3), Ok(5));
    assert_eq!(f.len(), Ok(8));
    assert_eq!(sys::lseek(f.as_fd(), 0, Whence::Cur), Ok(0));
    let (mut a, mut b) = ([0u8; 4], [0u8; 10]);
    let mut bufs = [IoSliceMut::new(&mut a), IoSliceMut::new(&mut b)];
    // Short at the end of the file: 8 - 1 bytes.
    assert_eq!(sys::preadv(f.as_fd(), &mut bufs, 1), Ok(7));
    assert_eq!(bufs[0].as_slice(), b"\0\0ab");
    bufs[1].as_mut_slice()[9] = 9;
    assert_eq!(&a, b"\0\0ab");
    assert_eq!(b[9], 9);
    assert_eq!(&b[..3], b"cde");
    // An offset that needs more than 32 bits reaches the kernel whole.
    let far = (1u64 << 32) + 5;
    assert_eq!(sys::pwritev(f.as_fd(), &[IoSlice::new(b"Z")], far), Ok(1));
    assert_eq!(f.len(), Ok(far + 1));
    let mut z = [0u8; 1];
    assert_eq!(
        sys::preadv(f.as_fd(), &mut [IoSliceMut::new(&mut z)], far),
        Ok(1)
    );
    assert_eq!(&z, b"Z");
    assert_eq!(sys::preadv(f.as_fd(), &mut [], 0), Ok(0));
}

#[test]
fn preadv_and_pwritev_errors() {
    let (t, f) = rw_file("io-vec-err");
    let mut x = [0u8; 1];
    assert_eq!(
        sys::preadv(bad_fd(), &mut [IoSliceMut::new(&mut x)], 0),
        Err(Errno::EBADF)
    );
    let ro = read_only(&t);
    assert_eq!(
        sys::pwritev(ro.as_fd(), &[IoSlice::new(b"x")], 0),
        Err(Errno::EBADF)
    );
    let (r, w) = pipe();
    assert_eq!(
        sys::preadv(borrow(&r), &mut [IoSliceMut::new(&mut x)], 0),
        Err(Errno::ESPIPE)
    );
    assert_eq!(
        sys::pwritev(borrow(&w), &[IoSlice::new(b"x")], 0),
        Err(Errno::ESPIPE)
    );
    // More than IOV_MAX (1024) buffers.
    let many = vec![IoSlice::new(b"x"); 1025];
    assert_eq!(sys::pwritev(f.as_fd(), &many, 0), Err(Errno::EINVAL));
    assert_eq!(
        sys::pwritev(f.as_fd(), &[IoSlice::new(b"x")], 1 << 63),
        Err(Errno::EINVAL)
    );
}

#[test]
fn fdatasync_and_sync_data() {
    let (_t, f) = rw_file("io-fdatasync");
    f.write_all_at(b"data", 0).unwrap();
    assert_eq!(sys::fdatasync(f.as_fd()), Ok(()));
    assert_eq!(f.sync_data(), Ok(()));
    assert_eq!(sys::fdatasync(bad_fd()), Err(Errno::EBADF));
    // A pipe cannot be synced.
    let (_r, w) = pipe();
    assert_eq!(sys::fdatasync(borrow(&w)), Err(Errno::EINVAL));
}

#[test]
fn write_all_at_and_its_errors() {
    let (t, f) = rw_file("io-write-all-at");
    f.write_all_at(b"tail", 10).unwrap();
    f.write_all_at(b"head", 0).unwrap();
    let mut buf = [0u8; 14];
    assert_eq!(f.read_at(&mut buf, 0), Ok(14));
    assert_eq!(&buf, b"head\0\0\0\0\0\0tail");
    f.write_all_at(b"", 0).unwrap();
    assert_eq!(read_only(&t).write_all_at(b"x", 0), Err(Errno::EBADF));
    assert_eq!(f.write_all_at(b"xy", u64::MAX), Err(Errno::EINVAL));
}

#[test]
fn seek_data_and_hole() {
    let p = page();
    let (_t, f) = rw_file("io-seek-hole");
    // Data in the first page, then a hole of three pages to the end.
    f.write_all_at(&vec![1u8; p as usize], 0).unwrap();
    f.set_len(4 * p).unwrap();
    assert_eq!(sys::lseek(f.as_fd(), 0, Whence::Data), Ok(0));
    // ext4 and tmpfs track holes: the hole starts after the data. (A file
    // system without hole tracking reports the end of the file.)
    let hole = sys::lseek(f.as_fd(), 0, Whence::Hole).unwrap();
    assert!(hole == p || hole == 4 * p, "SEEK_HOLE from 0: {hole}");
    // In the trailing hole there is no more data: ENXIO.
    assert_eq!(
        sys::lseek(f.as_fd(), 2 * p as i64, Whence::Data),
        Err(Errno::ENXIO)
    );
    assert_eq!(
        sys::lseek(f.as_fd(), 4 * p as i64, Whence::Hole),
        Err(Errno::ENXIO)
    );
    assert_eq!(sys::lseek(f.as_fd(), -1, Whence::Data), Err(Errno::ENXIO));
    assert_eq!(sys::lseek(bad_fd(), 0, Whence::Hole), Err(Errno::EBADF));
    let (r, _w) = pipe();
    assert_eq!(sys::lseek(borrow(&r), 0, Whence::Data), Err(Errno::ESPIPE));
}

#[test]
fn fallocate_allocates_and_grows() {
    let p = page();
    let (_t, f) = rw_file("io-falloc");
    assert_eq!(
        sys::fallocate(f.as_fd(), FallocateFlags::empty(), 0, 2 * p),
        Ok(())
    );
    assert_eq!(f.len(), Ok(2 * p));
    let st = sys::fstat(f.as_fd()).unwrap();
    assert!(
        st.st_blocks as u64 * 512 >= 2 * p,
        "blocks {}",
        st.st_blocks
    );
    // KEEP_SIZE allocates past the end without growing.
    assert_eq!(
        sys::fallocate(f.as_fd(), FallocateFlags::KEEP_SIZE, 2 * p, 2 * p),
        Ok(())
    );
    assert_eq!(f.len(), Ok(2 * p));
    // File::allocate never shrinks, and grows to the asked length.
    f.allocate(p).unwrap();
    assert_eq!(f.len(), Ok(2 * p));
    f.allocate(3 * p).unwrap();
    assert_eq!(f.len(), Ok(3 * p));
    f.allocate(0).unwrap();
}

#[test]
fn fallocate_punch_hole_and_zero_range() {
    let p = page();
    let (_t, f) = rw_file("io-falloc-punch");
    f.write_all_at(&vec![7u8; 3 * p as usize], 0).unwrap();
    f.allocate_range(FallocateFlags::PUNCH_HOLE | FallocateFlags::KEEP_SIZE, p, p)
        .unwrap();
    assert_eq!(f.len(), Ok(3 * p));
    let mut buf = vec![0u8; 3 * p as usize];
    f.read_at(&mut buf, 0).unwrap();
    assert!(buf[..p as usize].iter().all(|&b| b == 7));
    assert!(buf[p as usize..2 * p as usize].iter().all(|&b| b == 0));
    assert!(buf[2 * p as usize..].iter().all(|&b| b == 7));
    // The punched page is a hole now.
    assert_eq!(sys::lseek(f.as_fd(), p as i64, Whence::Data), Ok(2 * p));
    // ZERO_RANGE: ext4 and xfs have it; tmpfs (the real-kernel lane's
    // scratch directory) answers EOPNOTSUPP.
    match f.allocate_range(FallocateFlags::ZERO_RANGE, 0, 10) {
        Ok(()) => {
            f.read_at(&mut buf[..11], 0).unwrap();
            assert_eq!(&buf[..11], &[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7]);
        }
        Err(e) => assert_eq!(e, Errno::EOPNOTSUPP),
    }
}

#[test]
fn fallocate_errors() {
    let (t, f) = rw_file("io-falloc-err");
    let fd = f.as_fd();
    assert_eq!(
        sys::fallocate(fd, FallocateFlags::empty(), 0, 0),
        Err(Errno::EINVAL)
    );
    assert_eq!(
        sys::fallocate(fd, FallocateFlags::empty(), 1 << 63, 1),
        Err(Errno::EINVAL)
    );
    // offset + len past the largest file size (loff_t): EFBIG.
    assert_eq!(
        sys::fallocate(fd, FallocateFlags::empty(), i64::MAX as u64, 2),
        Err(Errno::EFBIG)
    );
    // PUNCH_HOLE needs KEEP_SIZE; unknown bits are refused the same way.
    assert_eq!(
        sys::fallocate(fd, FallocateFlags::PUNCH_HOLE, 0, 1),
        Err(Errno::EOPNOTSUPP)
    );
    assert_eq!(
        sys::fallocate(fd, FallocateFlags::from_bits_retain(1 << 20), 0, 1),
        Err(Errno::EOPNOTSUPP)
    );
    let ro = read_only(&t);
    assert_eq!(ro.allocate(10), Err(Errno::EBADF));
    assert_eq!(
        sys::fallocate(bad_fd(), FallocateFlags::empty(), 0, 1),
        Err(Errno::EBADF)
    );
    let (_r, w) = pipe();
    assert_eq!(
        sys::fallocate(borrow(&w), FallocateFlags::empty(), 0, 1),
        Err(Errno::ESPIPE)
    );
    let dir = sys::open(
        c"/",
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
        Mode::empty(),
    )
    .unwrap();
    // A directory opened read-only fails the write check first (EBADF).
    assert_eq!(
        sys::fallocate(dir.as_fd(), FallocateFlags::empty(), 0, 1),
        Err(Errno::EBADF)
    );
}

#[test]
fn posix_fadvise_accepts_every_advice() {
    let (_t, f) = rw_file("io-fadvise");
    f.write_all_at(&[1u8; 100], 0).unwrap();
    for advice in [
        FileAdvice::Normal,
        FileAdvice::Random,
        FileAdvice::Sequential,
        FileAdvice::WillNeed,
        FileAdvice::DontNeed,
        FileAdvice::NoReuse,
    ] {
        assert_eq!(
            sys::posix_fadvise(f.as_fd(), 0, 0, advice),
            Ok(()),
            "{advice:?}"
        );
        assert_eq!(f.advise(10, 50, advice), Ok(()), "{advice:?}");
    }
    // Past the end of the file is fine.
    assert_eq!(f.advise(1 << 40, 1, FileAdvice::WillNeed), Ok(()));
}

#[test]
fn posix_fadvise_errors() {
    let (_t, f) = rw_file("io-fadvise-err");
    assert_eq!(
        sys::posix_fadvise(bad_fd(), 0, 0, FileAdvice::Normal),
        Err(Errno::EBADF)
    );
    let (r, _w) = pipe();
    assert_eq!(
        sys::posix_fadvise(borrow(&r), 0, 0, FileAdvice::Normal),
        Err(Errno::ESPIPE)
    );
    // A negative length as the kernel sees it (loff_t).
    assert_eq!(f.advise(0, 1 << 63, FileAdvice::Normal), Err(Errno::EINVAL));
}
