//! The default huge page size, read once from `/proc/meminfo`.
//!
//! `MAP_HUGETLB` without an explicit size uses the kernel's default huge
//! page size, and the kernel rounds the mapping's length up to it. `munmap`
//! of a huge page mapping must then be given that rounded length (memmap2
//! issue #156 passed the asked length and leaked the mapping), so the safe
//! layer needs to know the size.

use core::sync::atomic::{AtomicUsize, Ordering};

use crate::flags::{Mode, OFlags};
use crate::sys::{self, Errno};

/// 0 until read.
static DEFAULT_HUGE_PAGE_SIZE: AtomicUsize = AtomicUsize::new(0);

/// The kernel's default huge page size in bytes (the `Hugepagesize:` line
/// of `/proc/meminfo`), cached after the first successful read.
///
/// # Errors
///
/// The error of opening or reading `/proc/meminfo` (`ENOENT` when `/proc`
/// is not mounted); `EINVAL` when the line is missing (a kernel without
/// hugetlb support) or malformed.
pub(crate) fn default_huge_page_size() -> Result<usize, Errno> {
    match DEFAULT_HUGE_PAGE_SIZE.load(Ordering::Relaxed) {
        0 => {
            let n = read_meminfo()?;
            DEFAULT_HUGE_PAGE_SIZE.store(n, Ordering::Relaxed);
            Ok(n)
        }
        n => Ok(n),
    }
}

#[cold]
fn read_meminfo() -> Result<usize, Errno> {
    const KEY: &[u8] = b"Hugepagesize:";
    let fd = sys::open(
        c"/proc/meminfo",
        OFlags::RDONLY | OFlags::CLOEXEC,
        Mode::empty(),
    )?;
    // Stream the file line by line through a small buffer; only the start
    // of each line is kept (the key and its number fit in 64 bytes).
    let mut chunk = [0u8; 512];
    let mut line = [0u8; 64];
    let mut line_len = 0;
    loop {
        let n = match sys::read(fd.as_fd(), &mut chunk) {
            Ok(0) => return Err(Errno::EINVAL),
            Ok(n) => n,
            Err(e) if e == Errno::EINTR => continue,
            Err(e) => return Err(e),
        };
        for &b in &chunk[..n] {
            if b == b'\n' {
                if let Some(rest) = line[..line_len].strip_prefix(KEY) {
                    return parse_kib(rest);
                }
                line_len = 0;
            } else if line_len < line.len() {
                line[line_len] = b;
                line_len += 1;
            }
        }
    }
}

/// Parses `"   2048 kB"` into bytes.
fn parse_kib(s: &[u8]) -> Result<usize, Errno> {
    let s = s.trim_ascii();
    let digits = s.strip_suffix(b"kB").ok_or(Errno::EINVAL)?.trim_ascii();
    if digits.is_empty() {
        return Err(Errno::EINVAL);
    }
    let mut kib: usize = 0;
    for &d in digits {
        if !d.is_ascii_digit() {
            return Err(Errno::EINVAL);
        }
        kib = kib
            .checked_mul(10)
            .and_then(|k| k.checked_add(usize::from(d - b'0')))
            .ok_or(Errno::EINVAL)?;
    }
    let bytes = kib.checked_mul(1024).ok_or(Errno::EINVAL)?;
    if bytes.is_power_of_two() {
        Ok(bytes)
    } else {
        Err(Errno::EINVAL)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_meminfo_values() {
        assert_eq!(parse_kib(b"       2048 kB"), Ok(2 << 20));
        assert_eq!(parse_kib(b" 1048576 kB"), Ok(1 << 30));
        assert_eq!(parse_kib(b" 2048"), Err(Errno::EINVAL));
        assert_eq!(parse_kib(b" kB"), Err(Errno::EINVAL));
        assert_eq!(parse_kib(b" 3000 kB"), Err(Errno::EINVAL));
    }

    #[test]
    fn reads_the_running_kernel() {
        let n = default_huge_page_size().unwrap();
        assert!(n.is_power_of_two() && n > crate::page_size(), "{n}");
    }
}
