//! The allocators, on anonymous private mappings (never on another
//! allocator):
//!
//! - [`bump`]: [`Bump`], a fast single-threaded arena, with its arena
//!   [`String`](bump::String) and the in-place and slice-filling
//!   constructors bumpalo users reach for;
//! - [`global`]: [`GlobalBump`], a lock-free process-wide allocator for
//!   `#[global_allocator]` in static binaries with no libc.
//!
//! Both take their memory from the chunk helpers of one private module
//! (`chunk.rs`: map, unmap, round up).

pub mod bump;
mod chunk;
pub mod global;

pub use bump::{AllocError, Bump};
pub use global::GlobalBump;
