//! `Bump`: the arena's API against the real kernel (and qemu-user).
mod common;

use std::alloc::Layout;
use std::ptr::NonNull;

use allocator_api2::boxed::Box as ABox;
use allocator_api2::vec::Vec as AVec;
use proptest::prelude::*;
use rawmap::{AllocError, Bump, page_size};

#[test]
fn values_slices_strings() {
    let b = Bump::new();
    assert_eq!((b.mapped_bytes(), b.used_bytes()), (0, 0));
    let x = b.alloc(0x1234_5678_u32);
    let y = b.alloc([7u64; 3]);
    let s = b.alloc_str("héllo");
    let v = b.alloc_slice_copy(&[1u16, 2, 3]);
    *x += 1;
    y[2] = 9;
    v[0] = 10;
    assert_eq!(*x, 0x1234_5679);
    assert_eq!(*y, [7, 7, 9]);
    assert_eq!(&*s, "héllo");
    assert_eq!(&*v, &[10, 2, 3]);
    let align_u64 = std::mem::align_of::<u64>(); // 4 on i686, 8 elsewhere
    assert_eq!(y.as_ptr() as usize % align_u64, 0);
    // Packed at their own alignment: the u32, 4 bytes of padding to the
    // u64s (none on i686), then the string and the u16s back to back.
    assert_eq!(b.used_bytes(), 4 + (align_u64 - 4) + 24 + 6 + 6);
    assert_eq!(s.as_ptr() as usize, y.as_ptr() as usize + 24);
    assert_eq!(v.as_ptr() as usize, s.as_ptr() as usize + 6);
    assert_eq!(b.mapped_bytes(), b.chunk_len());
    assert!(b.chunk_len() >= Bump::FIRST_CHUNK.max(page_size()));
    assert_eq!(b.chunk_len() % page_size(), 0);
    // Blocks are disjoint and bump upward.
    assert!((x as *mut u32 as usize) + 4 <= y.as_ptr() as usize);
    let e: &mut [u8] = b.alloc_slice_copy(&[]);
    assert!(e.is_empty());
    assert_eq!(b.try_alloc(1u8).map(|r| *r), Ok(1));
}

#[test]
fn every_alignment_up_to_twice_the_page() {
    let page = page_size();
    let b = Bump::new();
    let mut align = 1;
    while align <= page {
        for size in [0, 1, align, 3 * align + 1] {
            let l = Layout::from_size_align(size, align).unwrap();
            let p = b.try_alloc_layout(l).unwrap();
            assert_eq!(p.as_ptr() as usize % align, 0, "{l:?}");
            // SAFETY: a fresh block of `size` bytes.
            unsafe { p.as_ptr().write_bytes(0xAB, size) };
        }
        align *= 2;
    }
    // Above the page size: an error, never a panic, whatever the room left.
    let before = b.used_bytes();
    for size in [0, 1, page] {
        let l = Layout::from_size_align(size, 2 * page).unwrap();
        assert_eq!(b.try_alloc_layout(l), Err(AllocError));
        assert_eq!(Bump::new().try_alloc_layout(l), Err(AllocError));
    }
    assert_eq!(b.used_bytes(), before);
    // Growing a block to an alignment above the page size fails and keeps it.
    let l = Layout::from_size_align(8, 8).unwrap();
    let p = b.alloc_layout(l);
    let big = Layout::from_size_align(16, 2 * page).unwrap();
    // SAFETY: `p` is a live block allocated with `l`.
    assert_eq!(unsafe { b.grow_block(p, l, big) }, Err(AllocError));
}

#[test]
fn zero_size_blocks() {
    let b = Bump::new();
    for align in [1, 2, 8, 64, page_size()] {
        let l = Layout::from_size_align(0, align).unwrap();
        let p = b.try_alloc_layout(l).unwrap();
        assert_eq!(p.as_ptr() as usize % align, 0);
        // SAFETY: a zero-size block of ours.
        unsafe { b.dealloc(p, l) };
    }
    // Zero-size blocks alone map nothing.
    assert_eq!(b.mapped_bytes(), 0);
    let z: &mut () = b.alloc(());
    *z = ();
    // A zero-size block grows like any other.
    let l0 = Layout::from_size_align(0, 4).unwrap();
    let p = b.alloc_layout(l0);
    let l = Layout::from_size_align(12, 4).unwrap();
    // SAFETY: `p` is a live block of layout `l0`.
    let q = unsafe { b.grow_block(p, l0, l) }.unwrap();
    // SAFETY: `q` holds 12 bytes.
    unsafe { q.as_ptr().write_bytes(1, 12) };
    assert!(b.mapped_bytes() > 0);
}

#[test]
fn overflowing_layouts_fail_cleanly() {
    let page = page_size();
    let b = Bump::new();
    let huge = isize::MAX as usize - page;
    // With a 32-bit usize, isize::MAX is 2 GiB and the address space
    // (4 GiB for an i686 process on a 64-bit kernel or under qemu-user) can
    // hold one such block: the first may succeed (it is kept, so the space
    // stays taken), every later one must fail. On 64-bit all fail.
    let mut held = 0;
    let mut expect_fail = |r: Result<std::ptr::NonNull<u8>, AllocError>, what: &str| match r {
        Err(AllocError) => {}
        Ok(_) if cfg!(target_pointer_width = "32") && held == 0 => held += 1,
        Ok(p) => panic!("{what}: allocated at {p:p}"),
    };
    for align in [1, 8, page] {
        let l = Layout::from_size_align(huge - align, align).unwrap();
        expect_fail(b.try_alloc_layout(l), "huge - align");
    }
    // A slice whose byte size overflows isize cannot even be formed; the
    // largest Layout::array does, and fails.
    let l = Layout::array::<u64>(isize::MAX as usize / 8 - 1).unwrap();
    expect_fail(b.try_alloc_layout(l), "largest u64 array");
    // Growing a block to an impossible size keeps it intact.
    let small = Layout::new::<[u8; 16]>();
    let p = b.alloc_layout(small);
    // SAFETY: 16 fresh bytes.
    unsafe { p.as_ptr().write_bytes(0x5A, 16) };
    let l = Layout::from_size_align(huge, 1).unwrap();
    // SAFETY: `p` is a live block of layout `small`.
    assert_eq!(unsafe { b.grow_block(p, small, l) }, Err(AllocError));
    // SAFETY: still live, unchanged.
    assert!(
        unsafe { std::slice::from_raw_parts(p.as_ptr(), 16) }
            .iter()
            .all(|&x| x == 0x5A)
    );
    // The failures mapped nothing beyond the one chunk (and, on 32-bit,
    // the one huge block that fit).
    if held == 0 {
        assert_eq!(b.mapped_bytes(), b.chunk_len());
    } else {
        assert!(b.mapped_bytes() > huge / 2);
    }
}

#[test]
fn last_block_grows_shrinks_and_frees_in_place() {
    let b = Bump::new();
    let _first = b.alloc(0u32); // maps the chunk
    let before = b.used_bytes();
    let l4 = Layout::new::<u32>();
    let p = b.alloc_layout(l4);
    // SAFETY: the most recent block, 4 bytes.
    unsafe { p.cast::<u32>().as_ptr().write(77) };
    let l64 = Layout::new::<[u32; 16]>();
    // SAFETY: `p` is live with layout `l4`.
    let q = unsafe { b.grow_block(p, l4, l64) }.unwrap();
    assert_eq!(q, p, "the most recent block grows in place");
    assert_eq!(b.used_bytes(), before + 64);
    // SAFETY: `q` holds the old u32.
    assert_eq!(unsafe { q.cast::<u32>().as_ptr().read() }, 77);
    let l16 = Layout::new::<[u32; 4]>();
    // SAFETY: `q` is live with layout `l64`.
    let r = unsafe { b.shrink_block(q, l64, l16) }.unwrap();
    assert_eq!(r, p);
    assert_eq!(b.used_bytes(), before + 16, "the tail was given back");
    let next = b.alloc(0u32) as *mut u32 as usize;
    assert_eq!(next, p.as_ptr() as usize + 16, "and is reused");
    // SAFETY: live blocks with these layouts, most recent first.
    unsafe {
        b.dealloc(NonNull::new(next as *mut u8).unwrap(), Layout::new::<u32>());
        b.dealloc(r, l16);
    }
    assert_eq!(b.used_bytes(), before, "freeing the last blocks rolls back");
    assert_eq!(b.alloc_layout(l4), p);

    // A block that is not the most recent one moves when it grows.
    let a = b.alloc_layout(l4);
    // SAFETY: 4 bytes.
    unsafe { a.cast::<u32>().as_ptr().write(5) };
    let _later = b.alloc(1u8);
    // SAFETY: `a` is live with layout `l4`.
    let a2 = unsafe { b.grow_block(a, l4, l64) }.unwrap();
    assert_ne!(a2, a);
    // SAFETY: the contents moved along.
    assert_eq!(unsafe { a2.cast::<u32>().as_ptr().read() }, 5);
}

#[test]
fn growth_past_the_chunk_keeps_the_pointer_or_moves_the_chunk() {
    // A lone block that outgrows its chunk: the chunk is grown by mremap,
    // in place or moved by the kernel (the block alone in it), no copy.
    let b = Bump::new();
    let page = page_size();
    let mut l = Layout::from_size_align(page, 8).unwrap();
    let mut p = b.alloc_layout(l);
    let first_chunk = b.chunk_len();
    // SAFETY: `page` fresh bytes.
    unsafe { p.as_ptr().write_bytes(3, page) };
    // Below the large threshold, so the block stays in a chunk.
    let target = Bump::LARGE_THRESHOLD / 2;
    assert!(target > first_chunk);
    while l.size() < target {
        let nl = Layout::from_size_align(l.size() * 2, 8).unwrap();
        // SAFETY: `p` is live with layout `l`.
        p = unsafe { b.grow_block(p, l, nl) }.unwrap();
        // SAFETY: the new half is ours.
        unsafe {
            p.as_ptr()
                .add(l.size())
                .write_bytes(3, nl.size() - l.size())
        };
        l = nl;
    }
    // SAFETY: `p` holds `l.size()` bytes.
    let all = unsafe { std::slice::from_raw_parts(p.as_ptr(), l.size()) };
    assert!(all.iter().all(|&x| x == 3));
    // The block is still alone in a single chunk: nothing retired.
    assert_eq!(b.mapped_bytes(), b.chunk_len());
    assert!(b.chunk_len() >= target);
    assert_eq!(b.used_bytes(), l.size());
}

#[test]
fn large_blocks_have_their_own_mapping() {
    let b = Bump::new();
    let big = Layout::from_size_align(Bump::LARGE_THRESHOLD, 16).unwrap();
    let p = b.alloc_layout(big);
    assert_eq!(b.chunk_len(), 0, "no chunk for a large block");
    assert!(b.mapped_bytes() > Bump::LARGE_THRESHOLD);
    assert_eq!(b.used_bytes(), Bump::LARGE_THRESHOLD);
    // SAFETY: the whole block is writable.
    unsafe { p.as_ptr().write_bytes(9, big.size()) };
    let bigger = Layout::from_size_align(8 * Bump::LARGE_THRESHOLD, 16).unwrap();
    // SAFETY: live with layout `big`.
    let q = unsafe { b.grow_block(p, big, bigger) }.unwrap();
    // SAFETY: the old contents came along (mremap), the rest is ours.
    let s = unsafe { std::slice::from_raw_parts(q.as_ptr(), big.size()) };
    assert!(s.iter().all(|&x| x == 9));
    assert!(b.mapped_bytes() >= bigger.size());
    // Shrinking below the threshold moves it into a chunk.
    let small = Layout::from_size_align(100, 16).unwrap();
    // SAFETY: live with layout `bigger`.
    let r = unsafe { b.shrink_block(q, bigger, small) }.unwrap();
    // SAFETY: 100 bytes kept.
    assert!(
        unsafe { std::slice::from_raw_parts(r.as_ptr(), 100) }
            .iter()
            .all(|&x| x == 9)
    );
    assert_eq!(b.mapped_bytes(), b.chunk_len(), "the large mapping is gone");
    // Two large blocks, freed out of order.
    let l1 = b.alloc_layout(big);
    let l2 = b.alloc_layout(big);
    let l3 = b.alloc_layout(big);
    // SAFETY: live blocks with layout `big`, not used afterwards.
    unsafe {
        b.dealloc(l2, big);
        b.dealloc(l1, big);
        let l3 = b.grow_block(l3, big, bigger).unwrap();
        b.dealloc(l3, bigger);
    }
    assert_eq!(b.mapped_bytes(), b.chunk_len());
}

#[test]
fn reset_keeps_one_chunk() {
    let mut b = Bump::new();
    for i in 0..200_000u32 {
        b.alloc(i);
    }
    let _large = b.alloc_layout(Layout::from_size_align(Bump::LARGE_THRESHOLD, 8).unwrap());
    assert!(b.mapped_bytes() > b.chunk_len() + Bump::LARGE_THRESHOLD);
    let kept = b.chunk_len();
    b.reset();
    assert_eq!(b.used_bytes(), 0);
    assert_eq!(b.mapped_bytes(), kept);
    assert_eq!(b.chunk_len(), kept);
    // The kept chunk serves the next allocations without a new mapping.
    let x = b.alloc(5u64);
    assert_eq!(*x, 5);
    assert_eq!(b.mapped_bytes(), kept);
    // A reset of an arena that never mapped anything is fine too.
    let mut e = Bump::new();
    e.reset();
    e.reset_and_release();
    assert_eq!(e.mapped_bytes(), 0);
}

#[test]
fn reset_and_release_gives_pages_back() {
    let mut b = Bump::with_capacity(16 * page_size());
    let s = b.alloc_slice_copy(&[0xEEu8; 4096]);
    let addr = s.as_ptr() as usize;
    b.reset_and_release();
    assert_eq!(b.used_bytes(), 0);
    let again = b.alloc(0xEEu8) as *mut u8 as usize;
    assert_eq!(again, addr, "the kept chunk is reused from its start");
    // SAFETY: reading our own mapped chunk, past the new 16-byte block.
    let bytes = unsafe { std::slice::from_raw_parts((addr + 16) as *const u8, 4080) };
    if let Some(arch) = common::under_qemu() {
        eprintln!(
            "qemu-user ({arch}) may answer MADV_DONTNEED without reaching the kernel: \
             zeroed pages not asserted (first byte now {:#x})",
            bytes[0]
        );
    } else {
        assert!(bytes.iter().all(|&x| x == 0), "DONTNEED pages read as zero");
    }
}

#[test]
fn limit_turns_exhaustion_into_errors() {
    let b = Bump::new();
    let cap = 4 * Bump::FIRST_CHUNK.max(page_size());
    b.set_limit(Some(cap));
    assert_eq!(b.limit(), Some(cap));
    let mut n = 0usize;
    while b.try_alloc([0u8; 1000]).is_ok() {
        n += 1;
        assert!(n < cap, "the limit never bit");
    }
    // The limit counts blocks: every 1000-byte block that fits is given,
    // and the next one would pass the cap.
    assert!(b.used_bytes() <= cap && b.used_bytes() + 1000 > cap);
    assert_eq!(n, cap / 1000, "one block per 1000 bytes under the cap");
    // Chunks are sized to the room left: the mapping passes the cap by at
    // most a footer and a page's rounding per chunk (a handful of chunks).
    let page = page_size();
    assert!(
        b.mapped_bytes() <= cap + 8 * page,
        "mapped {} for a cap of {cap}",
        b.mapped_bytes()
    );
    let big = Layout::from_size_align(Bump::LARGE_THRESHOLD, 8).unwrap();
    assert_eq!(b.try_alloc_layout(big), Err(AllocError));
    let left = cap - b.used_bytes();
    assert_eq!(
        b.try_alloc_slice_copy(&vec![7u8; left]).map(|s| s.len()),
        Ok(left)
    );
    assert_eq!(b.used_bytes(), cap);
    assert_eq!(b.try_alloc(1u8), Err(AllocError));
    let r = std::panic::catch_unwind(|| {
        let b = Bump::new();
        b.set_limit(Some(0));
        b.alloc(1u8);
    });
    assert!(r.is_err(), "alloc (without try_) panics on exhaustion");
    b.set_limit(None);
    assert!(b.try_alloc_layout(big).is_ok());
}

#[test]
fn vec_of_a_million_u64_footprint() {
    let b = Bump::new();
    let mut v: AVec<u64, &Bump> = AVec::new_in(&b);
    let mut moves = 0;
    let mut last = v.as_ptr();
    for i in 0..1_000_000u64 {
        v.push(i);
        if v.as_ptr() != last {
            moves += 1;
            last = v.as_ptr();
        }
    }
    assert!(v.iter().enumerate().all(|(i, &x)| x == i as u64));
    let cap_bytes = v.capacity() * 8;
    let mapped = b.mapped_bytes();
    eprintln!(
        "1e6 pushes: capacity {cap_bytes} B, mapped {mapped} B, chunk {} B, {moves} address changes",
        b.chunk_len()
    );
    assert!(
        mapped <= cap_bytes + page_size() + b.chunk_len(),
        "mapped {mapped} > capacity {cap_bytes} + one chunk {}",
        b.chunk_len()
    );
    assert!(b.chunk_len() <= 2 * Bump::LARGE_THRESHOLD + page_size());
}

/// A `String`-like type on an allocator-api2 `Vec<u8>`.
struct ArenaString<'a>(AVec<u8, &'a Bump>);

impl<'a> ArenaString<'a> {
    fn new_in(b: &'a Bump) -> Self {
        Self(AVec::new_in(b))
    }
    fn push_str(&mut self, s: &str) {
        self.0.extend_from_slice(s.as_bytes());
    }
    fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap()
    }
}

/// A map kept as a sorted allocator-api2 `Vec` of pairs.
struct SortedMap<'a, K, V>(AVec<(K, V), &'a Bump>);

impl<'a, K: Ord, V> SortedMap<'a, K, V> {
    fn new_in(b: &'a Bump) -> Self {
        Self(AVec::new_in(b))
    }
    fn insert(&mut self, k: K, v: V) -> Option<V> {
        match self.0.binary_search_by(|(x, _)| x.cmp(&k)) {
            Ok(i) => Some(std::mem::replace(&mut self.0[i].1, v)),
            Err(i) => {
                self.0.insert(i, (k, v));
                None
            }
        }
    }
    fn get(&self, k: &K) -> Option<&V> {
        let i = self.0.binary_search_by(|(x, _)| x.cmp(k)).ok()?;
        Some(&self.0[i].1)
    }
}

#[test]
fn collections_in_the_arena() {
    let b = Bump::new();
    let mut s = ArenaString::new_in(&b);
    let mut m: SortedMap<'_, u32, ArenaString<'_>> = SortedMap::new_in(&b);
    for i in (0..2000u32).rev() {
        s.push_str(&i.to_string());
        let mut name = ArenaString::new_in(&b);
        name.push_str("key-");
        name.push_str(&i.to_string());
        assert!(m.insert(i % 1500, name).is_none() || i < 500);
    }
    assert!(s.as_str().starts_with("199919981997"));
    assert_eq!(m.0.len(), 1500);
    assert_eq!(m.get(&7).unwrap().as_str(), "key-7");
    assert_eq!(m.get(&1499).unwrap().as_str(), "key-1499");
    assert!(m.get(&1500).is_none());
    let boxed = ABox::new_in([1u64, 2, 3], &b);
    assert_eq!(boxed.iter().sum::<u64>(), 6);
    let mut v = AVec::with_capacity_in(10, &b);
    v.extend(0..10u8);
    v.shrink_to_fit();
    v.truncate(3);
    v.shrink_to_fit();
    assert_eq!(&v[..], &[0, 1, 2]);
    drop((s, m, boxed, v));
    assert!(b.used_bytes() > 0);
}

/// A random sequence of operations on one arena, checked against a model.
#[derive(Clone, Debug)]
enum Op {
    Alloc { size: usize, align_log: u32 },
    Grow { which: usize, by: usize },
    Shrink { which: usize, to_permille: usize },
    Free { which: usize },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0usize..3000, 0u32..8).prop_map(|(size, align_log)| Op::Alloc { size, align_log }),
        1 => (0usize..3000, 0usize..3000).prop_map(|(size, align_log)| Op::Alloc {
            size: size * 800, align_log: (align_log % 13) as u32 }),
        3 => (any::<usize>(), 0usize..100_000).prop_map(|(which, by)| Op::Grow { which, by }),
        2 => (any::<usize>(), 0usize..1000).prop_map(|(which, to_permille)| Op::Shrink { which, to_permille }),
        2 => any::<usize>().prop_map(|which| Op::Free { which }),
    ]
}

struct Live {
    ptr: NonNull<u8>,
    layout: Layout,
    fill: u8,
}

/// Checks alignment and contents: every byte when `full`, otherwise the
/// first and last 256 bytes of each block (keeps the loop fast).
fn check(live: &[Live], full: bool) {
    for l in live {
        assert_eq!(l.ptr.as_ptr() as usize % l.layout.align(), 0);
        // SAFETY: a live block of `l.layout.size()` bytes.
        let s = unsafe { std::slice::from_raw_parts(l.ptr.as_ptr(), l.layout.size()) };
        let ok = if full || s.len() <= 512 {
            s.iter().all(|&x| x == l.fill)
        } else {
            s[..256]
                .iter()
                .chain(&s[s.len() - 256..])
                .all(|&x| x == l.fill)
        };
        assert!(ok, "block {:?} clobbered", l.layout);
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: if common::under_qemu().is_some() { 24 } else { 128 },
        failure_persistence: None,
        ..ProptestConfig::default()
    })]
    #[test]
    fn random_operations_keep_blocks_intact(ops in prop::collection::vec(op(), 1..60)) {
        let page = page_size();
        let b = Bump::new();
        let mut live: Vec<Live> = Vec::new();
        for (n, op) in ops.into_iter().enumerate() {
            let fill = n as u8;
            match op {
                Op::Alloc { size, align_log } => {
                    let align = (1usize << align_log).min(page);
                    let layout = Layout::from_size_align(size, align).unwrap();
                    let ptr = b.try_alloc_layout(layout).unwrap();
                    // SAFETY: fresh block.
                    unsafe { ptr.as_ptr().write_bytes(fill, size) };
                    live.push(Live { ptr, layout, fill });
                }
                Op::Grow { which, by } if !live.is_empty() => {
                    let n = live.len();
                    let l = &mut live[which % n];
                    let nl = Layout::from_size_align(l.layout.size() + by, l.layout.align()).unwrap();
                    // SAFETY: a live block with its layout.
                    let p = unsafe { b.grow_block(l.ptr, l.layout, nl) }.unwrap();
                    // SAFETY: the new tail is ours.
                    unsafe { p.as_ptr().add(l.layout.size()).write_bytes(l.fill, by) };
                    (l.ptr, l.layout) = (p, nl);
                }
                Op::Shrink { which, to_permille } if !live.is_empty() => {
                    let n = live.len();
                    let l = &mut live[which % n];
                    let size = l.layout.size() * to_permille / 1000;
                    let nl = Layout::from_size_align(size, l.layout.align()).unwrap();
                    // SAFETY: a live block with its layout.
                    l.ptr = unsafe { b.shrink_block(l.ptr, l.layout, nl) }.unwrap();
                    l.layout = nl;
                }
                Op::Free { which } if !live.is_empty() => {
                    let l = live.swap_remove(which % live.len());
                    // SAFETY: a live block with its layout, forgotten now.
                    unsafe { b.dealloc(l.ptr, l.layout) };
                }
                _ => {}
            }
            check(&live, false);
        }
        check(&live, true);
        // No two live blocks overlap.
        let mut spans: Vec<(usize, usize)> = live
            .iter()
            .filter(|l| l.layout.size() > 0)
            .map(|l| (l.ptr.as_ptr() as usize, l.layout.size()))
            .collect();
        spans.sort();
        for w in spans.windows(2) {
            prop_assert!(w[0].0 + w[0].1 <= w[1].0, "overlap {:?}", w);
        }
        let total: usize = live.iter().map(|l| l.layout.size()).sum();
        prop_assert!(b.used_bytes() >= total);
    }
}

#[test]
fn shrink_refuses_an_alignment_above_the_page_size() {
    let page = page_size();
    let b = Bump::new();
    let l = Layout::from_size_align(page, page).unwrap();
    let over = Layout::from_size_align(8, 2 * page).unwrap();
    // Page-aligned blocks until one happens to sit on a 2-page boundary:
    // shrinking it in place would "succeed" by luck, as `alloc` of the same
    // layout never does.
    let p = (0..8)
        .map(|_| b.alloc_layout(l))
        .find(|p| (p.as_ptr() as usize).is_multiple_of(2 * page))
        .expect("one of 8 consecutive pages is 2-page aligned");
    // SAFETY: `p` is a live block of layout `l`.
    unsafe { p.as_ptr().write_bytes(0x3C, 8) };
    assert_eq!(b.try_alloc_layout(over), Err(AllocError));
    // SAFETY: as above.
    assert_eq!(unsafe { b.shrink_block(p, l, over) }, Err(AllocError));
    // SAFETY: the failed shrink left the block as it was.
    assert_eq!(unsafe { p.as_ptr().read() }, 0x3C);
}

#[test]
fn a_limit_of_usize_max_reads_back() {
    let b = Bump::new();
    assert_eq!(b.limit(), None);
    b.set_limit(Some(usize::MAX));
    assert_eq!(b.limit(), Some(usize::MAX));
    assert_eq!(*b.alloc(5u8), 5);
    b.set_limit(None);
    assert_eq!(b.limit(), None);
}

#[test]
fn allocator_grow_is_not_shadowed_on_a_bump_reference() {
    use allocator_api2::alloc::Allocator;
    let b = Bump::new();
    let r = &b;
    let l4 = Layout::new::<[u8; 4]>();
    let l64 = Layout::new::<[u8; 64]>();
    let p = r.allocate(l4).unwrap().cast::<u8>();
    // SAFETY: 4 fresh bytes.
    unsafe { p.as_ptr().write_bytes(9, 4) };
    // Method syntax on `&Bump` reaches `Allocator::grow` (a slice pointer
    // comes back), not an inherent method of the same name.
    // SAFETY: `p` is a live block of `r` with layout `l4`.
    let q: NonNull<[u8]> = unsafe { r.grow(p, l4, l64) }.unwrap();
    assert_eq!(q.len(), 64);
    let q = q.cast::<u8>().as_ptr();
    // SAFETY: `q` holds 64 bytes, the first 4 kept.
    assert_eq!(unsafe { std::slice::from_raw_parts(q, 4) }, &[9; 4]);
    // SAFETY: `q` is live with layout `l64`.
    let s: NonNull<[u8]> = unsafe { r.shrink(NonNull::new(q).unwrap(), l64, l4) }.unwrap();
    assert_eq!(s.len(), 4);
}

#[test]
fn growing_the_last_block_after_frees_out_of_order_keeps_the_others() {
    let b = Bump::new();
    let l = Layout::from_size_align(256, 8).unwrap();
    let blocks: Vec<_> = (0..4u8)
        .map(|i| {
            let p = b.alloc_layout(l);
            // SAFETY: 256 fresh bytes.
            unsafe { p.as_ptr().write_bytes(i + 1, 256) };
            p
        })
        .collect();
    // Free the second block (not the most recent: it stays), then the last
    // (rolled back): the third is now the most recent.
    // SAFETY: live blocks of layout `l`, not used afterwards.
    unsafe {
        b.dealloc(blocks[1], l);
        b.dealloc(blocks[3], l);
    }
    // Growing the third past the chunk extends the chunk in place or moves
    // the block; either way the first block stays intact.
    let big = Layout::from_size_align(2 * b.chunk_len(), 8).unwrap();
    // SAFETY: `blocks[2]` is live with layout `l`.
    let q = unsafe { b.grow_block(blocks[2], l, big) }.unwrap();
    // SAFETY: live blocks of at least 256 bytes.
    unsafe {
        assert!(
            std::slice::from_raw_parts(q.as_ptr(), 256)
                .iter()
                .all(|&x| x == 3)
        );
        let first = std::slice::from_raw_parts(blocks[0].as_ptr(), 256);
        assert!(first.iter().all(|&x| x == 1));
    }
}

#[test]
fn a_limit_below_a_page_still_allows_that_many_bytes() {
    // bumpalo's `set_allocation_limit(Some(512))` allocates up to 512 bytes;
    // so does this, although a chunk is at least a page.
    let b = Bump::new();
    b.set_limit(Some(512));
    let first = b.try_alloc_slice_copy(&[1u8; 500]).map(|s| s.len());
    assert_eq!(first, Ok(500));
    assert_eq!(b.try_alloc([2u8; 13]), Err(AllocError), "513 bytes > 512");
    assert_eq!(b.try_alloc([3u8; 12]).map(|a| a[11]), Ok(3));
    assert_eq!(b.used_bytes(), 512);
    assert_eq!(b.chunk_capacity(), 0, "no room left under the limit");
    assert_eq!(b.try_alloc(0u8), Err(AllocError));
    // Raising the limit opens the rest of the chunk.
    b.set_limit(Some(1024));
    assert_eq!(b.chunk_capacity(), 512);
    assert!(b.try_alloc([4u8; 512]).is_ok());
    // Lowering it below the usage makes allocations fail, maps nothing.
    let mapped = b.mapped_bytes();
    b.set_limit(Some(100));
    assert_eq!(b.try_alloc(0u8), Err(AllocError));
    assert_eq!(b.mapped_bytes(), mapped);
}

#[test]
fn chunk_capacity_is_the_room_left_and_allocated_bytes_the_chunks() {
    // bumpalo's meanings: `chunk_capacity` is what the current chunk still
    // holds, `allocated_bytes` the bytes of its chunks.
    let b = Bump::new();
    assert_eq!(
        (b.chunk_capacity(), b.allocated_bytes(), b.chunk_len()),
        (0, 0, 0)
    );
    b.alloc(1u64);
    let room = b.chunk_capacity();
    assert!(
        room > 0 && room < b.chunk_len(),
        "room {room}, chunk {}",
        b.chunk_len()
    );
    b.alloc([0u8; 100]);
    assert_eq!(b.chunk_capacity(), room - 100);
    assert_eq!(b.allocated_bytes(), b.chunk_len());
    assert_eq!(b.allocated_bytes(), b.mapped_bytes());
    assert_eq!(b.chunk_len() % page_size(), 0);
    // Filling the room exactly leaves 0; the next byte takes a new chunk.
    let rest = b.chunk_capacity();
    b.alloc_slice_copy(&vec![0u8; rest]);
    assert_eq!(b.chunk_capacity(), 0);
    let one_chunk = b.allocated_bytes();
    b.alloc(0u8);
    assert!(b.allocated_bytes() > one_chunk);
}

#[test]
fn a_million_u8_map_at_most_1_1x_what_bumpalo_allocates() {
    let n = 1_000_000;
    let b = Bump::new();
    let peer = bumpalo::Bump::new();
    for i in 0..n {
        let (x, y) = (b.alloc(i as u8), peer.alloc(i as u8));
        assert_eq!(*x, *y);
    }
    // Packed at their own alignment: one byte each, no padding.
    assert_eq!(b.used_bytes(), n);
    let (ours, theirs) = (b.mapped_bytes(), peer.allocated_bytes());
    eprintln!("10^6 u8: rawmap maps {ours} B, bumpalo allocates {theirs} B");
    assert!(
        ours * 10 <= theirs * 11,
        "rawmap maps {ours} B, over 1.1x bumpalo's {theirs} B"
    );
}
