//! An empty mapping's pointer (issue 14's bug): every constructor that can
//! give an empty map gives a page-aligned, non-null pointer that is no
//! real mapping's address, so aligned casts of the empty slice work
//! (`NonNull::dangling()`, address 1, failed them: memmap2 had the same
//! bug).
mod common;

use common::TmpFile;
use rawmap::{File, MapOptions, Mmap, MmapMut};

fn page() -> usize {
    rawmap::page_size()
}

/// What every empty map's pointer must be.
#[track_caller]
fn assert_empty_ptr(ptr: *const u8, what: &str) {
    let a = ptr as usize;
    assert_ne!(a, 0, "{what}: null");
    assert_eq!(a % page(), 0, "{what}: {a:#x} is not page aligned");
    // What bytemuck's try_cast_slice and zerocopy check.
    assert_eq!(ptr.align_offset(size_of::<usize>()), 0, "{what}");
    assert_eq!(ptr.align_offset(align_of::<u128>()), 0, "{what}");
    assert_eq!(
        common::maps_entry(a),
        None,
        "{what}: {a:#x} is a real mapping's address"
    );
    // A zero-length typed slice over it is valid (aligned, non-null).
    // SAFETY: non-null and aligned for u64, length 0.
    let typed: &[u64] = unsafe { std::slice::from_raw_parts(ptr.cast(), 0) };
    assert!(typed.is_empty());
}

#[test]
fn anonymous_constructors() {
    let m = MmapMut::map_anon(0).unwrap();
    assert_empty_ptr(m.as_ptr(), "MmapMut::map_anon(0)");
    let m = MapOptions::new().len(0).map_anon().unwrap();
    assert_empty_ptr(m.as_ptr(), "len(0).map_anon()");
    let mut m = MapOptions::new().len(0).map_anon_shared().unwrap();
    assert_empty_ptr(m.as_ptr(), "len(0).map_anon_shared()");
    assert_empty_ptr(m.as_mut_ptr(), "as_mut_ptr");
    // Protection changes of an empty map keep it empty and aligned.
    let ro = m.make_read_only().unwrap();
    assert_empty_ptr(ro.as_ptr(), "make_read_only");
    let x = ro.make_exec().unwrap();
    assert_empty_ptr(x.as_ptr(), "make_exec");
    let w = x.make_mut().unwrap();
    assert_empty_ptr(w.as_ptr(), "make_mut");
}

#[test]
fn remap_to_zero() {
    let mut m = MmapMut::map_anon(3 * page()).unwrap();
    let old = m.as_ptr() as usize;
    m[0] = 1;
    m.remap(0).unwrap();
    assert_empty_ptr(m.as_ptr(), "remap(0) of an anonymous map");
    assert_ne!(m.as_ptr() as usize, old);
    // It can grow again from there.
    m.remap(page()).unwrap();
    assert_eq!(m[0], 0);
    assert_eq!(m.as_ptr() as usize % page(), 0);

    let t = TmpFile::with_contents("mempty-remap", &vec![7u8; 2 * page()]);
    let file = File::open(t.c()).unwrap();
    // SAFETY: a file only this test uses.
    let mut c = unsafe { MapOptions::new().offset(5).map_copy(&file) }.unwrap();
    c.remap(0).unwrap();
    assert_empty_ptr(c.as_ptr(), "remap(0) of a file map at an unaligned offset");
}

#[test]
fn file_constructors() {
    let t = TmpFile::new("mempty-file");
    let file = File::create(t.c()).unwrap();
    // SAFETY: a file only this test uses.
    unsafe {
        assert_empty_ptr(
            Mmap::map(&file).unwrap().as_ptr(),
            "Mmap::map of an empty file",
        );
        let m = MmapMut::map_mut(&file).unwrap();
        assert_empty_ptr(m.as_ptr(), "MmapMut::map_mut of an empty file");
        let m = MapOptions::new().map_copy(&file).unwrap();
        assert_empty_ptr(m.as_ptr(), "map_copy of an empty file");
    }
    file.set_len(100).unwrap();
    // SAFETY: as above.
    unsafe {
        // len(0) at an unaligned offset, and the offset at the very end.
        let m = MapOptions::new().offset(7).len(0).map(&file).unwrap();
        assert_empty_ptr(m.as_ptr(), "offset(7).len(0).map");
        let m = MapOptions::new().offset(100).map(&file).unwrap();
        assert_empty_ptr(m.as_ptr(), "offset(file size).map");
    }
}

#[test]
fn raw_and_sealed_constructors() {
    let m = MapOptions::new().len(0).map_raw_anon().unwrap();
    assert_empty_ptr(m.as_ptr(), "len(0).map_raw_anon()");
    let m = MapOptions::new().len(0).map_raw_anon_shared().unwrap();
    assert_empty_ptr(m.as_mut_ptr(), "len(0).map_raw_anon_shared()");
    let f = File::memfd(c"empty", rawmap::MemfdFlags::ALLOW_SEALING).unwrap();
    assert_empty_ptr(
        MapOptions::new().map_raw(&f).unwrap().as_ptr(),
        "map_raw of an empty file",
    );
    let r = MapOptions::new().map_raw_read_only(&f).unwrap();
    assert_empty_ptr(r.as_ptr(), "map_raw_read_only of an empty file");
    // SAFETY: a memfd only this test has.
    unsafe {
        let m = MapOptions::new().map_copy_read_only(&f).unwrap();
        assert_empty_ptr(m.as_ptr(), "map_copy_read_only of an empty file");
        let m = MapOptions::new().map_exec(&f).unwrap();
        assert_empty_ptr(m.as_ptr(), "map_exec of an empty file");
    }
    f.add_seals(rawmap::SealFlags::WRITE | rawmap::SealFlags::SHRINK)
        .unwrap();
    let m = MapOptions::new().map_sealed(&f).unwrap();
    assert_empty_ptr(m.as_ptr(), "map_sealed of an empty memfd");
    let m = MapOptions::new().map_copy_sealed(&f).unwrap();
    assert_empty_ptr(m.as_ptr(), "map_copy_sealed of an empty memfd");
    let mut m = MapOptions::new().len(3 * page()).map_raw_anon().unwrap();
    m.remap(0).unwrap();
    assert_empty_ptr(m.as_ptr(), "MmapRaw::remap(0)");
}

#[test]
fn raw_parts_round_trip() {
    let parts = MmapMut::map_anon(0).unwrap().into_raw();
    assert_empty_ptr(parts.ptr, "into_raw of an empty map");
    assert!(parts.base.is_null());
    assert_eq!((parts.len, parts.mapped_len), (0, 0));
    // SAFETY: from into_raw.
    let m = unsafe { MmapMut::from_raw(parts) };
    assert_empty_ptr(m.as_ptr(), "from_raw of empty parts");
    // Empty parts with any pointer (e.g. the old dangling one) are taken
    // as empty, and the map's pointer is the aligned one.
    let mut parts = m.into_raw();
    parts.ptr = std::ptr::NonNull::<u8>::dangling().as_ptr();
    // SAFETY: nothing is mapped.
    let m = unsafe { MmapMut::from_raw(parts) };
    assert_empty_ptr(m.as_ptr(), "from_raw of empty parts with a dangling ptr");
}
