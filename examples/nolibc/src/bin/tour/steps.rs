//! The tour's steps: the seed's mmap notes (`mmap-notes.zh.md`), run live
//! with rawmap's raw system calls, one printed line per step.
//!
//! Shared by `tour` (no libc, `rawmap::rt`) and `examples/tour_std.rs` (the
//! same work as an ordinary glibc + std program, for comparing start-up
//! cost). The including file defines `say!` (a `println!`) before `mod`.
//!
//! Every line is deterministic (no addresses, descriptors or pids) so that
//! the tests can compare the whole output; the page size is printed as the
//! kernel reports it.

use core::ffi::{CStr, c_void};
use core::fmt;
use core::ptr;

use rawmap::sys::{self, Errno, Resource, Rlimit, WaitStatus};
use rawmap::{
    BorrowedFd, GlobalBump, MapFlags, Mode, MsyncFlags, OFlags, OwnedFd, ProtFlags, page_size,
};

/// A system call's answer as the tour prints it: `ok` or
/// `EINVAL (Invalid argument)`.
struct Answer<'a, T>(&'a Result<T, Errno>);

impl<T> fmt::Display for Answer<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Ok(_) => f.write_str("ok"),
            Err(e) => errno(*e).fmt(f),
        }
    }
}

/// `EINVAL (Invalid argument)`.
struct ErrnoText(Errno);

fn errno(e: Errno) -> ErrnoText {
    ErrnoText(e)
}

impl fmt::Display for ErrnoText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.0.name(), self.0.description()) {
            (Some(n), Some(d)) => write!(f, "{n} ({d})"),
            _ => write!(f, "errno {}", self.0.into_raw()),
        }
    }
}

/// A step that had to succeed failed: what was tried, and the answer.
pub struct Failed {
    /// The call, as printed.
    pub what: &'static str,
    /// The kernel's answer.
    pub errno: Errno,
}

impl fmt::Display for Failed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.what, errno(self.errno))
    }
}

/// `r`, or a [`Failed`] naming `what`.
fn must<T>(what: &'static str, r: Result<T, Errno>) -> Result<T, Failed> {
    r.map_err(|errno| Failed { what, errno })
}

/// Bytes as text for the output (`"hello"`), up to the first NUL.
struct Text<'a>(&'a [u8]);

impl fmt::Display for Text<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let end = self.0.iter().position(|&b| b == 0).unwrap_or(self.0.len());
        match core::str::from_utf8(&self.0[..end]) {
            Ok(s) => write!(f, "{s:?}"),
            Err(_) => write!(f, "{:?}", &self.0[..end]),
        }
    }
}

/// A mapping made with the raw `mmap`, unmapped on drop (so an early
/// return never leaks it). The tour calls `munmap` itself where the seed
/// does; `forget` then stops the drop from unmapping again.
struct Map {
    ptr: *mut c_void,
    len: usize,
}

impl Map {
    /// `mmap(NULL, len, prot, flags, fd, offset)`.
    fn new(
        len: usize,
        prot: ProtFlags,
        flags: MapFlags,
        fd: Option<BorrowedFd<'_>>,
        offset: u64,
    ) -> Result<Self, Errno> {
        // SAFETY: no MAP_FIXED and no address hint: the kernel picks an
        // unused range, so no memory Rust uses is replaced.
        let ptr = unsafe { sys::mmap(ptr::null_mut(), len, prot, flags, fd, offset) }?;
        Ok(Self { ptr, len })
    }

    fn bytes(&self) -> *mut u8 {
        self.ptr.cast()
    }

    /// Copies `text` to the start of the map.
    ///
    /// # Safety
    ///
    /// The map must be writable, at least `text.len()` long, and (for a
    /// file map) lie inside the file.
    unsafe fn write(&self, text: &[u8]) {
        // SAFETY: the caller's contract; `text` is not in the map.
        unsafe { ptr::copy_nonoverlapping(text.as_ptr(), self.bytes(), text.len()) };
    }

    /// The first `n` bytes.
    ///
    /// # Safety
    ///
    /// The map must be readable, at least `n` long and (for a file map)
    /// lie inside the file, and nobody may write those bytes while the
    /// slice lives.
    unsafe fn read(&self, n: usize) -> &[u8] {
        // SAFETY: the caller's contract.
        unsafe { core::slice::from_raw_parts(self.bytes(), n) }
    }

    /// `munmap(ptr, len)`, reported; the drop does nothing afterwards.
    fn unmap(self) -> Result<(), Errno> {
        // SAFETY: our own mapping; `self` is consumed, nothing uses it after.
        let r = unsafe { sys::munmap(self.ptr, self.len) };
        core::mem::forget(self);
        r
    }
}

impl Drop for Map {
    fn drop(&mut self) {
        // SAFETY: our own mapping, never handed out beyond `self`.
        let _ = unsafe { sys::munmap(self.ptr, self.len) };
    }
}

/// The scratch file's path, built on the stack: `DIR/rawmap-tour-PID`.
struct ScratchPath {
    buf: [u8; 512],
}

impl ScratchPath {
    fn new(dir: &[u8]) -> Result<Self, Failed> {
        let mut buf = [0u8; 512];
        let mut n = 0;
        let mut push = |bytes: &[u8]| -> Result<(), Failed> {
            let end = n + bytes.len();
            // Keep one byte for the NUL.
            if end >= buf.len() || bytes.contains(&0) {
                return Err(Failed {
                    what: "scratch file path (TMPDIR)",
                    errno: Errno::ENAMETOOLONG,
                });
            }
            buf[n..end].copy_from_slice(bytes);
            n = end;
            Ok(())
        };
        push(dir)?;
        push(b"/rawmap-tour-")?;
        let mut digits = [0u8; 10];
        let mut pid = sys::getpid().unsigned_abs();
        let mut i = digits.len();
        loop {
            i -= 1;
            digits[i] = b'0' + (pid % 10) as u8;
            pid /= 10;
            if pid == 0 {
                break;
            }
        }
        push(&digits[i..])?;
        Ok(Self { buf })
    }

    fn as_cstr(&self) -> &CStr {
        // The buffer was zeroed and the path has no NUL: it ends at one.
        CStr::from_bytes_until_nul(&self.buf).unwrap_or(c"")
    }
}

/// Removes the scratch file when the tour ends, however it ends.
struct Unlink<'a>(&'a CStr);

impl Drop for Unlink<'_> {
    fn drop(&mut self) {
        let _ = sys::unlink(self.0);
    }
}

/// Runs `child` in a forked child process that first disables core dumps
/// (it may be killed by a signal on purpose), and reports how it ended.
fn in_child(child: impl FnOnce() -> i32) -> Result<WaitStatus, Failed> {
    // SAFETY: single-threaded; the child only makes system calls, touches
    // memory, and ends with exit_group without returning into our caller.
    let pid = must("fork()", unsafe { sys::fork() })?;
    if pid == 0 {
        let _ = sys::prlimit64(0, Resource::CORE, Some(Rlimit { cur: 0, max: 0 }));
        sys::exit_group(child());
    }
    let (_, status) = must("wait4(child)", sys::wait4(pid, 0))?;
    Ok(status)
}

/// "exited with status 0", "killed by SIGBUS".
struct How(WaitStatus);

impl fmt::Display for How {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(code) = self.0.exit_code() {
            return write!(f, "exited with status {code}");
        }
        match self.0.term_signal() {
            // The same numbers on x86_64, aarch64 and riscv64.
            Some(7) => f.write_str("killed by SIGBUS"),
            Some(11) => f.write_str("killed by SIGSEGV"),
            Some(s) => write!(f, "killed by signal {s}"),
            None => write!(f, "wait status {:#x}", self.0.0),
        }
    }
}

const HELLO: &[u8] = b"hello from mmap";

/// The whole tour; `dir` is where the scratch file goes (`$TMPDIR` or
/// `/tmp`). Returns the exit status.
pub fn run(dir: &[u8], heap: &GlobalBump) -> i32 {
    match tour(dir, heap) {
        Ok(()) => 0,
        Err(f) => {
            say_err!("tour: {f}");
            1
        }
    }
}

fn tour(dir: &[u8], heap: &GlobalBump) -> Result<(), Failed> {
    let page = page_size();
    say!("rawmap tour: the seed's mmap notes, run live; every call is a raw system call");
    say!(
        "page size: {page} bytes (AT_PAGESZ from the kernel; aarch64 kernels may use 16K or 64K pages)"
    );

    let path = ScratchPath::new(dir)?;
    let path = path.as_cstr();
    say!();
    say!("== a file, mapped shared: writes to memory reach the file");
    let fd = must(
        "open(scratch file)",
        sys::open(
            path,
            OFlags::RDWR | OFlags::CREAT | OFlags::EXCL | OFlags::CLOEXEC,
            Mode::from_octal(0o600),
        ),
    )?;
    let _unlink = Unlink(path);
    let size = must("fstat", sys::fstat(fd.as_fd()))?.st_size;
    say!("open(scratch file in $TMPDIR or /tmp, O_RDWR|O_CREAT|O_EXCL, 0600): ok, size {size}");
    let empty = must(
        "mmap of the empty file",
        Map::new(page, ProtFlags::READ, MapFlags::SHARED, Some(fd.as_fd()), 0),
    )?;
    say!(
        "mmap(NULL, {page}, PROT_READ, MAP_SHARED, fd, 0) of the empty file: ok -- the seed says size 0 fails"
    );
    let ptr = empty.bytes();
    let status = in_child(|| {
        // SAFETY: deliberately reads a mapped page with no file behind it:
        // the kernel kills this child with SIGBUS instead.
        i32::from(unsafe { ptr.read_volatile() })
    })?;
    say!(
        "a child reads its first byte: {} -- no file behind the page: give the file a size first",
        How(status)
    );
    drop(empty);
    let file_len = 2 * page as u64;
    must("ftruncate", sys::ftruncate(fd.as_fd(), file_len))?;
    say!("ftruncate(fd, {file_len}): ok, two pages of zeros (FAQ 5)");

    let map = must(
        "mmap shared",
        Map::new(
            page,
            ProtFlags::READ | ProtFlags::WRITE,
            MapFlags::SHARED,
            Some(fd.as_fd()),
            0,
        ),
    )?;
    say!("mmap(NULL, {page}, PROT_READ|PROT_WRITE, MAP_SHARED, fd, 0): ok");
    // SAFETY: a writable shared map of the file's first page, inside the
    // file; no one else writes the scratch file.
    unsafe { map.write(HELLO) };
    say!("wrote {} through the pointer", Text(HELLO));
    let mut buf = [0u8; 32];
    let n = must("pread", sys::pread(fd.as_fd(), &mut buf, 0))?;
    say!(
        "pread(fd) before msync: {} -- already there: the map is the file's page cache",
        Text(&buf[..n])
    );
    // SAFETY: msync does not change the mapping.
    let r = unsafe { sys::msync(map.ptr, page, MsyncFlags::SYNC) };
    say!(
        "msync(ptr, {page}, MS_SYNC): {} -- writes the dirty page back to storage and waits",
        Answer(&r)
    );
    let r = map.unmap();
    say!("munmap(ptr, {page}): {}", Answer(&r));
    must("lseek", sys::lseek(fd.as_fd(), 0, sys::Whence::Set))?;
    let mut buf = [0u8; 32];
    let n = must("read", sys::read(fd.as_fd(), &mut buf))?;
    say!(
        "read(fd) after munmap: {} -- the bytes are in the file",
        Text(&buf[..n])
    );

    say!();
    say!("== a private map: copy-on-write, the file does not change");
    let map = must(
        "mmap private",
        Map::new(
            page,
            ProtFlags::READ | ProtFlags::WRITE,
            MapFlags::PRIVATE,
            Some(fd.as_fd()),
            0,
        ),
    )?;
    // SAFETY: a readable map of the file's first page, inside the file.
    say!(
        "mmap(NULL, {page}, PROT_READ|PROT_WRITE, MAP_PRIVATE, fd, 0): ok, reads {}",
        Text(unsafe { map.read(32) })
    );
    // SAFETY: a writable private map of the first page, inside the file.
    unsafe { map.write(b"PRIVATE") };
    // SAFETY: as above; nothing writes while the slice lives.
    say!(
        "wrote \"PRIVATE\": the map reads {}",
        Text(unsafe { map.read(32) })
    );
    let n = must("pread", sys::pread(fd.as_fd(), &mut buf, 0))?;
    say!("pread(fd): {} -- the file is unchanged", Text(&buf[..n]));
    let r = map.unmap();
    say!("munmap: {} -- the private copy is gone", Answer(&r));

    say!();
    say!("== the seed's FAQ (questions 1 to 7), live");
    faq1(page)?;
    faq2(path, page)?;
    faq3(&fd, page)?;
    faq4(&fd, page)?;
    faq6(path, page)?;
    faq7(&fd, page)?;

    say!();
    anonymous_shared(page)?;

    say!();
    safe_api(path)?;

    say!();
    collections(heap);

    drop(fd);
    let r = sys::unlink(path);
    say!();
    say!("unlink(scratch file): {}", Answer(&r));
    say!("done");
    Ok(())
}

/// FAQ 1: `ptr++` then `munmap(ptr, size)`; and the seed's rule that the
/// length must equal mmap's.
fn faq1(page: usize) -> Result<(), Failed> {
    let map = must(
        "mmap anonymous",
        Map::new(
            2 * page,
            ProtFlags::READ | ProtFlags::WRITE,
            MapFlags::PRIVATE | MapFlags::ANONYMOUS,
            None,
            0,
        ),
    )?;
    // SAFETY: an address inside our mapping; the kernel refuses it (not
    // page aligned) and nothing is unmapped.
    let r = unsafe { sys::munmap(map.bytes().add(1).cast(), page) };
    say!(
        "FAQ 1: munmap(ptr + 1, {page}): {} -- the address must be page aligned",
        Answer(&r)
    );
    // SAFETY: the first page of our own two-page map, unused.
    let r = unsafe { sys::munmap(map.ptr, 1) };
    say!(
        "       munmap(ptr, 1) of a {}-byte map: {} -- unmaps the first page: lengths are rounded up to pages",
        2 * page,
        Answer(&r)
    );
    // SAFETY: the second page of our own map, unused; the drop unmapping
    // the whole range afterwards is harmless (nothing is mapped there).
    let r = unsafe { sys::munmap(map.bytes().add(page).cast(), page) };
    say!("       munmap(ptr + {page}, {page}): {}", Answer(&r));
    let r = map.unmap();
    say!(
        "       munmap(ptr, {}) again: {} -- unmapping an empty range is not an error",
        2 * page,
        Answer(&r)
    );
    Ok(())
}

/// FAQ 2: `O_RDONLY` and `PROT_READ | PROT_WRITE`.
fn faq2(path: &CStr, page: usize) -> Result<(), Failed> {
    let ro = must(
        "open(O_RDONLY)",
        sys::open(path, OFlags::RDONLY | OFlags::CLOEXEC, Mode::empty()),
    )?;
    let rw = ProtFlags::READ | ProtFlags::WRITE;
    let r = Map::new(page, rw, MapFlags::SHARED, Some(ro.as_fd()), 0);
    say!(
        "FAQ 2: O_RDONLY fd, PROT_READ|PROT_WRITE, MAP_SHARED: {}, as the seed says",
        Answer(&r)
    );
    drop(r);
    let r = Map::new(page, rw, MapFlags::PRIVATE, Some(ro.as_fd()), 0);
    say!(
        "       O_RDONLY fd, PROT_READ|PROT_WRITE, MAP_PRIVATE: {} -- the seed says it fails; writes go to a private copy",
        Answer(&r)
    );
    drop(r);
    let wo = must(
        "open(O_WRONLY)",
        sys::open(path, OFlags::WRONLY | OFlags::CLOEXEC, Mode::empty()),
    )?;
    let r = Map::new(
        page,
        ProtFlags::WRITE,
        MapFlags::SHARED,
        Some(wo.as_fd()),
        0,
    );
    say!(
        "       O_WRONLY fd, PROT_WRITE, MAP_SHARED: {} -- a file mapping always needs read access",
        Answer(&r)
    );
    Ok(())
}

/// FAQ 3: offset 1000.
fn faq3(fd: &OwnedFd, page: usize) -> Result<(), Failed> {
    let prot = ProtFlags::READ;
    let r = Map::new(page, prot, MapFlags::SHARED, Some(fd.as_fd()), 1000);
    say!("FAQ 3: offset 1000: {}", Answer(&r));
    drop(r);
    let r = Map::new(page, prot, MapFlags::SHARED, Some(fd.as_fd()), page as u64);
    say!(
        "       offset {page}: {} -- a multiple of the page size (the seed says 4k; it is {page} here)",
        Answer(&r)
    );
    Ok(())
}

/// FAQ 4: when does mmap fail?
fn faq4(fd: &OwnedFd, page: usize) -> Result<(), Failed> {
    let rw = ProtFlags::READ | ProtFlags::WRITE;
    let r = Map::new(0, rw, MapFlags::SHARED, Some(fd.as_fd()), 0);
    say!("FAQ 4: length 0: {}", Answer(&r));
    drop(r);
    let r = Map::new(
        page,
        ProtFlags::WRITE,
        MapFlags::SHARED,
        Some(fd.as_fd()),
        0,
    );
    say!(
        "       PROT_WRITE without PROT_READ: {} -- the seed says it fails; Linux accepts it",
        Answer(&r)
    );
    drop(r);
    let r = Map::new(page, rw, MapFlags::empty(), Some(fd.as_fd()), 0);
    say!("       neither MAP_SHARED nor MAP_PRIVATE: {}", Answer(&r));
    Ok(())
}

/// FAQ 7: out of bounds. A map covers whole pages: bytes past its length
/// up to the end of the page are there (zeros past the end of the file);
/// the next page is whatever is mapped there, here a `PROT_NONE` guard.
fn faq7(fd: &OwnedFd, page: usize) -> Result<(), Failed> {
    // Two pages of PROT_NONE, then the file mapped over the first one.
    let guard = must(
        "mmap PROT_NONE",
        Map::new(
            2 * page,
            ProtFlags::NONE,
            MapFlags::PRIVATE | MapFlags::ANONYMOUS,
            None,
            0,
        ),
    )?;
    // SAFETY: MAP_FIXED replaces the first page of our own PROT_NONE
    // reservation, which nothing uses.
    let r = unsafe {
        sys::mmap(
            guard.ptr,
            100,
            ProtFlags::READ,
            MapFlags::SHARED | MapFlags::FIXED,
            Some(fd.as_fd()),
            0,
        )
    };
    must("mmap MAP_FIXED", r)?;
    let ptr = guard.bytes();
    let status = in_child(|| {
        // SAFETY: both bytes lie in the first page, which is mapped
        // readable (the map's length, 100, is rounded up to a page).
        let (a, b) = unsafe {
            (
                ptr.add(100).read_volatile(),
                ptr.add(page - 1).read_volatile(),
            )
        };
        i32::from(a | b)
    })?;
    say!(
        "FAQ 7: map 100 bytes; a child reads ptr[100] and ptr[{}]: {} -- the map covers the whole page",
        page - 1,
        How(status)
    );
    let status = in_child(|| {
        // SAFETY: deliberately reads the PROT_NONE page: the kernel kills
        // this child with SIGSEGV instead.
        i32::from(unsafe { ptr.add(page).read_volatile() })
    })?;
    say!(
        "       a child reads ptr[{page}], in the next page (PROT_NONE here): {}",
        How(status)
    );
    Ok(())
}

/// FAQ 6: close the descriptor; the mapping stays.
fn faq6(path: &CStr, page: usize) -> Result<(), Failed> {
    let fd = must(
        "open(O_RDONLY)",
        sys::open(path, OFlags::RDONLY | OFlags::CLOEXEC, Mode::empty()),
    )?;
    let map = must(
        "mmap",
        Map::new(page, ProtFlags::READ, MapFlags::SHARED, Some(fd.as_fd()), 0),
    )?;
    let r = sys::close(fd);
    // SAFETY: a readable map of the file's first page, inside the file.
    say!(
        "FAQ 6: close(fd): {}; the map still reads {}",
        Answer(&r),
        Text(unsafe { map.read(32) })
    );
    Ok(())
}

/// The seed's last section: `MAP_SHARED | MAP_ANONYMOUS` between a parent
/// and a forked child (and `MAP_PRIVATE` for contrast).
fn anonymous_shared(page: usize) -> Result<(), Failed> {
    say!("== anonymous memory and a child process (fork, wait4)");
    let rw = ProtFlags::READ | ProtFlags::WRITE;
    for (flags, name, meaning) in [
        (MapFlags::SHARED, "MAP_SHARED", "the same memory"),
        (
            MapFlags::PRIVATE,
            "MAP_PRIVATE",
            "zeros: the child wrote its own copy",
        ),
    ] {
        let map = must(
            "mmap anonymous",
            Map::new(page, rw, flags | MapFlags::ANONYMOUS, None, 0),
        )?;
        say!("mmap(NULL, {page}, PROT_READ|PROT_WRITE, {name}|MAP_ANONYMOUS, -1, 0): ok");
        let bytes = map.bytes();
        let text = b"written by the child";
        let status = in_child(|| {
            // SAFETY: the child's view of the parent's writable map.
            unsafe { ptr::copy_nonoverlapping(text.as_ptr(), bytes, text.len()) };
            0
        })?;
        // SAFETY: readable, one page long; the child has exited.
        let seen = unsafe { map.read(32) };
        say!(
            "  a child writes {} and {}; the parent reads {} -- {meaning}",
            Text(text),
            How(status),
            Text(seen)
        );
    }
    Ok(())
}

/// The same file through the safe layer: `MapOptions`, `Mmap`, `MmapMut`
/// (which unmap exactly what they mapped, on drop) and a `Bump` arena.
fn safe_api(path: &CStr) -> Result<(), Failed> {
    use rawmap::{Bump, File, MapOptions, Mmap, MmapMut};

    say!("== the safe API: MapOptions, Mmap, MmapMut, Bump (each unmaps what it mapped, on drop)");
    let file = must("File::open_rw", File::open_rw(path))?;
    // SAFETY (every map of the file below): the tour's own scratch file,
    // which nothing else truncates or writes while it is mapped.
    let mut map = must("MmapMut::map_mut", unsafe { MmapMut::map_mut(&file) })?;
    map[1000..1005].copy_from_slice(b"safe!");
    let r = map.flush();
    say!(
        "MmapMut::map_mut(&file): {} bytes, reads {}; wrote \"safe!\" at byte 1000, flush(): {}",
        map.len(),
        Text(&map[..15]),
        Answer(&r)
    );
    drop(map);
    // SAFETY: as above.
    let part = must("map at offset 1000", unsafe {
        MapOptions::new().offset(1000).len(5).map(&file)
    })?;
    say!(
        "MapOptions::new().offset(1000).len(5).map(&file): reads {} -- the offset need not be page aligned (FAQ 3 settled inside)",
        Text(&part)
    );
    // SAFETY: as above.
    let whole = must("Mmap::map", unsafe { Mmap::map(&file) })?;
    say!(
        "Mmap::map(&file): {} bytes, {} of them not zero",
        whole.len(),
        whole.iter().filter(|&&b| b != 0).count()
    );
    let r = MapOptions::new().len(0).map_anon().map(|m| m.len());
    say!(
        "MapOptions::new().len(0).map_anon(): {} -- an empty map, no system call",
        Answer(&r)
    );
    let mut anon = must("map_anon", MapOptions::new().len(100).map_anon())?;
    anon[99] = 7;
    let sum: u32 = anon.iter().map(|&b| u32::from(b)).sum();
    let ro = must("make_read_only", anon.make_read_only())?;
    say!(
        "MapOptions::new().len(100).map_anon(): zeroed, one byte set, sum {sum}; make_read_only(): {:?}",
        ro.prot()
    );
    let bump = Bump::new();
    let squares = bump.alloc_slice_copy(&[1u64, 4, 9, 16, 25]);
    let word = bump.alloc_str("arena");
    squares[0] = 0;
    say!(
        "Bump::new(): alloc_slice_copy {squares:?}, alloc_str {word:?} -- dropping the Bump unmaps its chunks"
    );
    Ok(())
}

/// Words for the `BTreeMap` count.
const TEXT: &str = "a shared map of a file is the file: writes to the map reach the file \
    and reads of the map see the file; a private map of a file is a copy: writes to the map \
    stay in the map";

/// `Vec`, `String` and `BTreeMap` on the global allocator, `GlobalBump`.
fn collections(heap: &GlobalBump) {
    use alloc::collections::BTreeMap;
    use alloc::string::String;
    use alloc::vec::Vec;
    use core::fmt::Write;

    say!("== Vec, String and BTreeMap on GlobalBump, the global allocator");
    let squares: Vec<u64> = (1..=1000u64).map(|i| i * i).collect();
    say!(
        "Vec<u64> of the squares of 1..=1000: sum {}",
        squares.iter().sum::<u64>()
    );
    let mut s = String::new();
    for w in TEXT.split_whitespace().take(6) {
        let _ = write!(s, "{}{w}", if s.is_empty() { "" } else { "-" });
    }
    say!("String built word by word: {s:?} ({} bytes)", s.len());
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for w in TEXT
        .split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| !w.is_empty())
    {
        *counts.entry(w).or_insert(0) += 1;
    }
    let mut top: Vec<(&str, usize)> = counts.iter().map(|(w, n)| (*w, *n)).collect();
    top.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let mut line = String::new();
    for (w, n) in top.iter().take(4) {
        let _ = write!(line, " {w} {n},");
    }
    line.pop();
    say!(
        "BTreeMap word count: {} distinct words; most frequent:{line}",
        counts.len()
    );
    let mut big: Vec<u64> = Vec::new();
    for i in 0..100_000 {
        big.push(i);
    }
    say!(
        "Vec<u64> grown by push to {} elements, capacity {} ({} bytes: a large block, in a mapping of its own, grown with mremap)",
        big.len(),
        big.capacity(),
        big.capacity() * 8
    );
    say!(
        "GlobalBump has mapped {} bytes in all (1 MiB chunks for small blocks, whole pages for large ones)",
        heap.mapped_bytes()
    );
}
