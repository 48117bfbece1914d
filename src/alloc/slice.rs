//! Slices filled in place: [`Bump::alloc_slice_clone`] and the
//! `alloc_slice_fill_*` family, with their `try_` variants, as bumpalo has
//! them. The block is allocated first and filled element by element; when
//! filling fails (the iterator runs short, an initialiser panics) the block
//! is given back. Elements are never dropped, like every value in a
//! [`Bump`] (a panic leaks the ones already written).

use core::alloc::Layout;
use core::ptr::NonNull;

use super::bump::{AllocError, Bump, Rollback, oom};

/// `len` `T`s, or `AllocError` when their size overflows.
#[inline]
fn array<T>(len: usize) -> Result<Layout, AllocError> {
    Layout::array::<T>(len).map_err(|_| AllocError)
}

impl Bump {
    /// A slice of `len` elements, element `i` being `f(i)`.
    ///
    /// # Panics
    ///
    /// If the allocation fails (see [`Bump::try_alloc_slice_fill_with`]),
    /// or if `f` panics (the block is given back then).
    #[inline]
    #[allow(clippy::mut_from_ref)] // each call returns a new, disjoint block
    pub fn alloc_slice_fill_with<T>(&self, len: usize, f: impl FnMut(usize) -> T) -> &mut [T] {
        match self.try_alloc_slice_fill_with(len, f) {
            Ok(r) => r,
            Err(_) => oom(array::<T>(len).unwrap_or(Layout::new::<T>())),
        }
    }

    /// A slice of `len` elements, element `i` being `f(i)`.
    ///
    /// # Errors
    ///
    /// [`AllocError`] when the size overflows, no memory can be mapped (or
    /// the limit is reached), or `T`'s alignment is above the page size;
    /// `f` is not called then.
    ///
    /// # Panics
    ///
    /// If `f` panics (the block is given back then).
    #[inline]
    #[allow(clippy::mut_from_ref)] // each call returns a new, disjoint block
    pub fn try_alloc_slice_fill_with<T>(
        &self,
        len: usize,
        mut f: impl FnMut(usize) -> T,
    ) -> Result<&mut [T], AllocError> {
        let guard = Rollback::alloc(self, array::<T>(len)?)?;
        let p = guard.ptr.cast::<T>().as_ptr();
        for i in 0..len {
            // SAFETY: `i < len`: inside the fresh block of `len` `T`s.
            unsafe { p.add(i).write(f(i)) };
        }
        guard.keep();
        // SAFETY: all `len` elements initialised just above; the block is
        // ours alone for as long as `&self`.
        Ok(unsafe { core::slice::from_raw_parts_mut(p, len) })
    }

    /// A slice of `len` copies of `value`.
    ///
    /// # Panics
    ///
    /// If the allocation fails (see [`Bump::try_alloc_slice_fill_copy`]).
    #[inline]
    #[allow(clippy::mut_from_ref)] // each call returns a new, disjoint block
    pub fn alloc_slice_fill_copy<T: Copy>(&self, len: usize, value: T) -> &mut [T] {
        self.alloc_slice_fill_with(len, |_| value)
    }

    /// A slice of `len` copies of `value`.
    ///
    /// # Errors
    ///
    /// As [`Bump::try_alloc_slice_fill_with`].
    #[inline]
    #[allow(clippy::mut_from_ref)] // each call returns a new, disjoint block
    pub fn try_alloc_slice_fill_copy<T: Copy>(
        &self,
        len: usize,
        value: T,
    ) -> Result<&mut [T], AllocError> {
        self.try_alloc_slice_fill_with(len, |_| value)
    }

    /// A slice of `len` clones of `value`.
    ///
    /// # Panics
    ///
    /// If the allocation fails (see [`Bump::try_alloc_slice_fill_clone`]),
    /// or if `clone` panics.
    #[inline]
    #[allow(clippy::mut_from_ref)] // each call returns a new, disjoint block
    pub fn alloc_slice_fill_clone<T: Clone>(&self, len: usize, value: &T) -> &mut [T] {
        self.alloc_slice_fill_with(len, |_| value.clone())
    }

    /// A slice of `len` clones of `value`.
    ///
    /// # Errors
    ///
    /// As [`Bump::try_alloc_slice_fill_with`].
    #[inline]
    #[allow(clippy::mut_from_ref)] // each call returns a new, disjoint block
    pub fn try_alloc_slice_fill_clone<T: Clone>(
        &self,
        len: usize,
        value: &T,
    ) -> Result<&mut [T], AllocError> {
        self.try_alloc_slice_fill_with(len, |_| value.clone())
    }

    /// A slice of `len` `T::default()`s.
    ///
    /// # Panics
    ///
    /// If the allocation fails (see [`Bump::try_alloc_slice_fill_default`]).
    #[inline]
    #[allow(clippy::mut_from_ref)] // each call returns a new, disjoint block
    pub fn alloc_slice_fill_default<T: Default>(&self, len: usize) -> &mut [T] {
        self.alloc_slice_fill_with(len, |_| T::default())
    }

    /// A slice of `len` `T::default()`s.
    ///
    /// # Errors
    ///
    /// As [`Bump::try_alloc_slice_fill_with`].
    #[inline]
    #[allow(clippy::mut_from_ref)] // each call returns a new, disjoint block
    pub fn try_alloc_slice_fill_default<T: Default>(
        &self,
        len: usize,
    ) -> Result<&mut [T], AllocError> {
        self.try_alloc_slice_fill_with(len, |_| T::default())
    }

    /// A slice of the items of `iter`, which tells its length up front.
    ///
    /// # Panics
    ///
    /// If the allocation fails (see [`Bump::try_alloc_slice_fill_iter`]),
    /// or if `iter` yields fewer items than its `len()` said (the block is
    /// given back then; extra items are left in the iterator).
    #[inline]
    #[allow(clippy::mut_from_ref)] // each call returns a new, disjoint block
    pub fn alloc_slice_fill_iter<T, I>(&self, iter: I) -> &mut [T]
    where
        I: IntoIterator<Item = T>,
        I::IntoIter: ExactSizeIterator,
    {
        let mut iter = iter.into_iter();
        self.alloc_slice_fill_with(iter.len(), |_| {
            iter.next()
                .expect("rawmap::Bump: the iterator yielded fewer items than its len()")
        })
    }

    /// A slice of the items of `iter`, which tells its length up front.
    ///
    /// # Errors
    ///
    /// As [`Bump::try_alloc_slice_fill_with`].
    ///
    /// # Panics
    ///
    /// If `iter` yields fewer items than its `len()` said (the block is
    /// given back then).
    #[inline]
    #[allow(clippy::mut_from_ref)] // each call returns a new, disjoint block
    pub fn try_alloc_slice_fill_iter<T, I>(&self, iter: I) -> Result<&mut [T], AllocError>
    where
        I: IntoIterator<Item = T>,
        I::IntoIter: ExactSizeIterator,
    {
        let mut iter = iter.into_iter();
        self.try_alloc_slice_fill_with(iter.len(), |_| {
            iter.next()
                .expect("rawmap::Bump: the iterator yielded fewer items than its len()")
        })
    }

    /// Clones `src` into the arena.
    ///
    /// # Panics
    ///
    /// If the allocation fails (see [`Bump::try_alloc_slice_clone`]), or if
    /// a `clone` panics.
    #[inline]
    #[allow(clippy::mut_from_ref)] // each call returns a new, disjoint block
    pub fn alloc_slice_clone<T: Clone>(&self, src: &[T]) -> &mut [T] {
        self.alloc_slice_fill_with(src.len(), |i| src[i].clone())
    }

    /// Clones `src` into the arena.
    ///
    /// # Errors
    ///
    /// As [`Bump::try_alloc_slice_fill_with`].
    #[inline]
    #[allow(clippy::mut_from_ref)] // each call returns a new, disjoint block
    pub fn try_alloc_slice_clone<T: Clone>(&self, src: &[T]) -> Result<&mut [T], AllocError> {
        self.try_alloc_slice_fill_with(src.len(), |i| src[i].clone())
    }

    /// A slice of `len` elements, element `i` being `f(i)`'s `Ok` value;
    /// the first `Err` is returned after giving the block back (the
    /// elements already written are not dropped).
    ///
    /// # Errors
    ///
    /// `f`'s first error.
    ///
    /// # Panics
    ///
    /// If the allocation fails (as [`Bump::try_alloc_slice_fill_with`]),
    /// or if `f` panics (the block is given back then).
    #[allow(clippy::mut_from_ref)] // each call returns a new, disjoint block
    pub fn alloc_slice_try_fill_with<T, E>(
        &self,
        len: usize,
        mut f: impl FnMut(usize) -> Result<T, E>,
    ) -> Result<&mut [T], E> {
        let Ok(layout) = array::<T>(len) else {
            oom(Layout::new::<T>())
        };
        let Ok(guard) = Rollback::alloc(self, layout) else {
            oom(layout)
        };
        let p: NonNull<T> = guard.ptr.cast();
        for i in 0..len {
            let v = f(i)?; // `guard` gives the block back
            // SAFETY: `i < len`: inside the fresh block of `len` `T`s.
            unsafe { p.as_ptr().add(i).write(v) };
        }
        guard.keep();
        // SAFETY: all `len` elements initialised just above.
        Ok(unsafe { core::slice::from_raw_parts_mut(p.as_ptr(), len) })
    }
}
