//! `StableDeref` for [`Mmap`] and [`MmapMut`] (feature
//! `stable_deref_trait`), for zero-copy owners such as `owning_ref`,
//! `yoke` and `rental`-style crates.
//!
//! Why it is sound: the trait asks that `deref` (and `deref_mut`) return
//! the same address every time, that the address stays valid for the
//! value's whole life, through moves of the value and through any `&self`
//! method. A map's bytes live in the kernel's mapping, not in the struct:
//! moving an `Mmap` moves a pointer, never the memory. No `&self` method
//! moves or unmaps it (`flush`, `advise`, `lock` act on the pages in
//! place; the contents-changing `advise_unchecked` changes bytes, never
//! the address). Only `&mut self` methods (`remap*`) and consuming ones
//! (`make_*`, `into_raw`) move or unmap it, and the trait places no
//! requirement on those (as for `Vec`, whose `push` reallocates). An empty
//! map derefs to the same page-aligned pointer every time.
//!
//! [`MmapRaw`](super::MmapRaw) does not deref at all, so it has no
//! `StableDeref`.

use stable_deref_trait::StableDeref;

use super::{Mmap, MmapMut};

// SAFETY: see the module docs: the deref target is the mapping, whose
// address only `&mut self` and consuming methods change.
unsafe impl StableDeref for Mmap {}
// SAFETY: as above; `deref_mut` returns the same address as `deref`.
unsafe impl StableDeref for MmapMut {}
