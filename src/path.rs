//! Paths: [`Arg`], what every path-taking call of rawmap accepts.
//!
//! The kernel takes a NUL-terminated C string. A `&CStr` (`c"/tmp/data"`)
//! is passed as it is, with no copy. Anything else (`&str`, `&[u8]`, and
//! with the `std` feature `&Path`, `&OsStr`, `String`, `PathBuf`,
//! `CString`, ...) is copied into a NUL-terminated buffer on the stack,
//! with no allocation, so it works without std and without an allocator:
//!
//! ```
//! use rawmap::File;
//! # let dir = std::env::temp_dir().join(format!("rawmap-doc-path-{}", std::process::id()));
//! # std::fs::write(&dir, b"hi").unwrap();
//! # let path: &str = dir.to_str().unwrap();
//! let file = File::open(path)?; // a &str, e.g. "/tmp/data"
//! assert_eq!(file.len()?, 2);
//! # std::fs::remove_file(&dir).unwrap();
//! # Ok::<(), rawmap::Errno>(())
//! ```
//!
//! # Errors, before the kernel sees the path
//!
//! - `EINVAL` for a NUL byte inside the path (a C string would end there,
//!   so the kernel would see another path), the trailing byte included:
//!   `"abc\0"` is refused too. A `&CStr` cannot hold one.
//! - `ENAMETOOLONG` for a path of [`PATH_MAX`] bytes or more. The stack
//!   buffer holds `PATH_MAX` bytes (the path and its NUL), which is the
//!   longest path the kernel accepts: it answers `ENAMETOOLONG` for a
//!   longer one itself, so the answer is the kernel's, and no heap fallback
//!   is ever needed. (The buffer is not initialised; only the path's bytes
//!   and the NUL are written.)

use core::ffi::CStr;
use core::mem::MaybeUninit;

use crate::sys::Errno;

/// The longest path the kernel accepts, in bytes, its NUL included
/// (`PATH_MAX` from `linux_raw_sys`, 4096).
pub const PATH_MAX: usize = linux_raw_sys::general::PATH_MAX as usize;

/// A path, as rawmap's calls take it: anything that can be seen as a
/// NUL-terminated C string, by reference or through a stack copy.
///
/// Modelled on rustix's `path::Arg`, reduced to the one method the calls
/// need. See [the module docs](self) for the types and the errors.
pub trait Arg {
    /// Calls `f` with the path as a C string.
    ///
    /// # Errors
    ///
    /// `EINVAL` for a NUL byte inside the path, `ENAMETOOLONG` for a path
    /// of [`PATH_MAX`] bytes or more (neither calls `f`); otherwise `f`'s
    /// result.
    fn into_with_c_str<T, F>(self, f: F) -> Result<T, Errno>
    where
        Self: Sized,
        F: FnOnce(&CStr) -> Result<T, Errno>;
}

impl Arg for &CStr {
    /// Passes the string itself: no copy, no check.
    #[inline]
    fn into_with_c_str<T, F>(self, f: F) -> Result<T, Errno>
    where
        F: FnOnce(&CStr) -> Result<T, Errno>,
    {
        f(self)
    }
}

impl Arg for &[u8] {
    #[inline]
    fn into_with_c_str<T, F>(self, f: F) -> Result<T, Errno>
    where
        F: FnOnce(&CStr) -> Result<T, Errno>,
    {
        with_c_str(self, f)
    }
}

impl<const N: usize> Arg for &[u8; N] {
    #[inline]
    fn into_with_c_str<T, F>(self, f: F) -> Result<T, Errno>
    where
        F: FnOnce(&CStr) -> Result<T, Errno>,
    {
        with_c_str(self, f)
    }
}

impl Arg for &str {
    #[inline]
    fn into_with_c_str<T, F>(self, f: F) -> Result<T, Errno>
    where
        F: FnOnce(&CStr) -> Result<T, Errno>,
    {
        with_c_str(self.as_bytes(), f)
    }
}

/// Copies `bytes` and a NUL into a stack buffer and calls `f` with it.
#[inline]
fn with_c_str<T, F>(bytes: &[u8], f: F) -> Result<T, Errno>
where
    F: FnOnce(&CStr) -> Result<T, Errno>,
{
    if bytes.len() >= PATH_MAX {
        return Err(Errno::ENAMETOOLONG);
    }
    if bytes.contains(&0) {
        return Err(Errno::EINVAL);
    }
    let mut buf = [const { MaybeUninit::<u8>::uninit() }; PATH_MAX];
    // SAFETY: `bytes.len() < PATH_MAX`, so the bytes and the NUL after them
    // fit in `buf`; the source is a slice, which cannot overlap the new
    // local buffer.
    unsafe {
        core::ptr::copy_nonoverlapping(bytes.as_ptr(), buf.as_mut_ptr().cast::<u8>(), bytes.len());
        buf.as_mut_ptr().add(bytes.len()).write(MaybeUninit::new(0));
    }
    // SAFETY: the first `bytes.len() + 1` bytes were just written: the path,
    // which has no NUL (checked above), then a NUL.
    let c = unsafe {
        CStr::from_bytes_with_nul_unchecked(core::slice::from_raw_parts(
            buf.as_ptr().cast::<u8>(),
            bytes.len() + 1,
        ))
    };
    f(c)
}

#[cfg(feature = "std")]
mod std_impls {
    //! `std` path types: borrowed ones through the stack copy, `CString`
    //! as it is.
    use super::{Arg, with_c_str};
    use crate::sys::Errno;
    use std::ffi::{CStr, CString, OsStr, OsString};
    use std::os::unix::ffi::OsStrExt;
    use std::path::{Path, PathBuf};
    use std::string::String;
    use std::vec::Vec;

    macro_rules! via_bytes {
        ($($t:ty => |$s:ident| $bytes:expr;)*) => {$(
            impl Arg for $t {
                #[inline]
                fn into_with_c_str<T, F>(self, f: F) -> Result<T, Errno>
                where
                    F: FnOnce(&CStr) -> Result<T, Errno>,
                {
                    let $s = self;
                    with_c_str($bytes, f)
                }
            }
        )*};
    }

    via_bytes! {
        &String => |s| s.as_bytes();
        String => |s| s.as_bytes();
        &OsStr => |s| s.as_bytes();
        &OsString => |s| s.as_bytes();
        OsString => |s| s.as_bytes();
        &Path => |s| s.as_os_str().as_bytes();
        &PathBuf => |s| s.as_os_str().as_bytes();
        PathBuf => |s| s.as_os_str().as_bytes();
        &Vec<u8> => |s| s.as_slice();
    }

    impl Arg for &CString {
        /// Passes the string itself: no copy.
        #[inline]
        fn into_with_c_str<T, F>(self, f: F) -> Result<T, Errno>
        where
            F: FnOnce(&CStr) -> Result<T, Errno>,
        {
            f(self)
        }
    }

    impl Arg for CString {
        /// Passes the string itself: no copy.
        #[inline]
        fn into_with_c_str<T, F>(self, f: F) -> Result<T, Errno>
        where
            F: FnOnce(&CStr) -> Result<T, Errno>,
        {
            f(&self)
        }
    }
}
