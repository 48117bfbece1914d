//! The raw layer: one thin wrapper per system call, no libc.
//!
//! Each function issues the system call inline (`syscall` on x86_64,
//! `svc 0` on aarch64 and s390x, `ecall` on riscv64, `sc` on powerpc64le,
//! through the `syscalls` crate), decodes the kernel's `-errno` in
//! [one place](Errno) and returns `Result<_, Errno>`. Names and argument order follow the C functions, so
//! the seed's C code translates line by line:
//!
//! ```
//! use rawmap::sys;
//! use rawmap::{MapFlags, ProtFlags};
//! // void *ptr = mmap(NULL, len, PROT_READ | PROT_WRITE,
//! //                  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
//! let len = rawmap::page_size();
//! // SAFETY: a new anonymous mapping, no address hint: nothing is replaced.
//! let ptr = unsafe {
//!     sys::mmap(core::ptr::null_mut(), len, ProtFlags::READ | ProtFlags::WRITE,
//!               MapFlags::SHARED | MapFlags::ANONYMOUS, None, 0)
//! }?;
//! // SAFETY: `ptr` is the start of the `len` bytes just mapped, unused since.
//! unsafe { sys::munmap(ptr, len) }?;
//! # Ok::<(), rawmap::Errno>(())
//! ```
//!
//! Functions that can break memory safety (anything that maps, unmaps or
//! changes the protection of memory, `fork`) are `unsafe`; the others take
//! [`BorrowedFd`](crate::BorrowedFd)s and slices and are safe.
//!
//! Architecture differences live in one place, `src/sys/arch.rs` and one
//! file per arch under `src/sys/arch/`, each opening with a table of its
//! quirks: aarch64 and riscv64 have no `open` system call, so [`open`] is
//! `openat(AT_FDCWD, ..)` there; s390x passes `mmap`'s arguments in a
//! block and `clone`'s stack before its flags.
//!
mod arch;
mod errno;
mod fallocate;
mod fcntl;
mod fs;
mod iovec;
mod memfd;
mod mm;
mod process;

pub use errno::Errno;
pub use fallocate::{fallocate, posix_fadvise};
pub use fcntl::{
    fcntl_add_seals, fcntl_dupfd_cloexec, fcntl_get_seals, fcntl_getfd, fcntl_getfl, fcntl_setfd,
    fcntl_setfl,
};
pub(crate) use fs::close_raw;
pub use fs::{
    Stat, Whence, close, fdatasync, fstat, fsync, ftruncate, lseek, open, openat, pread, preadv,
    pwrite, pwritev, read, truncate, unlink, write,
};
pub use iovec::{IoSlice, IoSliceMut};
pub use memfd::memfd_create;
pub use mm::{madvise, mincore, mlock, mlock2, mmap, mprotect, mremap, msync, munlock, munmap};
#[cfg(target_arch = "x86_64")]
pub(crate) use process::fs_base;
pub use process::{
    Pid, Resource, Rlimit, WaitStatus, exit_group, fork, getpid, kill, prlimit64, wait4,
};
