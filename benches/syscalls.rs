//! Anonymous `mmap` + `munmap` pairs: rawmap's raw layer against glibc
//! (`libc`), rustix and a bare inline-asm floor; rawmap's safe anonymous map
//! against memmap2's.
//!
//! `cargo bench --bench syscalls`

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};

#[path = "common/pairs.rs"]
mod pairs;

fn raw_pairs(c: &mut Criterion) {
    let len = rawmap::page_size();
    let mut g = c.benchmark_group("mmap_munmap_anon_page");
    g.bench_function("bare_asm", |b| b.iter(|| pairs::pair_bare(black_box(len))));
    g.bench_function("rawmap", |b| b.iter(|| pairs::pair_rawmap(black_box(len))));
    g.bench_function("glibc", |b| b.iter(|| pairs::pair_glibc(black_box(len))));
    g.bench_function("rustix", |b| b.iter(|| pairs::pair_rustix(black_box(len))));
    g.finish();
}

fn safe_maps(c: &mut Criterion) {
    let len = rawmap::page_size();
    let mut g = c.benchmark_group("safe_anon_map_drop_page");
    g.bench_function("rawmap", |b| {
        b.iter(|| pairs::pair_rawmap_safe(black_box(len)))
    });
    g.bench_function("memmap2", |b| {
        b.iter(|| pairs::pair_memmap2(black_box(len)))
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(std::time::Duration::from_millis(500))
        .measurement_time(std::time::Duration::from_secs(2));
    targets = raw_pairs, safe_maps
}
criterion_main!(benches);
