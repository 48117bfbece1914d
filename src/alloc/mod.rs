//! The allocators, on anonymous private mappings (never on another
//! allocator):
//!
//! - [`bump`]: [`Bump`], a fast single-threaded arena (`bump.rs`: the
//!   chunks and the fast path), with what bumpalo users reach for in files
//!   of their own: in-place construction (`with.rs`: `alloc_with` and
//!   friends), slices filled in place (`slice.rs`), the arena
//!   [`String`](bump::String) and `format_in!` (`string.rs`), chunk walking
//!   and containment (`chunks.rs`), with the
//!   `allocator-api2` feature the arena `Vec` and `VecExt` (`vec.rs`);
//! - [`global`]: [`GlobalBump`], a lock-free process-wide allocator for
//!   `#[global_allocator]` in static binaries with no libc.
//!
//! Both take their memory from the chunk helpers of one private module
//! (`chunk.rs`: map, unmap, round up).

pub mod bump;
mod cache;
mod chunk;
mod chunks;
pub mod global;
mod slice;
mod string;
pub(crate) mod thread;
#[cfg(feature = "allocator-api2")]
mod vec;
mod with;

pub use bump::{AllocError, Bump};
pub use global::GlobalBump;
