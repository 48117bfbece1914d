//! [`Vec`]: the arena vector, bumpalo's `collections::Vec` for this crate
//! (a thin wrapper of `allocator_api2::vec::Vec<T, &Bump>` whose
//! `extend_from_slice` is one `reserve` and one copy loop, not a `push` per
//! element), and [`VecExt`], the same `_copy` methods on the plain
//! `allocator_api2` vector.

use core::fmt;
use core::ops::{Deref, DerefMut};

use allocator_api2::alloc::Allocator;
use allocator_api2::vec::Vec as AVec;

use super::bump::Bump;

/// A growable vector in a [`Bump`], like bumpalo's `collections::Vec`.
///
/// It dereferences to `allocator_api2::vec::Vec<T, &Bump>` (every method of
/// that vector works on it, e.g. `push`, `reserve`, `truncate`); the methods
/// here are those bumpalo's vector has and allocator-api2's has not, or has
/// slower: [`Vec::extend_from_slice`] (one `reserve`, then the clones
/// written in one loop, which the compiler turns into a `memcpy` for plain
/// data; allocator-api2's pushes one element at a time),
/// [`Vec::extend_from_slice_copy`], [`Vec::extend_from_slices_copy`] and
/// [`Vec::into_bump_slice`]. While the buffer is the arena's most recent
/// block it grows in place.
///
/// ```
/// use rawmap::Bump;
/// use rawmap::bump::Vec;
///
/// let bump = Bump::new();
/// let mut v = Vec::with_capacity_in(4, &bump);
/// v.extend_from_slice(&[1u32, 2]);
/// v.extend_from_slice_copy(&[3, 4]);
/// v.push(5); // allocator_api2's Vec::push, through DerefMut
/// assert_eq!(v.as_slice(), [1, 2, 3, 4, 5]);
/// let kept: &mut [u32] = v.into_bump_slice();
/// assert_eq!(kept.len(), 5);
/// ```
pub struct Vec<'bump, T>(AVec<T, &'bump Bump>);

impl<'bump, T> Vec<'bump, T> {
    /// An empty vector; allocates nothing.
    #[inline]
    pub const fn new_in(bump: &'bump Bump) -> Self {
        Self(AVec::new_in(bump))
    }

    /// An empty vector with room for `cap` elements.
    ///
    /// # Panics
    ///
    /// If the allocation fails, or the size overflows.
    #[inline]
    pub fn with_capacity_in(cap: usize, bump: &'bump Bump) -> Self {
        Self(AVec::with_capacity_in(cap, bump))
    }

    /// The vector collected from `iter`, in `bump`.
    ///
    /// # Panics
    ///
    /// If the allocation fails.
    #[inline]
    pub fn from_iter_in<I: IntoIterator<Item = T>>(iter: I, bump: &'bump Bump) -> Self {
        let mut v = Self::new_in(bump);
        v.0.extend(iter);
        v
    }

    /// The allocator-api2 vector inside.
    #[inline]
    #[must_use]
    pub fn into_inner(self) -> AVec<T, &'bump Bump> {
        self.0
    }

    /// The arena this vector allocates from.
    #[inline]
    #[must_use]
    pub fn bump(&self) -> &'bump Bump {
        self.0.allocator()
    }

    /// Keeps the elements in the arena for its lifetime (their destructors
    /// never run, as for every value in a [`Bump`]) and returns them.
    #[inline]
    #[must_use]
    pub fn into_bump_slice(self) -> &'bump mut [T] {
        let mut v = core::mem::ManuallyDrop::new(self.0);
        let (ptr, len) = (v.as_mut_ptr(), v.len());
        // SAFETY: the buffer is a block of the arena (or dangling and
        // aligned when the capacity is 0) holding `len` initialised
        // elements; the vector is forgotten, so nothing frees it before the
        // arena is reset (`&mut Bump`, impossible while `'bump` lasts) or
        // dropped.
        unsafe { core::slice::from_raw_parts_mut(ptr, len) }
    }

    /// Appends a clone of every element of `src`: one `reserve`, then one
    /// loop writing the clones (a `memcpy` for plain data). If a `clone`
    /// panics, the elements cloned so far stay in the vector.
    ///
    /// # Panics
    ///
    /// If the allocation fails, or a `clone` panics.
    #[inline]
    pub fn extend_from_slice(&mut self, src: &[T])
    where
        T: Clone,
    {
        let len = self.0.len();
        if self.0.capacity() - len < src.len() {
            reserve_more(&mut self.0, src.len());
        }
        let dst = self.0.as_mut_ptr();
        let mut guard = SetLen {
            v: &mut self.0,
            len,
        };
        for (i, x) in src.iter().enumerate() {
            // SAFETY: room for `src.len()` more elements was reserved; the
            // spare capacity cannot overlap `src` (shared borrow next to
            // `&mut self`).
            unsafe { dst.add(len + i).write(x.clone()) };
            guard.len = len + i + 1;
        }
    }

    /// Appends a copy of `src`: one `reserve`, then one `memcpy`.
    ///
    /// # Panics
    ///
    /// If the allocation fails.
    #[inline]
    pub fn extend_from_slice_copy(&mut self, src: &[T])
    where
        T: Copy,
    {
        VecExt::extend_from_slice_copy(&mut self.0, src);
    }

    /// Appends a copy of each slice of `srcs` in turn, after one `reserve`
    /// for all of them.
    ///
    /// # Panics
    ///
    /// If the allocation fails, or the total length overflows `usize`.
    #[inline]
    pub fn extend_from_slices_copy(&mut self, srcs: &[&[T]])
    where
        T: Copy,
    {
        VecExt::extend_from_slices_copy(&mut self.0, srcs);
    }
}

impl<'bump, T> Deref for Vec<'bump, T> {
    type Target = AVec<T, &'bump Bump>;
    #[inline]
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl<T> DerefMut for Vec<'_, T> {
    #[inline]
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.0
    }
}

/// Sets a vector's length when dropped: after a fill loop, or during a
/// panicking `clone`/`next` (then to the elements written so far).
struct SetLen<'a, 'bump, T> {
    v: &'a mut AVec<T, &'bump Bump>,
    len: usize,
}

impl<T> Drop for SetLen<'_, '_, T> {
    #[inline]
    fn drop(&mut self) {
        // SAFETY: the first `len` elements are initialised (each loop counts
        // an element after writing it) and within the capacity.
        unsafe { self.v.set_len(self.len) };
    }
}

/// Room for one more element after the first `len` (initialised) ones,
/// out of the extend loop (which then keeps its registers for the copy).
#[cold]
#[inline(never)]
fn grow_one<T>(v: &mut AVec<T, &Bump>, len: usize) {
    // SAFETY: the extend loop has written the first `len` elements, within
    // the capacity.
    unsafe { v.set_len(len) };
    v.reserve(1);
}

/// `v.reserve(n)`, out of line: the callers test the room themselves (one
/// subtraction and a compare; allocator-api2's `reserve` inlines more).
#[cold]
#[inline(never)]
fn reserve_more<T, A: Allocator>(v: &mut AVec<T, A>, n: usize) {
    v.reserve(n);
}

impl<T> Extend<T> for Vec<'_, T> {
    /// One `reserve` for the iterator's lower size bound, then the elements
    /// written into the spare capacity in a loop of their own; growing is a
    /// call out of that loop.
    #[inline]
    fn extend<I: IntoIterator<Item = T>>(&mut self, iter: I) {
        let iter = iter.into_iter();
        self.0.reserve(iter.size_hint().0);
        let (mut cap, mut dst) = (self.0.capacity(), self.0.as_mut_ptr());
        let len = self.0.len();
        let mut guard = SetLen {
            v: &mut self.0,
            len,
        };
        for x in iter {
            if guard.len == cap {
                grow_one(guard.v, guard.len);
                (cap, dst) = (guard.v.capacity(), guard.v.as_mut_ptr());
            }
            // SAFETY: `guard.len < cap`: a free slot of the buffer.
            unsafe { dst.add(guard.len).write(x) };
            guard.len += 1;
        }
    }
}

impl<'a, T: Copy + 'a> Extend<&'a T> for Vec<'_, T> {
    #[inline]
    fn extend<I: IntoIterator<Item = &'a T>>(&mut self, iter: I) {
        self.0.extend(iter.into_iter().copied());
    }
}

impl<'bump, T> IntoIterator for Vec<'bump, T> {
    type Item = T;
    type IntoIter = allocator_api2::vec::IntoIter<T, &'bump Bump>;
    #[inline]
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<T: fmt::Debug> fmt::Debug for Vec<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.0.as_slice(), f)
    }
}

impl<T: PartialEq> PartialEq for Vec<'_, T> {
    fn eq(&self, other: &Self) -> bool {
        self.0.as_slice() == other.0.as_slice()
    }
}

impl<T: PartialEq> PartialEq<[T]> for Vec<'_, T> {
    fn eq(&self, other: &[T]) -> bool {
        self.0.as_slice() == other
    }
}

impl<T: PartialEq, const N: usize> PartialEq<[T; N]> for Vec<'_, T> {
    fn eq(&self, other: &[T; N]) -> bool {
        self.0.as_slice() == other
    }
}

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

impl<T: Copy, A: Allocator> VecExt<T> for AVec<T, A> {
    #[inline]
    fn extend_from_slice_copy(&mut self, src: &[T]) {
        let len = self.len();
        if self.capacity() - len < src.len() {
            reserve_more(self, src.len());
        }
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
        // Saturating: for a sized `T`, a total past `usize::MAX` makes
        // `reserve` panic (capacity overflow) before anything is copied. A
        // zero-sized `T` always has room, so the sum is checked instead
        // (folded away for sized types).
        let total = if core::mem::size_of::<T>() == 0 {
            srcs.iter()
                .try_fold(0usize, |n, s| n.checked_add(s.len()))
                .and_then(|t| t.checked_add(self.len()).map(|_| t))
                .expect("extend_from_slices_copy: total length overflows usize")
        } else {
            srcs.iter().fold(0usize, |n, s| n.saturating_add(s.len()))
        };
        let mut len = self.len();
        if self.capacity() - len < total {
            reserve_more(self, total);
        }
        let dst = self.as_mut_ptr();
        for src in srcs {
            // SAFETY: room for `total` more elements was reserved above, and
            // `len` stays within it; as in `extend_from_slice_copy`.
            unsafe { core::ptr::copy_nonoverlapping(src.as_ptr(), dst.add(len), src.len()) };
            len += src.len();
        }
        // SAFETY: the first `len` elements are initialised.
        unsafe { self.set_len(len) };
    }
}
