//! Shared memory between processes through a sealed memfd: one process
//! writes it and seals it, a child that gets the descriptor maps it
//! read-only with the safe `map_sealed`, and the kernel enforces the seals
//! on both (`F_SEAL_WRITE`: writes fail with EPERM; `F_SEAL_SHRINK`:
//! `set_len` to a smaller size fails with EPERM). The seed says IPC needs
//! `MAP_SHARED`; this is the rest of that story.
mod common;

use common::TmpFile;
use rawmap::{Errno, File, MapOptions, MemfdFlags, SealFlags};

fn page() -> usize {
    rawmap::page_size()
}

/// A memfd holding `data`, sealed with `seals`.
fn sealed(data: &[u8], seals: SealFlags) -> File {
    let f = File::memfd(c"rawmap-sealed", MemfdFlags::ALLOW_SEALING).unwrap();
    // Written with pwrite, not through a shared writable map: F_SEAL_WRITE
    // fails with EBUSY while one exists anywhere, and a child forked by
    // another test thread meanwhile would keep a copy of it alive.
    f.write_all_at(data, 0).unwrap();
    f.add_seals(seals).unwrap();
    f
}

const ALL: SealFlags = SealFlags::WRITE
    .union(SealFlags::SHRINK)
    .union(SealFlags::GROW)
    .union(SealFlags::SEAL);

#[test]
fn a_child_maps_a_sealed_memfd_read_only_and_cannot_change_it() {
    let data: Vec<u8> = (0..2 * page()).map(|i| (i % 251) as u8).collect();
    let f = sealed(&data, ALL);
    let status = common::in_child(|| {
        // The child has the parent's descriptor (inherited by fork, as it
        // would be through SCM_RIGHTS).
        let m = MapOptions::new().map_sealed(&f).unwrap();
        if m[..] != data[..] {
            return 2;
        }
        // F_SEAL_WRITE: no write, no shared writable mapping, no hole.
        if f.write_all_at(b"x", 0) != Err(Errno::EPERM) {
            return 3;
        }
        if MapOptions::new().map_raw(&f).map(drop) != Err(Errno::EPERM) {
            return 4;
        }
        // F_SEAL_SHRINK and F_SEAL_GROW.
        if f.set_len(page() as u64) != Err(Errno::EPERM) {
            return 5;
        }
        if f.set_len(3 * page() as u64) != Err(Errno::EPERM) {
            return 6;
        }
        // F_SEAL_SEAL: the seals stay.
        if f.add_seals(SealFlags::FUTURE_WRITE) != Err(Errno::EPERM) {
            return 7;
        }
        0
    });
    assert_eq!(status.exit_code(), Some(0), "{status:?}");
    // The parent is held to the same seals.
    assert_eq!(f.write_all_at(b"x", 0), Err(Errno::EPERM));
    assert_eq!(f.set_len(0), Err(Errno::EPERM));
    assert_eq!(f.len(), Ok(2 * page() as u64));
    // A private copy of it is writable, safely, and changes nothing.
    let mut c = MapOptions::new().offset(1).map_copy_sealed(&f).unwrap();
    c[0] = 0xff;
    let m = MapOptions::new().map_sealed(&f).unwrap();
    assert_eq!(m[1], data[1]);
    assert_eq!(c.len(), 2 * page() - 1);
}

#[test]
fn map_sealed_needs_both_seals() {
    let data = vec![1u8; 100];
    for seals in [
        SealFlags::empty(),
        SealFlags::WRITE,
        SealFlags::SHRINK | SealFlags::GROW | SealFlags::SEAL,
        // FUTURE_WRITE leaves earlier writable maps writing: not enough.
        SealFlags::FUTURE_WRITE | SealFlags::SHRINK,
    ] {
        let f = sealed(&data, seals);
        assert_eq!(f.seals(), Ok(seals));
        assert_eq!(
            MapOptions::new().map_sealed(&f).map(drop),
            Err(Errno::EPERM),
            "{seals:?}"
        );
        assert_eq!(
            MapOptions::new().map_copy_sealed(&f).map(drop),
            Err(Errno::EPERM),
            "{seals:?}"
        );
    }
    // Exactly the two seals are enough (the file may still grow).
    let f = sealed(&data, SealFlags::WRITE | SealFlags::SHRINK);
    let m = MapOptions::new().map_sealed(&f).unwrap();
    f.set_len(200).unwrap();
    assert_eq!(&m[..], &data[..]);
    // The usual range checks apply: past the end of the file.
    assert_eq!(
        MapOptions::new()
            .offset(150)
            .len(51)
            .map_sealed(&f)
            .map(drop),
        Err(Errno::EINVAL)
    );
    // A memfd made without ALLOW_SEALING is born with F_SEAL_SEAL only.
    let plain = File::memfd(c"plain", MemfdFlags::empty()).unwrap();
    assert_eq!(
        MapOptions::new().map_sealed(&plain).map(drop),
        Err(Errno::EPERM)
    );
}

#[test]
fn map_sealed_of_files_that_cannot_be_sealed() {
    // A file on a disk file system (ext4 here) cannot be sealed: EINVAL;
    // on tmpfs (the real-kernel lane's scratch directory) it is shmem,
    // born with F_SEAL_SEAL only: EPERM.
    let t = TmpFile::with_contents("sealed-file", b"abc");
    let f = File::open(t.c()).unwrap();
    let r = MapOptions::new().map_sealed(&f).map(drop);
    assert!(r == Err(Errno::EINVAL) || r == Err(Errno::EPERM), "{r:?}");
    let (rd, _w) = std::io::pipe().unwrap();
    let rd: rawmap::BorrowedFd<'_> = std::os::fd::AsFd::as_fd(&rd).into();
    assert_eq!(
        MapOptions::new().map_sealed(rd).map(drop),
        Err(Errno::EINVAL)
    );
}

#[test]
fn a_writer_keeps_writing_raw_memory_a_child_reads() {
    // The writer maps first, then seals the file against every other
    // writer (F_SEAL_FUTURE_WRITE): readers use MmapRaw, since the bytes
    // change under them.
    let f = File::memfd(c"rawmap-ring", MemfdFlags::ALLOW_SEALING).unwrap();
    f.set_len(page() as u64).unwrap();
    let w = MapOptions::new().map_raw(&f).unwrap();
    f.add_seals(SealFlags::FUTURE_WRITE | SealFlags::SHRINK | SealFlags::GROW | SealFlags::SEAL)
        .unwrap();
    // SAFETY: a mapped, writable byte; only this process writes it.
    unsafe { w.as_mut_ptr().write_volatile(42) };
    let status = common::in_child(|| {
        let r = MapOptions::new().map_raw_read_only(&f).unwrap();
        // SAFETY: a mapped byte, read volatile (the writer may change it).
        let v = unsafe { r.as_ptr().read_volatile() };
        match (v, MapOptions::new().map_raw(&f).map(drop)) {
            (42, Err(Errno::EPERM)) => 0,
            _ => 1,
        }
    });
    assert_eq!(status.exit_code(), Some(0), "{status:?}");
}
