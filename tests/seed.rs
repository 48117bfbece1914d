//! Every claim of the seed tutorial (`shared/seed/mmap-notes.zh.md`) —
//! its concept line, the mmap and munmap sections, the seven FAQ answers and
//! the anonymous-mapping section — checked against the real kernel through
//! `rawmap::sys`.
//!
//! Each test is named after the claim it checks. Where the seed is wrong or
//! only half true, the test asserts what Linux really does; the verdicts are
//! collected in `notes/seed-table.md`. Deaths by signal are observed in a
//! forked child (`common::in_child`); children make only system calls and
//! never allocate (another test thread may hold the allocator's lock at the
//! moment of the fork).
mod common;
use common::held_entry as mapping_line;

use std::ffi::{CStr, CString, c_void};
use std::ptr::{self, null_mut};

use common::{TmpFile, in_child, tmp_path, under_qemu};
use linux_raw_sys::general::{SIGBUS, SIGSEGV};
use rawmap::fd::BorrowedFd;
use rawmap::sys::{self, Resource, Rlimit, WaitStatus, Whence};
use rawmap::{Errno, MapFlags, Mode, OFlags, OwnedFd, ProtFlags, page_size};

const RW: ProtFlags = ProtFlags::READ.union(ProtFlags::WRITE);
const SHARED_ANON: MapFlags = MapFlags::SHARED.union(MapFlags::ANONYMOUS);
const PRIVATE_ANON: MapFlags = MapFlags::PRIVATE.union(MapFlags::ANONYMOUS);

// ---------------------------------------------------------------- helpers

fn map(
    len: usize,
    prot: ProtFlags,
    flags: MapFlags,
    fd: Option<BorrowedFd<'_>>,
    offset: u64,
) -> Result<*mut u8, Errno> {
    // SAFETY: no FIXED flag and no hint: a new mapping, nothing replaced.
    unsafe { sys::mmap(null_mut(), len, prot, flags, fd, offset) }.map(|p| p.cast())
}

fn unmap(p: *mut u8, len: usize) {
    // SAFETY: the tests unmap only their own mappings, no longer used.
    unsafe { sys::munmap(p.cast(), len) }.expect("munmap")
}

fn open(path: &CStr, flags: OFlags) -> OwnedFd {
    sys::open(path, flags, Mode::from_octal(0o600)).expect("open")
}

#[allow(clippy::unnecessary_cast)] // st_size is i64, but u64 on s390x
fn file_size(fd: &OwnedFd) -> u64 {
    sys::fstat(fd.as_fd()).unwrap().st_size as u64
}

fn peek(p: *const u8) -> u8 {
    // SAFETY: callers pass addresses inside their live, readable mappings.
    unsafe { ptr::read_volatile(p) }
}

fn poke(p: *mut u8, v: u8) {
    // SAFETY: callers pass addresses inside their live, writable mappings.
    unsafe { ptr::write_volatile(p, v) }
}

/// In a child about to die of a signal: no core dump, and no "uncaught
/// target signal" line from qemu-user on stderr.
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

/// How a child that reads (`write == false`) or writes one byte at `p`
/// ends.
fn touch_in_child(p: *mut u8, write: bool) -> WaitStatus {
    in_child(|| {
        prepare_to_die();
        if write {
            poke(p, 1);
        } else {
            peek(p);
        }
        0
    })
}

/// Whether every page of `p..p+len` is mapped (mincore answers) or none is
/// (`ENOMEM`). Called inside a forked child, where no other thread can map
/// a freed page again between the munmap and the check: in the parent,
/// other test threads map memory all the time, and the kernel readily
/// reuses a fresh hole (seen: a flaky "still mapped").
fn is_mapped(p: *mut u8, len: usize) -> bool {
    let mut vec = [0u8; 64];
    match sys::mincore(p.cast(), len, &mut vec[..len.div_ceil(page_size())]) {
        Ok(()) => true,
        Err(Errno::ENOMEM) => false,
        Err(e) => panic!("mincore: {e:?}"),
    }
}

/// Runs `checks` in a forked child (see [`is_mapped`]) and asserts it
/// returned normally: a failed `assert!` in the child exits with 101.
fn in_child_ok(checks: impl FnOnce()) {
    let st = in_child(|| {
        checks();
        0
    });
    assert_eq!(
        st.exit_code(),
        Some(0),
        "the checks failed in the child: {st:?}"
    );
}

/// A fresh directory, removed with its contents on drop.
struct TmpDir(CString);

impl TmpDir {
    fn new(tag: &str) -> Self {
        let p = tmp_path(tag);
        std::fs::create_dir(p.to_str().unwrap()).unwrap();
        Self(p)
    }
    fn join(&self, name: &str) -> CString {
        CString::new(format!("{}/{name}", self.0.to_str().unwrap())).unwrap()
    }
    fn entries(&self) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(self.0.to_str().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        v.sort();
        v
    }
}

impl Drop for TmpDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(self.0.to_str().unwrap());
    }
}

// ---------------------------------------------------------------- 概念 (concept)

/// "用户对内存操作，将会同步到磁盘文件中": writes to the memory reach the
/// file. Half true: with MAP_SHARED only; MAP_PRIVATE writes never do.
#[test]
fn concept_memory_writes_reach_the_file_only_with_map_shared() {
    let ps = page_size();
    for (flags, reaches) in [(MapFlags::SHARED, true), (MapFlags::PRIVATE, false)] {
        let f = TmpFile::with_contents("seed-concept", &vec![b'.'; ps]);
        let fd = open(f.c(), OFlags::RDWR);
        let p = map(ps, RW, flags, Some(fd.as_fd()), 0).unwrap();
        poke(p, b'W');
        // read() sees the page cache at once; no msync needed for that.
        let mut b = [0u8; 1];
        sys::pread(fd.as_fd(), &mut b, 0).unwrap();
        assert_eq!(b[0] == b'W', reaches, "{flags:?}");
        unmap(p, ps);
        assert_eq!(std::fs::read(f.path()).unwrap()[0] == b'W', reaches);
    }
}

// ---------------------------------------------------------------- mmap: 作用

/// "将一个文件或设备映射虚拟内存空间中": maps a file or a device. True.
#[test]
fn purpose_maps_a_file_or_a_device() {
    let ps = page_size();
    let f = TmpFile::with_contents("seed-purpose", b"file bytes");
    let fd = open(f.c(), OFlags::RDONLY);
    let p = map(ps, ProtFlags::READ, MapFlags::PRIVATE, Some(fd.as_fd()), 0).unwrap();
    // SAFETY: 10 readable bytes of the mapping.
    assert_eq!(unsafe { std::slice::from_raw_parts(p, 10) }, b"file bytes");
    unmap(p, ps);
    // A device: /dev/zero gives zero-filled memory.
    let zero = open(c"/dev/zero", OFlags::RDWR);
    let p = map(ps, RW, MapFlags::PRIVATE, Some(zero.as_fd()), 0).unwrap();
    assert_eq!(peek(p.wrapping_add(ps - 1)), 0);
    poke(p, 5);
    assert_eq!(peek(p), 5);
    unmap(p, ps);
}

// ---------------------------------------------------------------- mmap: parameters

/// "addr：起始地址，默认为空，由内核指定": NULL lets the kernel choose. True.
#[test]
fn param_addr_null_lets_the_kernel_choose() {
    let ps = page_size();
    let p = map(ps, RW, PRIVATE_ANON, None, 0).unwrap();
    assert!(!p.is_null());
    assert_eq!(p as usize % ps, 0);
    unmap(p, ps);
}

/// "length：…必须大于0": length must be positive. True: 0 is EINVAL.
#[test]
fn param_length_must_be_positive() {
    assert_eq!(map(0, RW, PRIVATE_ANON, None, 0), Err(Errno::EINVAL));
    let f = TmpFile::with_contents("seed-len0", b"x");
    let fd = open(f.c(), OFlags::RDWR);
    assert_eq!(
        map(0, RW, MapFlags::SHARED, Some(fd.as_fd()), 0),
        Err(Errno::EINVAL)
    );
}

/// "length：…建议为文件长度": the length should be the file's length.
/// Advice only: any positive length maps; it is rounded up to whole pages,
/// so a short length still exposes the rest of its last page.
#[test]
fn param_length_need_not_be_the_file_length() {
    let ps = page_size();
    let mut data = vec![b'a'; 3 * ps];
    data[ps - 1] = b'z';
    let f = TmpFile::with_contents("seed-len", &data);
    let fd = open(f.c(), OFlags::RDONLY);
    // Shorter than the file: 10 bytes map a whole page.
    let p = map(10, ProtFlags::READ, MapFlags::SHARED, Some(fd.as_fd()), 0).unwrap();
    assert_eq!(peek(p.wrapping_add(ps - 1)), b'z');
    unmap(p, 10);
    // Longer than the file: allowed (the pages past the end are SIGBUS,
    // see faq7_past_the_file_end_inside_the_mapping_is_sigbus).
    let p = map(
        8 * ps,
        ProtFlags::READ,
        MapFlags::SHARED,
        Some(fd.as_fd()),
        0,
    )
    .unwrap();
    assert_eq!(peek(p.wrapping_add(3 * ps - 1)), b'a');
    unmap(p, 8 * ps);
}

/// "PROT_EXET：可执行权限": the name is PROT_EXEC (a typo in the seed);
/// PROT_EXEC maps executable pages.
#[test]
fn param_prot_exec_is_spelled_prot_exec() {
    assert_eq!(ProtFlags::EXEC.bits(), libc::PROT_EXEC as u32);
    assert_eq!(ProtFlags::EXEC.bits(), linux_raw_sys::general::PROT_EXEC);
    let ps = page_size();
    let p = map(ps, ProtFlags::READ | ProtFlags::EXEC, PRIVATE_ANON, None, 0).unwrap();
    let line = mapping_line(p as usize);
    assert!(line.contains(" r-xp "), "{line}");
    unmap(p, ps);
}

/// "PROT_NONE：无权限": no access. True: the mapping exists, and any access
/// is SIGSEGV.
#[test]
fn param_prot_none_mapping_faults_on_access() {
    let ps = page_size();
    let p = map(ps, ProtFlags::NONE, PRIVATE_ANON, None, 0).unwrap();
    assert!(mapping_line(p as usize).contains(" ---p "));
    assert_eq!(touch_in_child(p, false).term_signal(), Some(SIGSEGV));
    assert_eq!(touch_in_child(p, true).term_signal(), Some(SIGSEGV));
    unmap(p, ps);
}

/// Note box "想要操作映射空间，起码需要有读权限" and FAQ 4 "只指定了写权限
/// （未指定读权限）" fails: wrong. mmap accepts PROT_WRITE alone on every
/// Linux arch (no arch rejects it), and the page is readable too: x86_64
/// cannot express write-only page tables, arm64 and riscv64 map VM_WRITE to
/// a readable protection.
#[test]
fn param_prot_write_only_is_an_error() {
    let ps = page_size();
    let p = map(ps, ProtFlags::WRITE, PRIVATE_ANON, None, 0).expect("PROT_WRITE alone maps");
    // /proc/self/maps records what was asked for: write without read.
    let line = mapping_line(p as usize);
    assert!(line.contains(" -w-p "), "{line}");
    // Yet reading works: write a byte, read it back, in a child in case it
    // faulted.
    let st = in_child(|| {
        poke(p, 42);
        i32::from(peek(p))
    });
    assert_eq!(st.exit_code(), Some(42));
    unmap(p, ps);
}

/// "MAP_SHARED：映射区内数据会自动和磁盘文件进行同步": shared mappings stay
/// in sync with the file. True, both ways, through the page cache (reaching
/// the disk itself takes writeback, or msync/fsync).
#[test]
fn param_map_shared_syncs_with_the_file_both_ways() {
    let ps = page_size();
    let f = TmpFile::with_contents("seed-sync", &vec![b'.'; ps]);
    let fd = open(f.c(), OFlags::RDWR);
    let p = map(ps, RW, MapFlags::SHARED, Some(fd.as_fd()), 0).unwrap();
    poke(p, b'm');
    let mut b = [0u8; 1];
    sys::pread(fd.as_fd(), &mut b, 0).unwrap();
    assert_eq!(&b, b"m");
    sys::lseek(fd.as_fd(), 1, Whence::Set).unwrap();
    sys::write(fd.as_fd(), b"w").unwrap();
    assert_eq!(peek(p.wrapping_add(1)), b'w');
    unmap(p, ps);
}

/// "进程间通信必须要设置该选项": IPC requires MAP_SHARED. Half true: a
/// MAP_PRIVATE mapping does not carry a process's writes to another
/// (`anon_private_not_visible_to_child`), but a MAP_PRIVATE *reader* of a
/// file does see other processes' writes to pages it has not written
/// itself (Linux behaviour; POSIX leaves it unspecified); once it writes a
/// page, that page is its private copy and stops following the file.
#[test]
fn param_map_shared_required_for_ipc() {
    let ps = page_size();
    let f = TmpFile::with_contents("seed-ipc", &vec![b'.'; 2 * ps]);
    let fd = open(f.c(), OFlags::RDONLY);
    let reader = map(
        2 * ps,
        ProtFlags::READ | ProtFlags::WRITE,
        MapFlags::PRIVATE,
        Some(fd.as_fd()),
        0,
    )
    .unwrap();
    assert_eq!(peek(reader), b'.');
    // The private reader writes its second page: a private copy from now on.
    poke(reader.wrapping_add(ps), b'p');
    // Another process changes both pages through its own shared mapping.
    let path = f.0.clone();
    let st = in_child(|| {
        let Ok(fd) = sys::open(&path, OFlags::RDWR, Mode::empty()) else {
            return 1;
        };
        // SAFETY: a new shared mapping in the child, no hint.
        let Ok(q) = (unsafe {
            sys::mmap(
                null_mut(),
                2 * ps,
                RW,
                MapFlags::SHARED,
                Some(fd.as_fd()),
                0,
            )
        }) else {
            return 2;
        };
        let q = q.cast::<u8>();
        poke(q, b'S');
        poke(q.wrapping_add(ps), b'S');
        0
    });
    assert_eq!(st.exit_code(), Some(0));
    // Untouched page: the private mapping sees the other process's write.
    assert_eq!(peek(reader), b'S');
    // Written page: it does not.
    assert_eq!(peek(reader.wrapping_add(ps)), b'p');
    unmap(reader, 2 * ps);
}

/// "MAP_PRIVATE：映射区内数据和磁盘文件不同步。映射区内数据改变，不会修改原文件":
/// private writes do not modify the file. True.
#[test]
fn param_map_private_does_not_modify_the_file() {
    let ps = page_size();
    let f = TmpFile::with_contents("seed-private", &vec![b'.'; ps]);
    let fd = open(f.c(), OFlags::RDWR);
    let p = map(ps, RW, MapFlags::PRIVATE, Some(fd.as_fd()), 0).unwrap();
    poke(p, b'X');
    assert_eq!(peek(p), b'X');
    unmap(p, ps);
    assert_eq!(std::fs::read(f.path()).unwrap(), vec![b'.'; ps]);
}

/// "…会自动创造一个新文件(copy on write)": MAP_PRIVATE creates a new file.
/// Wrong: copy-on-write copies the written *pages* into anonymous memory;
/// no file is created anywhere, and the mapping still names the original
/// file.
#[test]
fn param_map_private_creates_a_new_file() {
    let ps = page_size();
    let d = TmpDir::new("seed-cow");
    let path = d.join("data");
    std::fs::write(path.to_str().unwrap(), vec![b'.'; 2 * ps]).unwrap();
    let before = d.entries();
    let fd = open(&path, OFlags::RDONLY);
    let p = map(2 * ps, RW, MapFlags::PRIVATE, Some(fd.as_fd()), 0).unwrap();
    poke(p, b'c');
    poke(p.wrapping_add(ps), b'c');
    assert_eq!(d.entries(), before, "a file appeared");
    assert_eq!(file_size(&fd), 2 * ps as u64);
    let entry = mapping_line(p as usize);
    assert!(entry.ends_with(path.to_str().unwrap()), "{entry}");
    assert!(entry.contains(" rw-p "), "{entry}");
    unmap(p, 2 * ps);
    assert_eq!(d.entries(), before);
}

/// "fd：…通过open获取，open的是一个磁盘文件": the fd comes from opening a
/// disk file. Half true: any mappable object works — a device (/dev/zero),
/// a memfd with no name on disk, a file on tmpfs.
#[test]
fn param_fd_need_not_be_a_disk_file() {
    let ps = page_size();
    let zero = open(c"/dev/zero", OFlags::RDWR);
    let p = map(ps, RW, MapFlags::SHARED, Some(zero.as_fd()), 0).unwrap();
    assert_eq!(peek(p), 0);
    unmap(p, ps);
    // SAFETY: memfd_create reads the name and returns a new descriptor.
    let raw = unsafe { libc::memfd_create(c"seed".as_ptr(), 0) };
    assert!(raw >= 0);
    // SAFETY: the descriptor is new and ours.
    let memfd = unsafe { OwnedFd::from_raw_fd(raw) };
    sys::ftruncate(memfd.as_fd(), ps as u64).unwrap();
    let p = map(ps, RW, MapFlags::SHARED, Some(memfd.as_fd()), 0).unwrap();
    poke(p, b'm');
    let mut b = [0u8; 1];
    sys::pread(memfd.as_fd(), &mut b, 0).unwrap();
    assert_eq!(&b, b"m");
    unmap(p, ps);
}

/// "open指定的权限不能和prot参数有冲突" and the note "prot的权限必须要小于open
/// 的磁盘文件的权限": prot must not exceed the open mode. Half true: it holds
/// for MAP_SHARED with PROT_WRITE (EACCES on an O_RDONLY fd) ...
#[test]
fn param_prot_must_not_exceed_open_mode_for_shared_write() {
    let ps = page_size();
    let f = TmpFile::with_contents("seed-conf", &vec![b'.'; ps]);
    let fd = open(f.c(), OFlags::RDONLY);
    assert_eq!(
        map(ps, RW, MapFlags::SHARED, Some(fd.as_fd()), 0),
        Err(Errno::EACCES)
    );
    assert_eq!(
        map(ps, ProtFlags::WRITE, MapFlags::SHARED, Some(fd.as_fd()), 0),
        Err(Errno::EACCES)
    );
}

/// ... but MAP_PRIVATE with PROT_WRITE on an O_RDONLY fd succeeds: the
/// writes go to private copies and never need write access to the file.
#[test]
fn param_prot_may_exceed_open_mode_for_private() {
    let ps = page_size();
    let f = TmpFile::with_contents("seed-conf-priv", &vec![b'.'; ps]);
    let fd = open(f.c(), OFlags::RDONLY);
    let p = map(ps, RW, MapFlags::PRIVATE, Some(fd.as_fd()), 0).expect("private write on O_RDONLY");
    poke(p, b'P');
    assert_eq!(peek(p), b'P');
    unmap(p, ps);
    assert_eq!(std::fs::read(f.path()).unwrap()[0], b'.');
}

/// ... and "less than the open mode" would allow PROT_WRITE on an O_WRONLY
/// fd, which Linux refuses: every mapping needs a readable fd.
#[test]
fn param_wronly_fd_cannot_be_mapped_even_write_only() {
    let ps = page_size();
    let f = TmpFile::with_contents("seed-wronly", &vec![b'.'; ps]);
    let fd = open(f.c(), OFlags::WRONLY);
    for (prot, flags) in [
        (ProtFlags::WRITE, MapFlags::SHARED),
        (ProtFlags::WRITE, MapFlags::PRIVATE),
        (ProtFlags::READ, MapFlags::SHARED),
    ] {
        assert_eq!(
            map(ps, prot, flags, Some(fd.as_fd()), 0),
            Err(Errno::EACCES),
            "{prot:?} {flags:?}"
        );
    }
}

/// Note: "prot：PROT_READ——open：只读/读写": PROT_READ needs O_RDONLY or
/// O_RDWR. True.
#[test]
fn note_prot_read_works_with_rdonly_or_rdwr() {
    let ps = page_size();
    let f = TmpFile::with_contents("seed-note-r", &vec![b'r'; ps]);
    for mode in [OFlags::RDONLY, OFlags::RDWR] {
        let fd = open(f.c(), mode);
        for flags in [MapFlags::SHARED, MapFlags::PRIVATE] {
            let p = map(ps, ProtFlags::READ, flags, Some(fd.as_fd()), 0).unwrap();
            assert_eq!(peek(p), b'r');
            unmap(p, ps);
        }
    }
}

/// Note: "prot：PROT_READ|PROT_WRITE——open：读写": read-write needs O_RDWR.
/// True for MAP_SHARED; MAP_PRIVATE needs only O_RDONLY (see
/// `param_prot_may_exceed_open_mode_for_private`).
#[test]
fn note_prot_read_write_needs_rdwr_for_shared() {
    let ps = page_size();
    let f = TmpFile::with_contents("seed-note-rw", &vec![b'.'; ps]);
    let rdwr = open(f.c(), OFlags::RDWR);
    let p = map(ps, RW, MapFlags::SHARED, Some(rdwr.as_fd()), 0).unwrap();
    unmap(p, ps);
    for mode in [OFlags::RDONLY, OFlags::WRONLY] {
        let fd = open(f.c(), mode);
        assert_eq!(
            map(ps, RW, MapFlags::SHARED, Some(fd.as_fd()), 0),
            Err(Errno::EACCES),
            "{mode:?}"
        );
    }
}

/// "注意：文件的大小不能为0": the file size cannot be 0. Wrong: mapping an
/// empty file succeeds; only touching the mapping fails, with SIGBUS.
#[test]
fn param_empty_file_maps_but_touching_it_is_sigbus() {
    let ps = page_size();
    let f = TmpFile::with_contents("seed-empty", b"");
    let fd = open(f.c(), OFlags::RDWR);
    assert_eq!(file_size(&fd), 0);
    let p = map(ps, RW, MapFlags::SHARED, Some(fd.as_fd()), 0).expect("an empty file maps");
    assert_eq!(touch_in_child(p, false).term_signal(), Some(SIGBUS));
    assert_eq!(touch_in_child(p, true).term_signal(), Some(SIGBUS));
    unmap(p, ps);
}

/// "offset：偏移量，一般不用，默认为0，表示不偏移；必须指定为 4k 的整数倍":
/// offset must be a multiple of 4k. Half true: it must be a multiple of the
/// *page size*, which is 16K or 64K on many aarch64 kernels (there 4096 is
/// EINVAL). There is no default: 0 is simply what one passes.
#[test]
fn param_offset_must_be_a_multiple_of_the_page_size_not_4k() {
    let ps = page_size();
    let mut data = vec![b'0'; ps];
    data.extend(vec![b'1'; ps]);
    let f = TmpFile::with_contents("seed-offset", &data);
    let fd = open(f.c(), OFlags::RDONLY);
    let p = map(
        ps,
        ProtFlags::READ,
        MapFlags::PRIVATE,
        Some(fd.as_fd()),
        ps as u64,
    )
    .unwrap();
    assert_eq!(peek(p), b'1');
    unmap(p, ps);
    for off in [ps / 2, ps + 512] {
        assert_eq!(
            map(
                ps,
                ProtFlags::READ,
                MapFlags::PRIVATE,
                Some(fd.as_fd()),
                off as u64
            ),
            Err(Errno::EINVAL),
            "offset {off}"
        );
    }
    // 4096 itself: fine on a 4K-page kernel only.
    let r = map(
        ps,
        ProtFlags::READ,
        MapFlags::PRIVATE,
        Some(fd.as_fd()),
        4096,
    );
    if ps == 4096 {
        unmap(r.unwrap(), ps);
    } else {
        assert_eq!(r, Err(Errno::EINVAL));
    }
}

// ---------------------------------------------------------------- mmap: return value

/// "成功：指向映射区域的指针": success returns a pointer to the mapped area.
/// True.
#[test]
fn return_value_points_to_the_mapping() {
    let ps = page_size();
    let f = TmpFile::with_contents("seed-ret", b"first bytes");
    let fd = open(f.c(), OFlags::RDONLY);
    let p = map(ps, ProtFlags::READ, MapFlags::SHARED, Some(fd.as_fd()), 0).unwrap();
    // SAFETY: 11 readable bytes of the mapping.
    assert_eq!(unsafe { std::slice::from_raw_parts(p, 11) }, b"first bytes");
    let entry = mapping_line(p as usize);
    assert!(entry.starts_with(&format!("{:x}-", p as usize)), "{entry}");
    unmap(p, ps);
}

/// "其实返回的是addr": it really returns addr. Wrong: addr is a hint. With
/// NULL the kernel picks; a hint on a busy range gives another address; only
/// a free, page-aligned hint (or MAP_FIXED) is honoured as given.
#[test]
fn return_value_is_addr() {
    let ps = page_size();
    let busy = map(ps, RW, PRIVATE_ANON, None, 0).unwrap();
    // SAFETY: a hint (no FIXED): nothing is replaced.
    let q = unsafe { sys::mmap(busy.cast(), ps, RW, PRIVATE_ANON, None, 0) }
        .unwrap()
        .cast::<u8>();
    assert_ne!(q, busy, "a busy hint was returned");
    unmap(q, ps);
    unmap(busy, ps);
    // A free hint is honoured; asked in a child, where no other thread can
    // take the free page first.
    let st = in_child(|| {
        let Ok(base) = map(2 * ps, ProtFlags::NONE, PRIVATE_ANON, None, 0) else {
            return 1;
        };
        let free = base.wrapping_add(ps);
        unmap(free, ps);
        // SAFETY: a hint on a free page: nothing is replaced.
        match unsafe { sys::mmap(free.cast(), ps, RW, PRIVATE_ANON, None, 0) } {
            Ok(r) if r.cast::<u8>() == free => 0,
            Ok(_) => 2,
            Err(_) => 3,
        }
    });
    assert_eq!(st.exit_code(), Some(0));
}

/// "失败：返回MAP_FAILED（也就是，(void*) -1），并且设置 errno": failure
/// returns MAP_FAILED and sets errno. True of the libc function; the system
/// call itself returns -errno (rawmap returns `Err(Errno)`; no global errno).
#[test]
fn return_failure_is_map_failed_and_errno() {
    // SAFETY: fails before mapping anything.
    let r = unsafe {
        libc::mmap64(
            null_mut(),
            0,
            libc::PROT_READ,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
            -1,
            0,
        )
    };
    let errno = std::io::Error::last_os_error().raw_os_error();
    assert_eq!(r, libc::MAP_FAILED);
    assert_eq!(r as usize, usize::MAX, "MAP_FAILED is (void *) -1");
    assert_eq!(errno, Some(libc::EINVAL));
    assert_eq!(
        map(0, ProtFlags::READ, PRIVATE_ANON, None, 0),
        Err(Errno::EINVAL)
    );
}

// ---------------------------------------------------------------- munmap

/// "addr：要释放的内存首地址（指向映射内存的指针）": addr is the start of the
/// mapping. Half true: any page-aligned address works; it need not be where
/// a mapping starts.
#[test]
fn munmap_addr_need_not_be_the_mapping_start() {
    let ps = page_size();
    let p = map(3 * ps, RW, PRIVATE_ANON, None, 0).unwrap();
    let mid = p.wrapping_add(ps);
    in_child_ok(|| {
        // SAFETY: the middle page of the child's copy, unused afterwards.
        assert_eq!(unsafe { sys::munmap(mid.cast(), ps) }, Ok(()));
        assert!(is_mapped(p, ps));
        assert!(!is_mapped(mid, ps));
        assert!(is_mapped(p.wrapping_add(2 * ps), ps));
        poke(p, 1);
        poke(p.wrapping_add(2 * ps), 1);
    });
    unmap(p, 3 * ps);
}

/// "length：要释放的内存大小，要和mmap函数中的length参数一致": the length must
/// equal mmap's. Wrong: a partial munmap is allowed and splits the mapping;
/// the length is rounded up to whole pages; a range covering unmapped pages
/// is fine too.
#[test]
fn munmap_length_need_not_equal_the_mmap_length() {
    let ps = page_size();
    let p = map(4 * ps, RW, PRIVATE_ANON, None, 0).unwrap();
    in_child_ok(|| {
        // One byte: unmaps the whole first page.
        // SAFETY: the first page of the child's copy, unused afterwards.
        assert_eq!(unsafe { sys::munmap(p.cast(), 1) }, Ok(()));
        assert!(!is_mapped(p, ps));
        assert!(is_mapped(p.wrapping_add(ps), 3 * ps));
        // The rest still works.
        poke(p.wrapping_add(3 * ps), 3);
        assert_eq!(peek(p.wrapping_add(3 * ps)), 3);
        // All four pages at once, although the first is gone already.
        // SAFETY: the child's copy of our mapping, unused afterwards.
        assert_eq!(unsafe { sys::munmap(p.cast(), 4 * ps) }, Ok(()));
        assert!(!is_mapped(p.wrapping_add(ps), ps));
    });
    unmap(p, 4 * ps);
}

/// "返回值" (left empty in the seed): 0 on success; -1 and errno from libc
/// on failure (EINVAL); unmapping a range with no mapping is a success.
#[test]
fn munmap_returns_zero_or_minus_one_with_errno() {
    let ps = page_size();
    // SAFETY: a new anonymous page.
    let p = unsafe {
        libc::mmap64(
            null_mut(),
            ps,
            libc::PROT_READ,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
            -1,
            0,
        )
    };
    assert_ne!(p, libc::MAP_FAILED);
    // SAFETY: fails (unaligned).
    assert_eq!(
        unsafe { libc::munmap(p.cast::<u8>().add(1).cast(), ps) },
        -1
    );
    assert_eq!(
        std::io::Error::last_os_error().raw_os_error(),
        Some(libc::EINVAL)
    );
    // SAFETY: our page, unused afterwards.
    assert_eq!(unsafe { libc::munmap(p, ps) }, 0);
    // The kernel's own answer for a hole: success.
    // SAFETY: the second page of the address space holds no mapping.
    assert_eq!(unsafe { sys::munmap(ps as *mut c_void, ps) }, Ok(()));
}

// ---------------------------------------------------------------- FAQ 1

/// FAQ 1: "ptr++ … 将递增后的 ptr 传入会导致错误": munmap of ptr+1 fails.
/// True: EINVAL (not page aligned), and nothing is unmapped.
#[test]
fn faq1_ptr_plus_one_munmap_is_einval() {
    let ps = page_size();
    let p = map(ps, RW, PRIVATE_ANON, None, 0).unwrap();
    // SAFETY: fails before unmapping anything.
    assert_eq!(
        unsafe { sys::munmap(p.wrapping_add(1).cast(), ps) },
        Err(Errno::EINVAL)
    );
    poke(p, 1);
    unmap(p, ps);
}

/// FAQ 1, continued: "需要传入映射空间的首地址": munmap needs the start
/// address. Half true: a pointer advanced by whole pages unmaps from there.
#[test]
fn faq1_ptr_plus_page_size_munmap_succeeds() {
    let ps = page_size();
    let p = map(2 * ps, RW, PRIVATE_ANON, None, 0).unwrap();
    let q = p.wrapping_add(ps);
    in_child_ok(|| {
        // SAFETY: the second page of the child's copy, unused afterwards.
        assert_eq!(unsafe { sys::munmap(q.cast(), ps) }, Ok(()));
        assert!(!is_mapped(q, ps));
        assert!(is_mapped(p, ps));
    });
    unmap(p, 2 * ps);
}

// ---------------------------------------------------------------- FAQ 2

/// FAQ 2: O_RDONLY with PROT_READ|PROT_WRITE "错误，返回MAP_FAILED". True for
/// MAP_SHARED: EACCES.
#[test]
fn faq2_rdonly_fd_read_write_shared_is_eacces() {
    let ps = page_size();
    let f = TmpFile::with_contents("seed-faq2", &vec![b'.'; ps]);
    let fd = open(f.c(), OFlags::RDONLY);
    assert_eq!(
        map(ps, RW, MapFlags::SHARED, Some(fd.as_fd()), 0),
        Err(Errno::EACCES)
    );
}

/// FAQ 2, continued: "mmap的权限要小于等于open赋予的权限". Half true: with
/// MAP_PRIVATE the same call succeeds, and writes stay private.
#[test]
fn faq2_rdonly_fd_read_write_private_succeeds() {
    let ps = page_size();
    let f = TmpFile::with_contents("seed-faq2p", &vec![b'.'; ps]);
    let fd = open(f.c(), OFlags::RDONLY);
    let p = map(ps, RW, MapFlags::PRIVATE, Some(fd.as_fd()), 0).unwrap();
    poke(p, b'x');
    unmap(p, ps);
    assert_eq!(std::fs::read(f.path()).unwrap()[0], b'.');
}

// ---------------------------------------------------------------- FAQ 3

/// FAQ 3: "偏移量为 1000 … 返回 MAP_FAILED". True: EINVAL.
#[test]
fn faq3_offset_1000_is_einval() {
    let ps = page_size();
    let f = TmpFile::with_contents("seed-faq3", &vec![b'.'; 2 * ps]);
    let fd = open(f.c(), OFlags::RDONLY);
    assert_eq!(
        map(
            ps,
            ProtFlags::READ,
            MapFlags::SHARED,
            Some(fd.as_fd()),
            1000
        ),
        Err(Errno::EINVAL)
    );
}

/// FAQ 3, continued: "偏移量必须是 4k 的整数倍". Half true: a multiple of
/// the page size; 4096 works only where pages are 4K.
#[test]
fn faq3_offset_4096_works_only_on_4k_page_kernels() {
    let ps = page_size();
    let f = TmpFile::with_contents("seed-faq3b", &vec![b'.'; 2 * ps.max(4096)]);
    let fd = open(f.c(), OFlags::RDONLY);
    let r = map(
        ps,
        ProtFlags::READ,
        MapFlags::SHARED,
        Some(fd.as_fd()),
        4096,
    );
    assert_eq!(r.is_ok(), ps == 4096, "{r:?} with {ps}-byte pages");
    if let Ok(p) = r {
        unmap(p, ps);
    }
}

// ---------------------------------------------------------------- FAQ 4

/// FAQ 4: fails when "length = 0". True: EINVAL.
#[test]
fn faq4_length_zero_is_einval() {
    assert_eq!(
        map(0, ProtFlags::READ, PRIVATE_ANON, None, 0),
        Err(Errno::EINVAL)
    );
    assert_eq!(
        map(0, ProtFlags::READ, SHARED_ANON, None, 0),
        Err(Errno::EINVAL)
    );
}

/// FAQ 4: fails when "只指定了写权限". Wrong: a write-only shared file
/// mapping succeeds and its writes reach the file.
#[test]
fn faq4_prot_write_only_succeeds() {
    let ps = page_size();
    let f = TmpFile::with_contents("seed-faq4w", &vec![b'.'; ps]);
    let fd = open(f.c(), OFlags::RDWR);
    let p = map(ps, ProtFlags::WRITE, MapFlags::SHARED, Some(fd.as_fd()), 0).unwrap();
    poke(p, b'w');
    unmap(p, ps);
    assert_eq!(std::fs::read(f.path()).unwrap()[0], b'w');
}

/// FAQ 4: fails when "prot 指定权限和 fd 权限冲突". Half true: only a shared
/// writable mapping of a non-writable fd, or any mapping of a non-readable
/// fd, conflicts.
#[test]
fn faq4_prot_fd_conflict_fails_only_for_shared_write_or_unreadable_fd() {
    let ps = page_size();
    let f = TmpFile::with_contents("seed-faq4c", &vec![b'.'; ps]);
    let ro = open(f.c(), OFlags::RDONLY);
    let wo = open(f.c(), OFlags::WRONLY);
    assert_eq!(
        map(ps, RW, MapFlags::SHARED, Some(ro.as_fd()), 0),
        Err(Errno::EACCES)
    );
    assert_eq!(
        map(ps, ProtFlags::READ, MapFlags::PRIVATE, Some(wo.as_fd()), 0),
        Err(Errno::EACCES)
    );
    let p = map(ps, RW, MapFlags::PRIVATE, Some(ro.as_fd()), 0).unwrap();
    unmap(p, ps);
}

/// FAQ 4's list is incomplete: other common failures it omits.
#[test]
fn faq4_other_failures_the_seed_omits() {
    let ps = page_size();
    // Neither MAP_SHARED nor MAP_PRIVATE.
    assert_eq!(
        map(ps, RW, MapFlags::ANONYMOUS, None, 0),
        Err(Errno::EINVAL)
    );
    // A descriptor that is not open.
    // SAFETY: only used to provoke EBADF; this number can never be open.
    let bad = unsafe { BorrowedFd::borrow_raw(i32::MAX) };
    assert_eq!(
        map(ps, ProtFlags::READ, MapFlags::SHARED, Some(bad), 0),
        Err(Errno::EBADF)
    );
    // Something that cannot be mapped: a directory.
    let dir = open(c"/", OFlags::RDONLY | OFlags::DIRECTORY);
    assert_eq!(
        map(ps, ProtFlags::READ, MapFlags::PRIVATE, Some(dir.as_fd()), 0),
        Err(Errno::ENODEV)
    );
    // No room for the length.
    // (Half the address space fits a 32-bit one: there, all but 16 pages.)
    let no_room = if usize::BITS == 32 {
        usize::MAX - 16 * ps
    } else {
        usize::MAX / 2
    };
    assert_eq!(map(no_room, RW, PRIVATE_ANON, None, 0), Err(Errno::ENOMEM));
}

// ---------------------------------------------------------------- FAQ 5

/// FAQ 5: "可以…O_CREAT一个新文件来创建映射区…需要对新文件大小进行扩展":
/// a new file can be mapped once extended. True (with ftruncate).
#[test]
fn faq5_new_file_maps_after_extending_it() {
    let ps = page_size();
    let t = TmpFile::new("seed-faq5");
    let fd = sys::open(
        t.c(),
        OFlags::RDWR | OFlags::CREAT | OFlags::EXCL,
        Mode::from_octal(0o600),
    )
    .unwrap();
    sys::ftruncate(fd.as_fd(), ps as u64).unwrap();
    let p = map(ps, RW, MapFlags::SHARED, Some(fd.as_fd()), 0).unwrap();
    poke(p.wrapping_add(ps - 1), b'e');
    unmap(p, ps);
    let data = std::fs::read(t.path()).unwrap();
    assert_eq!(data.len(), ps);
    assert_eq!(data[ps - 1], b'e');
}

/// FAQ 5: "创建的文件大小不能为0": a new file's size cannot be 0. Half
/// true: the mapping succeeds; using it is SIGBUS until the file grows.
#[test]
fn faq5_new_empty_file_maps_but_using_it_is_sigbus() {
    let ps = page_size();
    let t = TmpFile::new("seed-faq5e");
    let fd = sys::open(
        t.c(),
        OFlags::RDWR | OFlags::CREAT | OFlags::EXCL,
        Mode::from_octal(0o600),
    )
    .unwrap();
    let p = map(ps, RW, MapFlags::SHARED, Some(fd.as_fd()), 0).unwrap();
    assert_eq!(touch_in_child(p, true).term_signal(), Some(SIGBUS));
    // Growing the file afterwards makes the same mapping usable.
    sys::ftruncate(fd.as_fd(), ps as u64).unwrap();
    poke(p, b'g');
    assert_eq!(peek(p), b'g');
    unmap(p, ps);
}

/// FAQ 5: extend with "lseek()". Wrong as stated: lseek alone moves the
/// position and leaves the size at 0 (the mapping stays SIGBUS) ...
#[test]
fn faq5_lseek_alone_does_not_extend_the_file() {
    let ps = page_size();
    let t = TmpFile::new("seed-faq5l");
    let fd = sys::open(
        t.c(),
        OFlags::RDWR | OFlags::CREAT | OFlags::EXCL,
        Mode::from_octal(0o600),
    )
    .unwrap();
    assert_eq!(
        sys::lseek(fd.as_fd(), ps as i64 - 1, Whence::Set),
        Ok(ps as u64 - 1)
    );
    assert_eq!(file_size(&fd), 0);
    let p = map(ps, RW, MapFlags::SHARED, Some(fd.as_fd()), 0).unwrap();
    assert_eq!(touch_in_child(p, false).term_signal(), Some(SIGBUS));
    unmap(p, ps);
}

/// ... it takes lseek *and* a write at the new position.
#[test]
fn faq5_lseek_then_write_extends_the_file() {
    let ps = page_size();
    let t = TmpFile::new("seed-faq5w");
    let fd = sys::open(
        t.c(),
        OFlags::RDWR | OFlags::CREAT | OFlags::EXCL,
        Mode::from_octal(0o600),
    )
    .unwrap();
    sys::lseek(fd.as_fd(), ps as i64 - 1, Whence::Set).unwrap();
    assert_eq!(sys::write(fd.as_fd(), b"\0"), Ok(1));
    assert_eq!(file_size(&fd), ps as u64);
    let p = map(ps, RW, MapFlags::SHARED, Some(fd.as_fd()), 0).unwrap();
    poke(p, b'k');
    unmap(p, ps);
    assert_eq!(std::fs::read(t.path()).unwrap()[0], b'k');
}

/// FAQ 5: extend with "truncate()". True (truncate by path, ftruncate by
/// descriptor); the new bytes read as zeros.
#[test]
fn faq5_truncate_extends_the_file() {
    let ps = page_size();
    let t = TmpFile::new("seed-faq5t");
    let fd = sys::open(
        t.c(),
        OFlags::RDWR | OFlags::CREAT | OFlags::EXCL,
        Mode::from_octal(0o600),
    )
    .unwrap();
    sys::truncate(t.c(), ps as u64).unwrap();
    assert_eq!(file_size(&fd), ps as u64);
    sys::ftruncate(fd.as_fd(), 2 * ps as u64).unwrap();
    assert_eq!(file_size(&fd), 2 * ps as u64);
    let p = map(
        2 * ps,
        ProtFlags::READ,
        MapFlags::SHARED,
        Some(fd.as_fd()),
        0,
    )
    .unwrap();
    assert_eq!(peek(p.wrapping_add(2 * ps - 1)), 0);
    unmap(p, 2 * ps);
}

// ---------------------------------------------------------------- FAQ 6

/// FAQ 6: "文件描述符 fd 关闭后，映射区还存在": closing the fd does not affect
/// the mapping. True: it holds its own reference to the file.
#[test]
fn faq6_closing_fd_keeps_mapping() {
    let ps = page_size();
    let f = TmpFile::with_contents("seed-faq6", &vec![b'.'; ps]);
    let fd = open(f.c(), OFlags::RDWR);
    let p = map(ps, RW, MapFlags::SHARED, Some(fd.as_fd()), 0).unwrap();
    assert_eq!(sys::close(fd), Ok(()));
    poke(p, b'6');
    assert_eq!(peek(p), b'6');
    let line = mapping_line(p as usize);
    assert!(line.ends_with(f.0.to_str().unwrap()), "{line}");
    // SAFETY: msync changes no memory.
    unsafe { sys::msync(p.cast(), ps, rawmap::MsyncFlags::SYNC) }.unwrap();
    assert_eq!(std::fs::read(f.path()).unwrap()[0], b'6');
    unmap(p, ps);
}

// ---------------------------------------------------------------- FAQ 7

/// FAQ 7: "越界操作的是非法内存 -> 段错误": out of bounds is a segfault.
/// Half true, three cases. (1) Past the file's end but within its last
/// page: zero-filled, no fault, and writes there never reach the file.
#[test]
fn faq7_tail_of_the_last_page_is_zero_filled_not_a_fault() {
    let ps = page_size();
    let f = TmpFile::with_contents("seed-faq7a", &[b'd'; 100]);
    let fd = open(f.c(), OFlags::RDWR);
    let p = map(ps, RW, MapFlags::SHARED, Some(fd.as_fd()), 0).unwrap();
    assert_eq!(peek(p.wrapping_add(99)), b'd');
    assert_eq!(peek(p.wrapping_add(100)), 0);
    assert_eq!(peek(p.wrapping_add(ps - 1)), 0);
    poke(p.wrapping_add(200), b'!');
    unmap(p, ps);
    assert_eq!(std::fs::read(f.path()).unwrap(), vec![b'd'; 100]);
}

/// FAQ 7, (2): a page of the mapping entirely past the file's end: SIGBUS,
/// not SIGSEGV.
#[test]
fn faq7_past_the_file_end_inside_the_mapping_is_sigbus() {
    let ps = page_size();
    let f = TmpFile::with_contents("seed-faq7b", &[b'd'; 100]);
    let fd = open(f.c(), OFlags::RDWR);
    let p = map(2 * ps, RW, MapFlags::SHARED, Some(fd.as_fd()), 0).unwrap();
    let second = p.wrapping_add(ps);
    assert_eq!(touch_in_child(second, false).term_signal(), Some(SIGBUS));
    assert_eq!(touch_in_child(second, true).term_signal(), Some(SIGBUS));
    unmap(p, 2 * ps);
}

/// FAQ 7, (3): past the end of the mapping, where nothing is mapped:
/// SIGSEGV, as the seed says.
#[test]
fn faq7_past_the_mapping_is_sigsegv() {
    let ps = page_size();
    let st = in_child(|| {
        // The child maps two pages and frees the second: no other thread
        // exists to map something there.
        let Ok(p) = map(2 * ps, RW, PRIVATE_ANON, None, 0) else {
            return 1;
        };
        unmap(p.wrapping_add(ps), ps);
        prepare_to_die();
        poke(p.wrapping_add(ps), 1);
        0
    });
    assert_eq!(st.term_signal(), Some(SIGSEGV));
}

// ---------------------------------------------------------------- 匿名内存映射 (anonymous)

/// "匿名映射：不需要文件实体": no file is needed. True: zero-filled memory
/// with no path; a *shared* one is backed by an internal tmpfs object that
/// /proc/self/maps shows as "/dev/zero (deleted)", not by any file of ours.
#[test]
fn anon_needs_no_file() {
    let ps = page_size();
    let p = map(ps, RW, PRIVATE_ANON, None, 0).unwrap();
    let entry = mapping_line(p as usize);
    let fields: Vec<&str> = entry.split_whitespace().collect();
    assert_eq!(fields[4], "0", "inode of a private anonymous map: {entry}");
    assert!(fields.len() == 5 || fields[5].starts_with('['), "{entry}");
    assert_eq!(peek(p.wrapping_add(ps - 1)), 0);
    unmap(p, ps);
    let s = map(ps, RW, SHARED_ANON, None, 0).unwrap();
    let entry = mapping_line(s as usize);
    assert!(entry.ends_with("/dev/zero (deleted)"), "{entry}");
    assert_eq!(peek(s), 0);
    unmap(s, ps);
}

/// "设置flags为MAP_SHARED | MAP_ANONYMOUS": the seed's flags work. True, but
/// MAP_PRIVATE | MAP_ANONYMOUS is valid too (and what allocators use).
#[test]
fn anon_shared_or_private_both_work() {
    let ps = page_size();
    for flags in [SHARED_ANON, PRIVATE_ANON] {
        let p = map(ps, RW, flags, None, 0).unwrap();
        poke(p, 1);
        assert_eq!(peek(p), 1);
        unmap(p, ps);
    }
}

/// A shared anonymous mapping is shared with children: the seed's IPC use.
/// True for related processes (fork); unrelated ones need a file or shm
/// name (`param_map_shared_required_for_ipc`).
#[test]
fn anon_shared_visible_to_child() {
    let ps = page_size();
    let p = map(ps, RW, SHARED_ANON, None, 0).unwrap();
    poke(p, 1);
    let st = in_child(|| {
        let seen = peek(p);
        poke(p, 2);
        i32::from(seen)
    });
    assert_eq!(st.exit_code(), Some(1));
    assert_eq!(peek(p), 2);
    unmap(p, ps);
}

/// The contrast: a private anonymous mapping is copied at fork; the child's
/// writes stay in the child.
#[test]
fn anon_private_not_visible_to_child() {
    let ps = page_size();
    let p = map(ps, RW, PRIVATE_ANON, None, 0).unwrap();
    poke(p, 1);
    let st = in_child(|| {
        poke(p, 2);
        i32::from(peek(p))
    });
    assert_eq!(st.exit_code(), Some(2));
    assert_eq!(peek(p), 1);
    unmap(p, ps);
}

/// "MAP_ANONYMOUS 可以被简写为 MAP_ANON": MAP_ANON is an alias. True (a C
/// macro with the same value; rawmap has only `MapFlags::ANONYMOUS`).
#[test]
fn anon_map_anon_is_an_alias() {
    assert_eq!(libc::MAP_ANON, libc::MAP_ANONYMOUS);
    assert_eq!(libc::MAP_ANON as u32, MapFlags::ANONYMOUS.bits());
}

/// "fd 将会被忽略，通常设置为-1": the fd is ignored, usually -1. True on
/// Linux: even descriptors that could never be mapped (write-only, a
/// directory, a number that is not open) give a plain anonymous mapping.
/// Portable code passes -1 (some systems require it).
#[test]
fn anon_fd_is_ignored() {
    let ps = page_size();
    let f = TmpFile::with_contents("seed-anonfd", &vec![b'f'; ps]);
    let wronly = open(f.c(), OFlags::WRONLY);
    let dir = open(c"/", OFlags::RDONLY | OFlags::DIRECTORY);
    // SAFETY: only used as an ignored argument; this number is never open.
    let bad = unsafe { BorrowedFd::borrow_raw(i32::MAX) };
    for fd in [wronly.as_fd(), dir.as_fd(), bad] {
        for flags in [SHARED_ANON, PRIVATE_ANON] {
            let p =
                map(ps, RW, flags, Some(fd), 0).unwrap_or_else(|e| panic!("{fd:?} {flags:?}: {e}"));
            assert_eq!(peek(p), 0, "file contents leaked into an anonymous map");
            let entry = mapping_line(p as usize);
            assert!(!entry.contains(f.0.to_str().unwrap()), "{entry}");
            unmap(p, ps);
        }
    }
}

/// "offset 设置为 0": set offset to 0. Half true: any page-aligned offset is
/// accepted and ignored; an unaligned one is still EINVAL.
#[test]
fn anon_offset_is_ignored_if_page_aligned() {
    let ps = page_size();
    for flags in [SHARED_ANON, PRIVATE_ANON] {
        let p = map(ps, RW, flags, None, 16 * ps as u64).unwrap();
        assert_eq!(peek(p), 0);
        poke(p, 1);
        unmap(p, ps);
        assert_eq!(map(ps, RW, flags, None, 1), Err(Errno::EINVAL), "{flags:?}");
    }
}

/// The seed's example call,
/// `mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0)`,
/// works as written, for a length that is not a multiple of the page size.
#[test]
fn anon_seed_example_call_works() {
    let len = 10_000;
    // SAFETY: the seed's call: a new mapping, no hint.
    let p = unsafe { sys::mmap(null_mut(), len, RW, SHARED_ANON, None, 0) }.unwrap();
    // SAFETY: `len` writable bytes.
    let bytes = unsafe { std::slice::from_raw_parts_mut(p.cast::<u8>(), len) };
    assert!(bytes.iter().all(|&b| b == 0));
    bytes[len - 1] = 1;
    // SAFETY: our mapping, `bytes` unused afterwards.
    unsafe { sys::munmap(p, len) }.unwrap();
}
