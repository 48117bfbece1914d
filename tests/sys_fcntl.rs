//! `fcntl` (status and descriptor flags, `F_DUPFD_CLOEXEC`, seals) and
//! `memfd_create` of `rawmap::sys`, and their `File` wrappers, against the
//! real kernel: success paths and the errno paths that can be provoked.
mod common;

use common::TmpFile;
use rawmap::fd::BorrowedFd;
use rawmap::sys;
use rawmap::{Errno, FdFlags, File, MapOptions, MemfdFlags, Mode, OFlags, SealFlags};

fn bad_fd() -> BorrowedFd<'static> {
    // SAFETY: only used to provoke EBADF; this number is never open.
    unsafe { BorrowedFd::borrow_raw(i32::MAX) }
}

fn sealable(name: &std::ffi::CStr) -> File {
    File::memfd(name, MemfdFlags::ALLOW_SEALING).unwrap()
}

#[test]
fn status_flags() {
    let t = TmpFile::with_contents("fcntl-fl", b"x");
    let f = File::open_with(t.c(), OFlags::RDWR | OFlags::APPEND, Mode::empty()).unwrap();
    let fl = sys::fcntl_getfl(f.as_fd()).unwrap();
    assert_eq!(fl & OFlags::ACCMODE, OFlags::RDWR);
    assert!(
        fl.contains(OFlags::APPEND) && !fl.contains(OFlags::NONBLOCK),
        "{fl:?}"
    );
    sys::fcntl_setfl(f.as_fd(), OFlags::NONBLOCK).unwrap();
    let fl = sys::fcntl_getfl(f.as_fd()).unwrap();
    // APPEND cleared, NONBLOCK set; the access mode cannot change.
    assert!(
        fl.contains(OFlags::NONBLOCK) && !fl.contains(OFlags::APPEND),
        "{fl:?}"
    );
    assert_eq!(fl & OFlags::ACCMODE, OFlags::RDWR);
    let ro = File::open(t.c()).unwrap();
    assert_eq!(
        sys::fcntl_getfl(ro.as_fd()).unwrap() & OFlags::ACCMODE,
        OFlags::RDONLY
    );
    assert_eq!(sys::fcntl_getfl(bad_fd()), Err(Errno::EBADF));
    assert_eq!(
        sys::fcntl_setfl(bad_fd(), OFlags::empty()),
        Err(Errno::EBADF)
    );
}

#[test]
fn descriptor_flags_and_dup() {
    let t = TmpFile::with_contents("fcntl-fd", b"abc");
    let f = File::open(t.c()).unwrap();
    // Every File is opened with O_CLOEXEC.
    assert_eq!(sys::fcntl_getfd(f.as_fd()), Ok(FdFlags::CLOEXEC));
    sys::fcntl_setfd(f.as_fd(), FdFlags::empty()).unwrap();
    assert_eq!(sys::fcntl_getfd(f.as_fd()), Ok(FdFlags::empty()));
    sys::fcntl_setfd(f.as_fd(), FdFlags::CLOEXEC).unwrap();
    assert_eq!(sys::fcntl_getfd(bad_fd()), Err(Errno::EBADF));
    assert_eq!(
        sys::fcntl_setfd(bad_fd(), FdFlags::CLOEXEC),
        Err(Errno::EBADF)
    );

    let dup = sys::fcntl_dupfd_cloexec(f.as_fd(), 100).unwrap();
    assert!(dup.as_raw_fd() >= 100, "{}", dup.as_raw_fd());
    assert_eq!(sys::fcntl_getfd(dup.as_fd()), Ok(FdFlags::CLOEXEC));
    // The same open file: one position.
    let mut b = [0u8; 1];
    assert_eq!(sys::read(dup.as_fd(), &mut b), Ok(1));
    assert_eq!(sys::lseek(f.as_fd(), 0, sys::Whence::Cur), Ok(1));
    let clone = f.try_clone().unwrap();
    assert_ne!(clone.as_fd().as_raw_fd(), f.as_fd().as_raw_fd());
    assert_eq!(
        sys::fcntl_dupfd_cloexec(f.as_fd(), -1).map(drop),
        Err(Errno::EINVAL)
    );
    assert_eq!(
        sys::fcntl_dupfd_cloexec(f.as_fd(), i32::MAX).map(drop),
        Err(Errno::EINVAL)
    );
    assert_eq!(
        sys::fcntl_dupfd_cloexec(bad_fd(), 0).map(drop),
        Err(Errno::EBADF)
    );
}

#[test]
fn memfd_create_makes_an_empty_read_write_file() {
    let fd = sys::memfd_create(c"rawmap-test", MemfdFlags::CLOEXEC).unwrap();
    assert_eq!(sys::fstat(fd.as_fd()).unwrap().st_size, 0);
    assert_eq!(sys::fcntl_getfd(fd.as_fd()), Ok(FdFlags::CLOEXEC));
    assert_eq!(
        sys::fcntl_getfl(fd.as_fd()).unwrap() & OFlags::ACCMODE,
        OFlags::RDWR
    );
    let link = std::fs::read_link(format!("/proc/self/fd/{}", fd.as_raw_fd())).unwrap();
    assert!(
        link.to_str().unwrap().starts_with("/memfd:rawmap-test"),
        "{link:?}"
    );
    let f = File::from_fd(fd);
    f.set_len(100).unwrap();
    f.write_all_at(b"hi", 98).unwrap();
    // SAFETY: a memfd only this test has.
    let m = unsafe { MapOptions::new().map(&f) }.unwrap();
    assert_eq!(&m[98..], b"hi");
    // Without ALLOW_SEALING the file is born sealed with F_SEAL_SEAL.
    assert_eq!(f.seals(), Ok(SealFlags::SEAL));
    assert_eq!(f.add_seals(SealFlags::WRITE), Err(Errno::EPERM));
}

#[test]
fn memfd_create_errors_and_kernel_dependent_flags() {
    // The name may be at most 249 bytes (NAME_MAX minus "memfd:").
    let long = std::ffi::CString::new(vec![b'n'; 250]).unwrap();
    assert_eq!(
        sys::memfd_create(&long, MemfdFlags::empty()).map(drop),
        Err(Errno::EINVAL)
    );
    let ok = std::ffi::CString::new(vec![b'n'; 249]).unwrap();
    sys::memfd_create(&ok, MemfdFlags::CLOEXEC).unwrap();
    assert_eq!(
        sys::memfd_create(c"x", MemfdFlags::from_bits_retain(1 << 10)).map(drop),
        Err(Errno::EINVAL)
    );
    // A huge page size without HUGETLB.
    let size_only = MemfdFlags::hugetlb_size(21).unwrap() - MemfdFlags::HUGETLB;
    assert_eq!(
        sys::memfd_create(c"x", size_only).map(drop),
        Err(Errno::EINVAL)
    );
    assert_eq!(MemfdFlags::hugetlb_size(64), None);
    // NOEXEC_SEAL and EXEC exclude each other (Linux 6.3+; EINVAL as
    // unknown flags before).
    assert_eq!(
        sys::memfd_create(c"x", MemfdFlags::NOEXEC_SEAL | MemfdFlags::EXEC).map(drop),
        Err(Errno::EINVAL)
    );
    // NOEXEC_SEAL: Linux 6.3+ seals the file against exec (F_SEAL_EXEC)
    // and allows sealing; older kernels (6.1 of the real-kernel lane) do
    // not know the flag: EINVAL.
    match File::memfd(c"noexec", MemfdFlags::NOEXEC_SEAL) {
        Ok(f) => {
            let seals = f.seals().unwrap();
            assert!(seals.contains(SealFlags::EXEC), "{seals:?}");
            assert!(!seals.contains(SealFlags::SEAL), "{seals:?}");
        }
        Err(e) => assert_eq!(e, Errno::EINVAL),
    }
    // HUGETLB: needs a hugetlbfs mount for the size; the file is made even
    // with an empty pool. ENOENT (no mount for the size) or ENODEV (a size
    // the kernel lacks) otherwise, ENOSYS for a kernel built without
    // CONFIG_HUGETLBFS.
    match File::memfd(c"huge", MemfdFlags::HUGETLB) {
        Ok(f) => {
            let st = sys::fstat(f.as_fd()).unwrap();
            assert!(
                st.st_blksize as usize > rawmap::page_size(),
                "{}",
                st.st_blksize
            );
        }
        Err(e) => assert!(
            [Errno::ENOENT, Errno::ENODEV, Errno::ENOSYS].contains(&e),
            "{e:?}"
        ),
    }
    match sys::memfd_create(c"huge", MemfdFlags::hugetlb_size(62).unwrap()) {
        Ok(_) => panic!("2^62-byte huge pages"),
        Err(e) => assert!(
            [Errno::ENODEV, Errno::EINVAL, Errno::ENOSYS].contains(&e),
            "{e:?}"
        ),
    }
}

#[test]
fn seals_forbid_what_they_name() {
    let f = sealable(c"seals");
    assert_eq!(f.seals(), Ok(SealFlags::empty()));
    f.write_all_at(b"hello", 0).unwrap();
    f.set_len(4096).unwrap();

    f.add_seals(SealFlags::SHRINK).unwrap();
    assert_eq!(f.set_len(100), Err(Errno::EPERM));
    f.set_len(8192).unwrap();
    f.add_seals(SealFlags::GROW).unwrap();
    assert_eq!(f.set_len(8193), Err(Errno::EPERM));
    assert_eq!(f.write_all_at(b"x", 8192), Err(Errno::EPERM));
    assert_eq!(f.allocate(8193), Err(Errno::EPERM));
    f.set_len(8192).unwrap(); // the same size is no change

    // A shared writable mapping blocks F_SEAL_WRITE ...
    // SAFETY: a memfd only this test has.
    let map = unsafe { MapOptions::new().map_mut(&f) }.unwrap();
    assert_eq!(f.add_seals(SealFlags::WRITE), Err(Errno::EBUSY));
    drop(map);
    // ... and once it is gone, the seal holds.
    f.add_seals(SealFlags::WRITE).unwrap();
    assert_eq!(f.write_all_at(b"x", 0), Err(Errno::EPERM));
    // SAFETY: as above.
    assert_eq!(
        unsafe { MapOptions::new().map_mut(&f) }.map(drop),
        Err(Errno::EPERM)
    );
    // A private copy is still allowed, and changes nothing in the file.
    // SAFETY: as above.
    let mut copy = unsafe { MapOptions::new().map_copy(&f) }.unwrap();
    copy[0] = b'J';
    let mut b = [0u8; 5];
    f.read_at(&mut b, 0).unwrap();
    assert_eq!(&b, b"hello");

    f.add_seals(SealFlags::SEAL).unwrap();
    assert_eq!(
        f.seals(),
        Ok(SealFlags::SEAL | SealFlags::SHRINK | SealFlags::GROW | SealFlags::WRITE)
    );
    assert_eq!(f.add_seals(SealFlags::FUTURE_WRITE), Err(Errno::EPERM));
}

#[test]
fn future_write_seal_keeps_existing_writable_maps() {
    let f = sealable(c"future");
    f.set_len(4096).unwrap();
    // SAFETY: a memfd only this test has.
    let mut map = unsafe { MapOptions::new().map_mut(&f) }.unwrap();
    f.add_seals(SealFlags::FUTURE_WRITE).unwrap();
    map[0] = 9;
    let mut b = [0u8; 1];
    f.read_at(&mut b, 0).unwrap();
    assert_eq!(b, [9]);
    assert_eq!(f.write_all_at(b"x", 0), Err(Errno::EPERM));
    // SAFETY: as above.
    assert_eq!(
        unsafe { MapOptions::new().map_mut(&f) }.map(drop),
        Err(Errno::EPERM)
    );
}

#[test]
fn seal_errors() {
    let t = TmpFile::with_contents("seal-file", b"x");
    let f = File::open_rw(t.c()).unwrap();
    // An ordinary file: no sealing (EINVAL), except on tmpfs, whose files
    // are shmem and answer as a memfd born with F_SEAL_SEAL.
    match f.seals() {
        Err(e) => assert_eq!(e, Errno::EINVAL),
        Ok(s) => assert_eq!(s, SealFlags::SEAL),
    }
    let (r, w) = std::io::pipe().unwrap();
    let read_end: BorrowedFd<'_> = std::os::fd::AsFd::as_fd(&r).into();
    let write_end: BorrowedFd<'_> = std::os::fd::AsFd::as_fd(&w).into();
    assert_eq!(sys::fcntl_get_seals(read_end), Err(Errno::EINVAL));
    // The kernel checks for write access before sealability.
    assert_eq!(
        sys::fcntl_add_seals(read_end, SealFlags::WRITE),
        Err(Errno::EPERM)
    );
    assert_eq!(
        sys::fcntl_add_seals(write_end, SealFlags::WRITE),
        Err(Errno::EINVAL)
    );
    assert_eq!(sys::fcntl_get_seals(bad_fd()), Err(Errno::EBADF));
    let m = sealable(c"unknown");
    assert_eq!(
        m.add_seals(SealFlags::from_bits_retain(1 << 20)),
        Err(Errno::EINVAL)
    );
    // Sealing needs a descriptor open for writing.
    let path = format!("/proc/self/fd/{}", m.as_fd().as_raw_fd());
    let path = std::ffi::CString::new(path).unwrap();
    let ro = File::open(&path).unwrap();
    assert_eq!(ro.add_seals(SealFlags::GROW), Err(Errno::EPERM));
    assert_eq!(ro.seals(), Ok(SealFlags::empty()));
}
