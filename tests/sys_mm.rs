//! The memory-management wrappers of `rawmap::sys` (`mmap`, `munmap`,
//! `mprotect`, `msync`, `madvise`, `mremap`, `mlock`, `munlock`, `mincore`)
//! against the real kernel: every success path and every errno path that
//! can be provoked, asserting the exact `Errno`.
//!
//! Under qemu-user (`common::under_qemu()`), which emulates mmap itself, the
//! documented deviations are asserted as such (see platform-facts).
mod common;
use common::held_entry as mapping_line;

use std::ffi::{CStr, c_void};
use std::ptr::{self, null_mut};

use common::{TmpFile, in_child, maps_entry, under_qemu};
use linux_raw_sys::general::{SIGBUS, SIGSEGV};
use rawmap::fd::BorrowedFd;
use rawmap::sys::{self, Resource, Rlimit};
use rawmap::{
    Advice, Errno, MapFlags, Mode, MremapFlags, MsyncFlags, OFlags, OwnedFd, ProtFlags, page_size,
};

const RW: ProtFlags = ProtFlags::READ.union(ProtFlags::WRITE);
const PRIV_ANON: MapFlags = MapFlags::PRIVATE.union(MapFlags::ANONYMOUS);

/// A descriptor number that can never be open: above the largest possible
/// `fs.nr_open` (which is below `i32::MAX`).
const NEVER_OPEN_FD: i32 = i32::MAX;

fn bad_fd() -> BorrowedFd<'static> {
    // SAFETY: only used to provoke EBADF; this number can never be open.
    unsafe { BorrowedFd::borrow_raw(NEVER_OPEN_FD) }
}

/// A fresh private anonymous mapping of `len` bytes.
fn anon(len: usize, prot: ProtFlags) -> *mut c_void {
    // SAFETY: a new mapping, no address hint: nothing is replaced.
    unsafe { sys::mmap(null_mut(), len, prot, PRIV_ANON, None, 0) }.expect("mmap")
}

/// A new mapping of a test's own file, no address hint: `sys::mmap` with
/// `fd`, made safe for these tests (nothing is replaced, and the files are
/// only this test's).
fn map_file(
    fd: BorrowedFd<'_>,
    len: usize,
    prot: ProtFlags,
    flags: MapFlags,
    offset: u64,
) -> Result<*mut c_void, Errno> {
    // SAFETY: no hint and no MAP_FIXED: the kernel picks a free range; the
    // file is the test's own and is not truncated while mapped.
    unsafe { sys::mmap(null_mut(), len, prot, flags, Some(fd), offset) }
}

/// Unmaps a mapping made by this test.
fn unmap(p: *mut c_void, len: usize) {
    // SAFETY: the tests unmap only their own mappings, no longer used.
    unsafe { sys::munmap(p, len) }.expect("munmap")
}

/// An address range that holds no mapping: the second page of the address
/// space, below every mapping the kernel chooses by itself (the loader and
/// mmap place everything far higher) and never mapped by these tests.
/// Checked against /proc/self/maps.
fn unmapped_page() -> *mut c_void {
    unmapped_page_n(1)
}

/// Like [`unmapped_page`], page `n` of the address space (low, never
/// mapped by the kernel's own choice). Under qemu-user with a 32-bit guest
/// a call on a hole can succeed and make qemu count the page as mapped
/// ([`common::qemu_32bit_guest`]): the tests that can do that each use
/// their own page and unmap it again, so they cannot race each other.
fn unmapped_page_n(n: usize) -> *mut c_void {
    let a = n * page_size();
    assert!(maps_entry(a).is_none(), "page {a:#x} is mapped");
    a as *mut c_void
}

/// Under qemu-user with a 32-bit guest, a call on the hole at `a` that
/// succeeded (qemu's reservation is a host mapping there): says so and
/// unmaps the page again, which only qemu's page table noticed.
fn qemu_32_hole_ok(a: *mut c_void, what: &str) {
    eprintln!(
        "qemu-user 7.2, 32-bit guest: {what} of a hole succeeds (qemu reserves the guest's address space in the host)"
    );
    unmap(a, page_size());
}

fn open(path: &CStr, flags: OFlags) -> OwnedFd {
    sys::open(path, flags, Mode::from_octal(0o600)).expect("open")
}

/// A file of `len` bytes, every byte `fill`.
fn file_of(tag: &str, len: usize, fill: u8) -> TmpFile {
    TmpFile::with_contents(tag, &vec![fill; len])
}

/// Makes a child that is about to die of a signal quiet and cheap: no core
/// dump, and (under qemu-user, which reports the guest's fatal signal on
/// stderr) no message.
fn prepare_to_die() {
    let _ = sys::prlimit64(0, Resource::CORE, Some(Rlimit { cur: 0, max: 0 }));
    if under_qemu().is_some() {
        // SAFETY: plain descriptor calls in a single-threaded child.
        unsafe {
            let null = libc::open(c"/dev/null".as_ptr(), libc::O_WRONLY);
            libc::dup2(null, 2);
        }
    }
}

/// Whether the process has capability `bit` in its effective set.
fn has_cap(bit: u32) -> bool {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("CapEff:")).unwrap();
    let mask = u64::from_str_radix(line["CapEff:".len()..].trim(), 16).unwrap();
    mask & (1 << bit) != 0
}
const CAP_IPC_LOCK: u32 = 14;

// ---------------------------------------------------------------- mmap

#[test]
fn mmap_anonymous_private_is_zeroed_writable_and_page_aligned() {
    let len = 3 * page_size();
    let p = anon(len, RW).cast::<u8>();
    assert_eq!(p as usize % page_size(), 0);
    assert!(mapping_line(p as usize).contains(" rw-p "));
    // SAFETY: `p` maps `len` writable bytes.
    unsafe {
        assert!((0..len).all(|i| p.add(i).read() == 0));
        p.add(len - 1).write(0xa5);
        assert_eq!(p.add(len - 1).read(), 0xa5);
    }
    unmap(p.cast(), len);
}

#[test]
fn mmap_file_shared_maps_contents_and_writes_reach_the_file() {
    let f = file_of("mm-shared", page_size(), b'a');
    let fd = open(f.c(), OFlags::RDWR);
    let p = map_file(fd.as_fd(), page_size(), RW, MapFlags::SHARED, 0)
        .unwrap()
        .cast::<u8>();
    // SAFETY: `p` maps one writable page of the file.
    unsafe {
        assert_eq!(p.read(), b'a');
        p.add(1).write(b'Z');
    }
    let mut buf = [0u8; 2];
    assert_eq!(sys::pread(fd.as_fd(), &mut buf, 0), Ok(2));
    assert_eq!(&buf, b"aZ");
    unmap(p.cast(), page_size());
}

#[test]
fn mmap_file_at_page_aligned_offset_maps_that_page() {
    let ps = page_size();
    let mut data = vec![b'0'; ps];
    data.extend(vec![b'1'; ps]);
    let f = TmpFile::with_contents("mm-off", &data);
    let fd = open(f.c(), OFlags::RDONLY);
    let p = map_file(fd.as_fd(), ps, ProtFlags::READ, MapFlags::SHARED, ps as u64).unwrap();
    // SAFETY: `p` maps one readable page.
    assert_eq!(unsafe { p.cast::<u8>().read() }, b'1');
    unmap(p, ps);
}

#[test]
fn mmap_len_zero_is_einval() {
    // SAFETY: fails before mapping anything.
    let r = unsafe { sys::mmap(null_mut(), 0, RW, PRIV_ANON, None, 0) };
    assert_eq!(r, Err(Errno::EINVAL));
    let f = file_of("mm-len0", 16, 1);
    let fd = open(f.c(), OFlags::RDWR);
    let r = map_file(fd.as_fd(), 0, RW, MapFlags::SHARED, 0);
    assert_eq!(r, Err(Errno::EINVAL));
}

#[test]
fn mmap_unaligned_offset_is_einval() {
    let f = file_of("mm-unal", 2 * page_size(), 1);
    let fd = open(f.c(), OFlags::RDWR);
    for off in [1, 1000, page_size() as u64 / 2, page_size() as u64 + 1] {
        let r = map_file(fd.as_fd(), page_size(), RW, MapFlags::SHARED, off);
        assert_eq!(r, Err(Errno::EINVAL), "offset {off}");
    }
}

#[test]
fn mmap_without_shared_or_private_is_einval() {
    // SAFETY: fails before mapping anything.
    let r = unsafe { sys::mmap(null_mut(), page_size(), RW, MapFlags::ANONYMOUS, None, 0) };
    assert_eq!(r, Err(Errno::EINVAL));
}

#[test]
fn mmap_shared_validate_maps_files_natively_einval_under_qemu() {
    let f = file_of("mm-sv", page_size(), 1);
    let fd = open(f.c(), OFlags::RDWR);
    let map = |flags| map_file(fd.as_fd(), page_size(), RW, flags, 0);
    let r = map(MapFlags::SHARED_VALIDATE);
    // MAP_SYNC needs a DAX file: the validating variant rejects it for an
    // ordinary file with EOPNOTSUPP.
    let r_unknown = map(MapFlags::SHARED_VALIDATE | MapFlags::SYNC);
    match under_qemu() {
        // platform-facts: qemu-user 7.2 rejects MAP_SHARED_VALIDATE (qemu
        // 10 validates the flags as the kernel does).
        Some(_) if common::under_qemu_7() => {
            assert_eq!(r, Err(Errno::EINVAL));
            assert_eq!(r_unknown, Err(Errno::EINVAL));
        }
        _ => {
            unmap(r.unwrap(), page_size());
            assert_eq!(r_unknown, Err(Errno::EOPNOTSUPP));
        }
    }
}

#[test]
fn mmap_shared_validate_anonymous_is_einval() {
    // The kernel accepts only SHARED or PRIVATE for anonymous mappings.
    // SAFETY: fails before mapping anything.
    let r = unsafe {
        sys::mmap(
            null_mut(),
            page_size(),
            RW,
            MapFlags::SHARED_VALIDATE | MapFlags::ANONYMOUS,
            None,
            0,
        )
    };
    assert_eq!(r, Err(Errno::EINVAL));
}

#[test]
fn mmap_unaligned_fixed_address_is_einval() {
    let ps = page_size();
    let base = anon(2 * ps, ProtFlags::NONE);
    // SAFETY: FIXED inside our own reservation; the call fails anyway.
    let r = unsafe {
        sys::mmap(
            base.cast::<u8>().add(1).cast(),
            ps,
            RW,
            PRIV_ANON | MapFlags::FIXED,
            None,
            0,
        )
    };
    assert_eq!(r, Err(Errno::EINVAL));
    unmap(base, 2 * ps);
}

#[test]
fn mmap_fixed_replaces_the_range_exactly() {
    let ps = page_size();
    let base = anon(3 * ps, ProtFlags::NONE);
    let mid = base.cast::<u8>().wrapping_add(ps).cast::<c_void>();
    // SAFETY: FIXED over the middle page of our own PROT_NONE reservation.
    let p = unsafe { sys::mmap(mid, ps, RW, PRIV_ANON | MapFlags::FIXED, None, 0) }.unwrap();
    assert_eq!(p, mid);
    assert!(mapping_line(mid as usize).contains(" rw-p "));
    assert!(mapping_line(base as usize).contains(" ---p "));
    // SAFETY: `p` is now one writable page.
    unsafe { p.cast::<u8>().write(1) };
    unmap(base, 3 * ps);
}

#[test]
fn mmap_bad_fd_without_anonymous_is_ebadf() {
    // SAFETY: fails before mapping anything.
    let r = unsafe {
        sys::mmap(
            null_mut(),
            page_size(),
            ProtFlags::READ,
            MapFlags::SHARED,
            Some(bad_fd()),
            0,
        )
    };
    assert_eq!(r, Err(Errno::EBADF));
}

#[test]
fn mmap_closed_fd_is_ebadf() {
    let f = file_of("mm-closed", page_size(), 1);
    let fd = open(f.c(), OFlags::RDWR);
    let raw = fd.as_raw_fd();
    sys::close(fd).unwrap();
    // Another test thread may reuse the number at once; only if it did not
    // is EBADF the answer.
    // SAFETY: only used to provoke EBADF (or a mapping we unmap at once).
    let r = unsafe {
        sys::mmap(
            null_mut(),
            page_size(),
            ProtFlags::READ,
            MapFlags::PRIVATE,
            Some(BorrowedFd::borrow_raw(raw)),
            0,
        )
    };
    match r {
        Err(e) => assert!(
            e == Errno::EBADF || std::fs::read_link(format!("/proc/self/fd/{raw}")).is_ok(),
            "{e:?}"
        ),
        Ok(p) => unmap(p, page_size()),
    }
}

#[test]
fn mmap_rdonly_fd_shared_write_is_eacces() {
    let f = file_of("mm-ro", page_size(), 1);
    let fd = open(f.c(), OFlags::RDONLY);
    let r = map_file(fd.as_fd(), page_size(), RW, MapFlags::SHARED, 0);
    assert_eq!(r, Err(Errno::EACCES));
}

#[test]
fn mmap_wronly_fd_is_eacces_for_any_mapping() {
    let f = file_of("mm-wo", page_size(), 1);
    let fd = open(f.c(), OFlags::WRONLY);
    for (prot, flags) in [
        (ProtFlags::READ, MapFlags::SHARED),
        (ProtFlags::WRITE, MapFlags::SHARED),
        (RW, MapFlags::SHARED),
        (ProtFlags::READ, MapFlags::PRIVATE),
        (ProtFlags::NONE, MapFlags::PRIVATE),
    ] {
        let r = map_file(fd.as_fd(), page_size(), prot, flags, 0);
        assert_eq!(r, Err(Errno::EACCES), "{prot:?} {flags:?}");
    }
}

#[test]
fn mmap_directory_is_enodev() {
    let fd = open(c"/", OFlags::RDONLY | OFlags::DIRECTORY);
    let r = map_file(
        fd.as_fd(),
        page_size(),
        ProtFlags::READ,
        MapFlags::PRIVATE,
        0,
    );
    assert_eq!(r, Err(Errno::ENODEV));
}

#[test]
fn mmap_o_path_fd_is_ebadf() {
    let f = file_of("mm-opath", page_size(), 1);
    let fd = open(f.c(), OFlags::PATH);
    let r = map_file(
        fd.as_fd(),
        page_size(),
        ProtFlags::READ,
        MapFlags::PRIVATE,
        0,
    );
    assert_eq!(r, Err(Errno::EBADF));
}

#[test]
fn mmap_fixed_noreplace_over_a_mapping_is_eexist_natively_a_hint_under_qemu() {
    let ps = page_size();
    let base = anon(ps, RW);
    // SAFETY: our page; written so that we can check it survives.
    unsafe { base.cast::<u8>().write(42) };
    // SAFETY: NOREPLACE never replaces; whatever is returned is new.
    let r = unsafe { sys::mmap(base, ps, RW, PRIV_ANON | MapFlags::FIXED_NOREPLACE, None, 0) };
    match under_qemu() {
        // platform-facts: qemu-user 7.2 treats FIXED_NOREPLACE as a plain
        // hint: the mapping lands elsewhere (qemu 10 answers EEXIST, as
        // the kernel does).
        Some(_) if common::under_qemu_7() => {
            let p = r.expect("qemu maps FIXED_NOREPLACE elsewhere");
            assert_ne!(p, base);
            unmap(p, ps);
        }
        _ => assert_eq!(r, Err(Errno::EEXIST)),
    }
    // SAFETY: our page, untouched by the failed/elsewhere mapping.
    assert_eq!(unsafe { base.cast::<u8>().read() }, 42);
    unmap(base, ps);
}

#[test]
fn mmap_fixed_noreplace_on_a_free_range_lands_exactly_there() {
    let ps = page_size();
    // Reserve two pages, free the second: then ask for exactly that page.
    let base = anon(2 * ps, ProtFlags::NONE);
    let second = base.cast::<u8>().wrapping_add(ps).cast::<c_void>();
    unmap(second, ps);
    // SAFETY: NOREPLACE never replaces anything.
    let r = unsafe {
        sys::mmap(
            second,
            ps,
            RW,
            PRIV_ANON | MapFlags::FIXED_NOREPLACE,
            None,
            0,
        )
    };
    match r {
        Ok(p) => {
            assert_eq!(p, second);
            unmap(p, ps);
        }
        // Another test thread may have taken the free page meanwhile.
        Err(e) => assert_eq!(e, Errno::EEXIST),
    }
    unmap(base, ps);
}

#[test]
fn mmap_huge_length_is_enomem() {
    // Half the address space fits a 32-bit one: there, all but 16 pages.
    let most = if usize::BITS == 32 {
        usize::MAX - 16 * page_size()
    } else {
        usize::MAX / 2
    };
    for len in [most, usize::MAX - page_size() + 2, usize::MAX] {
        // SAFETY: fails before mapping anything.
        let r = unsafe { sys::mmap(null_mut(), len, RW, PRIV_ANON, None, 0) };
        assert_eq!(r, Err(Errno::ENOMEM), "len {len:#x}");
    }
}

#[test]
fn mmap_file_offset_past_the_largest_file_size_is_eoverflow() {
    let f = file_of("mm-ovf", 16, 1);
    let fd = open(f.c(), OFlags::RDONLY);
    // The largest page-aligned offset a regular file can have
    // (MAX_LFS_FILESIZE = i64::MAX): offset + length goes past it.
    let off = (i64::MAX as u64) & !(page_size() as u64 - 1);
    let r = map_file(
        fd.as_fd(),
        2 * page_size(),
        ProtFlags::READ,
        MapFlags::PRIVATE,
        off,
    );
    assert_eq!(r, Err(Errno::EOVERFLOW));
}

#[test]
fn mmap_populate_makes_pages_resident_natively_not_under_qemu() {
    let ps = page_size();
    let len = 4 * ps;
    // SAFETY: a new mapping, no hint.
    let p =
        unsafe { sys::mmap(null_mut(), len, RW, PRIV_ANON | MapFlags::POPULATE, None, 0) }.unwrap();
    let mut vec = [0u8; 4];
    sys::mincore(p, len, &mut vec).unwrap();
    match under_qemu() {
        // platform-facts: qemu-user 7.2 does not pre-fault MAP_POPULATE
        // (qemu 10 passes it on to the kernel, which does).
        Some(_) if common::under_qemu_7() => assert_eq!(vec.map(|b| b & 1), [0; 4]),
        _ => assert_eq!(vec.map(|b| b & 1), [1; 4]),
    }
    unmap(p, len);
}

// ---------------------------------------------------------------- munmap

#[test]
fn munmap_removes_the_mapping() {
    let ps = page_size();
    let p = anon(ps, RW);
    let mut vec = [0u8; 1];
    assert_eq!(sys::mincore(p, ps, &mut vec), Ok(()));
    // In a child, where no other thread can map the freed page again.
    let st = in_child(|| {
        // SAFETY: the child's copy of our page, unused afterwards.
        if unsafe { sys::munmap(p, ps) }.is_err() {
            return 1;
        }
        let mut vec = [0u8; 1];
        match sys::mincore(p, ps, &mut vec) {
            Err(Errno::ENOMEM) => 0,
            _ => 2,
        }
    });
    assert_eq!(st.exit_code(), Some(0));
    unmap(p, ps);
}

#[test]
fn munmap_unaligned_address_is_einval() {
    let p = anon(2 * page_size(), RW);
    // SAFETY: fails before unmapping anything.
    let r = unsafe { sys::munmap(p.cast::<u8>().add(1).cast(), page_size()) };
    assert_eq!(r, Err(Errno::EINVAL));
    let mut vec = [0u8; 2];
    assert_eq!(
        sys::mincore(p, 2 * page_size(), &mut vec),
        Ok(()),
        "still mapped"
    );
    unmap(p, 2 * page_size());
}

#[test]
fn munmap_len_zero_is_einval() {
    let p = anon(page_size(), RW);
    // SAFETY: fails before unmapping anything.
    assert_eq!(unsafe { sys::munmap(p, 0) }, Err(Errno::EINVAL));
    unmap(p, page_size());
}

#[test]
fn munmap_of_a_range_that_holds_no_mapping_succeeds() {
    let a = unmapped_page();
    // SAFETY: nothing is mapped there.
    assert_eq!(unsafe { sys::munmap(a, page_size()) }, Ok(()));
}

#[test]
fn munmap_wrapping_range_is_einval() {
    let a = usize::MAX - page_size() + 1;
    // SAFETY: the range is rejected; nothing of ours lives in the top page.
    let r = unsafe { sys::munmap(a as *mut c_void, 2 * page_size()) };
    assert_eq!(r, Err(Errno::EINVAL));
}

// ---------------------------------------------------------------- mprotect

#[test]
fn mprotect_read_only_then_write_is_sigsegv() {
    let p = anon(page_size(), RW).cast::<u8>();
    // SAFETY: our page.
    unsafe { p.write(9) };
    // SAFETY: no Rust reference points into the page.
    unsafe { sys::mprotect(p.cast(), page_size(), ProtFlags::READ) }.unwrap();
    assert!(mapping_line(p as usize).contains(" r--p "));
    // SAFETY: still readable.
    assert_eq!(unsafe { p.read() }, 9);
    let st = in_child(|| {
        prepare_to_die();
        // SAFETY: deliberately faults in the child.
        unsafe { ptr::write_volatile(p, 1) };
        0
    });
    assert_eq!(st.term_signal(), Some(SIGSEGV));
    unmap(p.cast(), page_size());
}

#[test]
fn mprotect_unaligned_is_einval() {
    let p = anon(2 * page_size(), RW);
    // SAFETY: fails before changing anything.
    let r = unsafe { sys::mprotect(p.cast::<u8>().add(1).cast(), page_size(), ProtFlags::READ) };
    assert_eq!(r, Err(Errno::EINVAL));
    unmap(p, 2 * page_size());
}

#[test]
fn mprotect_unknown_prot_bits_is_einval() {
    let p = anon(page_size(), RW);
    // SAFETY: fails before changing anything.
    let r = unsafe { sys::mprotect(p, page_size(), ProtFlags::from_bits_retain(0x100)) };
    assert_eq!(r, Err(Errno::EINVAL));
    unmap(p, page_size());
}

#[test]
fn mprotect_unmapped_range_is_enomem() {
    let a = unmapped_page_n(2);
    // SAFETY: nothing is mapped there.
    let r = unsafe { sys::mprotect(a, page_size(), ProtFlags::READ) };
    if common::qemu_32bit_guest() {
        assert_eq!(r, Ok(()));
        return qemu_32_hole_ok(a, "mprotect");
    }
    assert_eq!(r, Err(Errno::ENOMEM));
}

#[test]
fn mprotect_write_on_shared_map_of_rdonly_fd_is_eacces() {
    let f = file_of("mp-ro", page_size(), 1);
    let fd = open(f.c(), OFlags::RDONLY);
    let p = map_file(
        fd.as_fd(),
        page_size(),
        ProtFlags::READ,
        MapFlags::SHARED,
        0,
    )
    .unwrap();
    // SAFETY: fails before changing anything.
    let r = unsafe { sys::mprotect(p, page_size(), RW) };
    assert_eq!(r, Err(Errno::EACCES));
    unmap(p, page_size());
}

// ---------------------------------------------------------------- msync

/// A shared mapping of a fresh one-page file, with its descriptor.
fn shared_file_map(tag: &str) -> (TmpFile, OwnedFd, *mut c_void) {
    let f = file_of(tag, page_size(), b'.');
    let fd = open(f.c(), OFlags::RDWR);
    let p = map_file(fd.as_fd(), page_size(), RW, MapFlags::SHARED, 0).unwrap();
    (f, fd, p)
}

#[test]
fn msync_sync_and_async_succeed_and_the_file_has_the_data() {
    let (f, _fd, p) = shared_file_map("ms-ok");
    // SAFETY: our shared page.
    unsafe { p.cast::<u8>().write(b'S') };
    // SAFETY: msync changes no memory.
    unsafe { sys::msync(p, page_size(), MsyncFlags::SYNC) }.unwrap();
    // SAFETY: as above.
    unsafe { sys::msync(p, page_size(), MsyncFlags::ASYNC) }.unwrap();
    // SAFETY: as above; nothing else maps the file.
    unsafe { sys::msync(p, page_size(), MsyncFlags::SYNC | MsyncFlags::INVALIDATE) }.unwrap();
    assert_eq!(std::fs::read(f.path()).unwrap()[0], b'S');
    unmap(p, page_size());
}

#[test]
fn msync_unaligned_is_einval() {
    let (_f, _fd, p) = shared_file_map("ms-unal");
    // SAFETY: fails before doing anything.
    let r = unsafe { sys::msync(p.cast::<u8>().add(1).cast(), 1, MsyncFlags::SYNC) };
    assert_eq!(r, Err(Errno::EINVAL));
    unmap(p, page_size());
}

#[test]
fn msync_sync_with_async_is_einval() {
    let (_f, _fd, p) = shared_file_map("ms-both");
    // SAFETY: fails before doing anything.
    let r = unsafe { sys::msync(p, page_size(), MsyncFlags::SYNC | MsyncFlags::ASYNC) };
    assert_eq!(r, Err(Errno::EINVAL));
    // SAFETY: as above.
    let r = unsafe { sys::msync(p, page_size(), MsyncFlags::from_bits_retain(0x100)) };
    assert_eq!(r, Err(Errno::EINVAL));
    unmap(p, page_size());
}

#[test]
fn msync_unmapped_range_is_enomem() {
    let a = unmapped_page_n(3);
    // SAFETY: nothing is mapped there.
    let r = unsafe { sys::msync(a, page_size(), MsyncFlags::SYNC) };
    if common::qemu_32bit_guest() {
        assert_eq!(r, Ok(()));
        return qemu_32_hole_ok(a, "msync");
    }
    assert_eq!(r, Err(Errno::ENOMEM));
}

#[test]
fn msync_invalidate_on_a_locked_range_is_ebusy() {
    let (_f, _fd, p) = shared_file_map("ms-busy");
    let lim = sys::prlimit64(0, Resource::MEMLOCK, None).unwrap();
    if !has_cap(CAP_IPC_LOCK) && lim.cur < page_size() as u64 {
        eprintln!(
            "skipped: cannot mlock one page (RLIMIT_MEMLOCK {} and no CAP_IPC_LOCK)",
            lim.cur
        );
        unmap(p, page_size());
        return;
    }
    sys::mlock(p, page_size()).unwrap();
    // SAFETY: fails before doing anything.
    let r = unsafe { sys::msync(p, page_size(), MsyncFlags::INVALIDATE) };
    assert_eq!(r, Err(Errno::EBUSY));
    sys::munlock(p, page_size()).unwrap();
    // SAFETY: no longer locked: accepted.
    assert_eq!(
        unsafe { sys::msync(p, page_size(), MsyncFlags::INVALIDATE) },
        Ok(())
    );
    unmap(p, page_size());
}

// ---------------------------------------------------------------- madvise

#[test]
fn madvise_dontneed_zeroes_private_anonymous_pages() {
    let p = anon(page_size(), RW).cast::<u8>();
    // SAFETY: our page.
    unsafe { p.write(7) };
    // SAFETY: no reference depends on the contents.
    unsafe { sys::madvise(p.cast(), page_size(), Advice::DONTNEED) }.unwrap();
    // SAFETY: still mapped, now zero-filled again.
    assert_eq!(unsafe { ptr::read_volatile(p) }, 0);
    unmap(p.cast(), page_size());
}

#[test]
fn madvise_hints_succeed() {
    let p = anon(4 * page_size(), RW);
    for a in [
        Advice::NORMAL,
        Advice::RANDOM,
        Advice::SEQUENTIAL,
        Advice::WILLNEED,
        Advice::DONTFORK,
        Advice::DOFORK,
        Advice::DONTDUMP,
        Advice::DODUMP,
    ] {
        // WILLNEED of anonymous memory depends on the kernel's config.
        let want = if a == Advice::WILLNEED {
            common::anon_willneed()
        } else {
            Ok(())
        };
        // SAFETY: hints that change no contents.
        assert_eq!(
            unsafe { sys::madvise(p, 4 * page_size(), a) },
            want,
            "{a:?}"
        );
    }
    unmap(p, 4 * page_size());
}

#[test]
fn madvise_unknown_advice_is_einval_natively_ok_under_qemu() {
    let p = anon(page_size(), RW);
    // SAFETY: an advice value no kernel knows: rejected (or ignored).
    let r = unsafe { sys::madvise(p, page_size(), Advice::from_raw(12345)) };
    match under_qemu() {
        // platform-facts: qemu-user answers 0 for advice it does not pass on.
        Some(_) => assert_eq!(r, Ok(())),
        None => assert_eq!(r, Err(Errno::EINVAL)),
    }
    unmap(p, page_size());
}

#[test]
fn madvise_unaligned_is_einval() {
    let p = anon(2 * page_size(), RW);
    // SAFETY: fails before doing anything.
    let r = unsafe { sys::madvise(p.cast::<u8>().add(1).cast(), 1, Advice::NORMAL) };
    assert_eq!(r, Err(Errno::EINVAL));
    unmap(p, 2 * page_size());
}

#[test]
fn madvise_unmapped_range_is_enomem_natively_ok_under_qemu() {
    let a = unmapped_page();
    // SAFETY: nothing is mapped there.
    let r = unsafe { sys::madvise(a, page_size(), Advice::NORMAL) };
    match under_qemu() {
        // qemu-user answers hint advice itself, without looking at the range.
        Some(_) => assert_eq!(r, Ok(())),
        None => assert_eq!(r, Err(Errno::ENOMEM)),
    }
}

// ---------------------------------------------------------------- mremap

#[test]
fn mremap_grow_with_maymove_keeps_contents() {
    let ps = page_size();
    let p = anon(ps, RW).cast::<u8>();
    // SAFETY: our page.
    unsafe {
        p.write(1);
        p.add(ps - 1).write(2);
    }
    // SAFETY: the old range is not used after the call.
    let q = unsafe { sys::mremap(p.cast(), ps, 8 * ps, MremapFlags::MAYMOVE, null_mut()) }
        .unwrap()
        .cast::<u8>();
    // SAFETY: `q` maps 8 writable pages; the new ones are zero.
    unsafe {
        assert_eq!(q.read(), 1);
        assert_eq!(q.add(ps - 1).read(), 2);
        assert_eq!(q.add(8 * ps - 1).read(), 0);
        q.add(8 * ps - 1).write(3);
    }
    unmap(q.cast(), 8 * ps);
}

#[test]
fn mremap_shrink_in_place_unmaps_the_tail() {
    let ps = page_size();
    let p = anon(3 * ps, RW);
    // In a child, where no other thread can map the freed tail again.
    let st = in_child(|| {
        // SAFETY: the tail is not used after the call.
        match unsafe { sys::mremap(p, 3 * ps, ps, MremapFlags::empty(), null_mut()) } {
            Ok(q) if q == p => {}
            _ => return 1,
        }
        let tail = p.cast::<u8>().wrapping_add(ps).cast::<c_void>();
        let mut vec = [0u8; 2];
        match (
            sys::mincore(p, ps, &mut vec),
            sys::mincore(tail, 2 * ps, &mut vec),
        ) {
            (Ok(()), Err(Errno::ENOMEM)) => 0,
            _ => 2,
        }
    });
    assert_eq!(st.exit_code(), Some(0));
    unmap(p, 3 * ps);
}

#[test]
fn mremap_grow_without_maymove_when_blocked_is_enomem() {
    let ps = page_size();
    // One mapping, split in two by protection: the first page cannot grow
    // into the second in place.
    let p = anon(2 * ps, RW);
    let second = p.cast::<u8>().wrapping_add(ps).cast::<c_void>();
    // SAFETY: nothing uses the second page.
    unsafe { sys::mprotect(second, ps, ProtFlags::NONE) }.unwrap();
    // SAFETY: fails before changing anything.
    let r = unsafe { sys::mremap(p, ps, 2 * ps, MremapFlags::empty(), null_mut()) };
    assert_eq!(r, Err(Errno::ENOMEM));
    unmap(p, 2 * ps);
}

#[test]
fn mremap_unmapped_old_range_is_efault() {
    let a = unmapped_page_n(5);
    // SAFETY: nothing is mapped there.
    let r = unsafe {
        sys::mremap(
            a,
            page_size(),
            2 * page_size(),
            MremapFlags::MAYMOVE,
            null_mut(),
        )
    };
    if common::qemu_32bit_guest() {
        // qemu moves its reservation of the hole: a new (inaccessible)
        // mapping, unmapped again here; or EINVAL where the host refuses.
        match r {
            Ok(q) => {
                assert_ne!(q, a);
                unmap(q, 2 * page_size());
                return qemu_32_hole_ok(a, "mremap");
            }
            Err(e) => assert_eq!(e, Errno::EINVAL),
        }
        return;
    }
    assert_eq!(r, Err(Errno::EFAULT));
}

#[test]
fn mremap_invalid_arguments_are_einval() {
    let ps = page_size();
    let p = anon(2 * ps, RW);
    let cases: [(*mut c_void, usize, MremapFlags, &str); 4] = [
        (
            p.cast::<u8>().wrapping_add(1).cast(),
            ps,
            MremapFlags::MAYMOVE,
            "unaligned",
        ),
        (p, 0, MremapFlags::MAYMOVE, "new_len 0"),
        (p, ps, MremapFlags::FIXED, "FIXED without MAYMOVE"),
        (p, ps, MremapFlags::from_bits_retain(0x100), "unknown flag"),
    ];
    for (addr, new_len, flags, what) in cases {
        // SAFETY: each call fails before changing anything.
        let r = unsafe { sys::mremap(addr, ps, new_len, flags, null_mut()) };
        let want = match under_qemu() {
            // qemu-user 7.2 (observed) answers a zero new length itself,
            // with ENOMEM.
            Some(_) if new_len == 0 => Errno::ENOMEM,
            _ => Errno::EINVAL,
        };
        assert_eq!(r, Err(want), "{what}");
    }
    unmap(p, 2 * ps);
}

#[test]
fn mremap_fixed_moves_to_the_given_address() {
    let ps = page_size();
    let src = anon(ps, RW).cast::<u8>();
    let dst = anon(2 * ps, ProtFlags::NONE);
    // SAFETY: our page.
    unsafe { src.write(77) };
    // SAFETY: FIXED replaces our own PROT_NONE reservation; `src` is gone.
    let q = unsafe {
        sys::mremap(
            src.cast(),
            ps,
            ps,
            MremapFlags::MAYMOVE | MremapFlags::FIXED,
            dst,
        )
    }
    .unwrap();
    assert_eq!(q, dst);
    // SAFETY: the page now lives at `dst`.
    assert_eq!(unsafe { q.cast::<u8>().read() }, 77);
    unmap(dst, 2 * ps);
}

// ---------------------------------------------------------------- mlock

#[test]
fn mlock_within_the_limit_or_privileged_succeeds() {
    let ps = page_size();
    let lim = sys::prlimit64(0, Resource::MEMLOCK, None).unwrap();
    let p = anon(ps, RW);
    let r = sys::mlock(p, ps);
    if has_cap(CAP_IPC_LOCK) || lim.cur >= ps as u64 {
        assert_eq!(r, Ok(()));
        assert!(
            std::fs::read_to_string("/proc/self/status")
                .unwrap()
                .lines()
                .any(|l| l.starts_with("VmLck:") && !l.ends_with(" 0 kB")),
            "VmLck stays 0 after mlock"
        );
        assert_eq!(sys::munlock(p, ps), Ok(()));
    } else if lim.cur == 0 {
        assert_eq!(r, Err(Errno::EPERM));
    } else {
        assert_eq!(r, Err(Errno::ENOMEM));
    }
    unmap(p, ps);
}

#[test]
fn mlock_over_a_zero_limit_depends_on_cap_ipc_lock() {
    let privileged = has_cap(CAP_IPC_LOCK);
    let ps = page_size();
    let p = anon(ps, RW);
    let st = in_child(|| {
        // Lower the limit in the child only.
        if sys::prlimit64(0, Resource::MEMLOCK, Some(Rlimit { cur: 0, max: 0 })).is_err() {
            return 1;
        }
        match (sys::mlock(p, ps), privileged) {
            (Ok(()), true) => 0,
            (Err(Errno::EPERM), false) => 0,
            _ => 2,
        }
    });
    assert_eq!(st.exit_code(), Some(0), "privileged: {privileged}");
    unmap(p, ps);
}

#[test]
fn mlock_and_munlock_unmapped_range_is_enomem() {
    let a = unmapped_page_n(4);
    if common::qemu_32bit_guest() {
        // The hole is qemu's host PROT_NONE reservation, which munlock
        // accepts; mlock observed ENOMEM (the host cannot populate a
        // PROT_NONE range) or Ok, by the page's history.
        let lock = sys::mlock(a, page_size());
        assert!(matches!(lock, Ok(()) | Err(Errno::ENOMEM)), "{lock:?}");
        assert_eq!(sys::munlock(a, page_size()), Ok(()));
        return qemu_32_hole_ok(a, "munlock");
    }
    assert_eq!(sys::mlock(a, page_size()), Err(Errno::ENOMEM));
    assert_eq!(sys::munlock(a, page_size()), Err(Errno::ENOMEM));
}

// ---------------------------------------------------------------- mincore

#[test]
fn mincore_touched_page_is_resident_untouched_is_not() {
    let ps = page_size();
    let p = anon(2 * ps, RW).cast::<u8>();
    // SAFETY: our first page.
    unsafe { p.write(1) };
    let mut vec = [0xffu8; 2];
    sys::mincore(p.cast(), 2 * ps, &mut vec).unwrap();
    assert_eq!(vec.map(|b| b & 1), [1, 0]);
    unmap(p.cast(), 2 * ps);
}

#[test]
fn mincore_unaligned_is_einval() {
    let p = anon(2 * page_size(), RW);
    let mut vec = [0u8; 2];
    let r = sys::mincore(p.cast::<u8>().wrapping_add(1).cast(), 1, &mut vec);
    assert_eq!(r, Err(Errno::EINVAL));
    unmap(p, 2 * page_size());
}

#[test]
fn mincore_unmapped_range_is_enomem() {
    let mut vec = [0u8; 1];
    assert_eq!(
        sys::mincore(unmapped_page(), page_size(), &mut vec),
        Err(Errno::ENOMEM)
    );
}

#[test]
#[should_panic(expected = "vec shorter than the range")]
fn mincore_short_vec_panics() {
    let mut vec = [0u8; 1];
    let _ = sys::mincore(unmapped_page(), 2 * page_size(), &mut vec);
}

// A file mapping whose file shrinks under it: touching the vanished pages
// is SIGBUS (the wrapper's `# Safety` note).
#[test]
fn mmap_file_truncated_under_the_mapping_is_sigbus() {
    let ps = page_size();
    let (_f, fd, p) = shared_file_map("mm-trunc");
    sys::ftruncate(fd.as_fd(), 0).unwrap();
    let st = in_child(|| {
        prepare_to_die();
        // SAFETY: deliberately faults in the child.
        unsafe { ptr::read_volatile(p.cast::<u8>()) };
        0
    });
    assert_eq!(st.term_signal(), Some(SIGBUS));
    unmap(p, ps);
}
