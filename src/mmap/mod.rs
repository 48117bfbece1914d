//! Safe mappings: owned maps of files and anonymous memory that unmap
//! themselves, exactly, on drop.
//!
//! - [`MapOptions`]: the builder (offset, length, populate, huge pages,
//!   no-reserve, stack, a fixed address that never replaces anything).
//! - [`Mmap`]: read-only, derefs to `&[u8]`.
//! - [`MmapMut`]: writable, derefs to `&mut [u8]`: a shared or private
//!   (copy-on-write) file map, or private or shared anonymous memory.
//! - [`MmapRaw`]: a raw pointer only, for memory others change under us
//!   (shared memory between processes, atomics, ring buffers).
//! - [`RemapOptions`]: resize in place only, or allow a move.
//! - [`RawParts`]: what [`Mmap::into_raw`] gives up and
//!   [`Mmap::from_raw`] takes back.
//!
//! What the raw layer leaves to the caller is settled here:
//!
//! - `munmap` always gets the page-aligned start and the whole mapped
//!   length (the seed's FAQ 1: `ptr++` then `munmap(ptr)` fails), rounded
//!   up to whole huge pages for `MAP_HUGETLB` maps.
//! - A length of 0 gives an empty map with no system call, an unaligned
//!   offset (FAQ 3) is aligned down internally, and a range past the end of
//!   the file or one that overflows is refused with an [`Errno`](crate::Errno)
//!   before the kernel sees it (see [`MapOptions`]).
//! - Every method that takes a range (`flush_range`, `advise_range`)
//!   checks it against the slice: `EOVERFLOW` when `offset + len`
//!   overflows, `EINVAL` when it ends past the slice.
//! - Mapping a file is `unsafe`, for reasons given once, in
//!   [why mapping a file is unsafe](Mmap#why-mapping-a-file-is-unsafe):
//!   in short, a truncated file raises SIGBUS, and the bytes can change
//!   under a `&[u8]`.
//!
//! ```
//! use rawmap::MapOptions;
//! // Shared anonymous memory: a forked child's writes are seen here.
//! let mut shared = MapOptions::new().len(rawmap::page_size()).map_anon_shared()?;
//! shared[0] = 1;
//! let shared = shared.make_read_only()?;
//! assert_eq!(shared[0], 1);
//! # Ok::<(), rawmap::Errno>(())
//! ```

mod huge;
mod methods;
mod mmap_raw;
mod options;
mod raw;
mod read_only;
mod remap;
#[cfg(feature = "stable_deref_trait")]
mod stable_deref;
mod writable;

pub use mmap_raw::MmapRaw;
pub use options::MapOptions;
pub use raw::RawParts;
pub use read_only::Mmap;
pub use remap::RemapOptions;
pub use writable::MmapMut;
