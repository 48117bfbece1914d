//! Shared and private mappings across `fork` (the seed's remark that
//! inter-process communication needs MAP_SHARED): a forked child and its
//! parent see each other's writes through a shared map, and never through
//! a private one.
mod common;

use common::TmpFile;
use rawmap::{File, MapOptions, MmapMut};

fn page() -> usize {
    rawmap::page_size()
}

#[test]
fn shared_anonymous_memory_is_seen_by_child_and_parent() {
    let mut map = MapOptions::new().len(2 * page()).map_anon_shared().unwrap();
    map[0] = 1;
    let ptr = map.as_mut_ptr();
    let status = common::in_child(|| {
        // The child sees the parent's write made before fork ...
        // SAFETY: the map is alive in the child (a copy of the parent's
        // address space); volatile so the accesses really happen.
        unsafe {
            if ptr.read_volatile() != 1 {
                return 2;
            }
            // ... and its own writes reach the parent.
            ptr.write_volatile(2);
            ptr.add(2 * page() - 1).write_volatile(3);
        }
        0
    });
    assert_eq!(status.exit_code(), Some(0), "{status:?}");
    assert_eq!(map[0], 2);
    assert_eq!(map[2 * page() - 1], 3);
}

#[test]
fn private_anonymous_memory_is_not_shared() {
    let mut map = MmapMut::map_anon(2 * page()).unwrap();
    map[0] = 1;
    let ptr = map.as_mut_ptr();
    let status = common::in_child(|| {
        // SAFETY: as above; the child has a copy-on-write copy.
        unsafe {
            if ptr.read_volatile() != 1 {
                return 2;
            }
            ptr.write_volatile(2);
            if ptr.read_volatile() != 2 {
                return 3;
            }
        }
        0
    });
    assert_eq!(status.exit_code(), Some(0), "{status:?}");
    assert_eq!(map[0], 1, "the child's write stayed in the child");
}

#[test]
fn shared_file_map_carries_a_childs_writes_to_the_file() {
    let t = TmpFile::with_contents("mfork-file", &vec![0u8; page()]);
    let file = File::open_rw(t.c()).unwrap();
    // SAFETY: a file only this test (and its child) uses.
    let mut map = unsafe { MmapMut::map_mut(&file) }.unwrap();
    // SAFETY: as above.
    let mut copy = unsafe { MapOptions::new().map_copy(&file) }.unwrap();
    let (shared, private) = (map.as_mut_ptr(), copy.as_mut_ptr());
    let status = common::in_child(|| {
        // SAFETY: both maps are alive in the child; volatile writes.
        unsafe {
            shared.add(5).write_volatile(b'S');
            private.add(6).write_volatile(b'P');
        }
        0
    });
    assert_eq!(status.exit_code(), Some(0), "{status:?}");
    assert_eq!(map[5], b'S');
    assert_eq!(copy[6], 0, "a private copy is per process");
    let mut buf = [0u8; 7];
    file.read_at(&mut buf, 0).unwrap();
    assert_eq!(&buf, b"\0\0\0\0\0S\0");
}
