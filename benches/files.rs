//! Summing a cached file: `read()` into a 1 MiB buffer against rawmap's and
//! memmap2's mappings, for one pass (map, sum, unmap) and for repeated passes
//! over a mapping kept open; with and without `MAP_POPULATE` and
//! `MADV_SEQUENTIAL`.
//!
//! `cargo bench --bench files`; the file size is `RAWMAP_BENCH_FILE_MB`
//! (default 256). The file is created once under the target directory and
//! read through once before measuring, so every case sees a cached file.

use std::hint::black_box;
use std::io::{Read, Write};
use std::path::PathBuf;

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion, Throughput, criterion_group, criterion_main};
use rawmap::{Advice, MapOptions};

/// The same summing loop for every case (vectorised by LLVM).
#[inline(never)]
fn sum(bytes: &[u8]) -> u64 {
    bytes.iter().map(|&b| u64::from(b)).sum()
}

fn bench_file() -> (PathBuf, usize) {
    let mb: usize = std::env::var("RAWMAP_BENCH_FILE_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(256);
    let len = mb << 20;
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("rawmap-bench-{mb}mib"));
    if std::fs::metadata(&path).map(|m| m.len() as usize).ok() != Some(len) {
        let mut f = std::fs::File::create(&path).unwrap();
        let chunk: Vec<u8> = (0..1 << 20)
            .map(|i: u32| (i.wrapping_mul(2654435761) >> 24) as u8)
            .collect();
        for _ in 0..mb {
            f.write_all(&chunk).unwrap();
        }
    }
    (path, len)
}

fn read_sum(path: &PathBuf, buf: &mut [u8]) -> u64 {
    let mut f = std::fs::File::open(path).unwrap();
    let mut total = 0;
    loop {
        let n = f.read(buf).unwrap();
        if n == 0 {
            return total;
        }
        total += sum(&buf[..n]);
    }
}

fn group<'a>(c: &'a mut Criterion, name: &str, thr: Throughput) -> BenchmarkGroup<'a, WallTime> {
    let mut g = c.benchmark_group(name);
    g.throughput(thr);
    g
}

fn files(c: &mut Criterion) {
    let (path, len) = bench_file();
    let mut buf = vec![0u8; 1 << 20];
    let expect = read_sum(&path, &mut buf); // also warms the page cache
    let file = rawmap::File::open(&path).unwrap();
    let std_file = std::fs::File::open(&path).unwrap();

    let mb = len >> 20;
    // SAFETY (every map below): the bench's own file; nothing truncates or
    // writes it while it is mapped.
    let map = |o: MapOptions| unsafe { o.map(&file) }.unwrap();

    // One pass: open/map, sum once, unmap.
    let mut g = group(
        c,
        &format!("file_sum_{mb}mib_one_pass"),
        Throughput::Bytes(len as u64),
    );
    g.bench_function("read_1mib", |b| {
        b.iter(|| assert_eq!(read_sum(&path, &mut buf), expect))
    });
    g.bench_function("rawmap", |b| {
        b.iter(|| assert_eq!(sum(&map(MapOptions::new())), expect))
    });
    g.bench_function("memmap2", |b| {
        // SAFETY: as above.
        b.iter(|| {
            assert_eq!(
                sum(&unsafe { memmap2::Mmap::map(&std_file) }.unwrap()),
                expect
            )
        })
    });
    g.finish();

    let mut g = group(
        c,
        &format!("file_sum_{mb}mib_one_pass_populate"),
        Throughput::Bytes(len as u64),
    );
    g.bench_function("rawmap", |b| {
        b.iter(|| assert_eq!(sum(&map(MapOptions::new().populate())), expect))
    });
    g.bench_function("memmap2", |b| {
        b.iter(|| {
            // SAFETY: as above.
            let m = unsafe { memmap2::MmapOptions::new().populate().map(&std_file) }.unwrap();
            assert_eq!(sum(&m), expect);
        })
    });
    g.finish();

    let mut g = group(
        c,
        &format!("file_sum_{mb}mib_one_pass_sequential"),
        Throughput::Bytes(len as u64),
    );
    g.bench_function("rawmap", |b| {
        b.iter(|| {
            let m = map(MapOptions::new());
            m.advise(Advice::SEQUENTIAL).unwrap();
            assert_eq!(sum(&m), expect);
        })
    });
    g.bench_function("memmap2", |b| {
        b.iter(|| {
            // SAFETY: as above.
            let m = unsafe { memmap2::Mmap::map(&std_file) }.unwrap();
            m.advise(memmap2::Advice::Sequential).unwrap();
            assert_eq!(sum(&m), expect);
        })
    });
    g.finish();

    // Repeated passes: the mapping (and its page tables) stays; read() has
    // no such state and does the same work every pass.
    let kept = map(MapOptions::new());
    // SAFETY: as above.
    let kept2 = unsafe { memmap2::Mmap::map(&std_file) }.unwrap();
    let mut g = group(
        c,
        &format!("file_sum_{mb}mib_repeat"),
        Throughput::Bytes(len as u64),
    );
    g.bench_function("read_1mib", |b| {
        b.iter(|| assert_eq!(read_sum(&path, &mut buf), expect))
    });
    g.bench_function("rawmap", |b| {
        b.iter(|| assert_eq!(sum(black_box(&kept)), expect))
    });
    g.bench_function("memmap2", |b| {
        b.iter(|| assert_eq!(sum(black_box(&kept2)), expect))
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(10)
        .warm_up_time(std::time::Duration::from_millis(500))
        .measurement_time(std::time::Duration::from_secs(3));
    targets = files
}
criterion_main!(benches);
