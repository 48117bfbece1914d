//! Large blocks live in mappings of their own, visible in /proc/self/maps
//! and gone once freed; a dropped `Bump` leaves no mapping behind.
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
    drop(b);
    assert!(range(small).is_none(), "chunk still mapped after drop");
    assert!(range(big).is_none(), "large block still mapped after drop");

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
