//! The one place where a raw system-call return value becomes a `Result`.
//!
//! Linux returns `-errno` in the range `-4095..=-1` for a failed call and
//! anything else for success. Addresses returned by `mmap` are never in that
//! range (the top page of the address space is never mappable), so a mapping
//! near the top of memory is not mistaken for an error.

/// A Linux error number, as returned (negated) by the kernel.
///
/// This is `syscalls::Errno`: it carries the name and description tables
/// (`Errno::EINVAL.name() == Some("EINVAL")`,
/// `description() == Some("Invalid argument")`), a `Display` that works
/// without std, and compares as a plain `i32`. With the `std` feature it
/// converts into `std::io::Error`.
pub use syscalls::Errno;

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
