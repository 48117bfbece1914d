//! File mappings through the safe layer: the seed's round trip (write
//! memory, the file changes), private copies, offsets, sizes, and every
//! error path, read back with the raw layer.
mod common;
use common::held_entry;

use common::TmpFile;
use rawmap::sys;
use rawmap::{Errno, File, MapOptions, Mmap, MmapMut, Mode, OFlags, ProtFlags};

fn page() -> usize {
    rawmap::page_size()
}

/// Bytes that differ from their neighbours and from zero-fill.
fn pattern(n: usize, seed: u8) -> Vec<u8> {
    (0..n)
        .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed) | 1)
        .collect()
}

/// The whole file, read with the raw layer (open + read loop + close).
fn read_back(path: &std::ffi::CStr) -> Vec<u8> {
    let fd = sys::open(path, OFlags::RDONLY | OFlags::CLOEXEC, Mode::empty()).unwrap();
    let mut out = Vec::new();
    let mut buf = vec![0u8; 4096];
    loop {
        match sys::read(fd.as_fd(), &mut buf).unwrap() {
            0 => break,
            n => out.extend_from_slice(&buf[..n]),
        }
    }
    sys::close(fd).unwrap();
    out
}

fn pread_back(path: &std::ffi::CStr, offset: u64, len: usize) -> Vec<u8> {
    let fd = sys::open(path, OFlags::RDONLY | OFlags::CLOEXEC, Mode::empty()).unwrap();
    let mut buf = vec![0u8; len];
    assert_eq!(sys::pread(fd.as_fd(), &mut buf, offset), Ok(len));
    buf
}

#[test]
fn shared_write_flush_unmap_close_read_back() {
    let t = TmpFile::new("mf-shared");
    let len = 2 * page() + 10;
    let data = pattern(len, 3);
    let file = File::create(t.c()).unwrap();
    file.set_len(len as u64).unwrap();
    // SAFETY: a new file only this test uses.
    let mut map = unsafe { MmapMut::map_mut(&file) }.unwrap();
    assert_eq!(map.len(), len);
    assert!(map.iter().all(|&b| b == 0), "set_len fills with zeros");
    map.copy_from_slice(&data);
    map.flush().unwrap();
    drop(map);
    drop(file);
    assert_eq!(read_back(t.c()), data);
    assert_eq!(
        pread_back(t.c(), page() as u64, 10),
        data[page()..page() + 10]
    );
}

#[test]
fn shared_writes_reach_the_file_before_flush() {
    // The page cache is shared: read() sees the bytes at once; flush is
    // about durability, not visibility.
    let t = TmpFile::with_contents("mf-visible", &[0u8; 64]);
    let file = File::open_rw(t.c()).unwrap();
    // SAFETY: a file only this test uses.
    let mut map = unsafe { MmapMut::map_mut(&file) }.unwrap();
    map[10..15].copy_from_slice(b"hello");
    assert_eq!(pread_back(t.c(), 10, 5), b"hello");
    drop(map);
}

#[test]
fn private_copy_leaves_the_file_unchanged() {
    let len = 3 * page();
    let data = pattern(len, 7);
    let t = TmpFile::with_contents("mf-private", &data);
    let file = File::open(t.c()).unwrap(); // read-only is enough
    // SAFETY: a file only this test uses.
    let mut copy = unsafe { MapOptions::new().map_copy(&file) }.unwrap();
    // SAFETY: as above.
    let shared = unsafe { Mmap::map(&file) }.unwrap();
    assert_eq!(&copy[..], &data[..]);
    copy.fill(0xAA);
    copy.flush().unwrap();
    assert!(copy.iter().all(|&b| b == 0xAA));
    assert_eq!(&shared[..], &data[..], "another mapping sees the file");
    drop(copy);
    drop(file);
    assert_eq!(read_back(t.c()), data);
}

#[test]
fn read_only_map_shows_the_file() {
    let data = pattern(page() + 123, 1);
    let t = TmpFile::with_contents("mf-ro", &data);
    let file = File::open(t.c()).unwrap();
    // SAFETY: a file only this test uses.
    let map = unsafe { Mmap::map(&file) }.unwrap();
    drop(file); // the seed's FAQ 6: closing the fd keeps the mapping
    assert_eq!(&map[..], &data[..]);
    assert_eq!(map.prot(), ProtFlags::READ);
    assert_eq!(map.as_ptr() as usize % page(), 0);
    let entry = held_entry(map.as_ptr() as usize);
    assert!(entry.contains("r--s"), "{entry}");
    assert!(entry.contains(t.path().to_str().unwrap()), "{entry}");
}

#[test]
fn contents_change_under_a_shared_map() {
    // Why file-backed constructors are unsafe: the bytes behind the slice
    // change when someone writes the file.
    let t = TmpFile::with_contents("mf-change", b"before");
    let file = File::open_rw(t.c()).unwrap();
    // SAFETY: the test reads the bytes only after the write below, through
    // a fresh borrow; nothing holds a slice across the change.
    let map = unsafe { Mmap::map(&file) }.unwrap();
    assert_eq!(&map[..], b"before");
    file.write_all(b"AFTER!").unwrap();
    assert_eq!(&map[..], b"AFTER!");
}

#[test]
fn grow_with_set_len_then_map_and_write_the_new_part() {
    let head = pattern(100, 9);
    let t = TmpFile::with_contents("mf-grow", &head);
    let file = File::open_rw(t.c()).unwrap();
    // Mapping past the end of the file is refused...
    // SAFETY: a file only this test uses.
    let err = unsafe { MapOptions::new().len(3 * page()).map_mut(&file) }.unwrap_err();
    assert_eq!(err, Errno::EINVAL);
    // ... until the file is grown (the seed's FAQ 5).
    file.set_len(3 * page() as u64).unwrap();
    // SAFETY: as above.
    let mut map = unsafe { MapOptions::new().len(3 * page()).map_mut(&file) }.unwrap();
    assert_eq!(&map[..100], &head[..]);
    let tail = pattern(3 * page() - 100, 5);
    map[100..].copy_from_slice(&tail);
    map.flush().unwrap();
    drop(map);
    let back = read_back(t.c());
    assert_eq!(&back[..100], &head[..]);
    assert_eq!(&back[100..], &tail[..]);
}

#[test]
fn unaligned_offsets_start_the_slice_at_the_asked_byte() {
    let size = 3 * page() + 17;
    let data = pattern(size, 11);
    let t = TmpFile::with_contents("mf-offset", &data);
    let file = File::open_rw(t.c()).unwrap();
    let p = page();
    for off in [1, 1000, p - 1, p, p + 1, 2 * p + 3, size - 1] {
        let len = 50.min(size - off);
        // SAFETY: a file only this test uses.
        let map = unsafe { MapOptions::new().offset(off as u64).len(len).map(&file) }.unwrap();
        assert_eq!(&map[..], &data[off..off + len], "offset {off}");
        assert_eq!(map.as_ptr() as usize % p, off % p, "offset {off}");
        // Without a length: the rest of the file.
        // SAFETY: as above.
        let rest = unsafe { MapOptions::new().offset(off as u64).map(&file) }.unwrap();
        assert_eq!(&rest[..], &data[off..], "offset {off}");
    }
    // Writes through an unaligned map land at the right file position.
    let off = p + 1000;
    // SAFETY: as above.
    let mut map = unsafe { MapOptions::new().offset(off as u64).len(8).map_mut(&file) }.unwrap();
    map.copy_from_slice(b"ABCDEFGH");
    map.flush_range(0, 8).unwrap();
    map.flush_async_range(7, 1).unwrap();
    drop(map);
    assert_eq!(pread_back(t.c(), off as u64, 8), b"ABCDEFGH");
    assert_eq!(pread_back(t.c(), off as u64 - 1, 1), [data[off - 1]]);
    assert_eq!(pread_back(t.c(), off as u64 + 8, 1), [data[off + 8]]);
}

#[test]
fn offset_and_length_errors_before_the_kernel() {
    let size = page() + 10;
    let t = TmpFile::with_contents("mf-errors", &pattern(size, 2));
    let file = File::open_rw(t.c()).unwrap();
    let map = |o: MapOptions| {
        // SAFETY: a file only this test uses.
        unsafe { o.map(&file) }.map(|m| m.len())
    };
    let o = MapOptions::new();
    // offset + len overflows u64.
    assert_eq!(map(o.offset(u64::MAX).len(1)), Err(Errno::EOVERFLOW));
    assert_eq!(map(o.offset(u64::MAX - 10).len(100)), Err(Errno::EOVERFLOW));
    // Past the end of the file.
    assert_eq!(map(o.len(size + 1)), Err(Errno::EINVAL));
    assert_eq!(map(o.offset(1).len(size)), Err(Errno::EINVAL));
    assert_eq!(map(o.offset(size as u64 + 1)), Err(Errno::EINVAL));
    assert_eq!(map(o.offset(size as u64 + 1).len(0)), Err(Errno::EINVAL));
    assert_eq!(map(o.offset(u64::MAX)), Err(Errno::EINVAL));
    // Exactly to the end is fine; at the end there is nothing left.
    assert_eq!(map(o.len(size)), Ok(size));
    assert_eq!(map(o.offset(10).len(size - 10)), Ok(size - 10));
    assert_eq!(map(o.offset(size as u64)), Ok(0));
    // Huge pages are for anonymous maps only.
    assert_eq!(map(o.huge(None)), Err(Errno::EINVAL));
    assert_eq!(map(o.huge(Some(21))), Err(Errno::EINVAL));
    // The same checks for the writable kinds.
    // SAFETY: as above.
    unsafe {
        assert_eq!(o.len(size + 1).map_mut(&file).unwrap_err(), Errno::EINVAL);
        assert_eq!(
            o.offset(u64::MAX).len(1).map_copy(&file).unwrap_err(),
            Errno::EOVERFLOW
        );
    }
}

#[test]
fn empty_file_and_zero_length_give_empty_maps() {
    let t = TmpFile::new("mf-empty");
    let file = File::create(t.c()).unwrap();
    // SAFETY: a file only this test uses.
    let (ro, mut rw, mut cp) = unsafe {
        (
            Mmap::map(&file).unwrap(),
            MmapMut::map_mut(&file).unwrap(),
            MapOptions::new().map_copy(&file).unwrap(),
        )
    };
    for len in [ro.len(), rw.len(), cp.len()] {
        assert_eq!(len, 0);
    }
    assert!(ro.is_empty() && rw.is_empty() && cp.is_empty());
    assert_eq!(&ro[..], b"");
    assert_eq!(&mut rw[..], b"");
    assert!(!ro.as_ptr().is_null() && !rw.as_mut_ptr().is_null());
    rw.flush().unwrap();
    rw.flush_async().unwrap();
    rw.flush_range(0, 0).unwrap();
    assert_eq!(rw.flush_range(0, 1), Err(Errno::EINVAL));
    ro.advise(rawmap::Advice::SEQUENTIAL).unwrap();
    ro.lock().unwrap();
    ro.unlock().unwrap();
    // An empty file map cannot grow: there is no file to map any more.
    assert_eq!(cp.remap(10), Err(Errno::EINVAL));
    // SAFETY: as above.
    assert_eq!(unsafe { cp.remap_file(10) }, Err(Errno::EINVAL));
    cp.remap(0).unwrap();
    let ro = ro.make_exec().unwrap();
    assert_eq!(ro.prot(), ProtFlags::READ | ProtFlags::EXEC);
    let rw = ro.make_mut().unwrap();
    assert_eq!(rw.prot(), ProtFlags::READ | ProtFlags::WRITE);
    // len(0) on a non-empty file, at any offset inside it.
    file.set_len(100).unwrap();
    // SAFETY: as above.
    let m = unsafe { MapOptions::new().offset(7).len(0).map(&file) }.unwrap();
    assert!(m.is_empty());
}

#[test]
fn access_mode_and_file_kind_errors_from_the_kernel() {
    let size = page();
    let t = TmpFile::with_contents("mf-access", &pattern(size, 4));
    let ro = File::open(t.c()).unwrap();
    let wo = File::open_with(t.c(), OFlags::WRONLY, Mode::empty()).unwrap();
    // SAFETY: a file only this test uses; every call below fails.
    unsafe {
        // The seed's FAQ 2: PROT_WRITE + MAP_SHARED needs a writable fd.
        assert_eq!(MmapMut::map_mut(&ro).unwrap_err(), Errno::EACCES);
        // Any mapping needs a readable fd.
        assert_eq!(Mmap::map(&wo).unwrap_err(), Errno::EACCES);
        assert_eq!(MapOptions::new().map_copy(&wo).unwrap_err(), Errno::EACCES);
    }
    // A directory cannot be mapped.
    let dir = File::open_with(std::env::temp_dir(), OFlags::DIRECTORY, Mode::empty()).unwrap();
    // SAFETY: fails.
    let err = unsafe { MapOptions::new().len(size).map(&dir) }.unwrap_err();
    assert_eq!(err, Errno::ENODEV);
    // A memfd sealed against writes refuses a shared writable map.
    let sealed = common::new_memfd("mf-sealed", libc::MFD_ALLOW_SEALING, size as u64);
    // SAFETY: fcntl on our own descriptor.
    let r = unsafe {
        libc::fcntl(
            std::os::fd::AsRawFd::as_raw_fd(&sealed),
            libc::F_ADD_SEALS,
            libc::F_SEAL_WRITE,
        )
    };
    assert_eq!(r, 0);
    let sealed = File::from(sealed);
    // SAFETY: the memfd is sealed; nobody can change it.
    unsafe {
        assert_eq!(MmapMut::map_mut(&sealed).unwrap_err(), Errno::EPERM);
        assert_eq!(Mmap::map(&sealed).unwrap().len(), size);
    }
}

#[test]
fn device_files_take_an_explicit_length() {
    // /dev/zero has no size (st_size 0): without a length the map is
    // empty; with one the length is not checked against a size.
    let zero = File::open_rw(c"/dev/zero").unwrap();
    // SAFETY: /dev/zero cannot be truncated; a shared map of it is fresh
    // shared memory.
    let empty = unsafe { MmapMut::map_mut(&zero) }.unwrap();
    assert!(empty.is_empty());
    // SAFETY: as above.
    let mut map = unsafe { MapOptions::new().len(3 * page()).map_mut(&zero) }.unwrap();
    assert!(map.iter().all(|&b| b == 0));
    map[3 * page() - 1] = 9;
    assert_eq!(map[3 * page() - 1], 9);
}

#[test]
fn remap_of_file_maps() {
    let p = page();
    let data = pattern(4 * p, 6);
    let t = TmpFile::with_contents("mf-remap", &data[..2 * p]);
    let file = File::open_rw(t.c()).unwrap();
    // SAFETY: a file only this test uses; it only grows.
    let mut map = unsafe { MapOptions::new().offset(100).map_mut(&file) }.unwrap();
    assert_eq!(map.len(), 2 * p - 100);
    // Shrinking keeps the prefix.
    map.remap(p).unwrap();
    assert_eq!(&map[..], &data[100..100 + p]);
    // Growing a file map is refused by the safe method (the file might be
    // shorter), and was not attempted: the map is unchanged.
    assert_eq!(map.remap(2 * p), Err(Errno::EINVAL));
    assert_eq!(map.len(), p);
    // Grow the file, then the map.
    file.set_len(4 * p as u64).unwrap();
    // SAFETY: the file now covers offset 100 + 4p - 100.
    unsafe { map.remap_file(4 * p - 100) }.unwrap();
    assert_eq!(map.len(), 4 * p - 100);
    assert_eq!(&map[..2 * p - 100], &data[100..2 * p]);
    assert!(map[2 * p - 100..].iter().all(|&b| b == 0));
    map[2 * p - 100..].copy_from_slice(&data[2 * p..]);
    map.flush().unwrap();
    drop(map);
    assert_eq!(read_back(t.c()), data);
    // A read-only map shrinks and grows the same way.
    // SAFETY: as above.
    let mut ro = unsafe { Mmap::map(&file) }.unwrap();
    ro.remap(10).unwrap();
    assert_eq!(&ro[..], &data[..10]);
    assert_eq!(ro.remap(4 * p), Err(Errno::EINVAL));
    // SAFETY: the file is 4 pages long.
    unsafe { ro.remap_file(4 * p) }.unwrap();
    assert_eq!(&ro[..], &data[..]);
}

#[test]
fn truncation_under_a_map_raises_sigbus() {
    // The seed's FAQ 5 and 7, and why file maps are unsafe: after the file
    // shrinks, touching a page wholly past its end raises SIGBUS. Run in a
    // child, which the signal kills.
    let t = TmpFile::with_contents("mf-sigbus", &pattern(2 * page(), 8));
    let status = common::in_child(|| {
        let file = File::open_rw(t.c()).unwrap();
        // SAFETY: deliberately broken below, in a child that dies of it.
        let map = unsafe { Mmap::map(&file) }.unwrap();
        if map[page()] == 0 {
            return 2;
        }
        file.set_len(10).unwrap();
        // SAFETY: a volatile read so the access really happens.
        let _ = unsafe { std::ptr::read_volatile(map.as_ptr().add(page())) };
        3
    });
    assert_eq!(
        status.term_signal(),
        Some(libc::SIGBUS as u32),
        "{status:?}"
    );
}

#[test]
fn flush_range_is_bounds_checked() {
    let t = TmpFile::with_contents("mf-flush", &pattern(2 * page(), 1));
    let file = File::open_rw(t.c()).unwrap();
    // SAFETY: a file only this test uses.
    let map = unsafe { MapOptions::new().offset(5).len(page()).map_mut(&file) }.unwrap();
    let len = map.len();
    map.flush_range(0, len).unwrap();
    map.flush_range(len, 0).unwrap();
    map.flush_range(len - 1, 1).unwrap();
    assert_eq!(map.flush_range(len, 1), Err(Errno::EINVAL));
    assert_eq!(map.flush_range(1, len), Err(Errno::EINVAL));
    assert_eq!(map.flush_range(len + 1, 0), Err(Errno::EINVAL));
    assert_eq!(map.flush_range(usize::MAX, 2), Err(Errno::EOVERFLOW));
    assert_eq!(map.flush_range(2, usize::MAX), Err(Errno::EOVERFLOW));
    assert_eq!(map.flush_async_range(len, 1), Err(Errno::EINVAL));
    assert_eq!(
        map.flush_async_range(usize::MAX, usize::MAX),
        Err(Errno::EOVERFLOW)
    );
}

/// Only a regular file of size 0 makes a valid empty map. Files in /proc
/// are "regular" files of size 0 that the kernel cannot map at all
/// (ENODEV or EIO, as memmap2 gets): rawmap asks the kernel before
/// answering with an empty map or its own past-the-end `EINVAL`.
#[test]
fn a_file_the_kernel_cannot_map_gets_the_kernels_answer() {
    let page = rawmap::page_size();
    for path in ["/proc/version", "/proc/self/status", "/proc/self/maps"] {
        let file = File::open(path).unwrap();
        let st = sys::fstat(&file).unwrap();
        if st.st_size != 0 || st.st_mode & libc::S_IFMT != libc::S_IFREG {
            // qemu-user answers an open of /proc/self/maps (and a few
            // others) with a file of its own making, which can be mapped.
            let qemu = common::under_qemu();
            assert!(qemu.is_some(), "{path}: size {} natively", st.st_size);
            println!("skip {path}: qemu-user ({qemu:?}) substitutes a file of its own");
            continue;
        }
        // The kernel's answer, as memmap2 gets it: ENODEV for a file with
        // no mmap operation (/proc/self/*, seq_file), EIO for the /proc
        // files whose proc_ops lack one (/proc/version: proc_reg_mmap).
        let std_file = std::fs::File::open(path).unwrap();
        // SAFETY: fails.
        let theirs = unsafe { memmap2::Mmap::map(&std_file) }.unwrap_err();
        let kernel = Errno::from_raw(theirs.raw_os_error().unwrap());
        assert!(
            [Errno::ENODEV, Errno::EIO].contains(&kernel),
            "{path}: {kernel}"
        );
        // SAFETY (every map below): a /proc file; each call fails.
        unsafe {
            assert_eq!(Mmap::map(&file).unwrap_err(), kernel, "{path}");
            for len in [0, 1, 4096, page] {
                let o = MapOptions::new().len(len);
                assert_eq!(o.map(&file).unwrap_err(), kernel, "{path} len {len}");
                assert_eq!(o.map_copy(&file).unwrap_err(), kernel, "{path} len {len}");
            }
        }
    }
    // A regular empty file is still an empty map; a range past its end is
    // still rawmap's EINVAL; a descriptor that cannot be mapped with the
    // asked access gets the kernel's EACCES even when empty.
    let t = TmpFile::new("mf-empty-probe");
    let rw = File::create(t.c()).unwrap();
    // SAFETY (every map below): a file only this test uses.
    unsafe {
        assert_eq!(Mmap::map(&rw).map(|m| m.len()), Ok(0));
        assert_eq!(
            MapOptions::new().len(0).map_mut(&rw).map(|m| m.len()),
            Ok(0)
        );
        assert_eq!(
            MapOptions::new().len(1).map(&rw).unwrap_err(),
            Errno::EINVAL
        );
        let ro = File::open(t.c()).unwrap();
        assert_eq!(MmapMut::map_mut(&ro).unwrap_err(), Errno::EACCES);
        let wo = File::open_with(t.c(), OFlags::WRONLY, Mode::empty()).unwrap();
        assert_eq!(Mmap::map(&wo).unwrap_err(), Errno::EACCES);
        assert_eq!(
            MapOptions::new().len(1).map(&wo).unwrap_err(),
            Errno::EACCES
        );
    }
}
