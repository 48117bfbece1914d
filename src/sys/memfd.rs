//! `memfd_create`: an anonymous file in memory, for sharing memory between
//! processes (pass the descriptor on) and for sealing.

use core::ffi::CStr;

use syscalls::{Sysno, raw};

use super::errno::{Errno, ret_c_int};
use crate::fd::OwnedFd;
use crate::flags::MemfdFlags;

/// Creates an anonymous file that lives in memory:
/// [`memfd_create(2)`](https://man7.org/linux/man-pages/man2/memfd_create.2.html).
///
/// `name` is only a label (it shows in `/proc/self/fd` as
/// `/memfd:NAME`), at most 249 bytes. The file starts empty, open for
/// reading and writing; give it a size with [`ftruncate`](super::ftruncate).
/// Seals ([`fcntl_add_seals`](super::fcntl_add_seals)) need
/// [`MemfdFlags::ALLOW_SEALING`].
///
/// # Errors
///
/// `EINVAL` for a name over 249 bytes, unknown flags (`NOEXEC_SEAL` and
/// `EXEC` before Linux 6.3, both at once), a huge page size without
/// `HUGETLB`, or `HUGETLB` with `ALLOW_SEALING` before Linux 4.16;
/// `EACCES` for `EXEC` when `vm.memfd_noexec` is 2; `EMFILE`, `ENFILE`,
/// `ENOMEM`; `ENOENT`/`EINVAL` for a huge page size with no pool.
#[inline]
pub fn memfd_create(name: &CStr, flags: MemfdFlags) -> Result<OwnedFd, Errno> {
    // SAFETY: `name` is a C string; the kernel only reads it.
    let ret = unsafe {
        raw::syscall2(
            Sysno::memfd_create as usize,
            name.as_ptr() as usize,
            flags.bits() as usize,
        )
    };
    // SAFETY: on success the kernel returned a new descriptor we now own.
    ret_c_int(ret).map(|fd| unsafe { OwnedFd::from_raw_fd(fd) })
}
