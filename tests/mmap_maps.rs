//! Every kind of map, checked against /proc/self/maps: while alive, the
//! whole mapped range (page-aligned base to the end of the last page, or
//! huge page) is mapped; after drop, nothing of it is left. Also the
//! address hint, failed conversions and raw parts.
//!
//! One `#[test]` on purpose: no other test thread maps memory meanwhile, so
//! an address found free is free because of the drop, and the totals of
//! /proc/self/maps do not move for other reasons.
mod common;

use common::TmpFile;
use rawmap::sys;
use rawmap::{Errno, File, MapFlags, MapOptions, Mmap, MmapMut, ProtFlags};

fn page() -> usize {
    rawmap::page_size()
}

/// A writable hugetlbfs mount point, if any.
fn hugetlbfs_mount() -> Option<String> {
    let mounts = std::fs::read_to_string("/proc/mounts").unwrap();
    mounts.lines().find_map(|l| {
        let f: Vec<&str> = l.split_whitespace().collect();
        (f.get(2) == Some(&"hugetlbfs") && f.get(3).is_some_and(|o| o.starts_with("rw")))
            .then(|| f[1].to_owned())
    })
}

/// `(start, end, line)` of every mapping.
fn ranges() -> Vec<(usize, usize, String)> {
    common::maps()
        .into_iter()
        .map(|l| {
            let r = l.split_whitespace().next().unwrap().to_owned();
            let (a, b) = r.split_once('-').unwrap();
            (
                usize::from_str_radix(a, 16).unwrap(),
                usize::from_str_radix(b, 16).unwrap(),
                l,
            )
        })
        .collect()
}

/// How many bytes of `a..b` are mapped.
fn mapped_bytes(a: usize, b: usize) -> usize {
    ranges()
        .iter()
        .map(|&(s, e, _)| e.min(b).saturating_sub(s.max(a)))
        .sum()
}

/// Total bytes mapped, apart from the brk heap (which malloc may grow).
fn total_mapped() -> usize {
    ranges()
        .iter()
        .filter(|(_, _, l)| !l.ends_with("[heap]"))
        .map(|(s, e, _)| e - s)
        .sum()
}

/// The range a map must occupy: from its page-aligned base, `in_page +
/// len` rounded up to `granule`.
fn expected_range(ptr: *const u8, len: usize, granule: usize) -> (usize, usize) {
    let base = ptr as usize & !(page() - 1);
    let end = base + (ptr as usize - base + len).next_multiple_of(granule);
    (base, end)
}

/// Checks that `range` is wholly mapped, runs `drop`, checks that nothing
/// of it is left.
fn check(what: &str, range: (usize, usize), drop: impl FnOnce()) {
    let (a, b) = range;
    assert!(b > a, "{what}: empty range");
    assert_eq!(
        mapped_bytes(a, b),
        b - a,
        "{what}: {a:#x}..{b:#x} not all mapped"
    );
    drop();
    let left: Vec<_> = ranges()
        .into_iter()
        .filter(|&(s, e, _)| s < b && e > a)
        .map(|(_, _, l)| l)
        .collect();
    assert!(left.is_empty(), "{what}: left after drop: {left:?}");
}

fn check_mmap(what: &str, map: Mmap) {
    let r = expected_range(map.as_ptr(), map.len(), page());
    check(what, r, || drop(map));
}

fn check_mmap_mut(what: &str, map: MmapMut) {
    let r = expected_range(map.as_ptr(), map.len(), page());
    check(what, r, || drop(map));
}

#[test]
fn drop_unmaps_exactly_what_was_mapped() {
    let p = page();
    let data: Vec<u8> = (0..4 * p + 99).map(|i| (i % 253) as u8).collect();
    let t = TmpFile::with_contents("mmaps", &data);
    let file = File::open_rw(t.c()).unwrap();
    let opts = MapOptions::new();
    // Warm up what the checks allocate, so totals are steady.
    let _ = (total_mapped(), ranges(), rawmap::page_size());

    // Anonymous, private and shared, one byte to several pages.
    for len in [1, p, 3 * p + 5] {
        check_mmap_mut("anon", MmapMut::map_anon(len).unwrap());
        check_mmap_mut("anon shared", opts.len(len).map_anon_shared().unwrap());
        check_mmap_mut(
            "anon flags",
            opts.len(len)
                .populate()
                .no_reserve()
                .stack()
                .map_anon()
                .unwrap(),
        );
    }

    // File maps of every kind, aligned and not (the part of the first page
    // before the offset is mapped and unmapped too).
    for (off, len) in [
        (0, data.len()),
        (1000, 10),
        (p + 1, p),
        (p - 1, 2),
        (4 * p, 99),
    ] {
        let o = opts.offset(off as u64).len(len);
        // SAFETY: a file only this test uses.
        unsafe {
            let what = format!("file ro at {off}");
            check_mmap(&what, o.map(&file).unwrap());
            let what = format!("file rw at {off}");
            check_mmap_mut(&what, o.map_mut(&file).unwrap());
            let what = format!("file copy at {off}");
            check_mmap_mut(&what, o.map_copy(&file).unwrap());
        }
    }

    // Huge pages: the kernel maps whole huge pages, and the drop must
    // unmap them whole (memmap2 #156 passed the asked length: EINVAL, and
    // the mapping leaked).
    match common::under_qemu() {
        None => {
            let map = opts
                .len(100)
                .huge(Some(21))
                .no_reserve()
                .map_anon()
                .unwrap();
            let r = expected_range(map.as_ptr(), 100, 2 << 20);
            check("hugetlb 2 MiB", r, || drop(map));
            let map = opts
                .len(3 << 20)
                .huge(None)
                .no_reserve()
                .map_anon()
                .unwrap();
            // 3 MiB in whole default-size huge pages: 4 MiB of 2 MiB pages,
            // one 32 MiB or 512 MiB page with 16K or 64K base pages.
            let huge = common::default_huge_page_size();
            let r = (
                map.as_ptr() as usize,
                map.as_ptr() as usize + (3usize << 20).next_multiple_of(huge),
            );
            check("hugetlb default size", r, || drop(map));
        }
        Some(arch) => {
            // qemu 7.2 maps MAP_HUGETLB at an address of its own choosing
            // with MAP_FIXED: the answer varies and a huge page can land over
            // qemu's own memory. Not made at all under qemu.
            eprintln!("qemu-user ({arch}): huge page drop skipped (qemu's MAP_HUGETLB is unsafe)");
        }
    }

    // Files on hugetlbfs are mapped in whole huge pages too (st_blksize
    // tells the huge page size), from a huge-page-aligned file offset.
    match hugetlbfs_mount() {
        Some(dir) if common::under_qemu().is_none() => {
            let path = std::ffi::CString::new(format!("{dir}/rawmap-mmaps-{}", std::process::id()))
                .unwrap();
            let hfile = File::create(&path).unwrap();
            sys::unlink(&path).unwrap();
            // A hugetlbfs file's size is a whole number of huge pages
            // (EINVAL otherwise): two of them, whatever their size.
            let huge = sys::fstat(hfile.as_fd()).unwrap().st_blksize as usize;
            hfile.set_len(2 * huge as u64).unwrap();
            // SAFETY: an unlinked file only this test can reach; nothing is
            // touched (NORESERVE: no huge pages are taken from the pool).
            let map = unsafe { opts.offset(p as u64).len(100).no_reserve().map(&hfile) }.unwrap();
            assert_eq!(
                map.as_ptr() as usize % huge,
                p,
                "the slice starts at the offset"
            );
            let base = map.as_ptr() as usize - p;
            check("hugetlbfs file", (base, base + huge), || drop(map));
        }
        Some(dir) => eprintln!("qemu-user: hugetlbfs file map at {dir} skipped (no MAP_HUGETLB)"),
        None => eprintln!("no hugetlbfs mounted: hugetlbfs file map not tested"),
    }

    // After remap: grown (probably moved), shrunk, emptied and regrown.
    let mut map = MmapMut::map_anon(p).unwrap();
    let old = expected_range(map.as_ptr(), p, p);
    map.remap(64 * p).unwrap();
    if map.as_ptr() as usize != old.0 {
        assert_eq!(mapped_bytes(old.0, old.1), 0, "the old place was given up");
    }
    check_mmap_mut("anon grown", map);
    let mut map = MmapMut::map_anon(8 * p).unwrap();
    let whole = expected_range(map.as_ptr(), 8 * p, p);
    map.remap(2 * p + 1).unwrap();
    let now = expected_range(map.as_ptr(), 2 * p + 1, p);
    if now.0 == whole.0 {
        assert_eq!(
            mapped_bytes(whole.0, whole.1),
            3 * p,
            "the tail was unmapped"
        );
    } else {
        // The kernel shrinks in place; qemu-user may move the mapping.
        assert!(
            common::under_qemu().is_some(),
            "the kernel moved a shrinking map"
        );
        eprintln!("qemu-user moved a shrinking map: {whole:#x?} -> {now:#x?}");
        let overlap = now.1.min(whole.1).saturating_sub(now.0.max(whole.0));
        assert_eq!(
            mapped_bytes(whole.0, whole.1),
            overlap,
            "the old place was given up"
        );
    }
    check_mmap_mut("anon shrunk", map);
    let mut map = MmapMut::map_anon(2 * p).unwrap();
    let r = expected_range(map.as_ptr(), 2 * p, p);
    check("anon remapped to 0", r, || map.remap(0).unwrap());
    map.remap(p).unwrap();
    check_mmap_mut("anon regrown", map);
    // SAFETY: the file is 4 pages + 99 bytes long; the map stays inside.
    let mut fmap = unsafe { opts.offset(5).len(10).map_mut(&file) }.unwrap();
    // SAFETY: as above.
    unsafe { fmap.remap_file(3 * p) }.unwrap();
    check_mmap_mut("file grown", fmap);

    // After protection changes.
    let map = MmapMut::map_anon(3 * p).unwrap();
    check_mmap("anon exec", map.make_exec().unwrap());
    let map = MmapMut::map_anon(3 * p).unwrap();
    let map = map.make_read_only().unwrap().make_mut().unwrap();
    check_mmap_mut("anon ro then rw", map);

    // A failed conversion drops (unmaps) the map.
    let ro_file = File::open(t.c()).unwrap();
    // SAFETY: as above.
    let map = unsafe { Mmap::map(&ro_file) }.unwrap();
    let r = expected_range(map.as_ptr(), map.len(), p);
    check("failed make_mut", r, || {
        assert_eq!(map.make_mut().unwrap_err(), Errno::EACCES);
    });

    // Raw parts: into_raw leaves the mapping, from_raw takes it back.
    let map = opts.offset(0).len(2 * p + 3).map_anon().unwrap();
    let parts = map.into_raw();
    assert_eq!(parts.mapped_len, 3 * p);
    assert_eq!(parts.base, parts.ptr);
    assert_eq!(
        mapped_bytes(parts.base as usize, parts.base as usize + 3 * p),
        3 * p
    );
    // SAFETY: the parts come from into_raw.
    let map = unsafe { Mmap::from_raw(parts) };
    check_mmap("from_raw", map);
    // The parts describe the mapping exactly: munmap of them clears it.
    // SAFETY: a file only this test uses.
    let parts = unsafe { opts.offset(p as u64 + 7).len(p).map(&file) }
        .unwrap()
        .into_raw();
    assert_eq!(parts.ptr as usize - parts.base as usize, 7);
    assert_eq!(parts.mapped_len, 2 * p);
    let r = (parts.base as usize, parts.base as usize + parts.mapped_len);
    check("into_raw then munmap", r, || {
        // SAFETY: the mapping was given up by into_raw and is not used.
        unsafe { sys::munmap(parts.base.cast(), parts.mapped_len) }.unwrap();
    });
    // A mapping made with the raw layer, adopted.
    // SAFETY: a fresh anonymous mapping, no hint.
    let raw = unsafe {
        sys::mmap(
            std::ptr::null_mut(),
            2 * p,
            ProtFlags::READ | ProtFlags::WRITE,
            MapFlags::PRIVATE | MapFlags::ANONYMOUS,
            None,
            0,
        )
    }
    .unwrap();
    let parts = rawmap::mmap::RawParts {
        ptr: raw.cast(),
        len: 2 * p,
        base: raw.cast(),
        mapped_len: 2 * p,
        prot: ProtFlags::READ | ProtFlags::WRITE,
        flags: MapFlags::PRIVATE | MapFlags::ANONYMOUS,
    };
    // SAFETY: this test owns the mapping and hands it over.
    let mut adopted = unsafe { MmapMut::from_raw(parts) };
    adopted[2 * p - 1] = 1;
    check_mmap_mut("adopted", adopted);

    // Empty maps make no mapping at all.
    let before = total_mapped();
    for _ in 0..3 {
        let e = MmapMut::map_anon(0).unwrap();
        // SAFETY: as above.
        let f = unsafe { opts.offset(4 * p as u64 + 99).map(&file) }.unwrap();
        assert!(e.is_empty() && f.is_empty());
    }
    assert_eq!(total_mapped(), before, "empty maps mapped something");

    // The address hint: a free address is taken exactly ...
    let probe = MmapMut::map_anon(4 * p).unwrap();
    let free = probe.as_ptr() as usize;
    drop(probe);
    let at = opts.len(2 * p).address(free).map_anon().unwrap();
    assert_eq!(at.as_ptr() as usize, free, "a free address was not taken");
    // ... also for an unaligned file map: the slice starts in the page.
    // SAFETY: as above.
    let fat = unsafe { opts.offset(3).len(10).address(free + 2 * p).map(&file) }.unwrap();
    assert_eq!(fat.as_ptr() as usize, free + 2 * p + 3);
    assert_eq!(&fat[..], &data[3..13]);
    // ... and an address in use fails with EEXIST, leaving nothing behind
    // even where the flag is a mere hint (qemu-user maps elsewhere; rawmap
    // unmaps that).
    let before = total_mapped();
    for hint in [free, free + p, free + 2 * p] {
        let r = opts.len(p).address(hint).map_anon();
        assert_eq!(r.unwrap_err(), Errno::EEXIST, "{hint:#x}");
    }
    assert_eq!(total_mapped(), before, "a failed hinted map leaked");
    check_mmap_mut("hinted", at);
    check_mmap("hinted file", fat);
}
