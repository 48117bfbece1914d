//! Durability of writes through a shared `MmapMut`: write through the map,
//! flush, drop the map, close the file; re-open it and read it with
//! `rawmap::sys::read` and `pread`: the bytes are exactly the ones written,
//! and the bytes around the mapped range are untouched.
//!
//! Every combination of
//! - mapped length: 1 byte, 100, a page - 1, a page, a page + 1, 3 pages,
//!   3 pages + 17, 64 KiB + 5, 1 MiB (page multiples and not);
//! - file offset of the map: 0, 1, 100, a page - 1, a page, a page + 1,
//!   2 pages + 333 (page aligned and not; `MapOptions` aligns down for the
//!   kernel and the slice starts at the asked byte);
//! - how the map is written back: `flush` (`MS_SYNC`) then
//!   `File::sync_all`, `flush_range` over the whole map, `flush_async`, and
//!   no flush at all.
//!
//! The file is filled with a background pattern first; the map gets a
//! different pattern. What this can check is what `read` sees: the shared
//! map and `read` use the same page cache, so the bytes are there even
//! without a flush (the "no flush" column shows that; only `flush` and
//! `sync_all` make them survive a crash, which a test cannot simulate).
//!
//! A second test writes through a map in a child process that exits
//! without unmapping or flushing (`exit_group`): the parent still reads the
//! bytes — a shared map's pages belong to the file, not to the process.
mod common;

use common::TmpFile;
use rawmap::sys::{self, Whence};
use rawmap::{File, MapOptions, MmapMut, Mode, OFlags};

#[derive(Copy, Clone, Debug)]
enum Writeback {
    FlushAndSync,
    FlushRange,
    FlushAsync,
    None,
}

/// A byte pattern that differs per position and per `seed` (xorshift, 8
/// bytes per step: cheap under qemu too).
fn pattern(seed: u64, len: usize) -> Vec<u8> {
    let mut x = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    let mut out = Vec::with_capacity(len + 8);
    while out.len() < len {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        out.extend_from_slice(&x.to_le_bytes());
    }
    out.truncate(len);
    out
}

/// Reads the whole file with `sys::read` (from a fresh descriptor).
fn read_all(path: &std::ffi::CStr) -> Vec<u8> {
    let fd = sys::open(path, OFlags::RDONLY, Mode::empty()).unwrap();
    let mut out = Vec::new();
    let mut buf = vec![0u8; 64 << 10];
    loop {
        let n = sys::read(fd.as_fd(), &mut buf).unwrap();
        if n == 0 {
            break;
        }
        out.extend_from_slice(&buf[..n]);
    }
    sys::close(fd).unwrap();
    out
}

/// Reads `len` bytes at `offset` with `sys::pread`.
fn pread_exact(path: &std::ffi::CStr, offset: u64, len: usize) -> Vec<u8> {
    let fd = sys::open(path, OFlags::RDONLY, Mode::empty()).unwrap();
    let mut out = vec![0u8; len];
    let mut done = 0;
    while done < len {
        let n = sys::pread(fd.as_fd(), &mut out[done..], offset + done as u64).unwrap();
        assert_ne!(n, 0, "unexpected end of file");
        done += n;
    }
    // pread leaves the position alone.
    assert_eq!(sys::lseek(fd.as_fd(), 0, Whence::Cur), Ok(0));
    out
}

fn one_case(t: &TmpFile, len: usize, offset: u64, wb: Writeback, seed: u64) {
    let tail = 7usize;
    let total = offset as usize + len + tail;
    let background = pattern(!seed, total);
    let data = pattern(seed, len);
    {
        let file = File::create(t.c()).unwrap();
        file.write_all(&background).unwrap();
        // SAFETY: this test is the file's only user while the map lives.
        let mut map = unsafe { MapOptions::new().offset(offset).len(len).map_mut(&file) }.unwrap();
        assert_eq!(map.len(), len);
        map.copy_from_slice(&data);
        match wb {
            Writeback::FlushAndSync => {
                map.flush().unwrap();
                file.sync_all().unwrap();
            }
            Writeback::FlushRange => map.flush_range(0, len).unwrap(),
            Writeback::FlushAsync => map.flush_async().unwrap(),
            Writeback::None => {}
        }
        drop(map);
        sys::close(file.into_fd()).unwrap();
    }
    let got = read_all(t.c());
    let what = format!("len {len}, offset {offset}, {wb:?}");
    assert_eq!(got.len(), total, "file size changed: {what}");
    let off = offset as usize;
    assert!(
        got[..off] == background[..off],
        "bytes before the map changed: {what}"
    );
    assert!(
        got[off..off + len] == data[..],
        "mapped bytes differ: {what}"
    );
    assert!(
        got[off + len..] == background[off + len..],
        "bytes after the map changed: {what}"
    );
    assert!(
        pread_exact(t.c(), offset, len) == data,
        "pread differs: {what}"
    );
}

#[test]
fn bytes_written_through_a_map_read_back_identical() {
    let page = rawmap::page_size();
    let lens = [
        1,
        100,
        page - 1,
        page,
        page + 1,
        3 * page,
        3 * page + 17,
        (64 << 10) + 5,
        1 << 20,
    ];
    let offsets = [0, 1, 100, page - 1, page, page + 1, 2 * page + 333].map(|o| o as u64);
    let modes = [
        Writeback::FlushAndSync,
        Writeback::FlushRange,
        Writeback::FlushAsync,
        Writeback::None,
    ];
    let t = TmpFile::new("durability");
    let mut cases = 0u64;
    for (i, &len) in lens.iter().enumerate() {
        for (j, &offset) in offsets.iter().enumerate() {
            for (k, &wb) in modes.iter().enumerate() {
                one_case(&t, len, offset, wb, (i * 100 + j * 10 + k) as u64 + 1);
                cases += 1;
            }
        }
    }
    println!(
        "durability: {cases} cases ({} lengths x {} offsets x {} write-back modes), \
         each read back with sys::read and sys::pread",
        lens.len(),
        offsets.len(),
        modes.len()
    );
}

#[test]
fn writes_survive_a_process_that_exits_without_unmapping() {
    let page = rawmap::page_size();
    let t = TmpFile::new("durability-exit");
    let mut cases = 0;
    for (len, offset) in [(page, 0u64), (3 * page + 5, 1), (page - 3, page as u64 + 2)] {
        let total = offset as usize + len;
        let data = pattern(len as u64, len);
        {
            let file = File::create(t.c()).unwrap();
            file.set_len(total as u64).unwrap();
        }
        let _ = rawmap::page_size(); // discovered before the fork
        let path = t.c();
        let src = &data;
        let status = common::in_child(|| {
            let Ok(file) = File::open_rw(path) else {
                return 1;
            };
            // SAFETY: the child is the file's only user while the map lives.
            let Ok(mut map) = (unsafe { MapOptions::new().offset(offset).len(len).map_mut(&file) })
            else {
                return 2;
            };
            map.copy_from_slice(src);
            // Neither flush nor unmap nor close: the process just ends.
            sys::exit_group(0)
        });
        assert_eq!(status.exit_code(), Some(0), "child: {status:?}");
        let got = read_all(t.c());
        assert_eq!(got.len(), total);
        assert!(
            got[offset as usize..] == data[..],
            "len {len} offset {offset}"
        );
        assert!(got[..offset as usize].iter().all(|&b| b == 0));
        cases += 1;
    }
    // The whole-file constructor, too.
    let data = pattern(99, 2 * page + 1);
    {
        let file = File::create(t.c()).unwrap();
        file.set_len(data.len() as u64).unwrap();
        // SAFETY: this test is the file's only user while the map lives.
        let mut map = unsafe { MmapMut::map_mut(&file) }.unwrap();
        map.copy_from_slice(&data);
        map.flush().unwrap();
    }
    assert!(read_all(t.c()) == data);
    cases += 1;
    println!("durability: {cases} cases of writes read back after the writer went away");
}
