//! In-place construction: [`Bump::alloc_with`] and its fallible
//! variants, as bumpalo has them. The block is allocated first and the
//! initialiser's value written straight into it; when the initialiser
//! fails (or panics) the block is given back.

use core::alloc::Layout;

use super::bump::{AllocError, Bump, Rollback, oom};

/// Why [`Bump::try_alloc_try_with`] failed: no memory, or the
/// initialiser's own error.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum AllocOrInitError<E> {
    /// The block could not be allocated; the initialiser was not called.
    Alloc(AllocError),
    /// The initialiser failed; the block was given back.
    Init(E),
}

impl<E> From<AllocError> for AllocOrInitError<E> {
    fn from(e: AllocError) -> Self {
        Self::Alloc(e)
    }
}

impl<E: core::fmt::Display> core::fmt::Display for AllocOrInitError<E> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::Alloc(e) => e.fmt(f),
            Self::Init(e) => write!(f, "initialiser failed: {e}"),
        }
    }
}

impl Bump {
    /// Allocates room for a `T`, then calls `f` and writes its value
    /// there (for large values the optimizer can build it in place instead
    /// of on the stack). Its destructor never runs. If `f` panics, the
    /// block is given back (its bytes reused if nothing was allocated
    /// after it).
    ///
    /// # Panics
    ///
    /// If the allocation fails (see [`Bump::try_alloc_with`]), or if `f`
    /// panics.
    #[inline(always)]
    #[allow(clippy::mut_from_ref)] // each call returns a new, disjoint block
    pub fn alloc_with<T>(&self, f: impl FnOnce() -> T) -> &mut T {
        match self.try_alloc_with(f) {
            Ok(r) => r,
            Err(_) => oom(Layout::new::<T>()),
        }
    }

    /// [`Bump::alloc_with`], returning an error instead of panicking when
    /// the block cannot be allocated.
    ///
    /// # Errors
    ///
    /// [`AllocError`] when no memory can be mapped (or the limit is
    /// reached), or `T`'s alignment is above the page size; `f` is not
    /// called then.
    #[inline(always)]
    #[allow(clippy::mut_from_ref)] // each call returns a new, disjoint block
    pub fn try_alloc_with<T>(&self, f: impl FnOnce() -> T) -> Result<&mut T, AllocError> {
        let guard = Rollback::alloc(self, Layout::new::<T>())?;
        let p = guard.ptr.cast::<T>().as_ptr();
        // SAFETY: `p` is a fresh block, valid and aligned for a `T`, that no
        // one else references; it lives as long as `&self`.
        unsafe { p.write(f()) };
        guard.keep();
        // SAFETY: initialised just above.
        Ok(unsafe { &mut *p })
    }

    /// Allocates room for `f`'s `Result<T, E>`, then calls `f`, whose result
    /// is written straight into the block (one copy at most, none when the
    /// optimizer builds it in place). On `Ok` the `T` inside is returned; on
    /// `Err` the error is moved out and the block is given back (its bytes
    /// are reused if `f` allocated nothing that is still live; as in
    /// bumpalo). If `f` panics, the block is given back too. As in bumpalo,
    /// a value kept this way takes the room of a `Result<T, E>`.
    ///
    /// # Errors
    ///
    /// `f`'s error.
    ///
    /// # Panics
    ///
    /// If the allocation fails (see [`Bump::try_alloc_try_with`]), or if
    /// `f` panics.
    #[inline(always)]
    #[allow(clippy::mut_from_ref)] // each call returns a new, disjoint block
    pub fn alloc_try_with<T, E>(&self, f: impl FnOnce() -> Result<T, E>) -> Result<&mut T, E> {
        match self.try_alloc_try_with(f) {
            Ok(r) => Ok(r),
            Err(AllocOrInitError::Init(e)) => Err(e),
            Err(AllocOrInitError::Alloc(_)) => oom(Layout::new::<Result<T, E>>()),
        }
    }

    /// [`Bump::alloc_try_with`], returning an error instead of panicking
    /// when the block cannot be allocated.
    ///
    /// # Errors
    ///
    /// [`AllocOrInitError::Alloc`] when no memory can be mapped (or the
    /// limit is reached) or the alignment of `Result<T, E>` is above the
    /// page size (`f` is not called); [`AllocOrInitError::Init`] with `f`'s
    /// error (the block was given back).
    #[inline(always)]
    #[allow(clippy::mut_from_ref)] // each call returns a new, disjoint block
    pub fn try_alloc_try_with<T, E>(
        &self,
        f: impl FnOnce() -> Result<T, E>,
    ) -> Result<&mut T, AllocOrInitError<E>> {
        let guard = Rollback::alloc(self, Layout::new::<Result<T, E>>())?;
        let p = guard.ptr.cast::<Result<T, E>>().as_ptr();
        // SAFETY: `p` is a fresh block, valid and aligned for a
        // `Result<T, E>`, that no one else references; if `f` panics the
        // guard gives it back.
        unsafe { p.write(f()) };
        // SAFETY: initialised just above.
        match unsafe { &mut *p } {
            Ok(t) => {
                let t: *mut T = t;
                guard.keep();
                // SAFETY: the `T` inside the kept block, which lives as long
                // as `&self`; nothing reads the `Result` around it again.
                Ok(unsafe { &mut *t })
            }
            Err(e) => {
                // SAFETY: the error is moved out once; the block is given
                // back (by the guard's drop) without being read again.
                let e = unsafe { core::ptr::read(e) };
                drop(guard);
                Err(AllocOrInitError::Init(e))
            }
        }
    }
}
