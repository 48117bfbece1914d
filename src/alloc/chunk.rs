//! Chunks: the anonymous private mappings both allocators take memory
//! from, and the arithmetic on their sizes.

use core::ffi::c_void;
use core::ptr;

use crate::flags::{MapFlags, ProtFlags};
use crate::sys;

/// The smallest page size of every supported architecture. Alignments up to
/// it need no [`page_size()`](crate::page_size) look-up on the fast path;
/// larger ones take the slow path, which compares them with the real page
/// size.
pub(crate) const FAST_ALIGN_MAX: usize = crate::page::SMALLEST_PAGE;

/// `n` rounded up to a multiple of `to` (a power of two); `None` on overflow.
#[inline]
pub(crate) const fn round_up(n: usize, to: usize) -> Option<usize> {
    debug_assert!(to.is_power_of_two());
    match n.checked_add(to - 1) {
        Some(x) => Some(x & !(to - 1)),
        None => None,
    }
}

/// Maps `len` bytes (a multiple of the page size) of fresh zeroed memory.
pub(crate) fn map_anon(len: usize) -> Option<usize> {
    // SAFETY: a new private anonymous mapping without an address hint
    // replaces nothing.
    let p = unsafe {
        sys::mmap(
            ptr::null_mut(),
            len,
            ProtFlags::READ | ProtFlags::WRITE,
            MapFlags::PRIVATE | MapFlags::ANONYMOUS,
            None,
            0,
        )
    };
    p.ok().map(|p| p as usize)
}

/// Unmaps `base..base+len`.
///
/// # Safety
///
/// The range must be one of our own mappings that nothing uses any more.
pub(crate) unsafe fn unmap(base: usize, len: usize) {
    // SAFETY: the caller guarantees the range is unused. munmap of our own
    // page-aligned range cannot fail; if it did, the pages would only leak.
    let _ = unsafe { sys::munmap(base as *mut c_void, len) };
}
