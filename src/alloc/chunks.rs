//! Walking an arena's memory: [`Bump::iter_allocated_chunks`] (as in
//! bumpalo) and [`Bump::contains`], the containment check tests use.

use core::marker::PhantomData;
use core::mem::MaybeUninit;

use super::bump::Bump;

/// The used part of every chunk of a [`Bump`], then every live large block:
/// `(start, len)` pairs, newest first. From
/// [`Bump::iter_allocated_chunks_raw`].
#[derive(Debug)]
pub struct ChunkRawIter<'a> {
    /// The current chunk, not yet yielded.
    current: Option<(*mut u8, usize)>,
    /// The next retired chunk's footer.
    retired: *const super::bump::Footer,
    /// The next large block's header.
    large: *const super::bump::Large,
    _bump: PhantomData<&'a Bump>,
}

impl Iterator for ChunkRawIter<'_> {
    type Item = (*mut u8, usize);

    fn next(&mut self) -> Option<(*mut u8, usize)> {
        if let Some(c) = self.current.take() {
            return Some(c);
        }
        if !self.retired.is_null() {
            // SAFETY: a footer the arena wrote; its chunk is mapped while
            // the arena is borrowed and not reset.
            let f = unsafe { &*self.retired };
            self.retired = f.prev;
            return Some((f.base as *mut u8, f.used));
        }
        if !self.large.is_null() {
            // SAFETY: a live large block's header, as above.
            let (l, block) = unsafe { (&*self.large, Bump::large_block(self.large)) };
            self.large = l.prev;
            return Some((block as *mut u8, l.size));
        }
        None
    }
}

/// The used part of every chunk (and every live large block) of a [`Bump`]
/// as bytes, newest first. From [`Bump::iter_allocated_chunks`].
#[derive(Debug)]
pub struct ChunkIter<'a> {
    raw: ChunkRawIter<'a>,
}

impl<'a> Iterator for ChunkIter<'a> {
    type Item = &'a [MaybeUninit<u8>];

    fn next(&mut self) -> Option<&'a [MaybeUninit<u8>]> {
        let (p, len) = self.raw.next()?;
        // SAFETY: `p..p+len` is mapped for as long as the arena is borrowed
        // mutably (no block can be allocated, freed or reset meanwhile);
        // `MaybeUninit` makes no claim about the contents.
        Some(unsafe { core::slice::from_raw_parts(p.cast::<MaybeUninit<u8>>(), len) })
    }
}

impl Bump {
    /// The bytes handed out, chunk by chunk, newest first: the used part of
    /// the current chunk, of every older chunk, then every live large
    /// block. Inside a chunk blocks are in allocation order (the arena bumps
    /// upward; bumpalo, which bumps downward, yields them newest first).
    /// Padding and freed blocks' bytes are included, hence `MaybeUninit`.
    pub fn iter_allocated_chunks(&mut self) -> ChunkIter<'_> {
        // SAFETY: `&mut self`: nothing allocates or frees while the
        // iterator borrows the arena.
        ChunkIter {
            raw: unsafe { self.iter_allocated_chunks_raw() },
        }
    }

    /// [`Bump::iter_allocated_chunks`] as `(start, len)` pairs, through a
    /// shared reference.
    ///
    /// # Safety
    ///
    /// The arena must not allocate, free, resize or reset anything while
    /// the iterator is used (the chunk list would change under it), and the
    /// bytes may only be read as far as the caller's own use of the blocks
    /// allows (live references to blocks are not aliased away by a pair).
    pub unsafe fn iter_allocated_chunks_raw(&self) -> ChunkRawIter<'_> {
        let (base, used) = self.current_used();
        ChunkRawIter {
            current: (base != 0).then_some((base as *mut u8, used)),
            retired: self.retired_head(),
            large: self.large_head(),
            _bump: PhantomData,
        }
    }

    /// Whether `p` lies in a byte this arena handed out: in the used part
    /// of one of its chunks or in a live large block. A test's check that
    /// a pointer came from this arena (O(chunks + large blocks)); bytes of
    /// blocks freed but not rolled back still count.
    pub fn contains<T: ?Sized>(&self, p: *const T) -> bool {
        let p = p.cast::<u8>() as usize;
        // SAFETY: only the addresses are used, while `&self` keeps the
        // chunk list as it is (this loop allocates nothing).
        unsafe { self.iter_allocated_chunks_raw() }
            .any(|(start, len)| (start as usize..start as usize + len).contains(&p))
    }
}
