//! [`RemapOptions`]: how [`remap_with`](super::MmapMut::remap_with) may
//! resize a mapping.

/// How a mapping may be resized, for `remap_with` (memmap2's
/// `RemapOptions`):
/// [`mremap(2)`](https://man7.org/linux/man-pages/man2/mremap.2.html)
/// with or without `MREMAP_MAYMOVE`.
///
/// The default, [`RemapOptions::new()`], is **in place only**: the
/// mapping keeps its address, and growing fails with `ENOMEM` when the
/// pages after it are in use. [`may_move(true)`](Self::may_move) lets the
/// kernel move it (the plain `remap` does that).
///
/// ```
/// use rawmap::{MmapMut, mmap::RemapOptions};
/// let page = rawmap::page_size();
/// let mut map = MmapMut::map_anon(4 * page)?;
/// let at = map.as_ptr();
/// map.remap_with(page, RemapOptions::new())?; // a shrink in place
/// assert_eq!(map.as_ptr(), at);
/// map.remap_with(64 * page, RemapOptions::new().may_move(true))?;
/// # Ok::<(), rawmap::Errno>(())
/// ```
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
#[must_use]
pub struct RemapOptions {
    pub(super) may_move: bool,
}

impl RemapOptions {
    /// In place only (no `MREMAP_MAYMOVE`).
    pub const fn new() -> Self {
        Self { may_move: false }
    }

    /// Whether the kernel may move the mapping to resize it
    /// (`MREMAP_MAYMOVE`).
    pub const fn may_move(mut self, may_move: bool) -> Self {
        self.may_move = may_move;
        self
    }
}
