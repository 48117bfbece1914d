//! Memory mapping for Linux with **no libc at all**.
//!
//! rawmap issues `mmap`, `munmap`, `openat`, `ftruncate` and friends as
//! inline system calls on x86_64, aarch64, riscv64, powerpc64le and s390x,
//! decodes the kernel's `-errno` into [`Errno`], and builds on that:
//!
//! - [`sys`]: the raw layer, one thin wrapper per system call, named and
//!   ordered like the C functions (`mmap(addr, len, prot, flags, fd, offset)`).
//! - [`mmap`]: safe mappings that unmap themselves exactly on drop:
//!   [`MapOptions`], read-only [`Mmap`], writable [`MmapMut`] and
//!   raw-pointer [`MmapRaw`] (for memory others change) over a [`File`],
//!   a sealed memfd or anonymous memory.
//! - [`Errno`], the typed [`flags`], [`OwnedFd`]/[`BorrowedFd`]
//!   and [`page_size`].
//! - [`alloc`]: [`Bump`], an upward bump arena on anonymous mappings (the
//!   `allocator-api2` feature adds `Allocator` for `&Bump`), and
//!   [`GlobalBump`], a lock-free `#[global_allocator]` for no-libc programs.
//! - `rt` (feature `rt`, only for programs that have no libc): a `_start`
//!   per architecture, a panic handler and the `mem*` symbols, so that a
//!   `#![no_std] #![no_main]` static binary can run with rawmap alone.
//!
//! The crate is `#![no_std]` and never links libc: it works in a static
//! binary that has neither. The optional `std` feature only adds conversions
//! into `std` types.
#![cfg_attr(not(test), no_std)]
#![deny(unsafe_op_in_unsafe_fn)]
#![deny(missing_docs)]
#![deny(missing_debug_implementations)]
#![deny(clippy::must_use_candidate, clippy::return_self_not_must_use)]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(not(target_os = "linux"))]
compile_error!("rawmap supports Linux only");
#[cfg(not(any(
    target_arch = "x86_64",
    target_arch = "aarch64",
    target_arch = "riscv64",
    all(target_arch = "powerpc64", target_endian = "little"),
    target_arch = "s390x",
    target_arch = "loongarch64",
    target_arch = "x86",
    all(target_arch = "arm", target_endian = "little")
)))]
compile_error!(
    "rawmap supports x86_64, aarch64, riscv64, powerpc64le, s390x, loongarch64, i686 and armv7"
);

#[cfg(feature = "std")]
extern crate std;

pub mod alloc;
pub mod fd;
pub mod file;
pub mod flags;
pub mod mmap;
pub mod page;
pub mod path;
#[cfg(feature = "rt")]
pub mod rt;
pub mod sys;

pub use alloc::{AllocError, Bump, GlobalBump, bump, global as global_bump};
pub use fd::{AsFd, BorrowedFd, OwnedFd, RawFd};
pub use file::File;
pub use flags::{
    Advice, FallocateFlags, FdFlags, FileAdvice, MapFlags, MemfdFlags, MlockFlags, Mode,
    MremapFlags, MsyncFlags, OFlags, ProtFlags, SealFlags,
};
pub use mmap::{MapOptions, Mmap, MmapMut, MmapRaw};
pub use page::page_size;
pub use sys::Errno;

/// The README's code, compiled and run as a doctest.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
