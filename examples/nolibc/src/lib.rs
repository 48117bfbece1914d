//! What `mcat` and `mwc` share: opening a file for reading through a
//! mapping, and reporting errors the way `cat` does.
#![no_std]

use core::ffi::CStr;

use rawmap::rt::io::{FdWriter, STDERR};
use rawmap::sys::{self, Errno};
use rawmap::{File, Mmap};

// File types from `st_mode` (the same values on every Linux architecture).
const S_IFMT: u32 = 0o170_000;
const S_IFDIR: u32 = 0o040_000;
const S_IFREG: u32 = 0o100_000;

/// An open input: a mapping of a regular file, or, for what has no size to
/// map (pipes, character devices, `/proc` files, which report size 0), the
/// open file to `read` from.
pub enum Input {
    /// The whole file, mapped read-only (empty for an empty file: nothing
    /// is mapped).
    Mapped(Mmap),
    /// A file to read from.
    Stream(File),
}

/// Opens `path` for reading: `open(O_RDONLY)`, `fstat`, then a read-only
/// shared mapping of a regular file (an empty file gives an empty map and
/// no `mmap` call).
///
/// # Errors
///
/// The kernel's answer to `open`, `fstat` or `mmap` (`ENOENT`, `EACCES`,
/// ...); `EISDIR` for a directory, which `read` would also answer.
pub fn open_input(path: &CStr) -> Result<Input, Errno> {
    let file = File::open(path)?;
    let st = sys::fstat(file.as_fd())?;
    match st.st_mode & S_IFMT {
        S_IFDIR => Err(Errno::EISDIR),
        S_IFREG if st.st_size > 0 => {
            // SAFETY: the examples map files they only read, for as long as
            // they print them; the mapping is the program's only view, and
            // a concurrent truncation by someone else would end it with
            // SIGBUS, as it would `cat` reading a mapped file.
            unsafe { Mmap::map(&file) }.map(Input::Mapped)
        }
        _ => Ok(Input::Stream(file)),
    }
}

/// Prints `PROG: PATH: ENOENT (No such file or directory)` to stderr.
pub fn report(prog: &str, path: &[u8], e: Errno) {
    let mut w = FdWriter::<512>::new(STDERR);
    w.write_bytes(prog.as_bytes());
    w.write_bytes(b": ");
    w.write_bytes(path);
    w.write_bytes(b": ");
    w.write_bytes(e.name().unwrap_or("E?").as_bytes());
    w.write_bytes(b" (");
    w.write_bytes(e.description().unwrap_or("unknown error").as_bytes());
    w.write_bytes(b")\n");
    let _ = w.flush();
}
