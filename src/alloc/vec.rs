//! [`VecExt`]: bumpalo's `extend_from_slice_copy` for `allocator_api2`
//! vectors (the arena `Vec` of this crate is `allocator_api2::vec::Vec<T,
//! &Bump>`).

use allocator_api2::alloc::Allocator;
use allocator_api2::vec::Vec;

/// Extra methods for `allocator_api2::vec::Vec`, as bumpalo's
/// `collections::Vec` has them.
///
/// ```
/// use allocator_api2::vec::Vec;
/// use rawmap::bump::VecExt;
///
/// let bump = rawmap::Bump::new();
/// let mut v = Vec::new_in(&bump);
/// v.extend_from_slice_copy(&[1u32, 2, 3]);
/// v.extend_from_slice_copy(&[4]);
/// v.extend_from_slices_copy(&[&[5, 6], &[], &[7]]);
/// assert_eq!(v, [1, 2, 3, 4, 5, 6, 7]);
/// ```
pub trait VecExt<T: Copy> {
    /// Appends a copy of `src`: one `reserve`, then one `memcpy` (no
    /// per-element clone loop, as `extend_from_slice` may compile to).
    ///
    /// # Panics
    ///
    /// If the allocation fails, as `Vec::reserve`.
    fn extend_from_slice_copy(&mut self, src: &[T]);

    /// Appends a copy of each slice of `srcs` in turn, after one `reserve`
    /// for all of them.
    ///
    /// # Panics
    ///
    /// If the allocation fails, or the total length overflows `usize`.
    fn extend_from_slices_copy(&mut self, srcs: &[&[T]]);
}

impl<T: Copy, A: Allocator> VecExt<T> for Vec<T, A> {
    #[inline]
    fn extend_from_slice_copy(&mut self, src: &[T]) {
        self.reserve(src.len());
        let len = self.len();
        // SAFETY: room for `src.len()` more elements was reserved above; the
        // spare capacity cannot overlap `src` (a shared borrow alongside
        // `&mut self`); `T: Copy`, so the copies are valid values.
        unsafe {
            core::ptr::copy_nonoverlapping(src.as_ptr(), self.as_mut_ptr().add(len), src.len());
            self.set_len(len + src.len());
        }
    }

    #[inline]
    fn extend_from_slices_copy(&mut self, srcs: &[&[T]]) {
        let total = srcs
            .iter()
            .try_fold(0usize, |n, s| n.checked_add(s.len()))
            .expect("extend_from_slices_copy: total length overflows usize");
        self.reserve(total);
        let mut len = self.len();
        for src in srcs {
            // SAFETY: room for `total` more elements was reserved above, and
            // `len` stays within it; as in `extend_from_slice_copy`.
            unsafe {
                core::ptr::copy_nonoverlapping(src.as_ptr(), self.as_mut_ptr().add(len), src.len());
            }
            len += src.len();
        }
        // SAFETY: the first `len` elements are initialised.
        unsafe { self.set_len(len) };
    }
}
