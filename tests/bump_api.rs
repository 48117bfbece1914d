//! `Bump`'s bumpalo-style API: in-place construction, slice filling, the
//! arena `String` and `format_in!`, `extend_from_slice_copy`, chunk
//! iteration and containment. Written from the behaviour bumpalo documents
//! for the same methods (not from its tests).
use std::cell::Cell;
use std::fmt::Write as _;
use std::panic::{AssertUnwindSafe, catch_unwind};

use allocator_api2::vec::Vec as AVec;
use rawmap::bump::{AllocOrInitError, String, Vec as BVec, VecExt};
use rawmap::{AllocError, Bump, format_in};

#[test]
fn alloc_with_builds_in_the_arena() {
    let b = Bump::new();
    let x = b.alloc_with(|| [7u64; 64]);
    assert!(x.iter().all(|&v| v == 7));
    assert!(b.contains(x));
    assert_eq!(b.used_bytes(), 512);
    let z: &mut () = b.alloc_with(|| ());
    *z = ();
    assert_eq!(b.used_bytes(), 512, "a zero-size value takes no bytes");
    assert_eq!(*b.try_alloc_with(|| 5u16).unwrap(), 5);
}

#[test]
fn a_panicking_initialiser_gives_the_block_back() {
    let b = Bump::new();
    b.alloc(1u64);
    let before = b.used_bytes();
    let r = catch_unwind(AssertUnwindSafe(|| {
        b.alloc_with(|| -> [u8; 100] { panic!("initialiser fails") });
    }));
    assert!(r.is_err());
    assert_eq!(b.used_bytes(), before, "rolled back");
    // The arena is fine afterwards; the next block takes the same bytes.
    let y = b.alloc([3u8; 100]);
    assert_eq!(y[99], 3);
    let r = catch_unwind(AssertUnwindSafe(|| {
        b.alloc_slice_fill_with(10, |i| if i == 5 { panic!("at 5") } else { i });
    }));
    assert!(r.is_err());
    assert_eq!(b.used_bytes(), before + 100);
}

#[test]
fn alloc_try_with_rolls_back_on_err() {
    let b = Bump::new();
    b.alloc(0u32);
    let before = b.used_bytes();
    let ok: Result<&mut u64, ()> = b.alloc_try_with(|| Ok(42));
    assert_eq!(ok.map(|r| *r), Ok(42));
    // As in bumpalo, the initialiser's `Result` is written straight into
    // the block, so a kept value takes the room of the whole `Result`;
    // its alignment is u64's, 4 on i686: no padding there.
    let kept = std::mem::size_of::<Result<u64, ()>>();
    let pad = std::mem::align_of::<Result<u64, ()>>() - 4;
    assert_eq!(
        b.used_bytes(),
        before + pad + kept,
        "padding to the Result's alignment, then the Result"
    );
    let before = b.used_bytes();
    let err: Result<&mut [u8; 64], &str> = b.alloc_try_with(|| Err("no"));
    assert_eq!(err, Err("no"));
    assert_eq!(b.used_bytes(), before, "the block was given back");
    // When the initialiser allocated (and kept) a block after ours, ours
    // cannot be rolled back: its bytes stay, and everything still works.
    let err: Result<&mut [u8; 64], ()> = b.alloc_try_with(|| {
        b.alloc(1u8);
        Err(())
    });
    assert_eq!(err, Err(()));
    assert_eq!(
        b.used_bytes(),
        before + std::mem::size_of::<Result<[u8; 64], ()>>() + 1
    );
    assert_eq!(*b.alloc(9u8), 9);
}

#[test]
fn try_variants_report_both_failures() {
    let b = Bump::new();
    b.set_limit(Some(64));
    let called = Cell::new(false);
    let r = b.try_alloc_with(|| {
        called.set(true);
        [0u8; 100]
    });
    assert_eq!(r.map(|_| ()), Err(AllocError));
    assert!(!called.get(), "no block, so the initialiser is not called");
    let r = b.try_alloc_try_with(|| -> Result<[u8; 100], ()> { unreachable!() });
    assert_eq!(r.map(|_| ()), Err(AllocOrInitError::Alloc(AllocError)));
    let r = b.try_alloc_try_with(|| Err::<u32, _>("bad"));
    assert_eq!(r.map(|_| ()), Err(AllocOrInitError::Init("bad")));
    assert_eq!(b.used_bytes(), 0);
    assert_eq!(
        b.try_alloc_try_with(|| Ok::<_, ()>(7u32)).map(|r| *r),
        Ok(7)
    );
}

#[test]
fn slice_fill_family() {
    let b = Bump::new();
    assert_eq!(b.alloc_slice_fill_copy(4, 9u16), &[9, 9, 9, 9]);
    let s = std::string::String::from("ab");
    let c = b.alloc_slice_fill_clone(3, &s);
    assert_eq!(c, &["ab", "ab", "ab"]);
    assert_eq!(b.alloc_slice_fill_with(5, |i| i * i), &[0, 1, 4, 9, 16]);
    assert_eq!(b.alloc_slice_fill_default::<u8>(3), &[0, 0, 0]);
    assert_eq!(
        b.alloc_slice_fill_iter((1..5).map(|x| x * 10)),
        &[10, 20, 30, 40]
    );
    let src = [
        std::string::String::from("x"),
        std::string::String::from("yz"),
    ];
    let cl = b.alloc_slice_clone(&src);
    assert_eq!(cl, &src);
    assert_ne!(cl.as_ptr(), src.as_ptr());
    assert!(b.alloc_slice_fill_copy(0, 1u8).is_empty());
    // try_ variants: the same results, errors instead of panics.
    assert_eq!(b.try_alloc_slice_fill_copy(2, 1u8).unwrap(), &[1, 1]);
    assert_eq!(b.try_alloc_slice_fill_clone(1, &s).unwrap(), &["ab"]);
    assert_eq!(b.try_alloc_slice_fill_default::<u32>(2).unwrap(), &[0, 0]);
    assert_eq!(b.try_alloc_slice_fill_iter([5u8, 6]).unwrap(), &[5, 6]);
    assert_eq!(b.try_alloc_slice_clone(&src).unwrap(), &src);
    assert_eq!(
        b.try_alloc_slice_fill_with(2, |i| i as u8).unwrap(),
        &[0, 1]
    );
}

#[test]
fn slice_fill_failures_leave_the_arena_as_it_was() {
    let b = Bump::new();
    b.alloc(0u8);
    let before = b.used_bytes();
    // A length whose size overflows: an error, never a panic or UB.
    assert_eq!(
        b.try_alloc_slice_fill_copy(usize::MAX, 0u64).map(|_| ()),
        Err(AllocError)
    );
    assert_eq!(
        b.try_alloc_slice_fill_default::<u32>(usize::MAX / 2)
            .map(|_| ()),
        Err(AllocError)
    );
    assert_eq!(b.used_bytes(), before);
    // Over the limit: nothing is allocated, the fill function never runs.
    b.set_limit(Some(before + 10));
    let r = b.try_alloc_slice_fill_with(11, |_| -> u8 { unreachable!() });
    assert_eq!(r.map(|_| ()), Err(AllocError));
    assert_eq!(
        b.try_alloc_slice_fill_copy(10, 1u8).map(|s| s.len()),
        Ok(10)
    );
    b.set_limit(None);
    // An iterator that yields fewer items than it claims: a panic, and the
    // block is given back.
    struct Liar(u32);
    impl Iterator for Liar {
        type Item = u32;
        fn next(&mut self) -> Option<u32> {
            self.0 = self.0.checked_sub(1)?;
            Some(self.0)
        }
    }
    impl ExactSizeIterator for Liar {
        fn len(&self) -> usize {
            10
        }
    }
    let before = b.used_bytes();
    let r = catch_unwind(AssertUnwindSafe(|| b.alloc_slice_fill_iter(Liar(3)).len()));
    assert!(r.is_err());
    assert_eq!(b.used_bytes(), before);
    // A fallible fill stops at the first error and gives the block back.
    let r = b.alloc_slice_try_fill_with(8, |i| if i < 3 { Ok(i) } else { Err(i) });
    assert_eq!(r.map(|s| s.len()), Err(3));
    assert_eq!(b.used_bytes(), before);
    let r = b.alloc_slice_try_fill_with(3, Ok::<usize, ()>);
    assert_eq!(r.map(|s| *s == [0, 1, 2]), Ok(true));
}

#[test]
fn values_are_never_dropped() {
    thread_local!(static DROPS: Cell<usize> = const { Cell::new(0) });
    #[derive(Clone, Default)]
    struct D;
    impl Drop for D {
        fn drop(&mut self) {
            DROPS.with(|d| d.set(d.get() + 1));
        }
    }
    {
        let b = Bump::new();
        b.alloc_with(|| D);
        b.alloc_slice_fill_default::<D>(3);
        b.alloc_slice_fill_clone(2, &D);
    }
    // The one `D` passed by reference to `alloc_slice_fill_clone` was dropped.
    assert_eq!(DROPS.with(Cell::get), 1);
}

#[test]
fn string_grows_in_place_and_outlives_itself() {
    let b = Bump::new();
    let mut s = String::new_in(&b);
    assert_eq!((s.len(), s.capacity(), b.used_bytes()), (0, 0, 0));
    s.push_str("hello");
    let first = s.as_ptr();
    for _ in 0..100 {
        s.push_str(", world");
    }
    s.push('é');
    assert_eq!(s.len(), 5 + 700 + 2);
    assert_eq!(s.as_ptr(), first, "the most recent block grows in place");
    assert!(s.ends_with("world\u{e9}"));
    let kept: &mut str = s.into_bump_str();
    assert!(kept.starts_with("hello, world"));
    assert!(b.contains(kept.as_ptr()));
    let t = String::from_str_in("abc", &b);
    assert_eq!(t, "abc");
    assert_eq!(t.bump() as *const Bump, &b as *const Bump);
    // A dropped string gives its buffer back (the most recent block).
    let before = b.used_bytes();
    {
        let mut u = String::with_capacity_in(100, &b);
        u.push_str("temporary");
        assert!(b.used_bytes() >= before + 100);
    }
    assert!(
        b.used_bytes() <= before,
        "dropped: {} > {before}",
        b.used_bytes()
    );
}

#[test]
fn format_in_and_write_into_the_arena() {
    let b = Bump::new();
    let (x, y) = (3, "four");
    let s = format_in!(&b, "{x} and {} = {:>5}", y, 7.5);
    assert_eq!(s.as_str(), "3 and four =   7.5");
    let mut w = String::new_in(&b);
    write!(w, "{}-{}", 1, 2).unwrap();
    assert_eq!(w, "1-2");
    // Under a limit, writing fails with fmt::Error and the string stays.
    let small = Bump::new();
    small.set_limit(Some(16));
    let mut t = String::new_in(&small);
    t.push_str("12345678");
    assert!(write!(t, "{}", "x".repeat(100)).is_err());
    assert_eq!(t, "12345678");
    assert_eq!(t.try_push_str(&"y".repeat(100)), Err(AllocError));
    let r = catch_unwind(AssertUnwindSafe(|| {
        format_in!(&small, "{}", "z".repeat(100)).len()
    }));
    assert!(r.is_err(), "format_in! panics when the arena cannot grow");
}

#[test]
fn extend_from_slice_copy_on_an_arena_vec() {
    let b = Bump::new();
    let mut v = AVec::new_in(&b);
    v.extend_from_slice_copy(&[1u32, 2, 3]);
    v.extend_from_slice_copy(&[]);
    for _ in 0..1000 {
        v.extend_from_slice_copy(&[4, 5]);
    }
    assert_eq!(v.len(), 2003);
    assert_eq!(&v[..5], &[1, 2, 3, 4, 5]);
    assert_eq!(v[2002], 5);
    assert!(b.contains(&v[2002]));
    let mut w = AVec::new_in(&b);
    w.extend_from_slices_copy(&[&[1u8, 2][..], &[], &[3; 40]]);
    assert_eq!(w.len(), 42);
    assert_eq!((w[0], w[1], w[41]), (1, 2, 3));
    // Lengths whose sum overflows `usize`: a panic before anything is
    // copied, for a sized type (reserve) and a zero-sized one (the sum).
    let huge = [(); usize::MAX];
    let units: &[()] = &huge;
    let mut z = AVec::<(), _>::new_in(&b);
    z.extend_from_slice_copy(&[(), ()]);
    let r = catch_unwind(AssertUnwindSafe(|| {
        z.extend_from_slices_copy(&[units, units])
    }));
    assert!(r.is_err());
    assert_eq!(z.len(), 2);
}

#[test]
fn arena_vec_extends_in_place_and_counts_a_panicking_clone() {
    let b = Bump::new();
    let mut v = BVec::with_capacity_in(3, &b);
    v.extend_from_slice(&[1u32, 2]);
    v.extend_from_slice_copy(&[3]);
    let buf = v.as_ptr();
    // Past the capacity: the buffer is the most recent block, so it grows
    // in place.
    v.extend(4..=1000u32);
    v.extend(&[1001, 1002]);
    assert_eq!(v.as_ptr(), buf, "grown in place");
    assert_eq!(v.len(), 1002);
    assert!(v.iter().copied().eq(1..=1002u32));
    v.extend_from_slices_copy(&[&[7, 8], &[9]]);
    assert_eq!(&v[1002..], [7, 8, 9]);
    let kept = v.into_bump_slice();
    assert_eq!(kept.len(), 1005);
    assert!(b.contains(&kept[1004]));

    // An iterator that says it has 10 left but ends after 2, then one
    // that says 0 and yields 50: the length follows what was written.
    struct Liar(u32);
    impl Iterator for Liar {
        type Item = std::string::String;
        fn next(&mut self) -> Option<Self::Item> {
            self.0 += 1;
            (self.0 <= 2).then(|| (self.0 - 1).to_string())
        }
        fn size_hint(&self) -> (usize, Option<usize>) {
            (10, Some(10)) // wrong on purpose: safe code may lie
        }
    }
    let mut w = BVec::<std::string::String>::new_in(&b);
    w.extend(Liar(0));
    w.extend((0..50).filter(|_| true).map(|i| i.to_string()));
    assert_eq!(w.len(), 52);
    assert_eq!((w[1].as_str(), w[51].as_str()), ("1", "49"));

    // A `clone` that panics on the third element: the two before it stay
    // in the vector (and are dropped with it), nothing past them is read.
    struct Bomb(u32, std::rc::Rc<Cell<u32>>);
    impl Clone for Bomb {
        fn clone(&self) -> Self {
            assert!(self.0 != 3, "clone of 3");
            Bomb(self.0, self.1.clone())
        }
    }
    impl Drop for Bomb {
        fn drop(&mut self) {
            self.1.set(self.1.get() + 1);
        }
    }
    let drops = std::rc::Rc::new(Cell::new(0));
    let src: Vec<Bomb> = (1..=4).map(|i| Bomb(i, drops.clone())).collect();
    let mut x = BVec::new_in(&b);
    let r = catch_unwind(AssertUnwindSafe(|| x.extend_from_slice(&src)));
    assert!(r.is_err());
    assert_eq!(x.len(), 2);
    drop(x);
    assert_eq!(drops.get(), 2, "the two clones written were dropped");
}

#[test]
fn iter_allocated_chunks_covers_every_block() {
    let mut b = Bump::new();
    assert_eq!(b.iter_allocated_chunks().count(), 0);
    let mut addrs = Vec::new();
    // More than a chunk of 1000-byte blocks, and one large block.
    for i in 0..400u32 {
        addrs.push(b.alloc([i as u8; 1000]).as_ptr() as usize);
    }
    let big = b.alloc_slice_fill_copy(Bump::LARGE_THRESHOLD, 1u8);
    addrs.push(big.as_ptr() as usize);
    let chunks: Vec<(usize, usize)> = b
        .iter_allocated_chunks()
        .map(|c| (c.as_ptr() as usize, c.len()))
        .collect();
    assert!(chunks.len() >= 3, "{} chunks", chunks.len());
    let total: usize = chunks.iter().map(|c| c.1).sum();
    assert_eq!(total, b.used_bytes());
    for &a in &addrs {
        assert!(b.contains(a as *const u8));
        assert_eq!(
            chunks
                .iter()
                .filter(|(s, l)| (*s..s + l).contains(&a))
                .count(),
            1
        );
    }
    // The first 1000-byte block is the first thing in the oldest chunk.
    let oldest_small = chunks[chunks.len() - 2];
    assert_eq!(oldest_small.0, addrs[0]);
    // SAFETY: the bytes of the first block were written by `alloc`.
    let first =
        unsafe { b.iter_allocated_chunks().nth(chunks.len() - 2).unwrap()[999].assume_init() };
    assert_eq!(first, 0);
    let other = Bump::new();
    other.alloc(0u8);
    assert!(!other.contains(addrs[0] as *const u8));
    let local = 5u8;
    assert!(!b.contains(&local));
    b.reset();
    assert!(!b.contains(addrs[0] as *const u8) || b.used_bytes() > 0);
    assert_eq!(b.iter_allocated_chunks().map(|c| c.len()).sum::<usize>(), 0);
}
