//! The workloads behind the README's instruction counts for `Bump` against
//! bumpalo (`bash benches/bump_insns.sh`): `MODE N` runs N iterations of
//! one case of `benches/bumpalo_suite.rs` with one crate, `b-CASE` for
//! bumpalo and `r-CASE` for rawmap, so that callgrind can count the
//! user-space instructions per iteration (repeatable on a busy machine,
//! unlike time). `LEN` in the environment sets the byte count of the
//! `ext`, `efs` and `efsc2` cases (default 1024). The fresh-arena cases
//! (`alloc-small`, `atw-*`, `tatw-*`: 10,000 allocations in a new arena per
//! iteration) take a few N; the others thousands. `u8`, `arr` (a
//! `Layout::array::<u8>(LEN)` with `LEN` known only at run time), `shrink-sa`
//! (`u32` shrunk to `u16`), `shrink-same` (`[u32; 2]` to `u32`) and `first`
//! (new arena + first `u32`) are `benches/alloc.rs`'s cases, through the
//! `Allocator` trait with bumpalo as `Bump<8>` (10,007 operations per
//! iteration). Run under `cargo bench` (no MODE) it only prints how to use
//! it.
#![allow(clippy::type_complexity, clippy::result_large_err)] // the Big error on purpose, as in the suite

use std::alloc::Layout;
use std::hint::black_box;
#[derive(Default)]
struct Small(#[allow(dead_code)] u8);
#[derive(Default)]
struct Big(#[allow(dead_code)] [usize; 32]);
const N: usize = 10_000;
fn main() {
    let a: Vec<String> = std::env::args().skip(1).collect();
    let (mode, reps) = match a.as_slice() {
        [mode, n] if !mode.starts_with('-') => (mode.as_str(), n.parse::<usize>().expect("N")),
        _ => {
            println!("bump_insns: instruction counts come from `bash benches/bump_insns.sh`");
            return;
        }
    };
    let n: usize = std::env::var("LEN")
        .map(|v| v.parse().unwrap())
        .unwrap_or(1024);
    let src = vec![b'x'; n.max(16)];
    let src = &src[..];
    let srcn = &src[..n];
    let slices: Vec<&[u8]> = std::iter::repeat_n(&src[..16], 8).collect();
    match mode {
        "b-alloc-small" => {
            for _ in 0..reps {
                let ar = bumpalo::Bump::with_capacity(N);
                for _ in 0..N {
                    black_box(black_box(&ar).alloc(black_box(Small::default())) as *mut Small);
                }
            }
        }
        "r-alloc-small" => {
            for _ in 0..reps {
                let ar = rawmap::Bump::with_capacity(N);
                for _ in 0..N {
                    black_box(black_box(&ar).alloc(black_box(Small::default())) as *mut Small);
                }
            }
        }
        "b-atw-bs" => {
            for _ in 0..reps {
                let ar =
                    bumpalo::Bump::with_capacity(N * std::mem::size_of::<Result<Big, Small>>());
                for _ in 0..N {
                    black_box(
                        black_box(&ar)
                            .alloc_try_with(|| black_box(Ok::<Big, Small>(Big::default())))
                            .is_ok(),
                    );
                }
            }
        }
        "r-atw-bs" => {
            for _ in 0..reps {
                let ar = rawmap::Bump::with_capacity(N * std::mem::size_of::<Result<Big, Small>>());
                for _ in 0..N {
                    black_box(
                        black_box(&ar)
                            .alloc_try_with(|| black_box(Ok::<Big, Small>(Big::default())))
                            .is_ok(),
                    );
                }
            }
        }
        "b-ext" => {
            let mut bump = bumpalo::Bump::with_capacity(1024);
            for _ in 0..reps {
                bump.reset();
                let s = black_box(srcn);
                let mut v = bumpalo::collections::Vec::<u8>::with_capacity_in(s.len(), &bump);
                v.extend(s.iter().copied());
                black_box(v);
            }
        }
        "r-ext" => {
            let mut bump = rawmap::Bump::with_capacity(1024);
            for _ in 0..reps {
                bump.reset();
                let s = black_box(srcn);
                let mut v = rawmap::bump::Vec::<u8>::with_capacity_in(s.len(), &bump);
                v.extend(s.iter().copied());
                black_box(v);
            }
        }
        "b-efsc" => {
            let mut bump = bumpalo::Bump::with_capacity(1024);
            for _ in 0..reps {
                bump.reset();
                let s = black_box(src);
                let mut v = bumpalo::collections::Vec::<u8>::with_capacity_in(s.len(), &bump);
                v.extend_from_slice_copy(s);
                black_box(v);
            }
        }
        "r-efsc" => {
            let mut bump = rawmap::Bump::with_capacity(1024);
            for _ in 0..reps {
                bump.reset();
                let s = black_box(src);
                let mut v = rawmap::bump::Vec::<u8>::with_capacity_in(s.len(), &bump);
                v.extend_from_slice_copy(s);
                black_box(v);
            }
        }
        "b-loop" => {
            let mut bump = bumpalo::Bump::with_capacity(128);
            for _ in 0..reps {
                bump.reset();
                let mut v = bumpalo::collections::Vec::<u8>::with_capacity_in(128, &bump);
                for s in black_box(&slices) {
                    v.extend_from_slice_copy(s);
                }
                black_box(v.as_slice());
            }
        }
        "r-loop" => {
            let mut bump = rawmap::Bump::with_capacity(128);
            for _ in 0..reps {
                bump.reset();
                let mut v = rawmap::bump::Vec::<u8>::with_capacity_in(128, &bump);
                for s in black_box(&slices) {
                    v.extend_from_slice_copy(s);
                }
                black_box(v.as_slice());
            }
        }
        "b-push" => {
            let mut bump = bumpalo::Bump::with_capacity(16384);
            for _ in 0..reps {
                bump.reset();
                let mut out = bumpalo::collections::String::with_capacity_in(16384, &bump);
                out.push_str(black_box(std::str::from_utf8(src).unwrap()));
                black_box(out);
            }
        }
        "r-push" => {
            let mut bump = rawmap::Bump::with_capacity(16384);
            for _ in 0..reps {
                bump.reset();
                let mut out = rawmap::bump::String::with_capacity_in(16384, &bump);
                out.push_str(black_box(std::str::from_utf8(src).unwrap()));
                black_box(out);
            }
        }
        "b-efs" => {
            let mut bump = bumpalo::Bump::with_capacity(1024);
            for _ in 0..reps {
                bump.reset();
                let s = black_box(srcn);
                let mut v = bumpalo::collections::Vec::<u8>::with_capacity_in(s.len(), &bump);
                v.extend_from_slice(s);
                black_box(v);
            }
        }
        "r-efs" => {
            let mut bump = rawmap::Bump::with_capacity(1024);
            for _ in 0..reps {
                bump.reset();
                let s = black_box(srcn);
                let mut v = rawmap::bump::Vec::<u8>::with_capacity_in(s.len(), &bump);
                v.extend_from_slice(s);
                black_box(v);
            }
        }
        "b-efsc2" => {
            let mut bump = bumpalo::Bump::with_capacity(1024);
            for _ in 0..reps {
                bump.reset();
                let s = black_box(srcn);
                let mut v = bumpalo::collections::Vec::<u8>::with_capacity_in(s.len(), &bump);
                v.extend_from_slice_copy(s);
                black_box(v);
            }
        }
        "r-efsc2" => {
            let mut bump = rawmap::Bump::with_capacity(1024);
            for _ in 0..reps {
                bump.reset();
                let s = black_box(srcn);
                let mut v = rawmap::bump::Vec::<u8>::with_capacity_in(s.len(), &bump);
                v.extend_from_slice_copy(s);
                black_box(v);
            }
        }
        "b-atw-ss" => {
            for _ in 0..reps {
                let ar =
                    bumpalo::Bump::with_capacity(N * std::mem::size_of::<Result<Small, Small>>());
                for _ in 0..N {
                    black_box(
                        black_box(&ar)
                            .alloc_try_with(|| black_box(Ok::<Small, Small>(Small::default())))
                            .is_ok(),
                    );
                }
            }
        }
        "b-tatw-ss" => {
            for _ in 0..reps {
                let ar =
                    bumpalo::Bump::with_capacity(N * std::mem::size_of::<Result<Small, Small>>());
                for _ in 0..N {
                    black_box(
                        black_box(&ar)
                            .try_alloc_try_with(|| black_box(Ok::<Small, Small>(Small::default())))
                            .is_ok(),
                    );
                }
            }
        }
        "r-atw-ss" => {
            for _ in 0..reps {
                let ar =
                    rawmap::Bump::with_capacity(N * std::mem::size_of::<Result<Small, Small>>());
                for _ in 0..N {
                    black_box(
                        black_box(&ar)
                            .alloc_try_with(|| black_box(Ok::<Small, Small>(Small::default())))
                            .is_ok(),
                    );
                }
            }
        }
        "r-tatw-ss" => {
            for _ in 0..reps {
                let ar =
                    rawmap::Bump::with_capacity(N * std::mem::size_of::<Result<Small, Small>>());
                for _ in 0..N {
                    black_box(
                        black_box(&ar)
                            .try_alloc_try_with(|| black_box(Ok::<Small, Small>(Small::default())))
                            .is_ok(),
                    );
                }
            }
        }
        "b-atw-bb" => {
            for _ in 0..reps {
                let ar = bumpalo::Bump::with_capacity(N * std::mem::size_of::<Result<Big, Big>>());
                for _ in 0..N {
                    black_box(
                        black_box(&ar)
                            .alloc_try_with(|| black_box(Ok::<Big, Big>(Big::default())))
                            .is_ok(),
                    );
                }
            }
        }
        "b-tatw-bb" => {
            for _ in 0..reps {
                let ar = bumpalo::Bump::with_capacity(N * std::mem::size_of::<Result<Big, Big>>());
                for _ in 0..N {
                    black_box(
                        black_box(&ar)
                            .try_alloc_try_with(|| black_box(Ok::<Big, Big>(Big::default())))
                            .is_ok(),
                    );
                }
            }
        }
        "r-atw-bb" => {
            for _ in 0..reps {
                let ar = rawmap::Bump::with_capacity(N * std::mem::size_of::<Result<Big, Big>>());
                for _ in 0..N {
                    black_box(
                        black_box(&ar)
                            .alloc_try_with(|| black_box(Ok::<Big, Big>(Big::default())))
                            .is_ok(),
                    );
                }
            }
        }
        "r-tatw-bb" => {
            for _ in 0..reps {
                let ar = rawmap::Bump::with_capacity(N * std::mem::size_of::<Result<Big, Big>>());
                for _ in 0..N {
                    black_box(
                        black_box(&ar)
                            .try_alloc_try_with(|| black_box(Ok::<Big, Big>(Big::default())))
                            .is_ok(),
                    );
                }
            }
        }
        "b-atw-sb" => {
            for _ in 0..reps {
                let ar =
                    bumpalo::Bump::with_capacity(N * std::mem::size_of::<Result<Small, Big>>());
                for _ in 0..N {
                    black_box(
                        black_box(&ar)
                            .alloc_try_with(|| black_box(Ok::<Small, Big>(Small::default())))
                            .is_ok(),
                    );
                }
            }
        }
        "b-tatw-sb" => {
            for _ in 0..reps {
                let ar =
                    bumpalo::Bump::with_capacity(N * std::mem::size_of::<Result<Small, Big>>());
                for _ in 0..N {
                    black_box(
                        black_box(&ar)
                            .try_alloc_try_with(|| black_box(Ok::<Small, Big>(Small::default())))
                            .is_ok(),
                    );
                }
            }
        }
        "r-atw-sb" => {
            for _ in 0..reps {
                let ar = rawmap::Bump::with_capacity(N * std::mem::size_of::<Result<Small, Big>>());
                for _ in 0..N {
                    black_box(
                        black_box(&ar)
                            .alloc_try_with(|| black_box(Ok::<Small, Big>(Small::default())))
                            .is_ok(),
                    );
                }
            }
        }
        "r-tatw-sb" => {
            for _ in 0..reps {
                let ar = rawmap::Bump::with_capacity(N * std::mem::size_of::<Result<Small, Big>>());
                for _ in 0..N {
                    black_box(
                        black_box(&ar)
                            .try_alloc_try_with(|| black_box(Ok::<Small, Big>(Small::default())))
                            .is_ok(),
                    );
                }
            }
        }
        "b-slices0" => {
            let sl: Vec<&[u8]> = std::iter::repeat_n(&src[..16], 16).collect();
            let mut bump = bumpalo::Bump::with_capacity(0);
            for _ in 0..reps {
                bump.reset();
                let mut v = bumpalo::collections::Vec::<u8>::with_capacity_in(0, &bump);
                v.extend_from_slices_copy(black_box(sl.as_slice()));
                black_box(v.as_slice());
            }
        }
        "b-loop0" => {
            let sl: Vec<&[u8]> = std::iter::repeat_n(&src[..16], 16).collect();
            let mut bump = bumpalo::Bump::with_capacity(0);
            for _ in 0..reps {
                bump.reset();
                let mut v = bumpalo::collections::Vec::<u8>::with_capacity_in(0, &bump);
                for s in black_box(&sl) {
                    v.extend_from_slice_copy(s);
                }
                black_box(v.as_slice());
            }
        }
        "r-slices0" => {
            let sl: Vec<&[u8]> = std::iter::repeat_n(&src[..16], 16).collect();
            let mut bump = rawmap::Bump::with_capacity(0);
            for _ in 0..reps {
                bump.reset();
                let mut v = rawmap::bump::Vec::<u8>::with_capacity_in(0, &bump);
                v.extend_from_slices_copy(black_box(sl.as_slice()));
                black_box(v.as_slice());
            }
        }
        "r-loop0" => {
            let sl: Vec<&[u8]> = std::iter::repeat_n(&src[..16], 16).collect();
            let mut bump = rawmap::Bump::with_capacity(0);
            for _ in 0..reps {
                bump.reset();
                let mut v = rawmap::bump::Vec::<u8>::with_capacity_in(0, &bump);
                for s in black_box(&sl) {
                    v.extend_from_slice_copy(s);
                }
                black_box(v.as_slice());
            }
        }
        "b-slices256" => {
            let sl: Vec<&[u8]> = std::iter::repeat_n(&src[..16], 16).collect();
            let mut bump = bumpalo::Bump::with_capacity(256);
            for _ in 0..reps {
                bump.reset();
                let mut v = bumpalo::collections::Vec::<u8>::with_capacity_in(256, &bump);
                v.extend_from_slices_copy(black_box(sl.as_slice()));
                black_box(v.as_slice());
            }
        }
        "b-loop256" => {
            let sl: Vec<&[u8]> = std::iter::repeat_n(&src[..16], 16).collect();
            let mut bump = bumpalo::Bump::with_capacity(256);
            for _ in 0..reps {
                bump.reset();
                let mut v = bumpalo::collections::Vec::<u8>::with_capacity_in(256, &bump);
                for s in black_box(&sl) {
                    v.extend_from_slice_copy(s);
                }
                black_box(v.as_slice());
            }
        }
        "r-slices256" => {
            let sl: Vec<&[u8]> = std::iter::repeat_n(&src[..16], 16).collect();
            let mut bump = rawmap::Bump::with_capacity(256);
            for _ in 0..reps {
                bump.reset();
                let mut v = rawmap::bump::Vec::<u8>::with_capacity_in(256, &bump);
                v.extend_from_slices_copy(black_box(sl.as_slice()));
                black_box(v.as_slice());
            }
        }
        "r-loop256" => {
            let sl: Vec<&[u8]> = std::iter::repeat_n(&src[..16], 16).collect();
            let mut bump = rawmap::Bump::with_capacity(256);
            for _ in 0..reps {
                bump.reset();
                let mut v = rawmap::bump::Vec::<u8>::with_capacity_in(256, &bump);
                for s in black_box(&sl) {
                    v.extend_from_slice_copy(s);
                }
                black_box(v.as_slice());
            }
        }
        "b-arr" => api::allocate_n(reps, api::bumpalo(n * api::N), || {
            Layout::array::<u8>(black_box(n)).unwrap()
        }),
        "r-arr" => api::allocate_n(reps, rawmap::Bump::with_capacity(n * api::N), || {
            Layout::array::<u8>(black_box(n)).unwrap()
        }),
        "b-u8" => api::allocate_n(reps, api::bumpalo(api::N), Layout::new::<u8>),
        "r-u8" => api::allocate_n(reps, rawmap::Bump::with_capacity(api::N), Layout::new::<u8>),
        "b-shrink-sa" => api::shrink_n(reps, api::bumpalo(4 * api::N), api::U32_U16),
        "r-shrink-sa" => api::shrink_n(reps, rawmap::Bump::with_capacity(4 * api::N), api::U32_U16),
        "b-shrink-same" => api::shrink_n(reps, api::bumpalo(8 * api::N), api::U32X2_U32),
        "r-shrink-same" => api::shrink_n(
            reps,
            rawmap::Bump::with_capacity(8 * api::N),
            api::U32X2_U32,
        ),
        "b-first" => api::first_n::<api::Bumpalo>(reps),
        "r-first" => api::first_n::<rawmap::Bump>(reps),
        other => panic!("unknown mode {other}"),
    }
}

/// `benches/alloc.rs`'s cases (bumpalo's `allocator_api` benchmark): both
/// arenas through `allocator_api2::alloc::Allocator`, bumpalo as `Bump<8>`
/// with capacity and limit, 10,007 operations per iteration, then a reset.
mod api {
    use std::alloc::Layout;
    use std::hint::black_box;

    use allocator_api2::alloc::Allocator;

    pub const N: usize = 10_007;
    pub type Bumpalo = bumpalo::Bump<{ std::mem::align_of::<usize>() }>;
    pub const U32_U16: (Layout, Layout) = (Layout::new::<u32>(), Layout::new::<u16>());
    pub const U32X2_U32: (Layout, Layout) = (Layout::new::<[u32; 2]>(), Layout::new::<u32>());

    pub fn bumpalo(cap: usize) -> Bumpalo {
        let b = Bumpalo::with_min_align_and_capacity(cap);
        b.set_allocation_limit(Some(cap));
        b
    }

    pub trait Reset: Default {
        fn reset(&mut self);
    }
    impl Reset for rawmap::Bump {
        #[inline(always)]
        fn reset(&mut self) {
            rawmap::Bump::reset(self);
        }
    }
    impl Reset for Bumpalo {
        #[inline(always)]
        fn reset(&mut self) {
            Bumpalo::reset(self);
        }
    }

    /// As `benches/alloc.rs`'s `allocate_n`.
    #[inline(never)]
    pub fn allocate_n<A: Reset>(reps: usize, mut a: A, layout: impl Fn() -> Layout)
    where
        for<'a> &'a A: Allocator,
    {
        for _ in 0..reps {
            for _ in 0..N {
                black_box((&a).allocate(layout()).unwrap());
            }
            a.reset();
        }
    }

    /// As `benches/alloc.rs`'s `resize_n`, shrinking.
    #[inline(never)]
    pub fn shrink_n<A: Reset>(reps: usize, mut a: A, (from, to): (Layout, Layout))
    where
        for<'a> &'a A: Allocator,
    {
        for _ in 0..reps {
            for _ in 0..N {
                let p = black_box(&a).allocate(from).unwrap().cast::<u8>();
                // SAFETY: `p` is live with layout `from`, and `to` is smaller.
                black_box(unsafe { black_box(&a).shrink(p, from, to) }.unwrap());
            }
            a.reset();
        }
    }

    /// As `benches/alloc.rs`'s `first_allocation`: a new arena, one `u32`.
    #[inline(never)]
    pub fn first_n<A: Reset>(reps: usize)
    where
        for<'a> &'a A: Allocator,
    {
        for _ in 0..reps {
            let a = A::default();
            black_box(black_box(&a).allocate(Layout::new::<u32>()).unwrap());
        }
    }
}
