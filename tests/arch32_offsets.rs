//! 64-bit file offsets and lengths past 4 GiB, through every call that
//! takes one. On the 32-bit arches (i686, armv7) each is a register pair
//! (armv7: aligned to an even register, a padding argument before it),
//! `lseek` is `_llseek`, `fstat` is `fstat64` and `mmap` is `mmap2` with
//! its offset in 4096-byte units (`src/sys/arch.rs`): a value whose high
//! half is lost, or a pair in the wrong registers, gives a wrong size, a
//! wrong position or a wrong errno here. The same checks run on the 64-bit
//! arches, where each is one register. All on a sparse file (no blocks
//! past the first few).
mod common;

use std::os::unix::fs::FileExt;

use common::TmpFile;
use rawmap::sys::{self, IoSlice, IoSliceMut, Whence};
use rawmap::{Errno, FallocateFlags, FileAdvice, MapFlags, Mode, OFlags, ProtFlags};

/// 5 GiB plus a page: both halves non-zero, and 4096-aligned.
const FAR: u64 = (5 << 30) + 4096;

fn sparse(tag: &str) -> (TmpFile, rawmap::OwnedFd) {
    let t = TmpFile::with_contents(tag, b"start");
    let fd = sys::open(t.c(), OFlags::RDWR, Mode::empty()).unwrap();
    (t, fd)
}

#[test]
fn ftruncate_truncate_and_fstat_past_4_gib() {
    let (t, fd) = sparse("a32-trunc");
    sys::ftruncate(fd.as_fd(), FAR + 3).unwrap();
    assert_eq!(sys::fstat(fd.as_fd()).unwrap().st_size as u64, FAR + 3);
    assert_eq!(std::fs::metadata(t.path()).unwrap().len(), FAR + 3);
    sys::truncate(t.c(), FAR + 7).unwrap();
    assert_eq!(std::fs::metadata(t.path()).unwrap().len(), FAR + 7);
    assert_eq!(rawmap::File::from(fd).len().unwrap(), FAR + 7);
}

#[test]
fn pread_pwrite_preadv_pwritev_past_4_gib() {
    let (t, fd) = sparse("a32-rw");
    assert_eq!(sys::pwrite(fd.as_fd(), b"far", FAR), Ok(3));
    assert_eq!(
        sys::pwritev(fd.as_fd(), &[IoSlice::new(b"ther")], FAR + 3),
        Ok(4)
    );
    // std (the C library's pread64) reads back what rawmap wrote, there.
    let std_file = std::fs::File::open(t.path()).unwrap();
    let mut got = [0u8; 7];
    std_file.read_exact_at(&mut got, FAR).unwrap();
    assert_eq!(&got, b"farther");
    assert_eq!(std_file.metadata().unwrap().len(), FAR + 7);
    let mut a = [0u8; 3];
    assert_eq!(sys::pread(fd.as_fd(), &mut a, FAR + 4), Ok(3));
    assert_eq!(&a, b"her");
    let (mut b, mut c) = ([0u8; 2], [0u8; 2]);
    let mut bufs = [IoSliceMut::new(&mut b), IoSliceMut::new(&mut c)];
    assert_eq!(sys::preadv(fd.as_fd(), &mut bufs, FAR + 1), Ok(4));
    assert_eq!((&b, &c), (b"ar", b"th"));
    // The start of the file is untouched (a lost high half writes there).
    let mut head = [0u8; 5];
    assert_eq!(sys::pread(fd.as_fd(), &mut head, 0), Ok(5));
    assert_eq!(&head, b"start");
}

#[test]
fn fallocate_and_fadvise_past_4_gib() {
    let (t, fd) = sparse("a32-falloc");
    match sys::fallocate(fd.as_fd(), FallocateFlags::empty(), FAR, 4096) {
        Ok(()) => assert_eq!(std::fs::metadata(t.path()).unwrap().len(), FAR + 4096),
        // A file system without fallocate (tmpfs, ext4 and btrfs have it).
        Err(e) => assert_eq!(e, Errno::EOPNOTSUPP, "fallocate"),
    }
    assert_eq!(
        sys::posix_fadvise(fd.as_fd(), FAR, 1 << 33, FileAdvice::WillNeed),
        Ok(())
    );
    // A negative length (only the high word's top bit set) is EINVAL: the
    // high word reached the kernel, in the right register.
    assert_eq!(
        sys::posix_fadvise(fd.as_fd(), 0, 1 << 63, FileAdvice::Normal),
        Err(Errno::EINVAL)
    );
    assert_eq!(
        sys::posix_fadvise(fd.as_fd(), FAR, 1 << 63, FileAdvice::Normal),
        Err(Errno::EINVAL)
    );
}

#[test]
fn lseek_set_cur_end_data_hole_past_4_gib() {
    let (_t, fd) = sparse("a32-seek");
    assert_eq!(sys::pwrite(fd.as_fd(), b"x", FAR), Ok(1));
    assert_eq!(sys::lseek(fd.as_fd(), FAR as i64, Whence::Set), Ok(FAR));
    assert_eq!(sys::lseek(fd.as_fd(), 5, Whence::Cur), Ok(FAR + 5));
    assert_eq!(sys::lseek(fd.as_fd(), -1, Whence::End), Ok(FAR));
    // The data after the first 4 GiB: the block holding FAR (file systems
    // with hole tracking: tmpfs, ext4, btrfs, xfs), or the offset itself
    // when the file system reports all of the file as data.
    let from = (4 << 30) + 1;
    let data = sys::lseek(fd.as_fd(), from as i64, Whence::Data).unwrap();
    assert!(
        data == from || (data > 4 << 30 && data <= FAR),
        "SEEK_DATA {data:#x}"
    );
    let hole = sys::lseek(fd.as_fd(), FAR as i64, Whence::Hole).unwrap();
    assert!(hole > FAR && hole <= FAR + 1, "SEEK_HOLE {hole:#x}");
}

#[test]
fn mmap_at_an_offset_past_4_gib() {
    let (_t, fd) = sparse("a32-mmap");
    let page = rawmap::page_size() as u64;
    let off = FAR.next_multiple_of(page);
    assert_eq!(sys::pwrite(fd.as_fd(), b"mapped", off + 10), Ok(6));
    // qemu-user 7.2 passes a 32-bit guest's mmap offset to its
    // `target_mmap` as an `abi_ulong`: it maps at the offset modulo 2^32
    // (fixed in later qemu). A marker there tells the two apart.
    let wrapped = off & 0xFFFF_FFFF;
    assert_eq!(sys::pwrite(fd.as_fd(), b"wraps!", wrapped + 10), Ok(6));
    // SAFETY: a new shared read-only mapping of our file, unmapped below.
    let p = unsafe {
        sys::mmap(
            std::ptr::null_mut(),
            page as usize,
            ProtFlags::READ,
            MapFlags::SHARED,
            Some(fd.as_fd()),
            off,
        )
    }
    .unwrap();
    // SAFETY: the page lies within the file (it ends at off + 16).
    let got = unsafe { std::slice::from_raw_parts(p.cast::<u8>().add(10), 6) };
    if cfg!(target_pointer_width = "32") && common::under_qemu().is_some() {
        eprintln!("under qemu-user on 32-bit: the mapping is at the offset modulo 2^32 (qemu 7.2)");
        assert_eq!(got, b"wraps!");
    } else {
        assert_eq!(got, b"mapped");
    }
    // SAFETY: our mapping, no longer used.
    unsafe { sys::munmap(p, page as usize) }.unwrap();

    // Not a multiple of 4096 (nor of the page size): EINVAL, as the kernel
    // answers for a misaligned offset on every arch.
    // SAFETY: fails before mapping anything.
    let r = unsafe {
        sys::mmap(
            std::ptr::null_mut(),
            4096,
            ProtFlags::READ,
            MapFlags::SHARED,
            Some(fd.as_fd()),
            FAR + 1,
        )
    };
    assert_eq!(r, Err(Errno::EINVAL));
}

/// mmap2's unit count is 32 bits: an offset of 2^44 or more cannot be
/// passed, and rawmap says `EOVERFLOW` (the kernel's answer when a page
/// offset overflows) without a system call. On the 64-bit arches the
/// kernel maps a regular file at any aligned offset up to its maximum
/// file size, past the end of the file too.
#[test]
fn mmap_offset_beyond_the_mmap2_unit_range() {
    let (_t, fd) = sparse("a32-mmap2");
    let map = |off: u64| {
        // SAFETY: a new mapping or an error; unmapped below.
        let r = unsafe {
            sys::mmap(
                std::ptr::null_mut(),
                4096,
                ProtFlags::READ,
                MapFlags::SHARED,
                Some(fd.as_fd()),
                off,
            )
        };
        if let Ok(p) = r {
            // SAFETY: our mapping, never touched.
            unsafe { sys::munmap(p, 4096) }.unwrap();
        }
        r.map(|_| ())
    };
    if cfg!(target_pointer_width = "32") {
        assert_eq!(map(1 << 44), Err(Errno::EOVERFLOW));
        assert_eq!(map(!4095), Err(Errno::EOVERFLOW));
        // The last unit: a 64-bit kernel (the compat layer) and qemu-user
        // map it, a 32-bit kernel finds the page offset overflowing
        // (`pgoff + pages < pgoff` in do_mmap: EOVERFLOW).
        let r = map((1 << 44) - 4096);
        assert!(matches!(r, Ok(()) | Err(Errno::EOVERFLOW)), "{r:?}");
    } else {
        let page = rawmap::page_size() as u64;
        assert_eq!(map((1u64 << 44).next_multiple_of(page)), Ok(()));
    }
}
