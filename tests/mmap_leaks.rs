//! 10,000 open/map/drop cycles over every kind of map and every error
//! path leak no descriptor and no mapping: /proc/self/fd and
//! /proc/self/maps (lines and mapped bytes) are the same before and after.
//!
//! One `#[test]` on purpose: no other test thread opens or maps anything
//! meanwhile.
mod common;

use common::TmpFile;
use rawmap::{Errno, File, MapOptions, Mmap, MmapMut};

/// Lines of /proc/self/maps and total bytes mapped, apart from the brk
/// heap (which malloc may grow).
fn maps_totals() -> (usize, usize) {
    let lines = common::maps();
    let bytes = lines
        .iter()
        .filter(|l| !l.ends_with("[heap]"))
        .map(|l| {
            let r = l.split_whitespace().next().unwrap();
            let (a, b) = r.split_once('-').unwrap();
            usize::from_str_radix(b, 16).unwrap() - usize::from_str_radix(a, 16).unwrap()
        })
        .sum();
    (lines.len(), bytes)
}

/// One cycle of kind `i % 10`; returns a byte read from the map so the
/// work is not optimised away.
fn cycle(i: usize, t: &TmpFile, empty: &TmpFile, busy: usize) -> u8 {
    let p = rawmap::page_size();
    let o = MapOptions::new();
    // SAFETY (every file map below): files only this test uses.
    match i % 10 {
        0 => {
            let f = File::open(t.c()).unwrap();
            let m = unsafe { Mmap::map(&f) }.unwrap();
            m[i % m.len()]
        }
        1 => {
            let f = File::open_rw(t.c()).unwrap();
            // SAFETY: a file only this test uses; nothing truncates it.
            let mut m = unsafe { o.offset(p as u64 + 3).len(100).map_mut(&f) }.unwrap();
            m[1] = i as u8;
            m.flush_async_range(1, 1).unwrap();
            m[0]
        }
        2 => {
            let f = File::open(t.c()).unwrap();
            // SAFETY: a file only this test uses; nothing truncates it.
            let mut m = unsafe { o.map_copy(&f) }.unwrap();
            m[0] = 1;
            m[p]
        }
        3 => {
            let mut m = MmapMut::map_anon(3 * p).unwrap();
            m[0] = 1;
            m.remap(10 * p).unwrap();
            m[0]
        }
        4 => {
            let mut m = o.len(p).map_anon_shared().unwrap();
            m[0] = 2;
            m[0]
        }
        5 => {
            let f = File::open(t.c()).unwrap();
            // SAFETY: a file only this test uses; nothing truncates it.
            assert_eq!(unsafe { MmapMut::map_mut(&f) }.unwrap_err(), Errno::EACCES);
            0
        }
        6 => {
            let f = File::open(t.c()).unwrap();
            let len = f.len().unwrap() as usize + 1;
            // SAFETY: a file only this test uses; nothing truncates it.
            assert_eq!(unsafe { o.len(len).map(&f) }.unwrap_err(), Errno::EINVAL);
            0
        }
        7 => {
            let r = o.len(p).address(busy).map_anon();
            assert_eq!(r.unwrap_err(), Errno::EEXIST);
            0
        }
        8 => {
            let f = File::open(empty.c()).unwrap();
            // SAFETY: a file only this test uses; nothing truncates it.
            let m = unsafe { Mmap::map(&f) }.unwrap();
            assert!(m.is_empty());
            0
        }
        _ => {
            let m = MmapMut::map_anon(p).unwrap();
            let x = m.make_exec().unwrap();
            let m = x.make_mut().unwrap().make_read_only().unwrap();
            m[0]
        }
    }
}

#[test]
fn no_descriptor_or_mapping_leaks_over_10000_cycles() {
    let p = rawmap::page_size();
    let data: Vec<u8> = (0..3 * p).map(|i| (i % 251) as u8).collect();
    let t = TmpFile::with_contents("mleak", &data);
    let empty = TmpFile::with_contents("mleak-empty", b"");
    let busy = MmapMut::map_anon(p).unwrap();
    let busy_addr = busy.as_ptr() as usize;
    // Warm up: one round of every kind (lazy page size, huge page size...)
    // and of the measuring itself.
    let mut sum = 0u64;
    for i in 0..10 {
        sum += u64::from(cycle(i, &t, &empty, busy_addr));
    }
    let _ = (common::fd_count(), maps_totals());
    let fds = common::fd_count();
    let maps = maps_totals();

    let n = 10_000;
    let start = std::time::Instant::now();
    for i in 0..n {
        sum += u64::from(cycle(i, &t, &empty, busy_addr));
    }
    eprintln!(
        "{n} cycles ({} of each of 10 kinds) in {:?}{}; checksum {sum}",
        n / 10,
        start.elapsed(),
        common::under_qemu()
            .map(|a| format!(" under qemu-user ({a})"))
            .unwrap_or_default()
    );
    assert_eq!(common::fd_count(), fds, "descriptors leaked");
    assert_eq!(maps_totals(), maps, "mappings leaked (lines, bytes)");
    drop(busy);
}
