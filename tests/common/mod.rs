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

/// Runs `child` in a forked child process (raw fork) and returns how the
/// child ended. The child's return value is its exit code; a panic in the
/// child exits with 101. Nothing of the child unwinds into the test harness.
pub fn in_child(child: impl FnOnce() -> i32) -> WaitStatus {
    // SAFETY: the child only runs `child` and then exit_group; it never
    // returns into the harness. Tests keep `child` to system calls and
    // simple Rust.
    let pid = unsafe { sys::fork() }.expect("fork");
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

/// The lines of /proc/self/maps.
pub fn maps() -> Vec<String> {
    std::fs::read_to_string("/proc/self/maps")
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

/// The /proc/self/maps line of the mapping that contains `addr`, if any.
pub fn maps_entry(addr: usize) -> Option<String> {
    maps().into_iter().find(|l| {
        let range = l.split_whitespace().next().unwrap();
        let (a, b) = range.split_once('-').unwrap();
        let a = usize::from_str_radix(a, 16).unwrap();
        let b = usize::from_str_radix(b, 16).unwrap();
        (a..b).contains(&addr)
    })
}
