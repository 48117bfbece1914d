//! [`Errno`], and the one place where a raw system-call return value becomes
//! a `Result`.
//!
//! Linux returns `-errno` in the range `-4095..=-1` for a failed call and
//! anything else for success. Addresses returned by `mmap` are never in that
//! range (the top page of the address space is never mappable), so a mapping
//! near the top of memory is not mistaken for an error.

use core::fmt;

/// A Linux error number, as returned (negated) by the kernel.
///
/// rawmap's own type (a `#[repr(transparent)]` `i32`), so that its API does
/// not follow another crate's versions. The numbers are
/// [`linux_raw_sys::errno`]'s, one associated constant each
/// (`Errno::EINVAL`); the names and descriptions come from the `syscalls`
/// crate's tables (the kernel's own comments in `errno-base.h` and
/// `errno.h`, which differ from glibc's `strerror` in a few places: "Bad
/// file number", "Out of memory").
///
/// `Display` gives the name and the description, `ENOENT (No such file or
/// directory)`, and needs no std; `Debug` gives the name. It implements
/// [`core::error::Error`] always, and with the `std` feature converts into
/// [`std::io::Error`](https://doc.rust-lang.org/std/io/struct.Error.html)
/// (with the matching
/// [`ErrorKind`](https://doc.rust-lang.org/std/io/enum.ErrorKind.html)).
///
/// There is no `Errno::last()`: rawmap's calls never set libc's `errno`,
/// they return the error.
///
/// ```
/// use rawmap::Errno;
/// let e = Errno::ENOENT;
/// assert_eq!(e.into_raw(), 2);
/// assert_eq!(e.name(), Some("ENOENT"));
/// assert_eq!(e.description(), Some("No such file or directory"));
/// # #[cfg(feature = "std")]
/// assert_eq!(e.to_string(), "ENOENT (No such file or directory)");
/// assert_eq!(Errno::from_raw(2), Errno::ENOENT);
/// ```
#[repr(transparent)]
#[derive(Copy, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Errno(i32);

impl Errno {
    /// The error with number `raw` (positive, as in C's `errno`). Any
    /// number is accepted; one Linux does not define has no
    /// [`name`](Self::name).
    #[must_use]
    #[inline]
    pub const fn from_raw(raw: i32) -> Self {
        Self(raw)
    }

    /// The same as [`from_raw`](Self::from_raw).
    #[must_use]
    #[inline]
    pub const fn new(raw: i32) -> Self {
        Self(raw)
    }

    /// The error's number (positive, as in C's `errno`).
    #[must_use]
    #[inline]
    pub const fn into_raw(self) -> i32 {
        self.0
    }

    /// The error's name, `Some("EINVAL")`; `None` for a number Linux does
    /// not define.
    #[must_use]
    pub fn name(self) -> Option<&'static str> {
        syscalls::Errno::new(self.0).name()
    }

    /// The kernel's description of the error, `Some("Invalid argument")`;
    /// `None` for a number Linux does not define.
    #[must_use]
    pub fn description(self) -> Option<&'static str> {
        syscalls::Errno::new(self.0).description()
    }

    /// Decodes a raw system-call return value: `-4095..=-1` is
    /// `Err(-value)`, anything else `Ok(value)` (the rule every rawmap
    /// wrapper uses; for calls made with the `syscalls` crate directly).
    #[inline(always)]
    pub const fn from_ret(raw: usize) -> Result<usize, Self> {
        if raw > -4096isize as usize {
            // In -4095..=-1: the negated value fits in an i32 (1..=4095).
            Err(Self(-(raw as isize) as i32))
        } else {
            Ok(raw)
        }
    }

    /// The error number inside a `std::io::Error`, if it holds one
    /// ([`raw_os_error`](std::io::Error::raw_os_error)).
    #[cfg(feature = "std")]
    #[cfg_attr(docsrs, doc(cfg(feature = "std")))]
    #[must_use]
    pub fn from_io_error(err: &std::io::Error) -> Option<Self> {
        err.raw_os_error().map(Self)
    }
}

/// One associated constant per error number of `linux_raw_sys::errno`.
macro_rules! errno_consts {
    ($($name:ident)*) => {
        impl Errno {
            $(
                #[doc = concat!("`", stringify!($name), "`.")]
                pub const $name: Self = Self(linux_raw_sys::errno::$name as i32);
            )*
        }

        /// Every constant with its name, for the tests.
        #[cfg(test)]
        pub(crate) const ALL: &[(Errno, &str)] = &[$((Errno::$name, stringify!($name))),*];
    };
}

errno_consts! {
    EPERM ENOENT ESRCH EINTR EIO ENXIO E2BIG ENOEXEC EBADF ECHILD EAGAIN ENOMEM
    EACCES EFAULT ENOTBLK EBUSY EEXIST EXDEV ENODEV ENOTDIR EISDIR EINVAL
    ENFILE EMFILE ENOTTY ETXTBSY EFBIG ENOSPC ESPIPE EROFS EMLINK EPIPE EDOM
    ERANGE EDEADLK ENAMETOOLONG ENOLCK ENOSYS ENOTEMPTY ELOOP EWOULDBLOCK
    ENOMSG EIDRM ECHRNG EL2NSYNC EL3HLT EL3RST ELNRNG EUNATCH ENOCSI EL2HLT
    EBADE EBADR EXFULL ENOANO EBADRQC EBADSLT EDEADLOCK EBFONT ENOSTR ENODATA
    ETIME ENOSR ENONET ENOPKG EREMOTE ENOLINK EADV ESRMNT ECOMM EPROTO
    EMULTIHOP EDOTDOT EBADMSG EOVERFLOW ENOTUNIQ EBADFD EREMCHG ELIBACC
    ELIBBAD ELIBSCN ELIBMAX ELIBEXEC EILSEQ ERESTART ESTRPIPE EUSERS ENOTSOCK
    EDESTADDRREQ EMSGSIZE EPROTOTYPE ENOPROTOOPT EPROTONOSUPPORT
    ESOCKTNOSUPPORT EOPNOTSUPP EPFNOSUPPORT EAFNOSUPPORT EADDRINUSE
    EADDRNOTAVAIL ENETDOWN ENETUNREACH ENETRESET ECONNABORTED ECONNRESET
    ENOBUFS EISCONN ENOTCONN ESHUTDOWN ETOOMANYREFS ETIMEDOUT ECONNREFUSED
    EHOSTDOWN EHOSTUNREACH EALREADY EINPROGRESS ESTALE EUCLEAN ENOTNAM ENAVAIL
    EISNAM EREMOTEIO EDQUOT ENOMEDIUM EMEDIUMTYPE ECANCELED ENOKEY EKEYEXPIRED
    EKEYREVOKED EKEYREJECTED EOWNERDEAD ENOTRECOVERABLE ERFKILL EHWPOISON
}

impl fmt::Display for Errno {
    /// `ENOENT (No such file or directory)`; `unknown error 600` for a
    /// number Linux does not define.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.name(), self.description()) {
            (Some(name), Some(description)) => write!(f, "{name} ({description})"),
            _ => write!(f, "unknown error {}", self.0),
        }
    }
}

impl fmt::Debug for Errno {
    /// `ENOENT`; `Errno(600)` for a number Linux does not define.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => f.write_str(name),
            None => write!(f, "Errno({})", self.0),
        }
    }
}

impl core::error::Error for Errno {}

#[cfg(feature = "std")]
#[cfg_attr(docsrs, doc(cfg(feature = "std")))]
impl From<Errno> for std::io::Error {
    /// An OS error with the same number: its
    /// [`kind()`](std::io::Error::kind) is std's for that number
    /// (`ENOENT` is `NotFound`, `EACCES` is `PermissionDenied`, ...).
    fn from(err: Errno) -> Self {
        std::io::Error::from_raw_os_error(err.0)
    }
}

/// Decodes a raw return value: `-4095..=-1` is an error, anything else is a
/// successful result.
#[inline(always)]
pub(crate) fn ret_usize(raw: usize) -> Result<usize, Errno> {
    Errno::from_ret(raw)
}

/// Decodes a return value that carries no information on success.
#[inline(always)]
pub(crate) fn ret_unit(raw: usize) -> Result<(), Errno> {
    ret_usize(raw).map(|_| ())
}

/// Decodes a return value that is a file descriptor or a pid (a C `int`).
#[inline(always)]
pub(crate) fn ret_c_int(raw: usize) -> Result<i32, Errno> {
    // A successful int-returning call fits in an i32; truncation is the
    // kernel's own convention (it returns a `long` that holds an `int`).
    ret_usize(raw).map(|v| v as i32)
}

#[cfg(test)]
mod tests {
    use super::{ALL, Errno, ret_usize};

    /// Every constant's number has the constant's name in `syscalls`'
    /// table (the two crates agree), and every number below the kernel's
    /// internal ones (512) that the table names has a constant.
    #[test]
    fn every_errno_has_a_constant_with_its_name() {
        for &(e, name) in ALL {
            // EWOULDBLOCK and EDEADLOCK are aliases (of EAGAIN, EDEADLK).
            let expect = match name {
                "EWOULDBLOCK" => "EAGAIN",
                "EDEADLOCK" => "EDEADLK",
                n => n,
            };
            assert_eq!(e.name(), Some(expect), "{name} = {}", e.into_raw());
        }
        for n in 1..512 {
            let e = Errno::from_raw(n);
            if e.name().is_some() {
                assert!(ALL.iter().any(|&(c, _)| c == e), "no constant for {e:?}");
            }
        }
    }

    #[test]
    fn decode_rule() {
        assert_eq!(ret_usize(-1isize as usize), Err(Errno::EPERM));
        assert_eq!(ret_usize(-4095isize as usize), Err(Errno::from_raw(4095)));
        assert_eq!(ret_usize(-4096isize as usize), Ok(-4096isize as usize));
        assert_eq!(ret_usize(0), Ok(0));
    }
}
