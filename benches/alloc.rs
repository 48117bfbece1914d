//! Allocator benchmarks, side by side in one run:
//!
//! - `rawmap::Bump` vs `bumpalo::Bump` on bumpalo's own allocator benchmark
//!   cases (its `benches/allocator_api.rs`: allocate u8/u32/u64/u128,
//!   runtime-sized arrays, grow, shrink, reset, vec push, reserve_exact,
//!   new arena + first allocation), with the same sizes and set-up: bumpalo
//!   as `Bump<8>` with capacity and allocation limit, both through the
//!   `allocator_api2::alloc::Allocator` trait.
//! - `rawmap::GlobalBump` vs `std::alloc::System` (glibc malloc) for small
//!   allocations, one thread and two threads, plus
//!   `GlobalBump::new_single_thread` (no atomic read-modify-write) to show
//!   the cost of the synchronisation. With `RAWMAP_BENCH_SPIN=1` in the
//!   environment, also the same bump under a spin lock (bench only; its
//!   two-thread cases take about a millisecond per iteration, so it is left
//!   out of the default run).
//!
//! Each group holds one case; its functions are the contenders. Run with
//! `cargo bench --bench alloc`: 0.5 s of warm-up and 1.5 s of measurement
//! per function (about 2 minutes in all on the reference machine);
//! criterion's command-line options override them (`-- --warm-up-time 0.2
//! --measurement-time 0.5` for a quick check, `-- --warm-up-time 2
//! --measurement-time 5` for a quiet final run).
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::UnsafeCell;
use std::hint::black_box;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use allocator_api2::alloc::Allocator;
use allocator_api2::vec::Vec as AVec;
use criterion::{Criterion, criterion_group, criterion_main};
use rawmap::GlobalBump;

/// The number of operations per iteration in bumpalo's benchmark.
const N: usize = 10_007;

/// What the benchmark needs from an arena.
trait Arena: Default
where
    for<'a> &'a Self: Allocator,
{
    const NAME: &'static str;
    fn with_capacity(cap: usize) -> Self;
    fn reset(&mut self);
}

impl Arena for rawmap::Bump {
    const NAME: &'static str = "rawmap";
    fn with_capacity(cap: usize) -> Self {
        rawmap::Bump::with_capacity(cap)
    }
    #[inline(always)]
    fn reset(&mut self) {
        rawmap::Bump::reset(self);
    }
}

/// bumpalo as its own benchmark configures it.
type Bumpalo = bumpalo::Bump<{ std::mem::align_of::<usize>() }>;

impl Arena for Bumpalo {
    const NAME: &'static str = "bumpalo";
    fn with_capacity(cap: usize) -> Self {
        let b = Bumpalo::with_min_align_and_capacity(cap);
        b.set_allocation_limit(Some(cap));
        b
    }
    #[inline(always)]
    fn reset(&mut self) {
        Bumpalo::reset(self);
    }
}

type Group<'a> = criterion::BenchmarkGroup<'a, criterion::measurement::WallTime>;

/// One group per case, both arenas in it, run one after the other.
macro_rules! both {
    ($c:expr, $name:expr, |$g:ident, $A:ident| $body:block) => {{
        let mut $g = $c.benchmark_group($name);
        {
            type $A = rawmap::Bump;
            $body
        }
        {
            type $A = Bumpalo;
            $body
        }
        $g.finish();
    }};
}

/// `N` allocations of `layout()`, then reset.
fn allocate_n<A: Arena>(g: &mut Group<'_>, cap: usize, layout: impl Fn() -> Layout)
where
    for<'a> &'a A: Allocator,
{
    g.bench_function(A::NAME, |b| {
        let mut alloc = A::with_capacity(cap);
        b.iter(|| {
            for _ in 0..N {
                black_box((&alloc).allocate(layout()).unwrap());
            }
            alloc.reset();
        })
    });
}

/// `N` times: allocate `from`, then grow or shrink it to `to`; then reset.
fn resize_n<A: Arena>(g: &mut Group<'_>, from: Layout, to: Layout)
where
    for<'a> &'a A: Allocator,
{
    g.bench_function(A::NAME, |b| {
        let mut alloc = A::with_capacity(from.size().max(to.size()) * N);
        b.iter(|| {
            for _ in 0..N {
                let p = black_box(&alloc).allocate(from).unwrap().cast::<u8>();
                // SAFETY: `p` is live with layout `from`.
                let q = unsafe {
                    if to.size() >= from.size() {
                        black_box(&alloc).grow(p, from, to)
                    } else {
                        black_box(&alloc).shrink(p, from, to)
                    }
                };
                black_box(q.unwrap());
            }
            alloc.reset();
        })
    });
}

fn first_allocation<A: Arena>(g: &mut Group<'_>)
where
    for<'a> &'a A: Allocator,
{
    g.bench_function(A::NAME, |b| {
        b.iter(|| {
            let alloc = A::default();
            black_box(black_box(&alloc).allocate(Layout::new::<u32>()).unwrap());
        })
    });
}

fn reset_after_n<A: Arena>(g: &mut Group<'_>)
where
    for<'a> &'a A: Allocator,
{
    g.bench_function(A::NAME, |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                // Default arena, no capacity: reset with its chunks.
                let mut alloc = A::default();
                for _ in 0..N {
                    black_box((&alloc).allocate(Layout::new::<u32>()).unwrap());
                }
                let start = Instant::now();
                alloc.reset();
                black_box(&alloc);
                total += start.elapsed();
            }
            total
        })
    });
}

/// Room for the vectors' successive buffers, as in bumpalo's benchmark.
const RESIZE_FACTOR: usize = 10;

fn vec_push<A: Arena>(g: &mut Group<'_>)
where
    for<'a> &'a A: Allocator,
{
    g.bench_function(A::NAME, |b| {
        let mut alloc = A::with_capacity(8 * N * RESIZE_FACTOR);
        b.iter(|| {
            let mut v = AVec::new_in(&alloc);
            for i in 0..N {
                v.push(i);
            }
            drop(v);
            alloc.reset();
        })
    });
}

fn vec_reserve_exact<A: Arena>(g: &mut Group<'_>)
where
    for<'a> &'a A: Allocator,
{
    g.bench_function(A::NAME, |b| {
        let mut alloc = A::with_capacity(8 * N * RESIZE_FACTOR);
        b.iter(|| {
            let mut v = AVec::<u32, &A>::new_in(&alloc);
            for i in 0..N {
                v.reserve_exact(i);
            }
            drop(v);
            alloc.reset();
        })
    });
}

fn bump_vs_bumpalo(c: &mut Criterion) {
    both!(c, "allocate(u8) x 10007", |g, A| {
        allocate_n::<A>(&mut g, N, Layout::new::<u8>)
    });
    both!(c, "allocate(u32) x 10007", |g, A| {
        allocate_n::<A>(&mut g, 4 * N, Layout::new::<u32>)
    });
    both!(c, "allocate(u64) x 10007", |g, A| {
        allocate_n::<A>(&mut g, 8 * N, Layout::new::<u64>)
    });
    both!(c, "allocate(u128) x 10007", |g, A| {
        allocate_n::<A>(&mut g, 16 * N, Layout::new::<u128>)
    });
    for len in [0usize, 1, 7, 8, 31, 32] {
        both!(c, format!("allocate([u8; {len}]) x 10007"), |g, A| {
            allocate_n::<A>(&mut g, len * N, || {
                Layout::array::<u8>(black_box(len)).unwrap()
            })
        });
    }
    let resizes = [
        (
            "grow same align (u32 -> [u32; 2])",
            Layout::new::<u32>(),
            Layout::new::<[u32; 2]>(),
        ),
        (
            "grow smaller align (u32 -> [u16; 4])",
            Layout::new::<u32>(),
            Layout::new::<[u16; 4]>(),
        ),
        (
            "grow larger align (u32 -> u64)",
            Layout::new::<u32>(),
            Layout::new::<u64>(),
        ),
        (
            "shrink same align ([u32; 2] -> u32)",
            Layout::new::<[u32; 2]>(),
            Layout::new::<u32>(),
        ),
        (
            "shrink smaller align (u32 -> u16)",
            Layout::new::<u32>(),
            Layout::new::<u16>(),
        ),
        (
            "shrink larger align ([u16; 4] -> u32)",
            Layout::new::<[u16; 4]>(),
            Layout::new::<u32>(),
        ),
    ];
    for (name, from, to) in resizes {
        both!(c, format!("{name} x 10007"), |g, A| {
            resize_n::<A>(&mut g, from, to)
        });
    }
    both!(c, "new arena + first u32 allocation", |g, A| {
        first_allocation::<A>(&mut g)
    });
    both!(c, "reset after allocate(u32) x 10007", |g, A| {
        reset_after_n::<A>(&mut g)
    });
    both!(c, "vec push(usize) x 10007", |g, A| {
        vec_push::<A>(&mut g)
    });
    both!(c, "vec reserve_exact(i) x 10007", |g, A| {
        // bumpalo copies the vector on every call (about 2 ms per
        // iteration): 20 samples instead of 100 keep the group short.
        g.sample_size(20);
        vec_reserve_exact::<A>(&mut g)
    });
}

/// A bump pointer under a spin lock: the alternative to `GlobalBump`'s
/// compare-and-swap, for comparison only (one mapping, no chunk switch).
struct SpinBump {
    lock: AtomicBool,
    state: UnsafeCell<(usize, usize)>,
}

// SAFETY: `state` is only touched with `lock` held.
unsafe impl Sync for SpinBump {}

impl SpinBump {
    fn new(len: usize) -> Self {
        let m = memmap2::MmapMut::map_anon(len).unwrap();
        let start = m.as_ptr() as usize;
        std::mem::forget(m); // lives as long as the benchmark process
        Self {
            lock: AtomicBool::new(false),
            state: UnsafeCell::new((start, start + len)),
        }
    }
}

// SAFETY (bench only): disjoint blocks under the lock, as long as no block
// lives while a whole GiB is handed out after it (see the wrap-around).
unsafe impl GlobalAlloc for SpinBump {
    #[inline]
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        while self
            .lock
            .compare_exchange_weak(false, true, Ordering::Acquire, Ordering::Relaxed)
            .is_err()
        {
            std::hint::spin_loop();
        }
        // SAFETY: the lock is held.
        let (top, end) = unsafe { &mut *self.state.get() };
        let mut a = (*top + l.align() - 1) & !(l.align() - 1);
        if a + l.size() > *end {
            // Full (blocks leaked by failed roll-backs under contention):
            // wrap around. Bench only: the workloads free every block long
            // before a whole GiB has been handed out again.
            *top = *end - SPIN_LEN;
            a = (*top + l.align() - 1) & !(l.align() - 1);
        }
        *top = a + l.size();
        let p = a as *mut u8;
        self.lock.store(false, Ordering::Release);
        p
    }
    #[inline]
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        while self
            .lock
            .compare_exchange_weak(false, true, Ordering::Acquire, Ordering::Relaxed)
            .is_err()
        {
            std::hint::spin_loop();
        }
        // SAFETY: the lock is held.
        let (top, _) = unsafe { &mut *self.state.get() };
        if p as usize + l.size() == *top {
            *top = p as usize;
        }
        self.lock.store(false, Ordering::Release);
    }
}

/// One thread's work: `N` times allocate a small block, touch it, free it
/// (most recent first, so every bump allocator rolls back).
#[inline(always)]
fn pairs(a: &impl GlobalAlloc) {
    let l = Layout::from_size_align(black_box(32), 8).unwrap();
    for _ in 0..N {
        // SAFETY: non-zero size; the block is freed with its layout.
        unsafe {
            let p = a.alloc(l);
            p.write(1);
            a.dealloc(black_box(p), l);
        }
    }
}

/// One thread's work: `N` small blocks of mixed sizes kept, then freed in
/// reverse order.
#[inline(always)]
fn batch(a: &impl GlobalAlloc, ptrs: &mut Vec<*mut u8>) {
    ptrs.clear();
    for i in 0..N {
        let l = Layout::from_size_align(16 + (i & 3) * 16, 8).unwrap();
        // SAFETY: non-zero size.
        let p = unsafe { a.alloc(l) };
        // SAFETY: a fresh block of at least 16 bytes.
        unsafe { p.write(1) };
        ptrs.push(p);
    }
    for (i, &p) in ptrs.iter().enumerate().rev() {
        let l = Layout::from_size_align(16 + (i & 3) * 16, 8).unwrap();
        // SAFETY: freed once with its layout.
        unsafe { a.dealloc(p, l) };
    }
}

/// Runs `work` on `threads` threads at once, `iters` times each, and
/// returns the wall time.
fn on_threads<A: GlobalAlloc + Sync + 'static>(
    a: &'static A,
    threads: usize,
    iters: u64,
    work: fn(&A, &mut Vec<*mut u8>),
) -> Duration {
    let barrier = Arc::new(Barrier::new(threads + 1));
    let handles: Vec<_> = (0..threads)
        .map(|_| {
            let barrier = barrier.clone();
            std::thread::spawn(move || {
                let mut ptrs = Vec::with_capacity(N);
                barrier.wait();
                for _ in 0..iters {
                    work(a, &mut ptrs);
                }
            })
        })
        .collect();
    barrier.wait();
    let start = Instant::now();
    for h in handles {
        h.join().unwrap();
    }
    start.elapsed()
}

static GLOBAL: GlobalBump = GlobalBump::new();
/// The shared arenas only (the design before owned arenas): one
/// compare-and-swap per allocation.
static GLOBAL_SLOTS: GlobalBump = GlobalBump::new_stack_slots();
// SAFETY: only used by the single-thread cases, from one thread at a time.
static GLOBAL_ST: GlobalBump = unsafe { GlobalBump::new_single_thread() };
static SYSTEM: System = System;
static SPIN: std::sync::LazyLock<SpinBump> = std::sync::LazyLock::new(|| SpinBump::new(SPIN_LEN));
const SPIN_LEN: usize = 1 << 30;

fn global_vs_malloc(c: &mut Criterion) {
    type Work<A> = fn(&A, &mut Vec<*mut u8>);
    fn case<A: GlobalAlloc + Sync + 'static>(
        g: &mut Group<'_>,
        name: &str,
        a: &'static A,
        threads: usize,
        work: Work<A>,
    ) {
        g.bench_function(name, |b| {
            if threads == 1 {
                let mut ptrs = Vec::with_capacity(N);
                b.iter(|| work(a, &mut ptrs));
            } else {
                b.iter_custom(|iters| on_threads(a, threads, iters, work));
            }
        });
    }
    let spin: Option<&'static SpinBump> = std::env::var_os("RAWMAP_BENCH_SPIN")
        .is_some_and(|v| v == "1")
        .then(|| &*SPIN);
    for (label, threads) in [("1 thread", 1), ("2 threads", 2), ("8 threads", 8)] {
        // Threads started per sample: fewer, longer samples.
        let samples = match threads {
            1 => 100,
            2 => 50,
            _ => 20,
        };
        let mut g = c.benchmark_group(format!("global: alloc+free 32 B x 10007, {label}"));
        g.sample_size(samples);
        case(&mut g, "GlobalBump", &GLOBAL, threads, |a, _| pairs(a));
        case(
            &mut g,
            "GlobalBump::new_stack_slots",
            &GLOBAL_SLOTS,
            threads,
            |a, _| pairs(a),
        );
        case(&mut g, "System (glibc malloc)", &SYSTEM, threads, |a, _| {
            pairs(a)
        });
        if let Some(spin) = spin {
            case(
                &mut g,
                "spin-lock bump (bench only)",
                spin,
                threads,
                |a, _| pairs(a),
            );
        }
        if threads == 1 {
            case(
                &mut g,
                "GlobalBump::new_single_thread",
                &GLOBAL_ST,
                1,
                |a, _| pairs(a),
            );
        }
        g.finish();

        let mut g = c.benchmark_group(format!("global: 10007 x 16..64 B then free LIFO, {label}"));
        g.sample_size(samples);
        case(&mut g, "GlobalBump", &GLOBAL, threads, batch);
        case(
            &mut g,
            "GlobalBump::new_stack_slots",
            &GLOBAL_SLOTS,
            threads,
            batch,
        );
        case(&mut g, "System (glibc malloc)", &SYSTEM, threads, batch);
        if let Some(spin) = spin {
            case(&mut g, "spin-lock bump (bench only)", spin, threads, batch);
        }
        if threads == 1 {
            case(
                &mut g,
                "GlobalBump::new_single_thread",
                &GLOBAL_ST,
                1,
                batch,
            );
        }
        g.finish();
    }
    // How the threads were served: arenas owned, shared slots used, spread.
    eprintln!("after the global cases: {GLOBAL:?}");
}

criterion_group! {
    name = benches;
    // Short enough for the whole `cargo bench` (every bench file) to stay
    // within minutes; the ratios agree within a few percent between runs.
    config = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_millis(1500))
        .nresamples(20_000);
    targets = bump_vs_bumpalo, global_vs_malloc
}
criterion_main!(benches);
