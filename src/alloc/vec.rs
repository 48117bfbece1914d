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
/// assert_eq!(v, [1, 2, 3, 4]);
/// ```
pub trait VecExt<T: Copy> {
    /// Appends a copy of `src`: one `reserve`, then one `memcpy` (no
    /// per-element clone loop, as `extend_from_slice` may compile to).
    ///
    /// # Panics
    ///
    /// If the allocation fails, as `Vec::reserve`.
    fn extend_from_slice_copy(&mut self, src: &[T]);
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
}
