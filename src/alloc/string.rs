//! [`String`]: a growable UTF-8 string whose buffer lives in a [`Bump`],
//! like bumpalo's `collections::String`, and the [`format_in!`] macro.

use core::alloc::Layout;
use core::fmt;
use core::ops::{Deref, DerefMut};
use core::ptr::NonNull;

use super::bump::{AllocError, Bump, oom};

/// A growable string in a [`Bump`], like bumpalo's `collections::String`.
///
/// The buffer is an ordinary block of the arena: while the string's buffer
/// is the most recent block, `push_str` grows it in place (no copy). When
/// the string is dropped its buffer is given back (reused if it is still the
/// most recent block); [`String::into_bump_str`] keeps it for the arena's
/// lifetime instead.
///
/// ```
/// use rawmap::{Bump, format_in};
/// use rawmap::bump::String;
///
/// let bump = Bump::new();
/// let mut s = String::from_str_in("hello", &bump);
/// s.push_str(", world");
/// let f = format_in!(&bump, "{} {}", s, 42);
/// assert_eq!(f.as_str(), "hello, world 42");
/// let kept: &mut str = f.into_bump_str();
/// assert_eq!(kept, "hello, world 42");
/// ```
pub struct String<'bump> {
    /// The buffer (dangling while `cap == 0`).
    ptr: NonNull<u8>,
    len: usize,
    cap: usize,
    bump: &'bump Bump,
}

impl<'bump> String<'bump> {
    /// An empty string; allocates nothing.
    pub const fn new_in(bump: &'bump Bump) -> Self {
        Self {
            ptr: NonNull::dangling(),
            len: 0,
            cap: 0,
            bump,
        }
    }

    /// An empty string with room for `cap` bytes.
    ///
    /// # Panics
    ///
    /// If the allocation fails.
    #[inline]
    pub fn with_capacity_in(cap: usize, bump: &'bump Bump) -> Self {
        let mut s = Self::new_in(bump);
        if cap > 0 {
            // One block of exactly `cap` bytes (`Layout` of bytes: only the
            // size can be invalid).
            let Ok(layout) = Layout::array::<u8>(cap) else {
                oom(Layout::new::<u8>())
            };
            s.ptr = bump.alloc_layout(layout);
            s.cap = cap;
        }
        s
    }

    /// A copy of `s` in `bump`.
    ///
    /// # Panics
    ///
    /// If the allocation fails.
    #[inline]
    pub fn from_str_in(s: &str, bump: &'bump Bump) -> Self {
        let mut out = Self::with_capacity_in(s.len(), bump);
        // SAFETY: the buffer holds `s.len()` bytes, all free; `s` is UTF-8.
        unsafe { out.append(s.as_bytes()) };
        out
    }

    /// The string's bytes.
    #[must_use]
    pub fn as_str(&self) -> &str {
        // SAFETY: `ptr..ptr+len` is initialised UTF-8 (every method keeps
        // it so); `ptr` is dangling only with `len == 0`.
        unsafe {
            core::str::from_utf8_unchecked(core::slice::from_raw_parts(self.ptr.as_ptr(), self.len))
        }
    }

    /// The string's bytes, mutably.
    pub fn as_mut_str(&mut self) -> &mut str {
        // SAFETY: as in `as_str`; `&mut self` makes it unique.
        unsafe {
            core::str::from_utf8_unchecked_mut(core::slice::from_raw_parts_mut(
                self.ptr.as_ptr(),
                self.len,
            ))
        }
    }

    /// Length in bytes.
    #[must_use]
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the string is empty.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Bytes the buffer holds without growing.
    #[must_use]
    pub fn capacity(&self) -> usize {
        self.cap
    }

    /// The arena the buffer lives in.
    #[must_use]
    pub fn bump(&self) -> &'bump Bump {
        self.bump
    }

    /// Empties the string, keeping its buffer.
    pub fn clear(&mut self) {
        self.len = 0;
    }

    /// Makes room for `additional` more bytes.
    ///
    /// # Panics
    ///
    /// If the allocation fails (see [`String::try_reserve`]).
    #[inline]
    pub fn reserve(&mut self, additional: usize) {
        if self.try_reserve(additional).is_err() {
            oom(
                Layout::from_size_align(self.len.saturating_add(additional), 1)
                    .unwrap_or(Layout::new::<u8>()),
            );
        }
    }

    /// Makes room for `additional` more bytes: the buffer at least doubles,
    /// in place when it is the arena's most recent block.
    ///
    /// # Errors
    ///
    /// [`AllocError`] when the size overflows or the arena cannot grow;
    /// the string is left as it was.
    #[inline]
    pub fn try_reserve(&mut self, additional: usize) -> Result<(), AllocError> {
        if self.cap - self.len >= additional {
            return Ok(());
        }
        self.grow(additional)
    }

    #[cold]
    #[inline(never)]
    fn grow(&mut self, additional: usize) -> Result<(), AllocError> {
        let need = self.len.checked_add(additional).ok_or(AllocError)?;
        let new_cap = need.max(self.cap.saturating_mul(2)).max(8);
        let new = Layout::array::<u8>(new_cap).map_err(|_| AllocError)?;
        let ptr = if self.cap == 0 {
            self.bump.try_alloc_layout(new)?
        } else {
            // SAFETY: `ptr` is our buffer, a block of `bump` with `cap` bytes
            // at alignment 1; the old pointer is replaced below.
            unsafe {
                self.bump.grow_block(
                    self.ptr,
                    Layout::array::<u8>(self.cap).map_err(|_| AllocError)?,
                    new,
                )?
            }
        };
        self.ptr = ptr;
        self.cap = new_cap;
        Ok(())
    }

    /// Appends `s`.
    ///
    /// # Panics
    ///
    /// If the allocation fails (see [`String::try_push_str`]).
    #[inline]
    pub fn push_str(&mut self, s: &str) {
        self.reserve(s.len());
        // SAFETY: room for `s.len()` more bytes was made just above.
        unsafe { self.append(s.as_bytes()) };
    }

    /// Appends `s`.
    ///
    /// # Errors
    ///
    /// [`AllocError`] when the buffer cannot grow; the string is left as
    /// it was.
    #[inline]
    pub fn try_push_str(&mut self, s: &str) -> Result<(), AllocError> {
        self.try_reserve(s.len())?;
        // SAFETY: room for `s.len()` more bytes was made just above.
        unsafe { self.append(s.as_bytes()) };
        Ok(())
    }

    /// Appends a character.
    ///
    /// # Panics
    ///
    /// If the allocation fails.
    pub fn push(&mut self, c: char) {
        self.push_str(c.encode_utf8(&mut [0; 4]));
    }

    /// Copies `bytes` (UTF-8, from a `str`) after the string's end.
    ///
    /// # Safety
    ///
    /// The buffer has room for `bytes.len()` more bytes, and `bytes` is
    /// valid UTF-8.
    #[inline(always)]
    unsafe fn append(&mut self, bytes: &[u8]) {
        // SAFETY: room made by the caller; `bytes` cannot overlap our
        // unused tail (nothing else references it).
        unsafe {
            core::ptr::copy_nonoverlapping(
                bytes.as_ptr(),
                self.ptr.as_ptr().add(self.len),
                bytes.len(),
            )
        };
        self.len += bytes.len();
    }

    /// Keeps the string in the arena for the arena's lifetime: the buffer
    /// is no longer given back on drop.
    #[must_use]
    pub fn into_bump_str(self) -> &'bump mut str {
        let me = core::mem::ManuallyDrop::new(self);
        // SAFETY: as in `as_mut_str`; the buffer is a block of `'bump` that
        // nothing else references and that no drop will give back.
        unsafe {
            core::str::from_utf8_unchecked_mut(core::slice::from_raw_parts_mut(
                me.ptr.as_ptr(),
                me.len,
            ))
        }
    }
}

impl Drop for String<'_> {
    #[inline]
    fn drop(&mut self) {
        if self.cap > 0 {
            // SAFETY: our buffer, a block of `bump` with `cap` bytes at
            // alignment 1, not used after this.
            unsafe {
                self.bump
                    .dealloc(self.ptr, Layout::from_size_align_unchecked(self.cap, 1))
            };
        }
    }
}

impl Deref for String<'_> {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl DerefMut for String<'_> {
    fn deref_mut(&mut self) -> &mut str {
        self.as_mut_str()
    }
}

impl fmt::Write for String<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.try_push_str(s).map_err(|_| fmt::Error)
    }
}

impl fmt::Display for String<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.as_str(), f)
    }
}

impl fmt::Debug for String<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl PartialEq for String<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for String<'_> {}

impl PartialEq<str> for String<'_> {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for String<'_> {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// `format!` into a [`String`](crate::bump::String) in an arena:
/// `format_in!(&bump, "{x} and {}", y)`.
///
/// # Panics
///
/// If the arena cannot grow (as `format!` aborts when `malloc` fails).
#[macro_export]
macro_rules! format_in {
    ($bump:expr, $($arg:tt)*) => {{
        let mut s = $crate::bump::String::new_in($bump);
        if ::core::fmt::Write::write_fmt(&mut s, ::core::format_args!($($arg)*)).is_err() {
            ::core::panic!("rawmap::format_in!: the arena cannot grow");
        }
        s
    }};
}
