//! `into_raw` / `from_raw`: the parts describe the mapping exactly (base,
//! mapped length, slice, protection, flags), survive a round trip, and
//! inconsistent parts panic before anything is owned.
mod common;

use std::panic::{AssertUnwindSafe, catch_unwind};

use common::TmpFile;
use rawmap::mmap::RawParts;
use rawmap::{File, MapFlags, MapOptions, Mmap, MmapMut, ProtFlags};

fn page() -> usize {
    rawmap::page_size()
}

const RW: ProtFlags = ProtFlags::READ.union(ProtFlags::WRITE);

#[test]
fn parts_of_each_kind() {
    let p = page();
    let parts = MmapMut::map_anon(2 * p + 1).unwrap().into_raw();
    assert_eq!(parts.ptr, parts.base);
    assert_eq!((parts.len, parts.mapped_len), (2 * p + 1, 3 * p));
    assert_eq!(parts.prot, RW);
    assert_eq!(parts.flags, MapFlags::PRIVATE | MapFlags::ANONYMOUS);
    // SAFETY: from into_raw.
    drop(unsafe { MmapMut::from_raw(parts) });

    let parts = MapOptions::new()
        .len(p)
        .populate()
        .no_reserve()
        .map_anon_shared()
        .unwrap()
        .into_raw();
    assert_eq!(
        parts.flags,
        MapFlags::SHARED | MapFlags::ANONYMOUS | MapFlags::POPULATE | MapFlags::NORESERVE
    );
    // SAFETY: from into_raw.
    drop(unsafe { MmapMut::from_raw(parts) });

    let t = TmpFile::with_contents("mraw", &vec![1u8; 3 * p]);
    let file = File::open(t.c()).unwrap();
    // SAFETY: a file only this test uses.
    let parts = unsafe { MapOptions::new().offset(p as u64 + 9).map(&file) }
        .unwrap()
        .into_raw();
    assert_eq!(parts.ptr as usize - parts.base as usize, 9);
    assert_eq!(parts.base as usize % p, 0);
    assert_eq!((parts.len, parts.mapped_len), (2 * p - 9, 2 * p));
    assert_eq!(
        (parts.prot, parts.flags),
        (ProtFlags::READ, MapFlags::SHARED)
    );
    // SAFETY: from into_raw.
    drop(unsafe { Mmap::from_raw(parts) });
    // SAFETY: as above.
    let parts = unsafe { MapOptions::new().map_copy(&file) }
        .unwrap()
        .into_raw();
    assert_eq!((parts.prot, parts.flags), (RW, MapFlags::PRIVATE));
    // SAFETY: from into_raw.
    drop(unsafe { MmapMut::from_raw(parts) });

    let parts = MmapMut::map_anon(0).unwrap().into_raw();
    assert_eq!((parts.len, parts.mapped_len), (0, 0));
    // SAFETY: from into_raw (nothing is mapped).
    drop(unsafe { MmapMut::from_raw(parts) });

    // The address hint's FIXED_NOREPLACE is not kept: it only applies to
    // making the mapping.
    let probe = MmapMut::map_anon(p).unwrap();
    let free = probe.as_ptr() as usize;
    drop(probe);
    if let Ok(m) = MapOptions::new().len(p).address(free).map_anon() {
        let parts = m.into_raw();
        assert!(!parts.flags.contains(MapFlags::FIXED_NOREPLACE));
        // SAFETY: from into_raw.
        drop(unsafe { MmapMut::from_raw(parts) });
    } else {
        // Another test thread took the address meanwhile.
        eprintln!("hinted address {free:#x} was taken meanwhile; FIXED_NOREPLACE part skipped");
    }

    match common::under_qemu() {
        None => {
            let parts = MapOptions::new()
                .len(100)
                .huge(Some(21))
                .no_reserve()
                .map_anon()
                .unwrap()
                .into_raw();
            assert_eq!((parts.len, parts.mapped_len), (100, 2 << 20));
            assert_eq!(parts.flags.huge_page_size(), Some(2 << 20));
            // SAFETY: from into_raw.
            drop(unsafe { MmapMut::from_raw(parts) });
        }
        Some(arch) => eprintln!("qemu-user ({arch}) rejects MAP_HUGETLB; huge parts skipped"),
    }
}

#[test]
fn round_trip_keeps_contents_and_behaviour() {
    let p = page();
    let mut map = MmapMut::map_anon(p).unwrap();
    map[p - 1] = 77;
    // SAFETY: from into_raw.
    let mut map = unsafe { MmapMut::from_raw(map.into_raw()) };
    assert_eq!(map[p - 1], 77);
    // The flags came along: a private anonymous map may still grow.
    map.remap(4 * p).unwrap();
    assert_eq!(map[p - 1], 77);
    // Across types: a writable map's parts make a read-only map.
    // SAFETY: from into_raw; Mmap only reads.
    let ro = unsafe { Mmap::from_raw(map.into_raw()) };
    assert_eq!(ro[p - 1], 77);
    // A slice anywhere inside the mapping is fine: here the second page.
    let mut parts = MmapMut::map_anon(3 * p).unwrap().into_raw();
    parts.ptr = parts.base.wrapping_add(p);
    parts.len = p;
    // SAFETY: the mapping comes from into_raw; the slice lies inside it.
    let mut mid = unsafe { MmapMut::from_raw(parts) };
    mid[p - 1] = 1;
    assert_eq!(mid.len(), p);
    drop(mid);
    let shared = MapOptions::new().len(p).map_anon_shared().unwrap();
    // SAFETY: from into_raw.
    let mut shared = unsafe { MmapMut::from_raw(shared.into_raw()) };
    assert_eq!(
        shared.remap(2 * p),
        Err(rawmap::Errno::EINVAL),
        "still shared"
    );
}

/// Runs `from_raw` on `bad` (expecting a panic), then frees `good` (the
/// real parts `bad` was derived from).
fn expect_panic(what: &str, good: RawParts, bad: RawParts, mutable: bool) {
    let r = catch_unwind(AssertUnwindSafe(|| {
        // SAFETY: the parts are inconsistent; from_raw must panic before
        // taking ownership of anything.
        unsafe {
            if mutable {
                drop(MmapMut::from_raw(bad));
            } else {
                drop(Mmap::from_raw(bad));
            }
        }
    }));
    assert!(r.is_err(), "{what}: from_raw accepted {bad:?}");
    // SAFETY: `good` comes from into_raw and was not taken.
    drop(unsafe { Mmap::from_raw(good) });
}

#[test]
fn inconsistent_parts_panic() {
    let p = page();
    let new = || MmapMut::map_anon(2 * p).unwrap().into_raw();
    let g = new();
    expect_panic(
        "unaligned base",
        g,
        RawParts {
            base: g.base.wrapping_add(1),
            ..g
        },
        true,
    );
    let g = new();
    expect_panic(
        "ptr past the mapping",
        g,
        RawParts {
            ptr: g.base.wrapping_add(2 * p),
            len: 0,
            ..g
        },
        true,
    );
    let g = new();
    expect_panic(
        "null base",
        g,
        RawParts {
            base: std::ptr::null_mut(),
            ..g
        },
        true,
    );
    let g = new();
    expect_panic(
        "ptr below base",
        g,
        RawParts {
            ptr: g.base.wrapping_sub(1),
            ..g
        },
        true,
    );
    let g = new();
    expect_panic(
        "slice past the mapping",
        g,
        RawParts {
            len: 2 * p + 1,
            ..g
        },
        true,
    );
    let g = new();
    expect_panic(
        "slice with nothing mapped",
        g,
        RawParts { mapped_len: 0, ..g },
        true,
    );
    let g = new();
    expect_panic(
        "mapped_len over isize::MAX",
        g,
        RawParts {
            mapped_len: usize::MAX,
            ..g
        },
        true,
    );
    let g = new();
    expect_panic(
        "MmapMut without PROT_WRITE",
        g,
        RawParts {
            prot: ProtFlags::READ,
            ..g
        },
        true,
    );
    let g = new();
    expect_panic(
        "Mmap without PROT_READ",
        g,
        RawParts {
            prot: ProtFlags::NONE,
            ..g
        },
        false,
    );
}
