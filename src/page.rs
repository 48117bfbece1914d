//! The page size, discovered from the kernel and cached.
//!
//! Never assumed: aarch64 kernels run with 4 KiB, 16 KiB or 64 KiB pages.
//! The first call reads `AT_PAGESZ` from the aux vector (`/proc/self/auxv`,
//! which qemu-user also provides for its guest); if `/proc` is not mounted
//! it probes with `mprotect`, which fails with `EINVAL` on an address that
//! is not page aligned. Programs that own `_start` can hand the aux vector
//! over directly with [`init_from_auxv`].

use core::ffi::c_void;
use core::sync::atomic::{AtomicUsize, Ordering};

use linux_raw_sys::auxvec::AT_PAGESZ;

use crate::flags::{MapFlags, OFlags, ProtFlags};
use crate::sys;

/// 0 until discovered.
static PAGE_SIZE: AtomicUsize = AtomicUsize::new(0);

/// The size of a memory page in bytes, as the kernel reports it.
///
/// A power of two, at least 4096 on the supported architectures. Cached
/// after the first call (one relaxed atomic load afterwards).
#[inline]
pub fn page_size() -> usize {
    match PAGE_SIZE.load(Ordering::Relaxed) {
        0 => discover(),
        n => n,
    }
}

/// The smallest page size of the supported architectures. Returned, and
/// not cached, only when the kernel could not be asked at all (no `/proc`
/// and not even 1 MiB of address space left for the probe): the next call
/// asks again.
pub(crate) const SMALLEST_PAGE: usize = 4096;

#[cold]
fn discover() -> usize {
    match from_proc_auxv().or_else(probe) {
        Some(n) => {
            debug_assert!(n.is_power_of_two(), "page size {n} is not a power of two");
            PAGE_SIZE.store(n, Ordering::Relaxed);
            n
        }
        None => SMALLEST_PAGE,
    }
}

/// Records the page size from an aux vector, as a `_start` finds it after
/// `envp` on the initial stack.
///
/// # Safety
///
/// `auxv` must point to a valid aux vector: `(type, value)` pairs of
/// `usize`, ended by a pair whose type is `AT_NULL` (0).
pub unsafe fn init_from_auxv(auxv: *const usize) {
    let mut p = auxv;
    loop {
        // SAFETY: the caller guarantees pairs up to and including AT_NULL.
        let (key, value) = unsafe { (*p, *p.add(1)) };
        if key == 0 {
            return;
        }
        if key == AT_PAGESZ as usize && value.is_power_of_two() {
            PAGE_SIZE.store(value, Ordering::Relaxed);
            return;
        }
        // SAFETY: not AT_NULL yet, so another pair follows.
        p = unsafe { p.add(2) };
    }
}

/// Reads `AT_PAGESZ` from `/proc/self/auxv`.
fn from_proc_auxv() -> Option<usize> {
    let fd = sys::open(
        c"/proc/self/auxv",
        OFlags::RDONLY | OFlags::CLOEXEC,
        crate::Mode::empty(),
    )
    .ok()?;
    // The aux vector is a few hundred bytes; read it in pairs.
    let mut buf = [0u8; 16 * 64];
    let mut filled = 0;
    while filled < buf.len() {
        match sys::read(fd.as_fd(), &mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e == sys::Errno::EINTR => continue,
            Err(_) => return None,
        }
    }
    let word = core::mem::size_of::<usize>();
    buf[..filled].chunks_exact(2 * word).find_map(|pair| {
        let key = usize::from_ne_bytes(pair[..word].try_into().ok()?);
        let value = usize::from_ne_bytes(pair[word..].try_into().ok()?);
        (key == AT_PAGESZ as usize && value.is_power_of_two()).then_some(value)
    })
}

/// Finds the page size without `/proc`: map 1 MiB of `PROT_NONE`, then the
/// smallest power of two `p >= 4096` for which `mprotect(base + p, p)`
/// succeeds is the page size (it fails with `EINVAL` while `base + p` is
/// not page aligned).
fn probe() -> Option<usize> {
    const SPAN: usize = 1 << 20;
    // SAFETY: a fresh anonymous PROT_NONE mapping; replaces nothing.
    let base = unsafe {
        sys::mmap(
            core::ptr::null_mut(),
            SPAN,
            ProtFlags::NONE,
            MapFlags::PRIVATE | MapFlags::ANONYMOUS | MapFlags::NORESERVE,
            None,
            0,
        )
    }
    .ok()?;
    // Round up inside the span to an address aligned for the largest
    // candidate (256 KiB), so every candidate p starts at a multiple of p.
    let align = SPAN / 4;
    let aligned = (base as usize).next_multiple_of(align);
    let mut found = None;
    let mut p = SMALLEST_PAGE;
    while p <= align {
        let addr = (aligned + p) as *mut c_void;
        // SAFETY: inside our own PROT_NONE mapping, which nothing uses;
        // PROT_NONE to PROT_NONE changes nothing.
        if unsafe { sys::mprotect(addr, p, ProtFlags::NONE) }.is_ok() {
            found = Some(p);
            break;
        }
        p *= 2;
    }
    // SAFETY: our own mapping, never handed out.
    let _ = unsafe { sys::munmap(base, SPAN) };
    found
}

#[cfg(test)]
mod tests {
    #[test]
    fn probe_agrees_with_auxv() {
        assert_eq!(super::probe(), super::from_proc_auxv());
    }
}
