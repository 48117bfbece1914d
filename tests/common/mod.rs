//! Helpers shared by the integration tests (each test file `mod common;`).
#![allow(dead_code)]

use std::ffi::CString;
use std::sync::atomic::{AtomicUsize, Ordering};

use rawmap::sys::{self, WaitStatus};

/// `Some(arch)` when the test runs under qemu-user (set by the cargo
/// runner in `.cargo/config.toml`). qemu-user emulates mmap itself and
/// differs from a kernel in documented ways (see platform notes in the
/// README): tests assert qemu's behaviour there, and say so.
pub fn under_qemu() -> Option<String> {
    std::env::var("RAWMAP_QEMU").ok().filter(|s| !s.is_empty())
}

/// Under qemu-user, its major version: `RAWMAP_QEMU_VERSION` where the
/// runner sets it (loongarch64 runs Debian trixie's qemu 10, see
/// `.cargo/config.toml`), else 7 (Debian 12's qemu-user-static 7.2, every
/// other cross arch). Several of 7.2's documented deviations are fixed in
/// later versions, and later versions have their own.
pub fn qemu_major() -> Option<u32> {
    under_qemu()?;
    Some(
        std::env::var("RAWMAP_QEMU_VERSION")
            .ok()
            .and_then(|v| v.split('.').next()?.parse().ok())
            .unwrap_or(7),
    )
}

/// Under qemu-user 7.x: its documented mmap deviations hold (see the
/// README's platform notes).
pub fn under_qemu_7() -> bool {
    qemu_major() == Some(7)
}

/// Under qemu-user 7.2 with a 32-bit guest (armv7, i686 under
/// qemu-i386; never natively, where the ia32 compat kernel answers).
/// qemu then reserves the guest's whole 4 GiB in the host up front (at a
/// nonzero `guest_base`) and a guest `munmap` re-reserves the range with a
/// host `PROT_NONE` mapping, so (observed, see the README's qemu notes):
/// a guest hole is a host mapping (`mprotect`, `msync`, `mlock` of it
/// succeed; `mremap` of it moves it or is `EINVAL`; growing a mapping in
/// place into a hole is `ENOMEM`); `/proc/self/smaps` is the host's, in
/// host addresses; qemu's own `/proc/self/maps` shows or hides a host
/// range by its first page, so private `PROT_NONE` pages and holes next to
/// them may each show as either.
pub fn qemu_32bit_guest() -> bool {
    under_qemu_7() && cfg!(target_pointer_width = "32")
}

/// `Some(kernel)` when the test runs on a real kernel in a full-system VM
/// (`.ci/vm-test`: `a64-4k`, `a64-16k`, `a64-64k`, `rv64`, `a32`; set by its
/// `/init`). The kernel answers there, not qemu-user, so every check that
/// skips under qemu-user runs; but the code is translated by qemu's TCG,
/// so it is as slow as under qemu-user.
pub fn in_vm() -> Option<String> {
    std::env::var("RAWMAP_VM").ok().filter(|s| !s.is_empty())
}

/// The code runs translated (qemu-user, or a TCG VM): suites use their
/// reduced case counts.
pub fn emulated() -> bool {
    under_qemu().is_some() || in_vm().is_some()
}

/// In a VM, whether this kernel runs the leak suite's full 10^4 cycles
/// (`RAWMAP_VM_FULL_LEAKS`, set on one kernel of the lane).
pub fn vm_full_leaks() -> bool {
    std::env::var_os("RAWMAP_VM_FULL_LEAKS").is_some()
}

/// What `madvise(MADV_WILLNEED)` of anonymous memory answers here: `Ok` on
/// a kernel built with `CONFIG_SWAP` (then `/proc/swaps` exists), `EBADF`
/// on one without (its `madvise_willneed` can read ahead only from a file;
/// small embedded kernels are built that way). qemu-user accepts the
/// advice without passing it on.
pub fn anon_willneed() -> Result<(), rawmap::Errno> {
    if under_qemu().is_some() || std::path::Path::new("/proc/swaps").exists() {
        Ok(())
    } else {
        Err(rawmap::Errno::EBADF)
    }
}

/// The default huge page size in bytes (`Hugepagesize` in /proc/meminfo):
/// 2 MiB on x86_64, riscv64 and 4K-page aarch64, 32 MiB with 16K pages,
/// 512 MiB with 64K pages.
pub fn default_huge_page_size() -> usize {
    let m = std::fs::read_to_string("/proc/meminfo").unwrap();
    let kb: usize = m
        .lines()
        .find_map(|l| l.strip_prefix("Hugepagesize:"))
        .map_or(0, |v| v.trim().trim_end_matches(" kB").parse().unwrap());
    kb * 1024
}

/// Free pages in the hugetlb pool of one huge page size, `None` when the
/// kernel has no such size (each size has a pool of its own:
/// /sys/kernel/mm/hugepages/hugepages-NkB; /proc/meminfo's `HugePages_Free`
/// is the default size's alone).
pub fn huge_pool_free(size: usize) -> Option<u64> {
    let p = format!(
        "/sys/kernel/mm/hugepages/hugepages-{}kB/free_hugepages",
        size / 1024
    );
    std::fs::read_to_string(p)
        .ok()
        .map(|s| s.trim().parse().unwrap())
}

/// A fresh, unique path in a scratch directory (not created).
pub fn tmp_path(tag: &str) -> CString {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir();
    let p = dir.join(format!(
        "rawmap-{}-{}-{}",
        tag,
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    CString::new(p.into_os_string().into_encoded_bytes()).unwrap()
}

/// A temporary file path that is unlinked on drop.
pub struct TmpFile(pub CString);

impl TmpFile {
    pub fn new(tag: &str) -> Self {
        Self(tmp_path(tag))
    }
    /// Creates the file with `contents` (std, independent of rawmap).
    pub fn with_contents(tag: &str, contents: &[u8]) -> Self {
        let t = Self::new(tag);
        std::fs::write(t.path(), contents).unwrap();
        t
    }
    pub fn path(&self) -> &std::path::Path {
        use std::os::unix::ffi::OsStrExt;
        std::path::Path::new(std::ffi::OsStr::from_bytes(self.0.as_bytes()))
    }
    pub fn c(&self) -> &std::ffi::CStr {
        &self.0
    }
}

impl Drop for TmpFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(self.path());
    }
}

/// Runs `child` in a forked child process and returns how the child ended.
/// The child's return value is its exit code; a panic in the child exits
/// with 101. Nothing of the child unwinds into the test harness.
///
/// The fork is glibc's, not `rawmap::sys::fork` (which `sys_process` tests
/// on its own): the test binary links glibc and runs tests on several
/// threads, and only glibc's fork resets malloc's locks in the child. After
/// a raw fork, a child that allocates (a panic message does) deadlocks when
/// another thread held a malloc lock at that moment: seen as a hang of
/// `runner`'s panic case under qemu-riscv64.
pub fn in_child(child: impl FnOnce() -> i32) -> WaitStatus {
    // SAFETY: the child only runs `child` and then exit_group; it never
    // returns into the harness. Tests keep `child` to system calls and
    // simple Rust.
    let pid = unsafe { libc::fork() };
    assert!(pid >= 0, "fork: {}", std::io::Error::last_os_error());
    if pid == 0 {
        let code = std::panic::catch_unwind(std::panic::AssertUnwindSafe(child)).unwrap_or(101);
        sys::exit_group(code);
    }
    let (got, status) = sys::wait4(pid, 0).expect("wait4");
    assert_eq!(got, pid);
    status
}

/// Number of open descriptors of this process (/proc/self/fd).
pub fn fd_count() -> usize {
    std::fs::read_dir("/proc/self/fd").unwrap().count()
}

/// The /proc/self/maps line of a mapping the test holds, which must exist.
/// Other test threads map and unmap while the file is read, and a read can
/// then miss a line (seen under qemu-user): retry until it shows.
///
/// # Panics
///
/// When `addr` is in no mapping after 50 reads.
pub fn held_entry(addr: usize) -> String {
    (0..50)
        .find_map(|_| maps_entry(addr))
        .unwrap_or_else(|| panic!("no mapping at {addr:#x} in /proc/self/maps"))
}

/// The lines of /proc/self/maps.
pub fn maps() -> Vec<String> {
    std::fs::read_to_string("/proc/self/maps")
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

/// The /proc/self/maps line of the mapping that contains `addr`, if any.
///
/// /proc/self/maps is produced in pieces: a read racing another thread's
/// mmap/munmap can miss a line (seen under qemu-user), so a miss is
/// confirmed by reading again before `None` is returned.
pub fn maps_entry(addr: usize) -> Option<String> {
    (0..3).find_map(|_| {
        maps().into_iter().find(|l| {
            let range = l.split_whitespace().next().unwrap();
            let (a, b) = range.split_once('-').unwrap();
            let a = usize::from_str_radix(a, 16).unwrap();
            let b = usize::from_str_radix(b, 16).unwrap();
            (a..b).contains(&addr)
        })
    })
}

// ---- Helpers for the reliability suites (differential, model-based, fault
// injection, leaks): case counts, fixed-seed proptest configs, outcome tallies.

/// `native` cases natively, `qemu` when the code runs translated (qemu-user
/// or a VM, see [`emulated`]): the suites stay within a few minutes on
/// every arch and kernel.
pub fn cases(native: u32, qemu: u32) -> u32 {
    if emulated() { qemu } else { native }
}

/// A proptest configuration that is reproducible: a fixed seed, `cases`
/// cases, no failure-persistence file (the seed is the regression record).
/// On failure proptest shrinks the input and reports the minimal case.
pub fn fixed_config(seed: u64, cases: u32) -> proptest::test_runner::Config {
    proptest::test_runner::Config {
        cases,
        rng_seed: proptest::test_runner::RngSeed::Fixed(seed),
        failure_persistence: None,
        ..proptest::test_runner::Config::default()
    }
}

/// The name of an errno value ("EINVAL"), or its number.
pub fn errno_name(raw: i32) -> String {
    match rawmap::Errno::new(raw).name() {
        Some(n) => n.to_owned(),
        None => format!("errno {raw}"),
    }
}

/// The calling thread's libc `errno` (after a failed libc call).
pub fn libc_errno() -> i32 {
    std::io::Error::last_os_error().raw_os_error().unwrap_or(0)
}

/// Counts outcomes ("ok", "EINVAL", ...) of a property and prints them: the
/// printed summary shows which answers the generated cases reached.
#[derive(Default)]
pub struct Tally {
    counts: std::sync::Mutex<std::collections::BTreeMap<String, u32>>,
}

impl Tally {
    /// Records one case whose outcome was `Ok` or the raw errno.
    pub fn record<T>(&self, outcome: &Result<T, i32>) {
        let key = match outcome {
            Ok(_) => "ok".to_owned(),
            Err(e) => errno_name(*e),
        };
        *self.counts.lock().unwrap().entry(key).or_insert(0) += 1;
    }
    /// Number of cases recorded.
    pub fn total(&self) -> u32 {
        self.counts.lock().unwrap().values().sum()
    }
    /// How many cases ended with `key` ("ok", "EINVAL", ...).
    pub fn get(&self, key: &str) -> u32 {
        self.counts.lock().unwrap().get(key).copied().unwrap_or(0)
    }
    /// "ok 12, EINVAL 30, ..."
    pub fn summary(&self) -> String {
        let c = self.counts.lock().unwrap();
        c.iter()
            .map(|(k, v)| format!("{k} {v}"))
            .collect::<Vec<_>>()
            .join(", ")
    }
    /// Prints the summary line and asserts that every outcome in `expected`
    /// was reached at least once (so the generator really covers them).
    pub fn finish(&self, what: &str, expected: &[&str]) {
        println!(
            "{what}: {} cases, outcomes: {}",
            self.total(),
            self.summary()
        );
        for e in expected {
            assert!(
                self.get(e) > 0,
                "{what}: no generated case reached {e}; outcomes: {}",
                self.summary()
            );
        }
    }
}

/// Every kind of descriptor a syscall may be handed, for the differential
/// tests: the same numbers go to rawmap and to glibc.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum FdKind {
    /// A regular file opened `O_RDWR`.
    ReadWrite,
    /// The same file opened `O_RDONLY`.
    ReadOnly,
    /// The same file opened `O_WRONLY`.
    WriteOnly,
    /// The same file opened `O_RDWR | O_APPEND`.
    Append,
    /// A directory (`O_RDONLY | O_DIRECTORY`).
    Directory,
    /// The read end of a pipe.
    Pipe,
    /// An `O_PATH` descriptor of the file (no I/O, no mmap).
    PathOnly,
    /// A memfd (shmem), read-write.
    Memfd,
    /// A memfd with `F_SEAL_WRITE | F_SEAL_GROW | F_SEAL_SHRINK`.
    SealedMemfd,
    /// A number that is not an open descriptor.
    Closed,
    /// -1 (what `None` means for rawmap's mmap).
    MinusOne,
    /// `AT_FDCWD` (-100): a valid dirfd, not a descriptor.
    AtFdcwd,
}

impl FdKind {
    pub const ALL: [FdKind; 12] = [
        FdKind::ReadWrite,
        FdKind::ReadOnly,
        FdKind::WriteOnly,
        FdKind::Append,
        FdKind::Directory,
        FdKind::Pipe,
        FdKind::PathOnly,
        FdKind::Memfd,
        FdKind::SealedMemfd,
        FdKind::Closed,
        FdKind::MinusOne,
        FdKind::AtFdcwd,
    ];
}

/// The descriptors of [`FdKind`], opened with std/libc (independently of
/// rawmap). Files and memfds start `FdZoo::SIZE` bytes long;
/// [`FdZoo::restore`] puts the sizes back after a case changed them.
pub struct FdZoo {
    pub file: TmpFile,
    pub dir: std::path::PathBuf,
    rw: std::fs::File,
    ro: std::fs::File,
    wo: std::fs::File,
    append: std::fs::File,
    dirfd: std::fs::File,
    pipe: [std::os::fd::OwnedFd; 2],
    path: std::os::fd::OwnedFd,
    memfd: std::fs::File,
    sealed: std::fs::File,
    pub size: u64,
}

impl FdZoo {
    /// A number that is never open here: the lowest free number is always
    /// taken first, and the tests hold far fewer descriptors.
    pub const CLOSED: i32 = 10_007;

    pub fn new() -> Self {
        use std::fs::OpenOptions;
        use std::os::fd::{FromRawFd, OwnedFd};
        use std::os::unix::fs::OpenOptionsExt;
        let page = rawmap::page_size() as u64;
        let size = 2 * page + 100;
        let data: Vec<u8> = (0..size).map(|i| i as u8).collect();
        let file = TmpFile::with_contents("zoo", &data);
        let rw = OpenOptions::new()
            .read(true)
            .write(true)
            .open(file.path())
            .unwrap();
        let ro = OpenOptions::new().read(true).open(file.path()).unwrap();
        let wo = OpenOptions::new().write(true).open(file.path()).unwrap();
        let append = OpenOptions::new()
            .read(true)
            .append(true)
            .open(file.path())
            .unwrap();
        let dir = std::env::temp_dir();
        let dirfd = OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_DIRECTORY)
            .open(&dir)
            .unwrap();
        let mut p = [0i32; 2];
        // SAFETY: `p` has room for the two descriptors pipe writes.
        assert_eq!(unsafe { libc::pipe(p.as_mut_ptr()) }, 0);
        // SAFETY: pipe just returned these two open descriptors, now owned.
        let pipe = unsafe { [OwnedFd::from_raw_fd(p[0]), OwnedFd::from_raw_fd(p[1])] };
        // SAFETY: a C string path; O_PATH opens no file for I/O.
        let path_fd = unsafe { libc::open(file.c().as_ptr(), libc::O_PATH | libc::O_CLOEXEC) };
        assert!(path_fd >= 0);
        // SAFETY: a new descriptor, owned from here on.
        let path = unsafe { OwnedFd::from_raw_fd(path_fd) };
        let memfd = new_memfd("zoo", 0, size);
        let sealed = new_memfd("zoo-sealed", libc::MFD_ALLOW_SEALING, size);
        let seals = libc::F_SEAL_WRITE | libc::F_SEAL_GROW | libc::F_SEAL_SHRINK;
        // SAFETY: fcntl on our own descriptor.
        assert_eq!(
            unsafe { libc::fcntl(raw_of(&sealed), libc::F_ADD_SEALS, seals) },
            0
        );
        // SAFETY: fcntl only queries the number.
        assert_eq!(unsafe { libc::fcntl(Self::CLOSED, libc::F_GETFD) }, -1);
        Self {
            file,
            dir,
            rw,
            ro,
            wo,
            append,
            dirfd,
            pipe,
            path,
            memfd,
            sealed,
            size,
        }
    }

    /// The raw number for `kind`.
    pub fn raw(&self, kind: FdKind) -> i32 {
        use std::os::fd::AsRawFd;
        match kind {
            FdKind::ReadWrite => self.rw.as_raw_fd(),
            FdKind::ReadOnly => self.ro.as_raw_fd(),
            FdKind::WriteOnly => self.wo.as_raw_fd(),
            FdKind::Append => self.append.as_raw_fd(),
            FdKind::Directory => self.dirfd.as_raw_fd(),
            FdKind::Pipe => self.pipe[0].as_raw_fd(),
            FdKind::PathOnly => self.path.as_raw_fd(),
            FdKind::Memfd => self.memfd.as_raw_fd(),
            FdKind::SealedMemfd => self.sealed.as_raw_fd(),
            FdKind::Closed => Self::CLOSED,
            FdKind::MinusOne => -1,
            FdKind::AtFdcwd => libc::AT_FDCWD,
        }
    }

    /// Puts the file and memfd sizes back to `size`.
    pub fn restore(&self) {
        self.rw.set_len(self.size).unwrap();
        self.memfd.set_len(self.size).unwrap();
    }
}

fn raw_of(f: &std::fs::File) -> i32 {
    std::os::fd::AsRawFd::as_raw_fd(f)
}

/// A memfd of `size` bytes (libc, independent of rawmap).
pub fn new_memfd(name: &str, flags: u32, size: u64) -> std::fs::File {
    use std::os::fd::FromRawFd;
    let name = CString::new(name).unwrap();
    // SAFETY: a C string name; returns a new descriptor or -1.
    let fd = unsafe { libc::memfd_create(name.as_ptr(), flags | libc::MFD_CLOEXEC) };
    assert!(fd >= 0, "memfd_create: {}", std::io::Error::last_os_error());
    // SAFETY: a new descriptor, owned from here on.
    let f = unsafe { std::fs::File::from_raw_fd(fd) };
    f.set_len(size).unwrap();
    f
}

/// The mappings of /proc/self/maps as `(start, end, perms)`, e.g.
/// `(0x7f.., 0x7f.., "rw-p")`.
pub fn maps_ranges() -> Vec<(usize, usize, String)> {
    maps()
        .iter()
        .map(|l| {
            let mut it = l.split_whitespace();
            let (a, b) = it.next().unwrap().split_once('-').unwrap();
            let perms = it.next().unwrap().to_owned();
            (
                usize::from_str_radix(a, 16).unwrap(),
                usize::from_str_radix(b, 16).unwrap(),
                perms,
            )
        })
        .collect()
}

/// The permissions ("rw-p", "---p", ...) of each of `pages` pages from
/// `base` as /proc/self/maps reports them; `None` for an unmapped page.
/// Per page, so it does not depend on how the kernel merged or split the
/// ranges. Read until two reads in a row agree: a read of /proc/self/maps
/// that races another thread's mmap or munmap (a test thread exiting, say)
/// can miss a line (seen under qemu-user, which copies the host's file).
pub fn page_perms(base: usize, pages: usize) -> Vec<Option<String>> {
    let mut last = page_perms_once(base, pages);
    loop {
        let now = page_perms_once(base, pages);
        if now == last {
            return now;
        }
        last = now;
    }
}

fn page_perms_once(base: usize, pages: usize) -> Vec<Option<String>> {
    let page = rawmap::page_size();
    let end = base + pages * page;
    let mut out = vec![None; pages];
    for (a, b, perms) in maps_ranges() {
        if b <= base || a >= end {
            continue;
        }
        let first = a.max(base);
        let last = b.min(end);
        for slot in &mut out[(first - base) / page..(last - base).div_ceil(page)] {
            *slot = Some(perms.clone());
        }
    }
    out
}

impl FdZoo {
    /// The current sizes of the file, the memfd and the sealed memfd.
    pub fn sizes(&self) -> [u64; 3] {
        [&self.rw, &self.memfd, &self.sealed].map(|f| f.metadata().unwrap().len())
    }
}

/// Mapping count and mapped bytes from /proc/self/maps, read with raw
/// system calls into a stack buffer (no heap): usable in a child forked
/// from a threaded parent, where malloc may be locked forever.
pub fn maps_summary() -> (usize, u64) {
    let fd = rawmap::sys::open(
        c"/proc/self/maps",
        rawmap::OFlags::RDONLY,
        rawmap::Mode::empty(),
    )
    .unwrap();
    let mut buf = [0u8; 4096];
    let (mut lines, mut bytes) = (0usize, 0u64);
    // Parser state: at line start, reading start, reading end, rest of line.
    let (mut state, mut start, mut end) = (0u8, 0u64, 0u64);
    loop {
        let n = rawmap::sys::read(fd.as_fd(), &mut buf).unwrap();
        if n == 0 {
            break;
        }
        for &c in &buf[..n] {
            let hex = (c as char).to_digit(16).map(u64::from);
            match (state, c, hex) {
                (0 | 1, b'-', _) => state = 2,
                (0 | 1, _, Some(h)) => {
                    start = start * 16 + h;
                    state = 1;
                }
                (2, _, Some(h)) => end = end * 16 + h,
                (2, _, None) => state = 3,
                _ => {}
            }
            if c == b'\n' {
                lines += 1;
                bytes += end - start;
                (state, start, end) = (0, 0, 0);
            }
        }
    }
    (lines, bytes)
}
