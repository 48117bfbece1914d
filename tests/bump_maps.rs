//! Large blocks live in mappings of their own, visible in /proc/self/maps
//! and gone once freed; a dropped `Bump` leaves no mapping behind but the
//! chunk it gives to the bounded cache of dropped chunks, which
//! `Bump::release_cache` unmaps.
//!
//! One test only, so that no other thread of this binary maps memory into
//! the ranges being checked.
mod common;

use std::alloc::{GlobalAlloc, Layout};

use rawmap::{Bump, GlobalBump, page_size};

/// `(start, end)` of the maps line that contains `addr`.
fn range(addr: usize) -> Option<(usize, usize, String)> {
    let line = common::maps_entry(addr)?;
    let r = line.split_whitespace().next().unwrap();
    let (a, b) = r.split_once('-').unwrap();
    let a = usize::from_str_radix(a, 16).unwrap();
    let b = usize::from_str_radix(b, 16).unwrap();
    Some((a, b, line))
}

#[test]
fn large_blocks_own_mappings_and_drop_unmaps() {
    let page = page_size();

    // Bump: a large block sits one page-rounded header after its mapping's
    // start, and the mapping is private, anonymous, read-write.
    let b = Bump::new();
    let size = Bump::LARGE_THRESHOLD + 5 * page + 3;
    let l = Layout::from_size_align(size, 64).unwrap();
    let p = b.alloc_layout(l).as_ptr() as usize;
    let (start, end, line) = range(p).expect("the large block is mapped");
    assert!(line.contains("rw-p"), "{line}");
    assert!(
        start <= p - 64 && end >= p + size,
        "{line} vs {p:#x}+{size}"
    );
    assert_eq!(b.mapped_bytes(), (size + 64).next_multiple_of(page));
    // SAFETY: live with layout `l`, forgotten now.
    unsafe { b.dealloc(std::ptr::NonNull::new(p as *mut u8).unwrap(), l) };
    assert!(range(p).is_none(), "freed large block still mapped");
    assert!(range(p + size - 1).is_none());
    assert_eq!(b.mapped_bytes(), 0);

    // A chunk and a large block, both gone with the arena.
    let small = b.alloc(7u64) as *mut u64 as usize;
    let big = b.alloc_layout(l).as_ptr() as usize;
    assert!(range(small).is_some() && range(big).is_some());
    let chunk = b.chunk_len();
    drop(b);
    assert!(range(big).is_none(), "large block still mapped after drop");
    // The chunk went to the process-wide cache of dropped chunks (this is
    // the binary's only test, so the cache was empty): still mapped until
    // a new arena takes it or the cache is released.
    assert!(
        range(small).is_some(),
        "the dropped arena's chunk is cached"
    );
    assert_eq!(Bump::release_cache(), chunk);
    assert!(
        range(small).is_none(),
        "chunk still mapped after release_cache"
    );
    assert_eq!(Bump::release_cache(), 0, "nothing left");

    // A fresh arena takes a cached chunk of its own length: the same
    // mapping again, no mmap.
    let a = Bump::new();
    let first = a.alloc(1u8) as *mut u8 as usize;
    drop(a);
    let a = Bump::new();
    let again = a.alloc(2u8) as *mut u8 as usize;
    assert_eq!(again, first, "the cached chunk was reused");
    assert_eq!(a.mapped_bytes(), chunk);
    drop(a);
    // The cache is bounded: of 6 arenas dropped at once, 4 chunks are kept
    // and the others unmapped right away.
    let arenas: Vec<Bump> = (0..6).map(|_| Bump::new()).collect();
    let firsts: Vec<usize> = arenas
        .iter()
        .map(|a| a.alloc(0u8) as *mut u8 as usize)
        .collect();
    drop(arenas);
    let kept = firsts.iter().filter(|&&p| range(p).is_some()).count();
    assert_eq!(kept, 4, "4 chunks cached, 2 unmapped");
    assert_eq!(Bump::release_cache(), 4 * chunk);
    assert!(firsts.iter().all(|&p| range(p).is_none()));

    // GlobalBump: a large block is a page-aligned mapping of its own,
    // grown by mremap and unmapped by dealloc.
    static A: GlobalBump = GlobalBump::new();
    let gl = Layout::from_size_align(GlobalBump::LARGE_THRESHOLD, 8).unwrap();
    // SAFETY: non-zero sizes; each pointer is live with the layout passed.
    unsafe {
        let g = A.alloc(gl) as usize;
        assert_eq!(g % page, 0);
        let (start, end, line) = range(g).expect("mapped");
        assert!(
            start <= g && end >= g + gl.size() && line.contains("rw-p"),
            "{line}"
        );
        let new_size = 64 * GlobalBump::LARGE_THRESHOLD;
        let h = A.realloc(g as *mut u8, gl, new_size) as usize;
        assert!(range(h + new_size - 1).is_some());
        if h != g {
            assert!(range(g).is_none(), "mremap moved the block: old range gone");
        }
        A.dealloc(h as *mut u8, Layout::from_size_align(new_size, 8).unwrap());
        assert!(range(h).is_none() && range(h + new_size - 1).is_none());
        assert_eq!(A.mapped_bytes(), 0);

        // Small blocks come from a chunk aligned to its size.
        let s = A.alloc(Layout::new::<u64>()) as usize;
        let base = s & !(GlobalBump::CHUNK_SIZE - 1);
        assert!(range(base).is_some() && range(base + GlobalBump::CHUNK_SIZE - 1).is_some());
        assert_eq!(A.mapped_bytes(), GlobalBump::CHUNK_SIZE);
    }
}
