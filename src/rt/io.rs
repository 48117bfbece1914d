//! Writing to stdout and stderr without libc: [`write_all`], a small
//! buffered [`FdWriter`], and the [`print!`](crate::rt::print) family of
//! macros built on it.

use core::fmt;

use crate::fd::{AsFd, BorrowedFd, RawFd};
use crate::sys::{self, Errno};

/// Standard input's descriptor number.
pub const STDIN: RawFd = 0;
/// Standard output's descriptor number.
pub const STDOUT: RawFd = 1;
/// Standard error's descriptor number.
pub const STDERR: RawFd = 2;

/// Standard output as a [`BorrowedFd`], for [`write_all`] and the system
/// calls in [`sys`].
///
/// The runtime never closes it; if the program closes descriptor 1 itself,
/// writes fail with `EBADF` (or reach whatever it opened as 1 next).
#[must_use]
pub fn stdout() -> BorrowedFd<'static> {
    // SAFETY: descriptor 1 is inherited from the parent and never closed by
    // the runtime; a closed 1 only makes calls fail with EBADF.
    unsafe { BorrowedFd::borrow_raw(STDOUT) }
}

/// Standard error as a [`BorrowedFd`]; see [`stdout`].
#[must_use]
pub fn stderr() -> BorrowedFd<'static> {
    // SAFETY: as for `stdout`.
    unsafe { BorrowedFd::borrow_raw(STDERR) }
}

/// Standard input as a [`BorrowedFd`]; see [`stdout`].
#[must_use]
pub fn stdin() -> BorrowedFd<'static> {
    // SAFETY: as for `stdout`.
    unsafe { BorrowedFd::borrow_raw(STDIN) }
}

/// Writes all of `bytes` to `fd`, repeating `write` after a short write and
/// after `EINTR`.
///
/// # Errors
///
/// The first error `write` returns other than `EINTR` (`EBADF`, `EPIPE`
/// when `SIGPIPE` is ignored, `ENOSPC`, ...). A `write` that returns 0 for
/// a non-empty buffer is reported as `EIO`.
pub fn write_all(fd: impl AsFd, mut bytes: &[u8]) -> Result<(), Errno> {
    let fd = fd.as_fd();
    while !bytes.is_empty() {
        match sys::write(fd, bytes) {
            Ok(0) => return Err(Errno::EIO),
            Ok(n) => bytes = &bytes[n..],
            Err(Errno::EINTR) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// A `core::fmt::Write` sink for a descriptor with an `N`-byte buffer on
/// the stack: text is collected and written with as few `write` calls as
/// possible (one per [`flush`](Self::flush), when it fits).
///
/// Dropping it flushes. The first write error is kept and reported by
/// [`flush`](Self::flush); later output is discarded.
pub struct FdWriter<const N: usize> {
    fd: RawFd,
    len: usize,
    error: Option<Errno>,
    buf: [u8; N],
}

impl<const N: usize> FdWriter<N> {
    /// A writer for descriptor number `fd` (for example [`STDOUT`]).
    ///
    /// The number is not owned: it is never closed, and a number that is not
    /// open (-1 included) makes writes fail with `EBADF`.
    #[must_use]
    pub const fn new(fd: RawFd) -> Self {
        Self {
            fd,
            len: 0,
            error: None,
            buf: [0; N],
        }
    }

    /// Writes `bytes` to the descriptor; -1, which a [`BorrowedFd`] cannot
    /// hold, is `EBADF` as the kernel would answer.
    fn write_out(&self, bytes: &[u8]) -> Result<(), Errno> {
        if self.fd == -1 {
            return Err(Errno::EBADF);
        }
        // SAFETY: the number is not -1 and only passed to `write`; if it is
        // not open, the kernel answers EBADF, which is reported.
        write_all(unsafe { BorrowedFd::borrow_raw(self.fd) }, bytes)
    }

    /// Adds bytes, writing the buffer out when it fills up (large slices go
    /// straight to the descriptor).
    pub fn write_bytes(&mut self, bytes: &[u8]) {
        if self.error.is_some() {
            return;
        }
        if bytes.len() > N - self.len {
            self.flush_inner();
            if bytes.len() > N {
                if let Err(e) = self.write_out(bytes) {
                    self.error = Some(e);
                }
                return;
            }
        }
        self.buf[self.len..self.len + bytes.len()].copy_from_slice(bytes);
        self.len += bytes.len();
    }

    fn flush_inner(&mut self) {
        if self.len > 0
            && self.error.is_none()
            && let Err(e) = self.write_out(&self.buf[..self.len])
        {
            self.error = Some(e);
        }
        self.len = 0;
    }

    /// Writes out what is buffered.
    ///
    /// # Errors
    ///
    /// The first error of any write so far (see [`write_all`]).
    pub fn flush(&mut self) -> Result<(), Errno> {
        self.flush_inner();
        match self.error {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }
}

impl<const N: usize> fmt::Debug for FdWriter<N> {
    /// The descriptor, the buffered byte count and the first error.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FdWriter")
            .field("fd", &self.fd)
            .field("capacity", &N)
            .field("buffered", &self.len)
            .field("error", &self.error)
            .finish()
    }
}

impl<const N: usize> fmt::Write for FdWriter<N> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.write_bytes(s.as_bytes());
        Ok(())
    }
}

impl<const N: usize> Drop for FdWriter<N> {
    fn drop(&mut self) {
        self.flush_inner();
    }
}

/// Formats `args` into a 1 KiB buffer and writes it to `fd`; used by the
/// `print!` macros. Errors are ignored, as `print!` cannot report them.
#[doc(hidden)]
pub fn _print(fd: RawFd, args: fmt::Arguments<'_>) {
    let mut w = FdWriter::<1024>::new(fd);
    let _ = fmt::Write::write_fmt(&mut w, args);
    let _ = w.flush();
}

/// Prints to stdout, like `std::print!` (one `write` call when the text
/// fits in 1 KiB; nothing is buffered afterwards). Write errors are ignored.
#[doc(hidden)]
#[macro_export]
macro_rules! __rt_print {
    ($($arg:tt)*) => {
        $crate::rt::io::_print($crate::rt::io::STDOUT, format_args!($($arg)*))
    };
}

/// Prints a line to stdout, like `std::println!`.
#[doc(hidden)]
#[macro_export]
macro_rules! __rt_println {
    () => {
        $crate::rt::io::_print($crate::rt::io::STDOUT, format_args!("\n"))
    };
    ($($arg:tt)*) => {
        $crate::rt::io::_print($crate::rt::io::STDOUT, format_args!("{}\n", format_args!($($arg)*)))
    };
}

/// Prints to stderr, like `std::eprint!`.
#[doc(hidden)]
#[macro_export]
macro_rules! __rt_eprint {
    ($($arg:tt)*) => {
        $crate::rt::io::_print($crate::rt::io::STDERR, format_args!($($arg)*))
    };
}

/// Prints a line to stderr, like `std::eprintln!`.
#[doc(hidden)]
#[macro_export]
macro_rules! __rt_eprintln {
    () => {
        $crate::rt::io::_print($crate::rt::io::STDERR, format_args!("\n"))
    };
    ($($arg:tt)*) => {
        $crate::rt::io::_print($crate::rt::io::STDERR, format_args!("{}\n", format_args!($($arg)*)))
    };
}
