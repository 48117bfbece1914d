//! Page faults: touch every 4 KiB of a fresh 256 MiB anonymous mapping,
//! plain, with `MAP_POPULATE`, and with `MADV_HUGEPAGE`; rawmap against
//! memmap2. Criterion reports elements/s where an element is one 4 KiB
//! page: ns per page is 1e9 divided by it.
//!
//! `cargo bench --bench faults`

use std::hint::black_box;

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion, Throughput, criterion_group, criterion_main};
use rawmap::{Advice, MapOptions};

const LEN: usize = 256 << 20;
const STEP: usize = 4096;

#[inline(never)]
fn touch(mem: &mut [u8]) {
    for i in (0..mem.len()).step_by(STEP) {
        mem[i] = 1;
    }
    black_box(mem);
}

/// Criterion's throughput: one element per 4 KiB page.
const THR: Throughput = Throughput::Elements((LEN / STEP) as u64);

fn group<'a>(c: &'a mut Criterion, name: &str, thr: Throughput) -> BenchmarkGroup<'a, WallTime> {
    let mut g = c.benchmark_group(name);
    g.throughput(thr);
    g
}

fn faults(c: &mut Criterion) {
    let mut g = group(c, "touch_256mib_anon_plain", THR);
    g.bench_function("rawmap", |b| {
        b.iter(|| touch(&mut MapOptions::new().len(LEN).map_anon().unwrap()))
    });
    g.bench_function("memmap2", |b| {
        b.iter(|| touch(&mut memmap2::MmapMut::map_anon(LEN).unwrap()))
    });
    g.finish();
    let mut g = group(c, "touch_256mib_anon_populate", THR);
    g.bench_function("rawmap", |b| {
        b.iter(|| touch(&mut MapOptions::new().len(LEN).populate().map_anon().unwrap()))
    });
    g.bench_function("memmap2", |b| {
        b.iter(|| {
            touch(
                &mut memmap2::MmapOptions::new()
                    .len(LEN)
                    .populate()
                    .map_anon()
                    .unwrap(),
            )
        })
    });
    g.finish();
    let mut g = group(c, "touch_256mib_anon_hugepage_advice", THR);
    g.bench_function("rawmap", |b| {
        b.iter(|| {
            let mut m = MapOptions::new().len(LEN).map_anon().unwrap();
            m.advise(Advice::HUGEPAGE).unwrap();
            touch(&mut m)
        })
    });
    g.bench_function("memmap2", |b| {
        b.iter(|| {
            let mut m = memmap2::MmapMut::map_anon(LEN).unwrap();
            m.advise(memmap2::Advice::HugePage).unwrap();
            touch(&mut m)
        })
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(10)
        .warm_up_time(std::time::Duration::from_millis(300))
        .measurement_time(std::time::Duration::from_secs(3));
    targets = faults
}
criterion_main!(benches);
