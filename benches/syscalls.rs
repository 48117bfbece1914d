//! Anonymous `mmap` + `munmap` pairs: rawmap's raw layer against glibc
//! (`libc`), rustix and a bare inline-asm floor; rawmap's safe anonymous map
//! against memmap2's.
//!
//! `cargo bench --bench syscalls`

use std::hint::black_box;
use std::ptr::null_mut;

use criterion::{Criterion, criterion_group, criterion_main};

#[path = "common/bare.rs"]
mod bare;

fn raw_pairs(c: &mut Criterion) {
    let len = rawmap::page_size();
    let mut g = c.benchmark_group("mmap_munmap_anon_page");
    g.bench_function("bare_asm", |b| {
        b.iter(|| {
            // SAFETY: a fresh anonymous page, unmapped right away.
            unsafe {
                let p = bare::mmap_anon(black_box(len));
                black_box(bare::munmap(p, len));
            }
        })
    });
    g.bench_function("rawmap", |b| {
        use rawmap::{MapFlags, ProtFlags, sys};
        b.iter(|| {
            // SAFETY: a fresh anonymous page, unmapped right away.
            unsafe {
                let p = sys::mmap(
                    null_mut(),
                    black_box(len),
                    ProtFlags::READ | ProtFlags::WRITE,
                    MapFlags::PRIVATE | MapFlags::ANONYMOUS,
                    None,
                    0,
                )
                .unwrap();
                sys::munmap(p, len).unwrap();
            }
        })
    });
    g.bench_function("glibc", |b| {
        b.iter(|| {
            // SAFETY: a fresh anonymous page, unmapped right away.
            unsafe {
                let p = libc::mmap(
                    null_mut(),
                    black_box(len),
                    libc::PROT_READ | libc::PROT_WRITE,
                    libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                    -1,
                    0,
                );
                assert_ne!(p, libc::MAP_FAILED);
                assert_eq!(libc::munmap(p, len), 0);
            }
        })
    });
    g.bench_function("rustix", |b| {
        use rustix::mm;
        b.iter(|| {
            // SAFETY: a fresh anonymous page, unmapped right away.
            unsafe {
                let p = mm::mmap_anonymous(
                    null_mut(),
                    black_box(len),
                    mm::ProtFlags::READ | mm::ProtFlags::WRITE,
                    mm::MapFlags::PRIVATE,
                )
                .unwrap();
                mm::munmap(p, len).unwrap();
            }
        })
    });
    g.finish();
}

fn safe_maps(c: &mut Criterion) {
    let len = rawmap::page_size();
    let mut g = c.benchmark_group("safe_anon_map_drop_page");
    g.bench_function("rawmap", |b| {
        b.iter(|| {
            black_box(
                rawmap::MapOptions::new()
                    .len(black_box(len))
                    .map_anon()
                    .unwrap(),
            )
        })
    });
    g.bench_function("memmap2", |b| {
        b.iter(|| black_box(memmap2::MmapMut::map_anon(black_box(len)).unwrap()))
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
