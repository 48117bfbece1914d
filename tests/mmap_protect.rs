//! Protection changes by ownership: `MmapMut::make_read_only` / `make_exec`
//! give an `Mmap`, `Mmap::make_mut` gives an `MmapMut`, and no state is
//! ever writable and executable at once. Checked in /proc/self/maps, by
//! faulting in a child, and by running code.
mod common;
use common::held_entry;

use common::TmpFile;
use rawmap::{Errno, File, MapOptions, Mmap, MmapMut, ProtFlags};

fn page() -> usize {
    rawmap::page_size()
}

fn perms(addr: *const u8) -> String {
    let entry = held_entry(addr as usize);
    entry.split_whitespace().nth(1).unwrap().to_owned()
}

/// `fn() -> u32 { 42 }` in this architecture's machine code.
fn return_42() -> Vec<u8> {
    let words: &[u32] = if cfg!(any(target_arch = "x86_64", target_arch = "x86")) {
        // mov eax, 42; ret (the same bytes on i686)
        return vec![0xB8, 42, 0, 0, 0, 0xC3];
    } else if cfg!(target_arch = "s390x") {
        // lghi %r2, 42; br %r14 (big-endian, 4 + 2 bytes)
        return vec![0xA7, 0x29, 0x00, 42, 0x07, 0xFE];
    } else if cfg!(target_arch = "aarch64") {
        // mov w0, #42; ret
        &[0x5280_0540, 0xD65F_03C0]
    } else if cfg!(target_arch = "powerpc64") {
        // li r3, 42; blr (little-endian words: powerpc64le)
        &[0x3860_002A, 0x4E80_0020]
    } else if cfg!(target_arch = "loongarch64") {
        // ori $a0, $zero, 42; jirl $zero, $ra, 0 (ret)
        &[0x0380_A804, 0x4C00_0020]
    } else if cfg!(target_arch = "arm") {
        // mov r0, #42; bx lr (A32, the mode armv7-unknown-linux-gnueabihf
        // code runs in and calls with)
        &[0xE3A0_002A, 0xE12F_FF1E]
    } else {
        // li a0, 42; ret
        &[0x02A0_0513, 0x0000_8067]
    };
    words.iter().flat_map(|w| w.to_le_bytes()).collect()
}

#[test]
fn make_read_only_keeps_contents_and_faults_on_write() {
    let mut map = MmapMut::map_anon(2 * page()).unwrap();
    map[page()] = 7;
    let ro = map.make_read_only().unwrap();
    assert_eq!(ro.prot(), ProtFlags::READ);
    assert_eq!(perms(ro.as_ptr()), "r--p");
    assert_eq!(ro[page()], 7);
    let ptr = ro.as_ptr().cast_mut();
    let status = common::in_child(|| {
        // SAFETY: deliberately writes to a read-only page, in a child
        // that dies of it.
        unsafe { ptr.write_volatile(1) };
        0
    });
    assert_eq!(
        status.term_signal(),
        Some(libc::SIGSEGV as u32),
        "{status:?}"
    );
    // And back.
    let mut rw = ro.make_mut().unwrap();
    assert_eq!(perms(rw.as_ptr()), "rw-p");
    rw[0] = 1;
    assert_eq!((rw[0], rw[page()]), (1, 7));
}

#[test]
fn make_exec_runs_code_and_is_never_writable() {
    let code = return_42();
    let mut map = MmapMut::map_anon(code.len()).unwrap();
    map.copy_from_slice(&code);
    let exec = map.make_exec().unwrap();
    assert_eq!(exec.prot(), ProtFlags::READ | ProtFlags::EXEC);
    assert_eq!(
        perms(exec.as_ptr()),
        "r-xp",
        "writable and executable at once?"
    );
    // SAFETY: the map holds a complete function for this architecture,
    // with the C calling convention, that touches nothing.
    let f: extern "C" fn() -> u32 = unsafe { std::mem::transmute(exec.as_ptr()) };
    assert_eq!(f(), 42);
    // Back to writable: no longer executable.
    let rw = exec.make_mut().unwrap();
    assert_eq!(rw.prot(), ProtFlags::READ | ProtFlags::WRITE);
    assert_eq!(perms(rw.as_ptr()), "rw-p");
    // Executable, then read-only: the exec right goes.
    let ro = rw.make_exec().unwrap().make_read_only().unwrap();
    assert_eq!(ro.prot(), ProtFlags::READ);
    assert_eq!(perms(ro.as_ptr()), "r--p");
    let x = ro.make_exec().unwrap();
    assert_eq!(perms(x.as_ptr()), "r-xp");
}

#[test]
fn protection_changes_cover_the_whole_mapping_of_an_unaligned_map() {
    let data: Vec<u8> = (0..3 * page()).map(|i| i as u8).collect();
    let t = TmpFile::with_contents("mprot-unaligned", &data);
    let file = File::open(t.c()).unwrap();
    // SAFETY: a file only this test uses.
    let copy = unsafe { MapOptions::new().offset(10).len(page()).map_copy(&file) }.unwrap();
    let base = copy.as_ptr() as usize - 10;
    let ro = copy.make_read_only().unwrap();
    // Both pages the slice touches (the first starts 10 bytes before it).
    assert_eq!(perms(base as *const u8), "r--p");
    assert_eq!(perms((base + page()) as *const u8), "r--p");
    assert_eq!(&ro[..], &data[10..10 + page()]);
}

#[test]
fn private_changes_survive_protection_changes() {
    let t = TmpFile::with_contents("mprot-private", &[1u8; 64]);
    let file = File::open(t.c()).unwrap();
    // SAFETY: a file only this test uses.
    let mut copy = unsafe { MapOptions::new().map_copy(&file) }.unwrap();
    copy[3] = 9;
    let ro = copy.make_read_only().unwrap();
    assert_eq!(ro[3], 9);
    assert_eq!(ro[4], 1);
    assert_eq!(perms(ro.as_ptr()), "r--p");
}

#[test]
fn make_mut_of_a_shared_map_needs_a_writable_file() {
    let t = TmpFile::with_contents("mprot-shared", &[5u8; 64]);
    let ro_file = File::open(t.c()).unwrap();
    // SAFETY: a file only this test uses.
    let map = unsafe { Mmap::map(&ro_file) }.unwrap();
    assert_eq!(map.make_mut().unwrap_err(), Errno::EACCES);
    let rw_file = File::open_rw(t.c()).unwrap();
    // SAFETY: as above.
    let map = unsafe { Mmap::map(&rw_file) }.unwrap();
    let mut rw = map.make_mut().unwrap();
    rw[0] = 6;
    drop(rw);
    let mut b = [0u8; 1];
    ro_file.read_at(&mut b, 0).unwrap();
    assert_eq!(b, [6], "the write reached the file");
}
