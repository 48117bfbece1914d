//! The `<sys/mman.h>` names added for parity with C, memmap2 and rustix
//! (`PROT_SEM`, `PROT_GROWSDOWN`, `MAP_FILE`, `MAP_DROPPABLE`, the newer
//! `MADV_*` values) and `mlock2`/`lock_on_fault`, against the real kernel.
//! Answers that depend on the kernel version (the real-kernel lane runs
//! 6.1 and 6.12, this machine 6.18) or on qemu-user 7.2 (aarch64 and
//! riscv64 here) are asserted as the set Linux gives, with the reason.
mod common;

use std::ptr;

use rawmap::sys;
use rawmap::{Advice, Errno, File, MapFlags, MapOptions, MlockFlags, MmapMut, ProtFlags};

fn page() -> usize {
    rawmap::page_size()
}

/// The running kernel's (major, minor), or `None` under qemu-user (which
/// emulates mmap and madvise itself: the host kernel's version says
/// nothing about them).
fn kernel() -> Option<(u32, u32)> {
    if common::under_qemu().is_some() {
        return None;
    }
    let r = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap();
    let mut it = r
        .trim()
        .split(['.', '-'])
        .map(|p| p.parse::<u32>().unwrap_or(0));
    Some((it.next().unwrap(), it.next().unwrap_or(0)))
}

/// mmap of fresh anonymous memory, any flags; unmapped again on success.
fn try_map(flags: MapFlags) -> Result<(), Errno> {
    // SAFETY: no address hint and no MAP_FIXED: nothing is replaced.
    let p = unsafe {
        sys::mmap(
            ptr::null_mut(),
            page(),
            ProtFlags::READ | ProtFlags::WRITE,
            flags,
            None,
            0,
        )
    }?;
    // SAFETY: just mapped, unused.
    unsafe { sys::munmap(p, page()) }
}

#[test]
fn droppable_is_a_map_type_of_its_own() {
    let (a, d) = (MapFlags::ANONYMOUS, MapFlags::DROPPABLE);
    let Some(version) = kernel() else {
        if !common::under_qemu_7() {
            // qemu-user 10 checks the map type itself, against a list that
            // has no MAP_DROPPABLE: every combination is EINVAL there.
            eprintln!("qemu-user 10: MAP_DROPPABLE is an unknown map type there");
            for t in [MapFlags::PRIVATE, MapFlags::SHARED, MapFlags::empty()] {
                assert_eq!(try_map(a | t | d), Err(Errno::EINVAL), "{t:?}");
            }
            return;
        }
        // qemu-user 7.2 translates the flags through its own table, which
        // has no MAP_DROPPABLE: the bit is dropped, so PRIVATE|DROPPABLE
        // and SHARED|DROPPABLE map as PRIVATE and SHARED, and
        // ANONYMOUS|DROPPABLE has no type left (EINVAL).
        eprintln!("qemu-user: MAP_DROPPABLE is dropped from the flags there");
        assert_eq!(try_map(a | MapFlags::PRIVATE | d), Ok(()));
        assert_eq!(try_map(a | MapFlags::SHARED | d), Ok(()));
        assert_eq!(try_map(a | d), Err(Errno::EINVAL));
        return;
    };
    // Other values of the MAP_TYPE field: never valid.
    assert_eq!(try_map(a | MapFlags::PRIVATE | d), Err(Errno::EINVAL));
    assert_eq!(try_map(a | MapFlags::SHARED | d), Err(Errno::EINVAL));
    if version >= (6, 11) {
        // Linux 6.11 added the type.
        try_map(a | d).unwrap();
        // A droppable map is anonymous only: EINVAL for a file.
        let f = File::memfd(c"droppable", rawmap::MemfdFlags::empty()).unwrap();
        f.set_len(page() as u64).unwrap();
        // SAFETY: as in try_map.
        let r = unsafe {
            sys::mmap(
                ptr::null_mut(),
                page(),
                ProtFlags::READ,
                d,
                Some(f.as_fd()),
                0,
            )
        };
        assert_eq!(r, Err(Errno::EINVAL));
    } else {
        // Before 6.11 the value is an unknown map type: EINVAL.
        assert_eq!(try_map(a | d), Err(Errno::EINVAL));
    }
}

#[test]
fn map_file_is_zero_and_maps_a_file() {
    assert!(MapFlags::FILE.is_empty());
    let f = File::memfd(c"mapfile", rawmap::MemfdFlags::empty()).unwrap();
    f.write_all_at(b"abc", 0).unwrap();
    // SAFETY: as in try_map; a memfd only this test has.
    let p = unsafe {
        sys::mmap(
            ptr::null_mut(),
            page(),
            ProtFlags::READ,
            MapFlags::FILE | MapFlags::PRIVATE,
            Some(f.as_fd()),
            0,
        )
    }
    .unwrap();
    // SAFETY: three mapped bytes of the file.
    assert_eq!(
        unsafe { std::slice::from_raw_parts(p.cast::<u8>(), 3) },
        b"abc"
    );
    // SAFETY: just mapped.
    unsafe { sys::munmap(p, page()) }.unwrap();
}

#[test]
fn prot_sem_and_growsdown() {
    let mut m = MmapMut::map_anon(page()).unwrap();
    let p = m.as_mut_ptr().cast();
    // PROT_SEM is accepted (and means nothing) on Linux's architectures;
    // qemu-user 7.2 validates prot itself and does not know it.
    // SAFETY: the map stays readable and writable.
    let r = unsafe {
        sys::mprotect(
            p,
            page(),
            ProtFlags::READ | ProtFlags::WRITE | ProtFlags::SEM,
        )
    };
    if common::under_qemu().is_some() {
        eprintln!("qemu-user: PROT_SEM answer {r:?}");
        assert!(r == Ok(()) || r == Err(Errno::EINVAL), "{r:?}");
    } else {
        assert_eq!(r, Ok(()));
    }
    // GROWSDOWN on a mapping that does not grow down, GROWSUP anywhere
    // (no supported architecture has upward stacks), both at once: EINVAL.
    for prot in [
        ProtFlags::READ | ProtFlags::GROWSDOWN,
        ProtFlags::READ | ProtFlags::GROWSUP,
        ProtFlags::READ | ProtFlags::GROWSDOWN | ProtFlags::GROWSUP,
    ] {
        // SAFETY: fails before changing anything (and READ would keep the
        // map readable; nothing writes it afterwards).
        let r = unsafe { sys::mprotect(p, page(), prot) };
        assert_eq!(r, Err(Errno::EINVAL), "{prot:?}");
    }
    m[0] = 1;
}

#[test]
fn guard_pages() {
    let m = MmapMut::map_anon(3 * page()).unwrap();
    let mid = m.as_ptr().wrapping_add(page()).cast_mut();
    // SAFETY: the range is ours; its contents may go (nothing is borrowed).
    let install = unsafe { m.advise_unchecked(Advice::GUARD_INSTALL, page(), page()) };
    match kernel() {
        Some(v) if v >= (6, 13) => {
            install.unwrap();
            // Touching a guard page raises SIGSEGV.
            let status = common::in_child(|| {
                // SAFETY: the child dies here, which is the point.
                unsafe { mid.read_volatile() };
                0
            });
            assert_eq!(
                status.term_signal(),
                Some(libc::SIGSEGV as u32),
                "{status:?}"
            );
            // SAFETY: as above.
            unsafe { m.advise_unchecked(Advice::GUARD_REMOVE, page(), page()) }.unwrap();
            assert_eq!(m[page()], 0);
        }
        // Linux 6.1 and 6.12 (the real-kernel lane) do not know them.
        Some(_) => {
            assert_eq!(install, Err(Errno::EINVAL));
            // SAFETY: as above.
            let r = unsafe { m.advise_unchecked(Advice::GUARD_REMOVE, 0, page()) };
            assert_eq!(r, Err(Errno::EINVAL));
        }
        None => {
            eprintln!("qemu-user: madvise returns 0 without acting; guard pages not checked");
            assert_eq!(install, Ok(()));
        }
    }
    // The safe advise refuses advice that changes the contents, with no
    // system call.
    for a in [
        Advice::GUARD_INSTALL,
        Advice::GUARD_REMOVE,
        Advice::HWPOISON,
        Advice::SOFT_OFFLINE,
        Advice::DONTNEED_LOCKED,
    ] {
        assert_eq!(m.advise(a), Err(Errno::EINVAL), "{a:?}");
    }
}

/// Resident pages of a map, by mincore.
fn resident(m: &MmapMut) -> Vec<bool> {
    let mut v = vec![0u8; m.len().div_ceil(page())];
    sys::mincore(m.as_ptr().cast(), m.len(), &mut v).unwrap();
    v.into_iter().map(|b| b & 1 == 1).collect()
}

#[test]
fn populate_and_dontneed_locked() {
    let mut m = MmapMut::map_anon(4 * page()).unwrap();
    m.advise(Advice::POPULATE_WRITE).unwrap();
    m.advise(Advice::POPULATE_READ).unwrap();
    m[0] = 5;
    m.lock().unwrap();
    // SAFETY: nothing borrows the map's old contents.
    unsafe { m.advise_unchecked(Advice::DONTNEED_LOCKED, 0, m.len()) }.unwrap();
    if common::under_qemu().is_some() {
        eprintln!("qemu-user: madvise returns 0 without acting; effects not checked");
        return;
    }
    // POPULATE_WRITE faulted every page in (Linux 5.14).
    let mut n = MmapMut::map_anon(4 * page()).unwrap();
    n.advise(Advice::POPULATE_WRITE).unwrap();
    assert!(resident(&n).iter().all(|&r| r), "{:?}", resident(&n));
    n[0] = 1;
    // DONTNEED_LOCKED (Linux 5.18) dropped the locked pages: zeros.
    assert_eq!(m[0], 0);
}

/// The `VmFlags:` of the /proc/self/smaps entry that holds `addr`.
fn vm_flags(addr: usize) -> Vec<String> {
    let smaps = std::fs::read_to_string("/proc/self/smaps").unwrap();
    let mut inside = false;
    for line in smaps.lines() {
        if let Some((range, _)) = line.split_once(' ')
            && let Some((a, b)) = range.split_once('-')
            && let (Ok(a), Ok(b)) = (usize::from_str_radix(a, 16), usize::from_str_radix(b, 16))
        {
            inside = (a..b).contains(&addr);
        } else if inside && let Some(f) = line.strip_prefix("VmFlags:") {
            return f.split_whitespace().map(str::to_owned).collect();
        }
    }
    panic!("no smaps entry for {addr:#x}");
}

#[test]
fn mlock2_on_fault_locks_as_pages_are_touched() {
    let mut m = MmapMut::map_anon(4 * page()).unwrap();
    let r = m.lock_on_fault();
    if common::under_qemu().is_some() && r == Err(Errno::ENOSYS) {
        eprintln!("qemu-user 7.2 has no mlock2: ENOSYS");
        return;
    }
    r.unwrap();
    if common::under_qemu().is_none() {
        // Nothing was faulted in ...
        assert!(resident(&m).iter().all(|&r| !r), "{:?}", resident(&m));
        m[page()] = 1;
        // ... until touched.
        assert_eq!(resident(&m), [false, true, false, false]);
        // smaps names VM_LOCKONFAULT "lf"; Linux 6.1 (the VM lane's arm64
        // kernel) prints "??" for that bit instead. Either way the range
        // is locked ("lo"), and the residency above shows the on-fault part.
        let flags = vm_flags(m.as_ptr() as usize);
        let has = |f: &str| flags.iter().any(|x| x == f);
        assert!(
            has("lf") || (has("lo") && has("??")),
            "no lf (lock on fault): {flags:?}"
        );
    }
    m.unlock().unwrap();
    // Plain mlock2 is mlock: every page comes in.
    sys::mlock2(m.as_ptr().cast(), m.len(), MlockFlags::empty()).unwrap();
    if common::under_qemu().is_none() {
        assert!(resident(&m).iter().all(|&r| r));
    }
    sys::munlock(m.as_ptr().cast(), m.len()).unwrap();
    // Unknown flags.
    let r = sys::mlock2(m.as_ptr().cast(), m.len(), MlockFlags::from_bits_retain(2));
    assert_eq!(r, Err(Errno::EINVAL));
    // A range with no mapping: made in a forked child, where no other test
    // thread can map into the hole.
    let status = common::in_child(|| {
        let hole = MmapMut::map_anon(page()).unwrap();
        let addr = hole.as_ptr();
        drop(hole);
        match sys::mlock2(addr.cast(), page(), MlockFlags::ONFAULT) {
            Err(Errno::ENOMEM) => 0,
            _ => 1,
        }
    });
    assert_eq!(status.exit_code(), Some(0), "mlock2 of a hole: {status:?}");
    // An empty map: nothing to lock.
    MapOptions::new()
        .len(0)
        .map_anon()
        .unwrap()
        .lock_on_fault()
        .unwrap();
}
