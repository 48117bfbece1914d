//! The command line, environment and aux vector the kernel put on the
//! initial stack.

use core::ffi::CStr;

/// The program's arguments, environment and aux vector, as the kernel laid
/// them out on the initial stack (valid for the whole life of the process).
#[derive(Copy, Clone)]
pub struct Args {
    argc: usize,
    argv: *const *const u8,
    envp: *const *const u8,
    auxv: *const usize,
}

impl Args {
    /// Wraps the pointers `_start` found.
    ///
    /// # Safety
    ///
    /// `argv` must hold `argc` pointers to C strings followed by a null,
    /// `envp` pointers to C strings up to a null, and `auxv` `(key, value)`
    /// pairs up to `AT_NULL`, all valid and unchanged for `'static`.
    pub(super) const unsafe fn from_raw(
        argc: usize,
        argv: *const *const u8,
        envp: *const *const u8,
        auxv: *const usize,
    ) -> Self {
        Self {
            argc,
            argv,
            envp,
            auxv,
        }
    }

    /// The number of arguments, including the program name (`argc`).
    #[must_use]
    pub const fn len(&self) -> usize {
        self.argc
    }

    /// Whether there are no arguments at all (not even a program name; the
    /// kernel allows an `execve` with an empty `argv`).
    #[must_use]
    pub const fn is_empty(&self) -> bool {
        self.argc == 0
    }

    /// Argument `i` (0 is the program name as it was invoked).
    #[must_use]
    pub fn get(&self, i: usize) -> Option<&'static CStr> {
        if i < self.argc {
            // SAFETY: i < argc, so argv[i] is one of the argument pointers.
            Some(unsafe { cstr(*self.argv.add(i)) })
        } else {
            None
        }
    }

    /// The arguments, program name first.
    #[must_use]
    pub fn iter(&self) -> ArgsIter {
        ArgsIter {
            next: self.argv,
            end: self.argv.wrapping_add(self.argc),
        }
    }

    /// The environment, as `NAME=value` strings.
    pub fn env(&self) -> impl Iterator<Item = &'static CStr> + use<> {
        let mut p = self.envp;
        core::iter::from_fn(move || {
            // SAFETY: `envp` is a null-terminated array of C strings; `p`
            // never moves past the null.
            unsafe {
                if (*p).is_null() {
                    None
                } else {
                    let s = cstr(*p);
                    p = p.add(1);
                    Some(s)
                }
            }
        })
    }

    /// The value of environment variable `name`, if set.
    #[must_use]
    pub fn var(&self, name: &[u8]) -> Option<&'static CStr> {
        self.env().find_map(|kv| {
            let bytes = kv.to_bytes_with_nul();
            let rest = bytes.strip_prefix(name)?.strip_prefix(b"=")?;
            CStr::from_bytes_with_nul(rest).ok()
        })
    }

    /// The value of aux vector entry `key` (`AT_PAGESZ`, `AT_HWCAP`, ...,
    /// from `linux_raw_sys::auxvec`), if the kernel passed it.
    #[must_use]
    pub fn aux(&self, key: usize) -> Option<usize> {
        // SAFETY: `from_raw`'s contract: pairs up to AT_NULL.
        unsafe { super::auxv::find(self.auxv, key) }
    }
}

/// An iterator over the arguments ([`Args::iter`]).
pub struct ArgsIter {
    next: *const *const u8,
    end: *const *const u8,
}

impl Iterator for ArgsIter {
    type Item = &'static CStr;

    fn next(&mut self) -> Option<&'static CStr> {
        if self.next == self.end {
            return None;
        }
        // SAFETY: `next` is before `end`, so it points at an argument.
        unsafe {
            let s = cstr(*self.next);
            self.next = self.next.add(1);
            Some(s)
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        // SAFETY: both point into the same argv array, next <= end.
        let n = unsafe { self.end.offset_from(self.next) } as usize;
        (n, Some(n))
    }
}

impl ExactSizeIterator for ArgsIter {}

impl core::fmt::Debug for Args {
    /// The arguments, as a list of C strings (the environment and the aux
    /// vector are left out: they are long, and can hold secrets).
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Args")
            .field("args", &DebugArgs(*self))
            .finish_non_exhaustive()
    }
}

/// The arguments as a `Debug` list.
struct DebugArgs(Args);

impl core::fmt::Debug for DebugArgs {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_list().entries(self.0.iter()).finish()
    }
}

impl core::fmt::Debug for ArgsIter {
    /// How many arguments are left.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("ArgsIter")
            .field("remaining", &self.len())
            .finish()
    }
}

/// A C string from the initial stack.
///
/// # Safety
///
/// `p` must point to a NUL-terminated string that lives and stays unchanged
/// for the rest of the process.
unsafe fn cstr(p: *const u8) -> &'static CStr {
    let mut n = 0;
    // SAFETY: the string is NUL-terminated; we stop at the NUL.
    while unsafe { *p.add(n) } != 0 {
        n += 1;
    }
    // SAFETY: `n + 1` bytes including exactly one NUL, at the end.
    unsafe { CStr::from_bytes_with_nul_unchecked(core::slice::from_raw_parts(p, n + 1)) }
}
