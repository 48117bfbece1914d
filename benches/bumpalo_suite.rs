//! bumpalo's own `benches/benches.rs`, every case, with `rawmap::Bump`
//! beside `bumpalo::Bump` in one criterion group per case (function ids
//! `bumpalo` and `rawmap`; `benches/ratios.py` prints the ratios and their
//! geometric mean). Each case is written here from what bumpalo's measures:
//! the same workload, sizes and counts. bumpalo's `benches/allocator_api.rs`
//! cases are in `benches/alloc.rs`.
//!
//! - `alloc`, `alloc-with`, `try-alloc`, `try-alloc-with`, `alloc-try-with`,
//!   `try-alloc-try-with` (small = 1 byte, big = `[usize; 32]`): a **fresh
//!   arena per iteration** (`with_capacity(10_000 * size)`), then 10,000
//!   allocations; the `-err` variants make the initialiser fail every time
//!   (the allocation is rolled back, so the arena holds one value).
//! - `extend N bytes` (N from 4 to 16 KiB): one reused arena, reset each
//!   iteration; a vector of capacity N extended from an N-byte slice with
//!   `extend`, `extend_from_slice` and `extend_from_slice_copy`, each
//!   crate with its own arena vector (bumpalo's `collections::Vec`,
//!   `rawmap::bump::Vec`).
//! - `extend_from_slices`: 1 to 32 slices of 16 bytes, with and without
//!   preallocation, one `extend_from_slice_copy` per slice or one
//!   `extend_from_slices_copy`.
//! - `format-realloc`: `format_in!` of `"Hello {:.*}"` with precision 10,
//!   80, 270, 640; `from_str_in` of 16 bytes; `push_str` of 16 KiB.
//!
//! Run: `cargo bench --bench bumpalo_suite` (0.3 s warm-up and 1 s
//! measurement per function, about 4 minutes), then
//! `python3 benches/ratios.py suite`.
#![allow(clippy::result_large_err)] // bumpalo's cases return a `[usize; 32]` error on purpose

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use rawmap::bump::Vec as RVec;

#[derive(Default)]
struct Small(#[allow(dead_code)] u8);

#[derive(Default)]
struct Big(#[allow(dead_code)] [usize; 32]);

const ALLOCATIONS: usize = 10_000;

/// One group with bumpalo's and rawmap's version of a case.
macro_rules! case {
    ($c:expr, $name:expr, $elements:expr, |$b:ident| $bumpalo:expr, $rawmap:expr) => {{
        let mut g = $c.benchmark_group($name);
        g.throughput(Throughput::Elements($elements as u64));
        g.bench_function("bumpalo", |$b| $bumpalo);
        g.bench_function("rawmap", |$b| $rawmap);
        g.finish();
    }};
}

/// The fresh-arena cases: `$body(arena)` 10,000 times on a new arena of
/// `with_capacity($cap)`, for each crate.
macro_rules! fresh {
    ($c:expr, $group:expr, $case:expr, $cap:expr, |$arena:ident| $body:expr) => {
        case!(
            $c,
            format!("suite {} {}", $group, $case),
            ALLOCATIONS,
            |b| {
                b.iter(|| {
                    let arena = bumpalo::Bump::with_capacity($cap);
                    for _ in 0..ALLOCATIONS {
                        let $arena = black_box(&arena);
                        let _ = black_box($body);
                    }
                })
            },
            b.iter(|| {
                let arena = rawmap::Bump::with_capacity($cap);
                for _ in 0..ALLOCATIONS {
                    let $arena = black_box(&arena);
                    let _ = black_box($body);
                }
            })
        )
    };
}

fn alloc_cases(c: &mut Criterion) {
    use std::mem::size_of;
    macro_rules! ty_cases {
        ($($label:literal: $T:ty),*) => {$(
            fresh!(c, "alloc", $label, ALLOCATIONS * size_of::<$T>(), |a| {
                a.alloc(black_box(<$T>::default())) as *mut $T
            });
            fresh!(c, "alloc-with", $label, ALLOCATIONS * size_of::<$T>(), |a| {
                a.alloc_with(|| black_box(<$T>::default())) as *mut $T
            });
            fresh!(c, "try-alloc", $label, ALLOCATIONS * size_of::<$T>(), |a| {
                a.try_alloc(black_box(<$T>::default())).map(|r| r as *mut $T).ok()
            });
            fresh!(c, "try-alloc-with", $label, ALLOCATIONS * size_of::<$T>(), |a| {
                a.try_alloc_with(|| black_box(<$T>::default())).map(|r| r as *mut $T).ok()
            });
        )*};
    }
    ty_cases!("small": Small, "big": Big);
    macro_rules! try_with_cases {
        ($($label:literal: $T:ty, $E:ty);*) => {$(
            fresh!(c, "alloc-try-with", $label, ALLOCATIONS * size_of::<Result<$T, $E>>(), |a| {
                a.alloc_try_with(|| black_box(Ok::<$T, $E>(<$T>::default())))
                    .map(|r| r as *mut $T)
                    .is_ok()
            });
            fresh!(c, "alloc-try-with-err", $label, size_of::<Result<$T, $E>>(), |a| {
                a.alloc_try_with(|| black_box(Err::<$T, $E>(<$E>::default())))
                    .map(|r| r as *mut $T)
                    .is_ok()
            });
            fresh!(c, "try-alloc-try-with", $label, ALLOCATIONS * size_of::<Result<$T, $E>>(), |a| {
                a.try_alloc_try_with(|| black_box(Ok::<$T, $E>(<$T>::default())))
                    .map(|r| r as *mut $T)
                    .is_ok()
            });
            fresh!(c, "try-alloc-try-with-err", $label, size_of::<Result<$T, $E>>(), |a| {
                a.try_alloc_try_with(|| black_box(Err::<$T, $E>(<$E>::default())))
                    .map(|r| r as *mut $T)
                    .is_ok()
            });
        )*};
    }
    try_with_cases!(
        "small, small": Small, Small;
        "small, big": Small, Big;
        "big, small": Big, Small;
        "big, big": Big, Big
    );
}

fn extend_cases(c: &mut Criterion) {
    for len in [
        4usize,
        5,
        8,
        11,
        16,
        64,
        128,
        331,
        1024,
        4 * 1024,
        16 * 1024,
    ] {
        let src = "x".repeat(len);
        let src = src.as_bytes();
        let mut g = c.benchmark_group(format!("suite extend {len} bytes"));
        g.throughput(Throughput::Elements(len as u64));
        g.bench_function(BenchmarkId::new("extend", "bumpalo"), |b| {
            let mut bump = bumpalo::Bump::with_capacity(len);
            b.iter(|| {
                bump.reset();
                let s = black_box(src);
                let mut v = bumpalo::collections::Vec::<u8>::with_capacity_in(s.len(), &bump);
                v.extend(s.iter().copied());
                black_box(v);
            })
        });
        g.bench_function(BenchmarkId::new("extend", "rawmap"), |b| {
            let mut bump = rawmap::Bump::with_capacity(len);
            b.iter(|| {
                bump.reset();
                let s = black_box(src);
                let mut v = RVec::<u8>::with_capacity_in(s.len(), &bump);
                v.extend(s.iter().copied());
                black_box(v);
            })
        });
        g.bench_function(BenchmarkId::new("extend_from_slice", "bumpalo"), |b| {
            let mut bump = bumpalo::Bump::with_capacity(len);
            b.iter(|| {
                bump.reset();
                let s = black_box(src);
                let mut v = bumpalo::collections::Vec::<u8>::with_capacity_in(s.len(), &bump);
                v.extend_from_slice(s);
                black_box(v);
            })
        });
        g.bench_function(BenchmarkId::new("extend_from_slice", "rawmap"), |b| {
            let mut bump = rawmap::Bump::with_capacity(len);
            b.iter(|| {
                bump.reset();
                let s = black_box(src);
                let mut v = RVec::<u8>::with_capacity_in(s.len(), &bump);
                v.extend_from_slice(s);
                black_box(v);
            })
        });
        g.bench_function(BenchmarkId::new("extend_from_slice_copy", "bumpalo"), |b| {
            let mut bump = bumpalo::Bump::with_capacity(len);
            b.iter(|| {
                bump.reset();
                let s = black_box(src);
                let mut v = bumpalo::collections::Vec::<u8>::with_capacity_in(s.len(), &bump);
                v.extend_from_slice_copy(s);
                black_box(v);
            })
        });
        g.bench_function(BenchmarkId::new("extend_from_slice_copy", "rawmap"), |b| {
            let mut bump = rawmap::Bump::with_capacity(len);
            b.iter(|| {
                bump.reset();
                let s = black_box(src);
                let mut v = RVec::<u8>::with_capacity_in(s.len(), &bump);
                v.extend_from_slice_copy(s);
                black_box(v);
            })
        });
        g.finish();
    }
}

fn extend_from_slices_cases(c: &mut Criterion) {
    let data: [&[u8]; 4] = [
        b"wwwwwwwwwwwwwwww",
        b"xxxxxxxxxxxxxxxx",
        b"yyyyyyyyyyyyyyyy",
        b"zzzzzzzzzzzzzzzz",
    ];
    for pre in [false, true] {
        for count in [1usize, 2, 4, 8, 16, 32] {
            let slices: Vec<&[u8]> = data.iter().copied().cycle().take(count).collect();
            let total: usize = slices.iter().map(|s| s.len()).sum();
            let cap = if pre { total } else { 0 };
            let mut g = c.benchmark_group(format!(
                "suite extend_from_slices num_slices={count}, is_preallocated={pre}"
            ));
            let id = |f: &str, who: &str| BenchmarkId::new(f.to_string(), who);
            g.bench_function(id("loop over extend_from_slice_copy", "bumpalo"), |b| {
                let mut bump = bumpalo::Bump::with_capacity(cap);
                b.iter(|| {
                    bump.reset();
                    let mut v = bumpalo::collections::Vec::<u8>::with_capacity_in(cap, &bump);
                    for s in black_box(&slices) {
                        v.extend_from_slice_copy(s);
                    }
                    black_box(v.as_slice());
                })
            });
            g.bench_function(id("loop over extend_from_slice_copy", "rawmap"), |b| {
                let mut bump = rawmap::Bump::with_capacity(cap);
                b.iter(|| {
                    bump.reset();
                    let mut v = RVec::<u8>::with_capacity_in(cap, &bump);
                    for s in black_box(&slices) {
                        v.extend_from_slice_copy(s);
                    }
                    black_box(v.as_slice());
                })
            });
            g.bench_function(id("extend_from_slices_copy", "bumpalo"), |b| {
                let mut bump = bumpalo::Bump::with_capacity(cap);
                b.iter(|| {
                    bump.reset();
                    let mut v = bumpalo::collections::Vec::<u8>::with_capacity_in(cap, &bump);
                    v.extend_from_slices_copy(black_box(slices.as_slice()));
                    black_box(v.as_slice());
                })
            });
            g.bench_function(id("extend_from_slices_copy", "rawmap"), |b| {
                let mut bump = rawmap::Bump::with_capacity(cap);
                b.iter(|| {
                    bump.reset();
                    let mut v = RVec::<u8>::with_capacity_in(cap, &bump);
                    v.extend_from_slices_copy(black_box(slices.as_slice()));
                    black_box(v.as_slice());
                })
            });
            g.finish();
        }
    }
}

fn string_cases(c: &mut Criterion) {
    for n in (1..5).map(|n| n * n * n * 10) {
        case!(
            c,
            format!("suite format-realloc {n}"),
            n,
            |b| {
                let mut bump = bumpalo::Bump::new();
                b.iter(|| {
                    bump.reset();
                    let n = black_box(n);
                    black_box(bumpalo::format!(in &bump, "Hello {:.*}", n, "World! "));
                })
            },
            {
                let mut bump = rawmap::Bump::new();
                b.iter(|| {
                    bump.reset();
                    let n = black_box(n);
                    black_box(rawmap::format_in!(&bump, "Hello {:.*}", n, "World! "));
                })
            }
        );
    }
    let len = 16;
    let src = "x".repeat(len);
    case!(
        c,
        "suite alloc from_str_in 16 bytes",
        len,
        |b| {
            let mut bump = bumpalo::Bump::with_capacity(len);
            b.iter(|| {
                bump.reset();
                let s = black_box(src.as_str());
                black_box(bumpalo::collections::String::from_str_in(s, &bump));
            })
        },
        {
            let mut bump = rawmap::Bump::with_capacity(len);
            b.iter(|| {
                bump.reset();
                let s = black_box(src.as_str());
                black_box(rawmap::bump::String::from_str_in(s, &bump));
            })
        }
    );
    let len = 16 * 1024;
    let src = "x".repeat(len);
    case!(
        c,
        "suite alloc push_str 16 KiB",
        len,
        |b| {
            let mut bump = bumpalo::Bump::with_capacity(len);
            b.iter(|| {
                bump.reset();
                let s = black_box(src.as_str());
                let mut out = bumpalo::collections::String::with_capacity_in(s.len(), &bump);
                out.push_str(s);
                black_box(out);
            })
        },
        {
            let mut bump = rawmap::Bump::with_capacity(len);
            b.iter(|| {
                bump.reset();
                let s = black_box(src.as_str());
                let mut out = rawmap::bump::String::with_capacity_in(s.len(), &bump);
                out.push_str(s);
                black_box(out);
            })
        }
    );
}

criterion_group! {
    name = benches;
    // About 175 functions: 0.3 s + 1 s each keeps the run near 4 minutes.
    config = Criterion::default()
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_millis(1000))
        .nresamples(10_000);
    targets = alloc_cases, extend_cases, extend_from_slices_cases, string_cases
}
criterion_main!(benches);
