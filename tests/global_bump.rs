//! `GlobalBump` through the `GlobalAlloc` interface, one thread. Each test
//! uses its own static allocator (not the test binary's global allocator),
//! so that "the most recent block" is well defined.
mod common;

use std::alloc::{GlobalAlloc, Layout};

use rawmap::{GlobalBump, page_size};

fn fill(p: *mut u8, n: usize, v: u8) {
    // SAFETY: callers pass a live block of at least `n` bytes.
    unsafe { p.write_bytes(v, n) };
}

fn holds(p: *const u8, n: usize, v: u8) -> bool {
    // SAFETY: callers pass a live block of at least `n` bytes.
    unsafe { std::slice::from_raw_parts(p, n) }
        .iter()
        .all(|&x| x == v)
}

#[test]
fn alignments_up_to_twice_the_page() {
    static A: GlobalBump = GlobalBump::new();
    let page = page_size();
    let mut align = 1;
    while align <= page {
        for size in [1, align, 3 * align + 1, GlobalBump::LARGE_THRESHOLD + 1] {
            let l = Layout::from_size_align(size, align).unwrap();
            // SAFETY: non-zero size.
            let p = unsafe { A.alloc(l) };
            assert!(!p.is_null(), "{l:?}");
            assert_eq!(p as usize % align, 0, "{l:?}");
            fill(p, size, 0xC3);
        }
        align *= 2;
    }
    for size in [1, page, GlobalBump::LARGE_THRESHOLD * 2] {
        let l = Layout::from_size_align(size, 2 * page).unwrap();
        // SAFETY: non-zero size.
        assert!(
            unsafe { A.alloc(l) }.is_null(),
            "{l:?}: above the page size"
        );
        // SAFETY: non-zero size.
        assert!(unsafe { A.alloc_zeroed(l) }.is_null());
    }
}

#[test]
fn overflowing_sizes_return_null() {
    static A: GlobalBump = GlobalBump::new();
    let page = page_size();
    // With a 32-bit usize, isize::MAX is 2 GiB and the address space
    // (4 GiB for an i686 process on a 64-bit kernel or under qemu-user) can
    // hold one such block: the first may succeed (it is never freed, so
    // the space stays taken and the reallocs below must fail too), every
    // later one must return null. On 64-bit all do.
    let mut held = 0;
    for align in [1, 16, page] {
        let l = Layout::from_size_align(isize::MAX as usize - page, align).unwrap();
        // SAFETY: non-zero size.
        let p = unsafe { A.alloc(l) };
        if !p.is_null() {
            assert!(
                cfg!(target_pointer_width = "32") && held == 0,
                "allocated {p:p}"
            );
            held += 1;
        }
    }
    for old in [40, GlobalBump::LARGE_THRESHOLD] {
        let l = Layout::from_size_align(old, 8).unwrap();
        // SAFETY: non-zero size.
        let p = unsafe { A.alloc(l) };
        fill(p, old, 0x11);
        for new in [
            usize::MAX,
            usize::MAX - page,
            isize::MAX as usize,
            isize::MAX as usize - 7,
        ] {
            // SAFETY: `p` is live with layout `l`; the sizes break realloc's
            // contract on purpose: the allocator must still answer null.
            let q = unsafe { A.realloc(p, l, new) };
            assert!(q.is_null(), "realloc {old} -> {new:#x}");
        }
        assert!(holds(p, old, 0x11), "a failed realloc keeps the block");
        // SAFETY: live, forgotten now.
        unsafe { A.dealloc(p, l) };
    }
}

#[test]
fn most_recent_block_grows_shrinks_and_rolls_back() {
    static A: GlobalBump = GlobalBump::new();
    let l = Layout::from_size_align(24, 8).unwrap();
    // SAFETY: non-zero sizes; every pointer is live with the layout passed.
    unsafe {
        let p = A.alloc(l);
        fill(p, 24, 1);
        let q = A.realloc(p, l, 200);
        assert_eq!(q, p, "grows in place");
        assert!(holds(q, 24, 1));
        let l200 = Layout::from_size_align(200, 8).unwrap();
        let r = A.realloc(q, l200, 16);
        assert_eq!(r, p, "shrinks in place");
        let l16 = Layout::from_size_align(16, 8).unwrap();
        let s = A.alloc(l);
        assert_eq!(s as usize, p as usize + 16, "the tail was given back");
        A.dealloc(s, l);
        A.dealloc(r, l16);
        let t = A.alloc(l);
        assert_eq!(t, p, "freeing the most recent blocks rolls back");
        // An older block moves when it grows, keeping its bytes.
        fill(t, 24, 7);
        let newer = A.alloc(l);
        let u = A.realloc(t, l, 100);
        assert_ne!(u, t);
        assert!(holds(u, 24, 7));
        A.dealloc(newer, l);
    }
}

#[test]
fn zeroed_blocks_are_zero_even_after_a_rollback() {
    static A: GlobalBump = GlobalBump::new();
    let l = Layout::from_size_align(64, 8).unwrap();
    // SAFETY: non-zero sizes, live blocks.
    unsafe {
        let p = A.alloc(l);
        fill(p, 64, 0xFF);
        A.dealloc(p, l);
        let z = A.alloc_zeroed(l);
        assert_eq!(z, p);
        assert!(holds(z, 64, 0));
        let big = Layout::from_size_align(GlobalBump::LARGE_THRESHOLD * 3, 8).unwrap();
        let zb = A.alloc_zeroed(big);
        assert!(holds(zb, big.size(), 0));
        A.dealloc(zb, big);
    }
}

#[test]
fn large_blocks_realloc_and_accounting() {
    static A: GlobalBump = GlobalBump::new();
    let page = page_size();
    let large = GlobalBump::LARGE_THRESHOLD;
    let l = Layout::from_size_align(large, 16).unwrap();
    // SAFETY: non-zero sizes; each pointer is live with the layout passed.
    unsafe {
        let p = A.alloc(l);
        assert_eq!(p as usize % page, 0, "a large block is page aligned");
        assert_eq!(A.mapped_bytes(), large.next_multiple_of(page));
        fill(p, large, 4);
        let q = A.realloc(p, l, 16 * large);
        assert!(holds(q, large, 4));
        fill(q, 16 * large, 5);
        assert_eq!(A.mapped_bytes(), (16 * large).next_multiple_of(page));
        let l16 = Layout::from_size_align(16 * large, 16).unwrap();
        // Down to a small block: copied into a chunk, the mapping goes.
        let r = A.realloc(q, l16, 100);
        assert!(holds(r, 100, 5));
        assert_eq!(A.mapped_bytes(), GlobalBump::CHUNK_SIZE);
        // And back up.
        let l100 = Layout::from_size_align(100, 16).unwrap();
        let s = A.realloc(r, l100, 2 * large);
        assert!(holds(s, 100, 5));
        assert_eq!(s as usize % page, 0);
        A.dealloc(s, Layout::from_size_align(2 * large, 16).unwrap());
        assert_eq!(A.mapped_bytes(), GlobalBump::CHUNK_SIZE);
    }
}

#[test]
fn chunks_are_switched_and_never_overlap() {
    static A: GlobalBump = GlobalBump::new();
    let l = Layout::from_size_align(GlobalBump::LARGE_THRESHOLD - 1, 1).unwrap();
    let n = 3 * GlobalBump::CHUNK_SIZE / l.size();
    let mut blocks = Vec::with_capacity(n);
    for i in 0..n {
        // SAFETY: non-zero size.
        let p = unsafe { A.alloc(l) };
        assert!(!p.is_null());
        fill(p, l.size(), i as u8);
        blocks.push(p);
    }
    for (i, &p) in blocks.iter().enumerate() {
        assert!(holds(p, l.size(), i as u8));
    }
    assert!(A.mapped_bytes() >= 3 * GlobalBump::CHUNK_SIZE);
    assert_eq!(A.mapped_bytes() % GlobalBump::CHUNK_SIZE, 0);
}

#[test]
fn single_thread_variant() {
    // SAFETY: only this test's thread uses `A`.
    static A: GlobalBump = unsafe { GlobalBump::new_single_thread() };
    let l = Layout::from_size_align(10, 2).unwrap();
    // SAFETY: non-zero sizes, live blocks.
    unsafe {
        let p = A.alloc(l);
        fill(p, 10, 3);
        let q = A.realloc(p, l, 30);
        assert_eq!(p, q);
        assert!(holds(q, 10, 3));
        A.dealloc(q, Layout::from_size_align(30, 2).unwrap());
        assert_eq!(A.alloc(l), p);
    }
}

#[test]
fn a_doubling_buffer_like_std_vec() {
    // The call pattern std's `Vec` makes on its global allocator: realloc
    // to twice the capacity, past the large threshold (chunk to mapping,
    // then mremap).
    static A: GlobalBump = GlobalBump::new();
    let mut cap = 1usize;
    let mut l = Layout::array::<u32>(cap).unwrap();
    // SAFETY: non-zero sizes; `p` is live with layout `l` throughout.
    unsafe {
        let mut p = A.alloc(l).cast::<u32>();
        for i in 0..100_000u32 {
            if i as usize == cap {
                let nl = Layout::array::<u32>(cap * 2).unwrap();
                p = A.realloc(p.cast(), l, nl.size()).cast();
                assert!(!p.is_null());
                (cap, l) = (cap * 2, nl);
            }
            p.add(i as usize).write(i);
        }
        for i in 0..100_000u32 {
            assert_eq!(p.add(i as usize).read(), i);
        }
        A.dealloc(p.cast(), l);
    }
}

/// Which of the `pages` pages from `base` (page aligned) are resident.
fn resident(base: usize, pages: usize) -> Vec<bool> {
    let mut vec = vec![0u8; pages];
    // SAFETY: `base..base + pages * page` is mapped (a chunk of ours);
    // mincore writes one byte per page into `vec`.
    let r = unsafe { libc::mincore(base as *mut _, pages * page_size(), vec.as_mut_ptr()) };
    assert_eq!(r, 0, "mincore: {}", std::io::Error::last_os_error());
    vec.iter().map(|&b| b & 1 != 0).collect()
}

#[test]
fn zeroed_blocks_from_a_fresh_chunk_are_not_written() {
    static A: GlobalBump = GlobalBump::new();
    let page = page_size();
    // The first block maps a fresh chunk: it is zero already, and zeroing it
    // by hand would fault in every page. Below the large threshold, so it is
    // bumped from the chunk.
    let size = GlobalBump::LARGE_THRESHOLD - 1;
    let l = Layout::from_size_align(size, 8).unwrap();
    // SAFETY: a non-zero size; the block is only read within bounds.
    unsafe {
        let p = A.alloc_zeroed(l);
        assert!(!p.is_null());
        let first = (p as usize).next_multiple_of(page);
        let pages = (p as usize + size).saturating_sub(first) / page;
        if pages >= 1 {
            let res = resident(first, pages);
            assert!(
                res.iter().all(|&r| !r),
                "alloc_zeroed wrote a fresh chunk: resident pages {res:?}"
            );
        } else {
            // With 64K pages a block below the large threshold need not
            // hold a whole page (it does with 4K and 16K pages): then
            // residency cannot show whether it was written.
            assert!(
                page > size / 2,
                "a {size}-byte block spans no page of {page}"
            );
            eprintln!(
                "page size {page}: the {size}-byte block holds no whole page; residency not checked"
            );
        }
        assert!(holds(p, size, 0));
        // A block in a chunk already in use is zeroed by hand (it may hold a
        // rolled-back block's bytes).
        let s = Layout::from_size_align(64, 8).unwrap();
        let q = A.alloc(s);
        fill(q, 64, 0xEE);
        A.dealloc(q, s);
        let z = A.alloc_zeroed(s);
        assert_eq!(z, q);
        assert!(holds(z, 64, 0));
    }
}
