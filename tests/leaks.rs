//! Leak checks over every API path, error paths included: after 10,000
//! cycles of each path, /proc/self/fd holds the same descriptors and
//! /proc/self/maps the same number of mappings and mapped bytes (the brk
//! heap aside, which malloc may grow) as before.
//!
//! Three groups, measured separately, each path run `cycles` times:
//! - the raw layer (`rawmap::sys`): open/openat/fstat/read/pread/lseek/close,
//!   their errors; mmap/mprotect/madvise/mincore/mlock/msync/mremap/munmap
//!   on anonymous and file memory, and their errors (`EACCES`, `EBADF`,
//!   `EINVAL`, `ENODEV`, `EFAULT`); create/write/ftruncate/fsync/truncate/
//!   unlink and their errors; prlimit64/getpid/kill;
//! - the safe layer paths that tests/mmap_leaks.rs (the map kinds and their
//!   main errors) does not run: `File` constructors and their errors, the
//!   conversions to and from `std::fs::File`, `into_raw`/`from_raw`,
//!   `advise`/`lock`/`unlock`, range errors, `remap_file`, huge page and
//!   overflow errors, empty maps; memfds and seals, `map_sealed`,
//!   `map_copy_sealed`, `MmapRaw` (`map_raw*`, `remap_dont_unmap`),
//!   `remap_with`, `map_exec`, `map_copy_read_only`, `try_clone`,
//!   `allocate`, `preadv`;
//! - the allocators: `Bump` (small and large blocks, growth in place and by
//!   `mremap`, `reset`, `reset_and_release`, its own limit, alignment and
//!   size errors, an `allocator_api2` `Vec`), and a `GlobalBump` instance
//!   (large blocks, `realloc` growing and failing, LIFO small blocks, null
//!   for bad alignments and sizes).
//!
//! One `#[test]`, so no other test thread opens or maps anything meanwhile.
//! The full 10,000 cycles also run under qemu-user (about ten seconds).
mod common;

use std::alloc::{GlobalAlloc, Layout};
use std::ffi::c_void;
use std::ptr;

use common::TmpFile;
use rawmap::mmap::RemapOptions;
use rawmap::sys::{self, IoSliceMut, Resource, Whence};
use rawmap::{
    Advice, Bump, Errno, File, GlobalBump, MapFlags, MapOptions, MemfdFlags, Mmap, MmapMut, Mode,
    MremapFlags, MsyncFlags, OFlags, ProtFlags, SealFlags,
};

/// Lines of /proc/self/maps and mapped bytes, the brk heap aside.
fn maps_totals() -> (usize, usize) {
    let lines = common::maps();
    let bytes = common::maps_ranges()
        .iter()
        .zip(&lines)
        .filter(|(_, l)| !l.ends_with("[heap]"))
        .map(|((a, b, _), _)| b - a)
        .sum();
    (lines.len(), bytes)
}

/// Everything the paths need, made once.
struct Fixture {
    /// A 3-page file with contents.
    data: TmpFile,
    /// A scratch path that paths create and unlink: on tmpfs (/dev/shm)
    /// when there is one, where `fsync` does not wait for a disk.
    scratch: TmpFile,
    dir: std::ffi::CString,
    missing: TmpFile,
}

fn anon(len: usize) -> *mut c_void {
    // SAFETY: a new anonymous mapping, no hint.
    unsafe {
        sys::mmap(
            ptr::null_mut(),
            len,
            ProtFlags::READ | ProtFlags::WRITE,
            MapFlags::PRIVATE | MapFlags::ANONYMOUS,
            None,
            0,
        )
    }
    .unwrap()
}

/// Raw layer path `k`; returns a value so the work is not optimised away.
#[allow(clippy::unnecessary_cast)] // st_size is i64, but u64 on s390x
fn raw_path(k: usize, fx: &Fixture) -> u64 {
    let page = rawmap::page_size();
    match k {
        0 => {
            let fd = sys::open(fx.data.c(), OFlags::RDONLY, Mode::empty()).unwrap();
            let st = sys::fstat(fd.as_fd()).unwrap();
            let mut buf = [0u8; 64];
            let n = sys::read(fd.as_fd(), &mut buf).unwrap();
            let m = sys::pread(fd.as_fd(), &mut buf, page as u64).unwrap();
            let pos = sys::lseek(fd.as_fd(), 0, Whence::End).unwrap();
            sys::close(fd).unwrap();
            st.st_size as u64 + (n + m) as u64 + pos
        }
        1 => {
            let e1 = sys::open(fx.missing.c(), OFlags::RDONLY, Mode::empty()).unwrap_err();
            let e2 = sys::open(&fx.dir, OFlags::RDWR, Mode::empty()).unwrap_err();
            let e3 = sys::lseek(
                sys::open(fx.data.c(), OFlags::RDONLY, Mode::empty())
                    .unwrap()
                    .as_fd(),
                -1,
                Whence::Set,
            )
            .unwrap_err();
            let fd = sys::openat(rawmap::fd::CWD, fx.data.c(), OFlags::RDONLY, Mode::empty());
            assert_eq!((e1, e2, e3), (Errno::ENOENT, Errno::EISDIR, Errno::EINVAL));
            fd.unwrap().as_raw_fd() as u64
        }
        2 => {
            let p = anon(4 * page);
            // SAFETY (block): our own fresh mapping; no reference into it.
            unsafe {
                p.cast::<u8>().write(1);
                sys::mprotect(p, page, ProtFlags::READ).unwrap();
                sys::madvise(p.byte_add(page), page, Advice::DONTNEED).unwrap();
                let mut vec = [0u8; 4];
                sys::mincore(p, 4 * page, &mut vec).unwrap();
                sys::mlock(p, page).unwrap();
                sys::munlock(p, page).unwrap();
                sys::munmap(p, 4 * page).unwrap();
                u64::from(vec[0])
            }
        }
        3 => {
            let fd = sys::open(fx.data.c(), OFlags::RDWR, Mode::empty()).unwrap();
            let rw = ProtFlags::READ | ProtFlags::WRITE;
            // SAFETY (block): new mappings of our own file, no hint; errors
            // map nothing.
            unsafe {
                let p = sys::mmap(
                    ptr::null_mut(),
                    page,
                    rw,
                    MapFlags::SHARED,
                    Some(fd.as_fd()),
                    0,
                )
                .unwrap();
                sys::msync(p, page, MsyncFlags::SYNC).unwrap();
                let v = u64::from(p.cast::<u8>().read());
                sys::munmap(p, page).unwrap();
                let ro = sys::open(fx.data.c(), OFlags::RDONLY, Mode::empty()).unwrap();
                let e1 = sys::mmap(
                    ptr::null_mut(),
                    page,
                    rw,
                    MapFlags::SHARED,
                    Some(ro.as_fd()),
                    0,
                );
                let bad = rawmap::BorrowedFd::borrow_raw(common::FdZoo::CLOSED);
                let e2 = sys::mmap(ptr::null_mut(), page, rw, MapFlags::SHARED, Some(bad), 0);
                let e3 = sys::mmap(
                    ptr::null_mut(),
                    0,
                    rw,
                    MapFlags::SHARED,
                    Some(fd.as_fd()),
                    0,
                );
                let d = sys::open(&fx.dir, OFlags::RDONLY, Mode::empty()).unwrap();
                let e4 = sys::mmap(
                    ptr::null_mut(),
                    page,
                    rw,
                    MapFlags::PRIVATE,
                    Some(d.as_fd()),
                    0,
                );
                assert_eq!(
                    [e1, e2, e3, e4].map(|r| r.unwrap_err()),
                    [Errno::EACCES, Errno::EBADF, Errno::EINVAL, Errno::ENODEV]
                );
                v
            }
        }
        4 => {
            let p = anon(page);
            // SAFETY (block): our own mapping; mremap moves or resizes it
            // and we follow the returned address.
            unsafe {
                let q =
                    sys::mremap(p, page, 8 * page, MremapFlags::MAYMOVE, ptr::null_mut()).unwrap();
                let r = sys::mremap(q, 8 * page, 2 * page, MremapFlags::empty(), ptr::null_mut())
                    .unwrap();
                assert_eq!(r, q);
                sys::munmap(r, 2 * page).unwrap();
                // Now unmapped: EFAULT, nothing created.
                let e = sys::mremap(r, page, 2 * page, MremapFlags::MAYMOVE, ptr::null_mut());
                if common::qemu_32bit_guest() {
                    // qemu-user 7.2, 32-bit guest: the hole is qemu's host
                    // reservation (common::qemu_32bit_guest): EINVAL
                    // here, or the reservation moved to a new mapping,
                    // unmapped again so nothing leaks.
                    match e {
                        Ok(n) => sys::munmap(n, 2 * page).unwrap(),
                        Err(e) => assert_eq!(e, Errno::EINVAL),
                    }
                } else {
                    assert_eq!(e, Err(Errno::EFAULT));
                }
                r as u64 & 1
            }
        }
        5 => {
            let path = fx.scratch.c();
            let flags = OFlags::RDWR | OFlags::CREAT | OFlags::EXCL;
            let fd = sys::open(path, flags, Mode::from_octal(0o600)).unwrap();
            let n = sys::write(fd.as_fd(), b"leak check").unwrap();
            sys::ftruncate(fd.as_fd(), 2 * page as u64).unwrap();
            sys::fsync(fd.as_fd()).unwrap();
            sys::truncate(path, 3).unwrap();
            let e1 = sys::open(path, flags, Mode::from_octal(0o600)).unwrap_err();
            let ro = sys::open(path, OFlags::RDONLY, Mode::empty()).unwrap();
            let e2 = sys::ftruncate(ro.as_fd(), 1).unwrap_err();
            let e3 = sys::write(ro.as_fd(), b"x").unwrap_err();
            sys::unlink(path).unwrap();
            let e4 = sys::unlink(path).unwrap_err();
            assert_eq!(
                [e1, e2, e3, e4],
                [Errno::EEXIST, Errno::EINVAL, Errno::EBADF, Errno::ENOENT]
            );
            n as u64
        }
        _ => {
            let lim = sys::prlimit64(0, Resource::NOFILE, None).unwrap();
            let pid = sys::getpid();
            sys::kill(pid, 0).unwrap();
            assert_eq!(sys::kill(pid, 1000), Err(Errno::EINVAL));
            lim.cur + pid as u64
        }
    }
}
const RAW_PATHS: usize = 7;

/// Safe layer path `k`.
fn safe_path(k: usize, fx: &Fixture) -> u64 {
    let page = rawmap::page_size();
    let o = MapOptions::new();
    match k {
        0 => {
            let e1 = File::open(fx.missing.c()).unwrap_err();
            let e2 = File::open_rw(&fx.dir).unwrap_err();
            let e3 = File::create_new(fx.data.c()).unwrap_err();
            assert_eq!([e1, e2, e3], [Errno::ENOENT, Errno::EISDIR, Errno::EEXIST]);
            let f = File::create(fx.scratch.c()).unwrap();
            f.set_len(10).unwrap();
            f.write_all(b"hello").unwrap();
            let mut buf = [0u8; 10];
            let n = f.read_at(&mut buf, 0).unwrap();
            f.sync_all().unwrap();
            let len = f.len().unwrap();
            // Round trip through std's File and back.
            let std_file: std::fs::File = f.into();
            let f: File = std_file.into();
            let ro = File::open(fx.scratch.c()).unwrap();
            assert_eq!(ro.set_len(1), Err(Errno::EINVAL));
            drop((f, ro));
            sys::unlink(fx.scratch.c()).unwrap();
            n as u64 + len
        }
        1 => {
            let wo = File::open_with(fx.data.c(), OFlags::WRONLY, Mode::empty()).unwrap();
            let f = File::open(fx.data.c()).unwrap();
            // SAFETY (block): files only this test uses; the errors map
            // nothing.
            let errs = unsafe {
                [
                    o.map(&wo).unwrap_err(),
                    o.offset(u64::MAX).len(10).map(&f).unwrap_err(),
                    o.offset(1).map_anon().unwrap_err(),
                    o.len(usize::MAX).map_anon().unwrap_err(),
                ]
            };
            assert_eq!(
                errs,
                [
                    Errno::EACCES,
                    Errno::EOVERFLOW,
                    Errno::EINVAL,
                    Errno::ENOMEM
                ]
            );
            // 8 KiB huge pages exist nowhere: EINVAL from the kernel; under
            // qemu-user, which places MAP_HUGETLB maps itself, ENOMEM.
            let e = o.huge(Some(13)).len(page).map_anon().unwrap_err();
            let qemu = common::under_qemu().is_some();
            assert!(e == Errno::EINVAL || (qemu && e == Errno::ENOMEM), "{e:?}");
            // The default huge page size: refused with ENOMEM when the pool
            // is empty, mapped (and unmapped at drop) otherwise.
            let huge = o.huge(None).len(page).map_anon();
            u64::from(huge.is_ok())
        }
        2 => {
            let mut m = MmapMut::map_anon(2 * page + 1).unwrap();
            m[2 * page] = 3;
            assert_eq!(m.advise(Advice::WILLNEED), common::anon_willneed());
            assert_eq!(
                m.advise_range(Advice::RANDOM, 1, 3 * page),
                Err(Errno::EINVAL)
            );
            assert_eq!(m.advise_range(Advice::DONTNEED, 0, 1), Err(Errno::EINVAL));
            assert_eq!(m.flush_range(usize::MAX, 2), Err(Errno::EOVERFLOW));
            m.lock().unwrap();
            m.unlock().unwrap();
            let parts = m.into_raw();
            // SAFETY: the parts come from `into_raw`, used once.
            let m = unsafe { MmapMut::from_raw(parts) };
            let r = m.make_read_only().unwrap();
            let parts = r.into_raw();
            // SAFETY: as above.
            let r = unsafe { Mmap::from_raw(parts) };
            u64::from(r[2 * page])
        }
        3 => {
            // memfd, seals, the sealed and raw maps, in-place and
            // DONTUNMAP remaps, fcntl and the file space calls, and their
            // errors.
            let f = File::memfd(c"leaks", MemfdFlags::ALLOW_SEALING).unwrap();
            f.write_all_at(b"sealed", 0).unwrap();
            f.allocate(page as u64).unwrap();
            let mut b = [0u8; 6];
            let n = sys::preadv(f.as_fd(), &mut [IoSliceMut::new(&mut b)], 0).unwrap();
            let dup = f.try_clone().unwrap();
            assert_eq!(o.map_sealed(&dup).map(drop), Err(Errno::EPERM));
            let w = o.map_raw(&f).unwrap();
            // Not while a shared writable mapping exists.
            assert_eq!(f.add_seals(SealFlags::WRITE), Err(Errno::EBUSY));
            drop(w);
            f.add_seals(SealFlags::WRITE | SealFlags::SHRINK).unwrap();
            assert_eq!(o.map_raw(&f).map(drop), Err(Errno::EPERM));
            let ro = o.map_sealed(&f).unwrap();
            let mut cp = o.map_copy_sealed(&dup).unwrap();
            cp[0] = b'S';
            let r = o.map_raw_read_only(&f).unwrap();
            // SAFETY (block): a memfd only this test has.
            let (x, c) = unsafe { (o.map_exec(&f).unwrap(), o.map_copy_read_only(&f).unwrap()) };
            let mut a = o.len(2 * page).map_raw_anon().unwrap();
            let old = a.remap_dont_unmap().unwrap();
            a.remap_with(page, RemapOptions::new()).unwrap();
            let mut e = MmapMut::map_anon(0).unwrap();
            assert_eq!(e.remap_with(page, RemapOptions::new()), Err(Errno::ENOMEM));
            let sum = u64::from(ro[0] ^ x[1] ^ c[2] ^ cp[0]) + r.len() as u64 + old.len() as u64;
            n as u64 + sum
        }
        _ => {
            let f = File::open_rw(fx.data.c()).unwrap();
            // SAFETY (block): the file is 3 pages long and only this test
            // uses it; the grown map stays within it.
            unsafe {
                let mut m = o.len(page).map_mut(&f).unwrap();
                assert_eq!(m.remap(2 * page), Err(Errno::EINVAL));
                m.remap_file(3 * page).unwrap();
                m.remap(page / 2).unwrap();
                let empty = o.len(0).map(&f).unwrap();
                let anon0 = MmapMut::map_anon(0).unwrap();
                assert!(empty.is_empty() && anon0.is_empty());
                u64::from(m[0])
            }
        }
    }
}
const SAFE_PATHS: usize = 5;

/// Allocator path `k`; `g` lives for the whole test.
fn alloc_path(k: usize, g: &GlobalBump) -> u64 {
    let page = rawmap::page_size();
    match k {
        0 => {
            let mut b = Bump::new();
            let x = b.alloc(7u64);
            let s = b.alloc_str("leak");
            let v = b.alloc_slice_copy(&[1u32; 100]);
            let sum = *x + s.len() as u64 + u64::from(v[99]);
            b.reset();
            let y = b.alloc([0u8; 3000]);
            sum + y.len() as u64
        }
        1 => {
            let b = Bump::new();
            let big = Layout::from_size_align(Bump::LARGE_THRESHOLD, 8).unwrap();
            let p = b.try_alloc_layout(big).unwrap();
            // SAFETY (block): `p` was allocated from `b` with `big`; each
            // pointer is used with the layout it has at that moment.
            unsafe {
                let bigger = Layout::from_size_align(4 * Bump::LARGE_THRESHOLD, 8).unwrap();
                let q = b.grow_block(p, big, bigger).unwrap();
                let small = Layout::from_size_align(100, 8).unwrap();
                let r = b.shrink_block(q.cast(), bigger, small).unwrap();
                b.dealloc(r.cast(), small);
            }
            let over_page = Layout::from_size_align(8, 2 * page).unwrap();
            assert!(b.try_alloc_layout(over_page).is_err());
            assert!(Bump::try_with_capacity(usize::MAX).is_err());
            b.mapped_bytes() as u64
        }
        2 => {
            let mut b = Bump::with_capacity(4 * page);
            b.set_limit(Some(64 << 10));
            let mut n = 0u64;
            while b.try_alloc_slice_copy(&[0u8; 4000]).is_ok() {
                n += 1;
            }
            b.reset_and_release();
            n
        }
        3 => {
            let b = Bump::new();
            let mut v = allocator_api2::vec::Vec::new_in(&b);
            for i in 0..100u64 {
                v.push(i);
            }
            // Past Bump::LARGE_THRESHOLD: a mapping of its own, then mremap.
            v.reserve_exact((Bump::LARGE_THRESHOLD / 8) * 2);
            v.push(1);
            v.reserve_exact(Bump::LARGE_THRESHOLD);
            v.push(2);
            v[99] + v.len() as u64
        }
        _ => {
            let big = Layout::from_size_align(GlobalBump::LARGE_THRESHOLD * 2, 16).unwrap();
            let small = Layout::from_size_align(48, 8).unwrap();
            // SAFETY (block): every pointer is freed once, with the layout
            // it was allocated (or reallocated) with.
            unsafe {
                let p = g.alloc(big);
                assert!(!p.is_null());
                p.write(5);
                let q = g.realloc(p, big, 1 << 20);
                assert!(!q.is_null());
                let grown = Layout::from_size_align(1 << 20, 16).unwrap();
                assert!(g.realloc(q, grown, usize::MAX / 2).is_null(), "too large");
                let v = u64::from(q.read());
                g.dealloc(q, grown);
                let s = g.alloc(small);
                assert!(!s.is_null());
                g.dealloc(s, small);
                let odd = Layout::from_size_align(8, 4 * page).unwrap();
                assert!(g.alloc(odd).is_null(), "alignment above the page size");
                v
            }
        }
    }
}
const ALLOC_PATHS: usize = 5;

/// Runs every path of a group `cycles` times and asserts that nothing
/// leaked; returns the checksum.
fn check_group(name: &str, paths: usize, cycles: usize, mut run: impl FnMut(usize) -> u64) -> u64 {
    // Warm up: every path once (lazy discoveries, malloc's arenas), and the
    // measuring itself.
    let mut sum = (0..paths).map(&mut run).sum::<u64>();
    let _ = (common::fd_count(), maps_totals());
    let fds = common::fd_count();
    let maps = maps_totals();
    let start = std::time::Instant::now();
    for _ in 0..cycles {
        for k in 0..paths {
            sum = sum.wrapping_add(run(k));
        }
    }
    assert_eq!(common::fd_count(), fds, "{name}: descriptors leaked");
    assert_eq!(
        maps_totals(),
        maps,
        "{name}: mappings leaked (lines, bytes)"
    );
    println!(
        "leaks: {name}: {paths} paths x {cycles} cycles = {} runs in {:.1?}, no descriptor or \
         mapping leaked",
        paths * cycles,
        start.elapsed()
    );
    sum
}

fn scratch_path() -> TmpFile {
    let shm = std::path::Path::new("/dev/shm");
    if !shm.is_dir() {
        return TmpFile::new("leaks-scratch");
    }
    let p = shm.join(format!("rawmap-leaks-{}", std::process::id()));
    TmpFile(std::ffi::CString::new(p.into_os_string().into_encoded_bytes()).unwrap())
}

#[test]
fn no_leaks_over_every_api_path() {
    let page = rawmap::page_size();
    let contents: Vec<u8> = (0..3 * page).map(|i| (i % 249) as u8 + 1).collect();
    let fx = Fixture {
        data: TmpFile::with_contents("leaks", &contents),
        scratch: scratch_path(),
        dir: std::ffi::CString::new(std::env::temp_dir().into_os_string().into_encoded_bytes())
            .unwrap(),
        missing: TmpFile::new("leaks-missing"),
    };
    // Fast enough under qemu-user too (about 10 s per arch): no reduction.
    // In the real-kernel lane's VMs (slower: a whole kernel under TCG),
    // 2,000 cycles, except on the kernel that runs the full count
    // (RAWMAP_VM_FULL_LEAKS).
    let cycles = if common::in_vm().is_some() && !common::vm_full_leaks() {
        2_000
    } else {
        10_000
    };
    if let Some(arch) = common::under_qemu() {
        println!("leaks: under qemu-user ({arch}), the full {cycles} cycles per path");
    }
    if let Some(kernel) = common::in_vm() {
        println!("leaks: in the VM ({kernel}), {cycles} cycles per path");
    }
    let global = GlobalBump::new();
    // The first small block maps GlobalBump's chunk, which is never unmapped
    // by design: allocate it before measuring.
    // SAFETY: a valid layout; the block is freed below.
    let first = unsafe { global.alloc(Layout::new::<u64>()) };
    assert!(!first.is_null());
    let mut sum = 0u64;
    sum ^= check_group("raw layer", RAW_PATHS, cycles, |k| raw_path(k, &fx));
    sum ^= check_group("safe layer", SAFE_PATHS, cycles, |k| safe_path(k, &fx));
    sum ^= check_group("allocators", ALLOC_PATHS, cycles, |k| {
        alloc_path(k, &global)
    });
    // SAFETY: allocated above with this layout.
    unsafe { global.dealloc(first, Layout::new::<u64>()) };
    println!("leaks: checksum {sum}");
}
