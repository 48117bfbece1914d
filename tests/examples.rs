//! The no-libc example programs (`examples/nolibc`: `tour`, `mcat`, `mwc`,
//! `rt_check`, which exercises the runtime itself, and `alloc_check`, which
//! uses the `alloc` crate),
//! built for this test's own target and run: natively on x86_64, under
//! qemu-user for aarch64, riscv64, powerpc64le and s390x (the binaries are
//! static, so qemu needs no `-L` sysroot). Exact stdout, stderr and exit
//! status are compared, error cases included, and each binary's ELF
//! headers are checked to prove it is static and links no libc.
//!
//! The programs are a package of their own (rawmap's dev-dependency on
//! itself with `std` would otherwise turn `std` on for them); they are
//! built once per test binary with `cargo build --release`, into
//! `target/nolibc` so this nested cargo never waits for the outer one's
//! lock on `target/`; the dev profile is built too (unoptimised code links
//! symbols that release builds drop, `_Unwind_Resume` among them).
mod common;

use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;

use object::elf;
use object::read::elf::{ElfFile, FileHeader, ProgramHeader, SectionHeader};
use object::{Object, ObjectSection, ObjectSymbol};

/// The target triple this test was built for: the examples are built for
/// the same one.
const TARGET: &str = if cfg!(target_arch = "x86_64") {
    "x86_64-unknown-linux-gnu"
} else if cfg!(target_arch = "aarch64") {
    "aarch64-unknown-linux-gnu"
} else if cfg!(target_arch = "powerpc64") {
    "powerpc64le-unknown-linux-gnu"
} else if cfg!(target_arch = "s390x") {
    "s390x-unknown-linux-gnu"
} else if cfg!(target_arch = "loongarch64") {
    "loongarch64-unknown-linux-gnu"
} else if cfg!(target_arch = "x86") {
    "i686-unknown-linux-gnu"
} else if cfg!(target_arch = "arm") {
    "armv7-unknown-linux-gnueabihf"
} else {
    "riscv64gc-unknown-linux-gnu"
};

const PROGRAMS: [&str; 5] = ["tour", "mcat", "mwc", "rt_check", "alloc_check"];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Builds the example package once and returns its output directory.
fn bin_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| build_examples("release"))
}

/// The same programs built with the dev profile (unoptimised).
fn dev_bin_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| build_examples("dev"))
}

/// `cargo build --profile PROFILE --bins` of `examples/nolibc` for
/// [`TARGET`]; its output directory.
fn build_examples(profile: &str) -> PathBuf {
    build_package("nolibc", profile)
}

/// `cargo build --profile PROFILE --bins` of the package
/// `examples/PACKAGE` for [`TARGET`], into `target/PACKAGE` (so this nested
/// cargo never waits for the outer one's lock on `target/`); the output
/// directory. With `RAWMAP_NOLIBC_TARGET_DIR` (the real-kernel lane, whose
/// VMs have no cargo) the programs are already built there and no cargo
/// runs.
fn build_package(package: &str, profile: &str) -> PathBuf {
    let dir = if profile == "dev" { "debug" } else { profile };
    if let Some(prebuilt) = std::env::var_os("RAWMAP_NOLIBC_TARGET_DIR") {
        return PathBuf::from(prebuilt).join(TARGET).join(dir);
    }
    let target_dir = root().join("target").join(package);
    // `CARGO` is the cargo that runs this test; under qemu-user this
    // (guest) process starts the host's cargo, which qemu passes through.
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let out = Command::new(cargo)
        .current_dir(root())
        .args(["build", "--profile", profile, "--bins", "--target", TARGET])
        .arg("--manifest-path")
        .arg(root().join("examples").join(package).join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", &target_dir)
        .env_remove("CARGO_BUILD_TARGET")
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .stdin(Stdio::null())
        .output()
        .expect("run cargo");
    assert!(
        out.status.success(),
        "building examples/{package} ({profile}) for {TARGET} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    target_dir.join(TARGET).join(dir)
}

fn bin(name: &str) -> PathBuf {
    bin_dir().join(name)
}

/// Runs example `name` with `args` in `cwd`, natively or under qemu-user
/// (`RAWMAP_QEMU` names the arch, set by the cargo runner).
fn run_in(name: &str, args: &[&OsStr], cwd: &Path, env: &[(&str, &OsStr)]) -> Output {
    run_program(&bin(name), args, cwd, env)
}

/// Runs the program at `program`, as [`run_in`].
fn run_program(program: &Path, args: &[&OsStr], cwd: &Path, env: &[(&str, &OsStr)]) -> Output {
    let mut cmd = match common::under_qemu() {
        Some(arch) => {
            // The runner may name its qemu (loongarch64: trixie's, see
            // .cargo/config.toml); Debian 12's qemu-ARCH-static otherwise,
            // which names i686 and armv7 i386 and arm.
            let qemu = std::env::var("RAWMAP_QEMU_BIN").unwrap_or_else(|_| {
                let name = match arch.as_str() {
                    "i686" => "i386",
                    "armv7" => "arm",
                    other => other,
                };
                format!("qemu-{name}-static")
            });
            let mut c = Command::new(qemu);
            c.arg(program);
            c
        }
        None => Command::new(program),
    };
    cmd.args(args).current_dir(cwd).stdin(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("run example")
}

/// A fresh scratch directory, removed on drop.
struct TmpDir(PathBuf);

impl TmpDir {
    fn new(tag: &str) -> Self {
        let p = PathBuf::from(common::tmp_path(tag).into_string().unwrap());
        fs::create_dir(&p).unwrap();
        Self(p)
    }
    fn file(&self, name: &str, contents: &[u8]) -> PathBuf {
        let p = self.0.join(name);
        fs::write(&p, contents).unwrap();
        p
    }
}

impl Drop for TmpDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Asserts the exact outcome of a run.
#[track_caller]
fn assert_output(out: &Output, code: i32, stdout: &[u8], stderr: &str) {
    assert_eq!(
        text(&out.stdout),
        text(stdout),
        "stdout differs (stderr: {})",
        text(&out.stderr)
    );
    assert_eq!(text(&out.stderr), stderr, "stderr differs");
    assert_eq!(
        out.status.code(),
        Some(code),
        "exit status: {:?}",
        out.status
    );
}

// ---------------------------------------------------------------- tour

/// The tour's whole output, with the page size (`{P}`, `{P-1}`, `{2P}`)
/// and the allocator's mapped total (`{MAPPED}`) left open.
const TOUR: &str = r#"rawmap tour: the seed's mmap notes, run live; every call is a raw system call
page size: {P} bytes (AT_PAGESZ from the kernel; aarch64 kernels may use 16K or 64K pages)

== a file, mapped shared: writes to memory reach the file
open(scratch file in $TMPDIR or /tmp, O_RDWR|O_CREAT|O_EXCL, 0600): ok, size 0
mmap(NULL, {P}, PROT_READ, MAP_SHARED, fd, 0) of the empty file: ok -- the seed says size 0 fails
a child reads its first byte: killed by SIGBUS -- no file behind the page: give the file a size first
ftruncate(fd, {2P}): ok, two pages of zeros (FAQ 5)
mmap(NULL, {P}, PROT_READ|PROT_WRITE, MAP_SHARED, fd, 0): ok
wrote "hello from mmap" through the pointer
pread(fd) before msync: "hello from mmap" -- already there: the map is the file's page cache
msync(ptr, {P}, MS_SYNC): ok -- writes the dirty page back to storage and waits
munmap(ptr, {P}): ok
read(fd) after munmap: "hello from mmap" -- the bytes are in the file

== a private map: copy-on-write, the file does not change
mmap(NULL, {P}, PROT_READ|PROT_WRITE, MAP_PRIVATE, fd, 0): ok, reads "hello from mmap"
wrote "PRIVATE": the map reads "PRIVATErom mmap"
pread(fd): "hello from mmap" -- the file is unchanged
munmap: ok -- the private copy is gone

== the seed's FAQ (questions 1 to 7), live
FAQ 1: munmap(ptr + 1, {P}): EINVAL (Invalid argument) -- the address must be page aligned
       munmap(ptr, 1) of a {2P}-byte map: ok -- unmaps the first page: lengths are rounded up to pages
       munmap(ptr + {P}, {P}): ok
       munmap(ptr, {2P}) again: ok -- unmapping an empty range is not an error
FAQ 2: O_RDONLY fd, PROT_READ|PROT_WRITE, MAP_SHARED: EACCES (Permission denied), as the seed says
       O_RDONLY fd, PROT_READ|PROT_WRITE, MAP_PRIVATE: ok -- the seed says it fails; writes go to a private copy
       O_WRONLY fd, PROT_WRITE, MAP_SHARED: EACCES (Permission denied) -- a file mapping always needs read access
FAQ 3: offset 1000: EINVAL (Invalid argument)
       offset {P}: ok -- a multiple of the page size (the seed says 4k; it is {P} here)
FAQ 4: length 0: EINVAL (Invalid argument)
       PROT_WRITE without PROT_READ: ok -- the seed says it fails; Linux accepts it
       neither MAP_SHARED nor MAP_PRIVATE: EINVAL (Invalid argument)
FAQ 6: close(fd): ok; the map still reads "hello from mmap"
FAQ 7: map 100 bytes; a child reads ptr[100] and ptr[{P-1}]: exited with status 0 -- the map covers the whole page
       a child reads ptr[{P}], in the next page (PROT_NONE here): killed by SIGSEGV

== anonymous memory and a child process (fork, wait4)
mmap(NULL, {P}, PROT_READ|PROT_WRITE, MAP_SHARED|MAP_ANONYMOUS, -1, 0): ok
  a child writes "written by the child" and exited with status 0; the parent reads "written by the child" -- the same memory
mmap(NULL, {P}, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0): ok
  a child writes "written by the child" and exited with status 0; the parent reads "" -- zeros: the child wrote its own copy

== the safe API: MapOptions, Mmap, MmapMut, Bump (each unmaps what it mapped, on drop)
MmapMut::map_mut(&file): {2P} bytes, reads "hello from mmap"; wrote "safe!" at byte 1000, flush(): ok
MapOptions::new().offset(1000).len(5).map(&file): reads "safe!" -- the offset need not be page aligned (FAQ 3 settled inside)
Mmap::map(&file): {2P} bytes, 20 of them not zero
MapOptions::new().len(0).map_anon(): ok -- an empty map, no system call
MapOptions::new().len(100).map_anon(): zeroed, one byte set, sum 7; make_read_only(): ProtFlags(READ)
Bump::new(): alloc_slice_copy [0, 4, 9, 16, 25], alloc_str "arena" -- dropping the Bump unmaps its chunks

== Vec, String and BTreeMap on GlobalBump, the global allocator
Vec<u64> of the squares of 1..=1000: sum 333833500
String built word by word: "a-shared-map-of-a-file" (22 bytes)
BTreeMap word count: 17 distinct words; most frequent: the 7, map 6, a 5, file 5
Vec<u64> grown by push to 100000 elements, capacity 131072 (1048576 bytes: a large block, in a mapping of its own, grown with mremap)
GlobalBump has mapped {MAPPED} bytes in all (1 MiB chunks for small blocks, whole pages for large ones)

unlink(scratch file): ok
done
"#;

/// The first lines of the tour, up to the failing `open`.
const TOUR_HEAD: &str = r#"rawmap tour: the seed's mmap notes, run live; every call is a raw system call
page size: {P} bytes (AT_PAGESZ from the kernel; aarch64 kernels may use 16K or 64K pages)

== a file, mapped shared: writes to memory reach the file
"#;

fn with_page_size(template: &str) -> String {
    let p = rawmap::page_size();
    // One chunk for the small blocks and the large vector's own mapping
    // (1 MiB, rounded up to whole pages).
    let mapped = rawmap::GlobalBump::CHUNK_SIZE + (131_072usize * 8).next_multiple_of(p);
    template
        .replace("{P-1}", &(p - 1).to_string())
        .replace("{2P}", &(2 * p).to_string())
        .replace("{P}", &p.to_string())
        .replace("{MAPPED}", &mapped.to_string())
}

/// The tour's stderr without what qemu-user adds: it announces a guest
/// killed by a signal ("qemu: uncaught target signal 7 (Bus error) - core
/// dumped"), for targets where qemu 7.2 implements core dumps (aarch64, not
/// riscv64). A kernel prints nothing there; the tour kills two children on
/// purpose (SIGBUS, SIGSEGV).
fn tour_stderr_without_qemu_notes(stderr: &[u8]) -> String {
    let all = text(stderr);
    if common::under_qemu().is_none() {
        return all;
    }
    let notes = [
        "qemu: uncaught target signal 7 (Bus error) - core dumped",
        "qemu: uncaught target signal 11 (Segmentation fault) - core dumped",
    ];
    let kept: String = all
        .lines()
        .filter(|l| !notes.contains(l))
        .map(|l| format!("{l}\n"))
        .collect();
    eprintln!(
        "under qemu-user: ignored {} qemu 'uncaught target signal' line(s) for the children killed on purpose",
        all.lines().count() - kept.lines().count()
    );
    kept
}

#[test]
fn tour_walks_through_the_seed() {
    let dir = TmpDir::new("tour");
    let out = run_in("tour", &[], &dir.0, &[("TMPDIR", dir.0.as_os_str())]);
    assert_eq!(tour_stderr_without_qemu_notes(&out.stderr), "");
    assert_eq!(text(&out.stdout), with_page_size(TOUR));
    assert_eq!(out.status.code(), Some(0));
    // The scratch file is gone, and nothing else was left behind (no core
    // files from the children).
    let left: Vec<_> = fs::read_dir(&dir.0).unwrap().collect();
    assert!(left.is_empty(), "left behind: {left:?}");
}

#[test]
fn tour_without_tmpdir_uses_tmp() {
    let dir = TmpDir::new("tour-cwd");
    let out = run_in("tour", &[], &dir.0, &[("TMPDIR", OsStr::new(""))]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), with_page_size(TOUR));
}

#[test]
fn tour_reports_a_failed_step() {
    let dir = TmpDir::new("tour-missing");
    let missing = dir.0.join("no-such-dir");
    let out = run_in("tour", &[], &dir.0, &[("TMPDIR", missing.as_os_str())]);
    assert_output(
        &out,
        1,
        with_page_size(TOUR_HEAD).as_bytes(),
        "tour: open(scratch file): ENOENT (No such file or directory)\n",
    );
}

#[test]
fn tour_takes_no_arguments() {
    let dir = TmpDir::new("tour-args");
    let out = run_in("tour", &[OsStr::new("x")], &dir.0, &[]);
    assert_output(
        &out,
        2,
        b"",
        "usage: tour (no arguments: it works on a scratch file in $TMPDIR or /tmp)\n",
    );
}

// ---------------------------------------------------------------- mcat

/// Bytes that are not text: every byte value, then a pattern over several
/// pages that does not end on a page boundary.
fn binary_contents() -> Vec<u8> {
    let mut v: Vec<u8> = (0..=255).collect();
    let mut x = 0x2545_f491_u32;
    for _ in 0..(3 * rawmap::page_size() + 5) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        v.push(x as u8);
    }
    v
}

#[test]
fn mcat_concatenates_files() {
    let dir = TmpDir::new("mcat");
    let a = dir.file("a.txt", b"the cat\nsat on the mat\n");
    let empty = dir.file("empty", b"");
    let bin = binary_contents();
    let b = dir.file("b.bin", &bin);
    let c = dir.file("c.txt", b"no newline at the end");
    let args = [
        a.as_os_str(),
        empty.as_os_str(),
        b.as_os_str(),
        c.as_os_str(),
    ];
    let out = run_in("mcat", &args, &dir.0, &[]);
    let mut want = b"the cat\nsat on the mat\n".to_vec();
    want.extend_from_slice(&bin);
    want.extend_from_slice(b"no newline at the end");
    assert_eq!(out.stdout.len(), want.len());
    assert!(out.stdout == want, "mcat output differs from the files");
    assert_output(&out, 0, &want, "");
}

#[test]
fn mcat_of_an_empty_file_prints_nothing() {
    let dir = TmpDir::new("mcat-empty");
    let empty = dir.file("empty", b"");
    let out = run_in("mcat", &[empty.as_os_str()], &dir.0, &[]);
    assert_output(&out, 0, b"", "");
}

#[test]
fn mcat_reports_errors_and_goes_on() {
    let dir = TmpDir::new("mcat-err");
    fs::create_dir(dir.0.join("sub")).unwrap();
    dir.file("ok.txt", b"still printed\n");
    let args: Vec<&OsStr> = ["missing", "sub", "ok.txt"]
        .iter()
        .map(OsStr::new)
        .collect();
    let out = run_in("mcat", &args, &dir.0, &[]);
    assert_output(
        &out,
        1,
        b"still printed\n",
        "mcat: missing: ENOENT (No such file or directory)\n\
         mcat: sub: EISDIR (Is a directory)\n",
    );
}

#[test]
fn mcat_reads_what_cannot_be_mapped() {
    // /proc files report size 0 but have contents: read, not mapped.
    let dir = TmpDir::new("mcat-proc");
    let out = run_in("mcat", &[OsStr::new("/proc/self/cmdline")], &dir.0, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(out.stderr.is_empty(), "{}", text(&out.stderr));
    // Under qemu-user, /proc/self/cmdline is the guest's command line.
    let cmdline = out.stdout.split(|&b| b == 0).nth(1).map(<[u8]>::to_vec);
    assert_eq!(cmdline.as_deref(), Some(&b"/proc/self/cmdline"[..]));
}

#[test]
fn mcat_without_arguments_prints_usage() {
    let dir = TmpDir::new("mcat-usage");
    let out = run_in("mcat", &[], &dir.0, &[]);
    assert_output(&out, 2, b"", "usage: mcat FILE...\n");
}

// ---------------------------------------------------------------- mwc

#[test]
fn mwc_counts_lines_words_bytes() {
    let dir = TmpDir::new("mwc");
    dir.file("a.txt", b"the cat\nsat on the mat\n");
    dir.file("empty", b"");
    dir.file("b.txt", b"  the end\twithout newline");
    let args: Vec<&OsStr> = ["a.txt", "empty", "b.txt"].iter().map(OsStr::new).collect();
    let out = run_in("mwc", &args, &dir.0, &[]);
    assert_output(
        &out,
        0,
        b"      2       6      23 a.txt\n\
          \x20     0       0       0 empty\n\
          \x20     0       4      25 b.txt\n\
          \x20     2      10      48 total\n\
          most frequent words:\n\
          \x20     3 the\n\
          \x20     1 cat\n\
          \x20     1 end\n\
          \x20     1 mat\n\
          \x20     1 newline\n\
          \x20     1 on\n\
          \x20     1 sat\n\
          \x20     1 without\n",
        "",
    );
}

/// An independent count of the seed, the way `wc` counts in the C locale.
#[test]
fn mwc_agrees_with_an_independent_count_of_the_seed() {
    let seed = root().join("../shared/seed/mmap-notes.zh.md");
    let Ok(bytes) = fs::read(&seed) else {
        eprintln!("skipped: the seed is not at {}", seed.display());
        return;
    };
    let lines = bytes.iter().filter(|&&b| b == b'\n').count();
    let words = bytes
        .split(|b| b" \t\n\r\x0b\x0c".contains(b))
        .filter(|w| !w.is_empty())
        .count();
    let dir = TmpDir::new("mwc-seed");
    let out = run_in("mwc", &[seed.as_os_str()], &dir.0, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let first = text(&out.stdout)
        .lines()
        .next()
        .unwrap_or_default()
        .to_owned();
    let want = format!(
        "{lines:>7} {words:>7} {:>7} {}",
        bytes.len(),
        seed.display()
    );
    assert_eq!(first, want);
}

#[test]
fn mwc_reports_missing_files_and_directories() {
    let dir = TmpDir::new("mwc-err");
    fs::create_dir(dir.0.join("sub")).unwrap();
    dir.file("one", b"word\n");
    let args: Vec<&OsStr> = ["missing", "sub", "one"].iter().map(OsStr::new).collect();
    let out = run_in("mwc", &args, &dir.0, &[]);
    assert_output(
        &out,
        1,
        b"      1       1       5 one\n\
          most frequent words:\n\
          \x20     1 word\n",
        "mwc: missing: ENOENT (No such file or directory)\n\
         mwc: sub: EISDIR (Is a directory)\n",
    );
}

#[test]
fn mwc_without_arguments_prints_usage() {
    let dir = TmpDir::new("mwc-usage");
    let out = run_in("mwc", &[], &dir.0, &[]);
    assert_output(&out, 2, b"", "usage: mwc FILE...\n");
}

// ---------------------------------------------------------------- rt

/// Arguments (with spaces, empty, not UTF-8) and the environment reach
/// `main` through `_start`; the page size agrees with the aux vector; the
/// runtime's `mem*` functions agree with byte loops at every alignment.
#[test]
fn runtime_passes_arguments_environment_and_mem_checks() {
    use std::os::unix::ffi::OsStrExt;
    let dir = TmpDir::new("rt");
    let args = [
        OsStr::new("a b"),
        OsStr::new(""),
        OsStr::from_bytes(b"\xff\xfe"),
    ];
    let out = run_in(
        "rt_check",
        &args,
        &dir.0,
        &[("RAWMAP_CHECK", OsStr::new("x=y"))],
    );
    assert_output(
        &out,
        0,
        b"3 arguments after the name\n  \"a b\"\n  \"\"\n  \"\\xff\\xfe\"\n\
          RAWMAP_CHECK=\"x=y\"\n\
          page_size() equals AT_PAGESZ: yes\n\
          mem* checks: 23552 cases, 0 failures\n",
        "",
    );
}

#[test]
fn runtime_returns_main_s_exit_status() {
    let dir = TmpDir::new("rt-exit");
    for code in ["0", "7", "255"] {
        let out = run_in(
            "rt_check",
            &[OsStr::new("exit"), OsStr::new(code)],
            &dir.0,
            &[],
        );
        assert_output(&out, code.parse().unwrap(), b"", "");
    }
}

/// The panic handler prints the location and message, then exits with 101.
#[test]
fn runtime_panic_prints_the_message_and_exits_101() {
    let dir = TmpDir::new("rt-panic");
    let out = run_in("rt_check", &[OsStr::new("panic")], &dir.0, &[]);
    assert_eq!(out.status.code(), Some(101), "{:?}", out.status);
    assert!(out.stdout.is_empty());
    let err = text(&out.stderr);
    assert!(
        err.starts_with("panicked at src/bin/rt_check.rs:")
            && err.ends_with(":\ndeliberate panic: 42\n"),
        "stderr: {err:?}"
    );
}

// ---------------------------------------------------------------- alloc

/// What `alloc_check a bb` prints: one line per `alloc` feature used.
const ALLOC_CHECK_OUT: &str = "format!: page size {P}, 3 args
to_string: one two 42
Vec: 10 squares, sum 385, last Some(100)
Box<dyn Shape>: square 3 has area 9
Box<dyn Shape>: rect 2x5 has area 10
BTreeMap: [a=1, b=2]
large Vec: 1048576 bytes, sum 7340032
GlobalBump: main thread owns an arena: true, arenas owned: 1
";

/// `format!`, `String`, `Vec`, `BTreeMap`, `Box<dyn Trait>` and
/// `to_string()` link and run in a no-libc program, in the release and in
/// the dev profile (before `rt` provided `_Unwind_Resume`, both failed to
/// link: the precompiled `alloc` is built with unwinding).
#[test]
fn alloc_links_and_runs_in_release_and_dev_builds() {
    let dir = TmpDir::new("alloc");
    let expect = with_page_size(ALLOC_CHECK_OUT);
    let args = [OsStr::new("a"), OsStr::new("bb")];
    for program in [bin("alloc_check"), dev_bin_dir().join("alloc_check")] {
        let out = run_program(&program, &args, &dir.0, &[]);
        assert_output(&out, 0, expect.as_bytes(), "");
    }
    // Every program links and starts in the dev profile too.
    for name in PROGRAMS {
        let out = run_program(&dev_bin_dir().join(name), &[], &dir.0, &[]);
        assert!(
            out.status.code().is_some(),
            "{name} (dev): {:?}",
            out.status
        );
    }
}

// ---------------------------------------------------------------- README

/// The fenced block after `<!-- own-binary/NAME -->` in the README.
fn readme_block(name: &str) -> String {
    let readme = fs::read_to_string(root().join("README.md")).unwrap();
    let start = readme
        .find(&format!("<!-- own-binary/{name} -->\n```"))
        .unwrap_or_else(|| panic!("README has no block for {name}"));
    let body = &readme[start..];
    let body = &body[body.find('\n').unwrap() + 1..];
    let body = &body[body.find('\n').unwrap() + 1..];
    body[..body.find("```\n").unwrap()].to_owned()
}

/// The README's "Your own static binary" is `examples/own-binary/`
/// exactly (but for the dependency, a path here, a version there, and the
/// `[workspace]` line that keeps it out of rawmap's workspace), and it
/// builds, links and runs.
#[test]
fn readme_static_binary_builds_and_runs() {
    let dir = root().join("examples/own-binary");
    let manifest = fs::read_to_string(dir.join("Cargo.toml")).unwrap();
    let inside = "# Only needed inside rawmap's repository, where this copy is built by the\n\
                  # tests (it is not part of rawmap's workspace).\n[workspace]\n\n";
    assert!(
        manifest.contains(inside),
        "examples/own-binary/Cargo.toml changed"
    );
    let published = manifest.replace(inside, "").replace(
        r#"rawmap = { path = "../..", features = ["rt"] }"#,
        r#"rawmap = { version = "0.1", features = ["rt"] }"#,
    );
    assert_eq!(readme_block("Cargo.toml"), published);
    for file in ["build.rs", "src/main.rs"] {
        assert_eq!(
            readme_block(file),
            fs::read_to_string(dir.join(file)).unwrap(),
            "README and examples/own-binary/{file} differ"
        );
    }
    let tmp = TmpDir::new("own-binary");
    let three = tmp.file("three", b"a\nb\nc\n");
    let program = build_package("own-binary", "release").join("hello-nolibc");
    let args = [three.as_os_str(), OsStr::new("/nonexistent")];
    let out = run_program(&program, &args, &tmp.0, &[]);
    let expect = format!(
        "page size {}, 3 arguments\n{:?}: 3 lines\n\"/nonexistent\": \
         ENOENT (No such file or directory)\n[1, 4, 9, 16] 7\n",
        rawmap::page_size(),
        std::ffi::CString::new(three.to_str().unwrap()).unwrap()
    );
    assert_output(&out, 0, expect.as_bytes(), "");
}

// ---------------------------------------------------------------- ELF

/// Each binary is a static, fixed-address executable with no libc: no
/// interpreter, no dynamic section or symbols, no relocations left for a
/// loader, every symbol defined, `_start` (rawmap's) as the entry point,
/// and none of glibc's start-up symbols.
#[test]
fn binaries_are_static_with_no_libc() {
    let machine = if cfg!(target_arch = "x86_64") {
        elf::EM_X86_64
    } else if cfg!(target_arch = "aarch64") {
        elf::EM_AARCH64
    } else if cfg!(target_arch = "powerpc64") {
        elf::EM_PPC64
    } else if cfg!(target_arch = "s390x") {
        elf::EM_S390
    } else if cfg!(target_arch = "loongarch64") {
        elf::EM_LOONGARCH
    } else if cfg!(target_arch = "x86") {
        elf::EM_386
    } else if cfg!(target_arch = "arm") {
        elf::EM_ARM
    } else {
        elf::EM_RISCV
    };
    for name in PROGRAMS {
        let data = fs::read(bin(name)).unwrap();
        if cfg!(target_pointer_width = "32") {
            check_static_elf::<elf::FileHeader32<object::Endianness>>(name, &data, machine);
        } else {
            check_static_elf::<elf::FileHeader64<object::Endianness>>(name, &data, machine);
        }
    }
}

/// [`binaries_are_static_with_no_libc`] for one program, a 32- or 64-bit
/// ELF file.
fn check_static_elf<Elf: FileHeader<Endian = object::Endianness>>(
    name: &str,
    data: &[u8],
    machine: u16,
) {
    {
        let file = ElfFile::<Elf>::parse(data).unwrap();
        let endian = file.endian();
        let header = file.elf_header();
        assert_eq!(header.e_type(endian), elf::ET_EXEC, "{name}: not ET_EXEC");
        assert_eq!(header.e_machine(endian), machine, "{name}: wrong machine");
        for ph in file.elf_program_headers() {
            let t = ph.p_type(endian);
            assert!(t != elf::PT_INTERP, "{name}: has an interpreter");
            assert!(t != elf::PT_DYNAMIC, "{name}: has a dynamic segment");
            assert!(t != elf::PT_TLS, "{name}: has thread-local storage");
        }
        for section in file.elf_section_table().iter() {
            let t = section.sh_type(endian);
            let sname = file
                .elf_section_table()
                .section_name(endian, section)
                .unwrap_or_default();
            let sname = String::from_utf8_lossy(sname);
            assert!(
                ![
                    elf::SHT_DYNAMIC,
                    elf::SHT_DYNSYM,
                    elf::SHT_REL,
                    elf::SHT_RELA
                ]
                .contains(&t),
                "{name}: section {sname} (type {t}) needs a dynamic loader"
            );
            assert!(sname != ".interp", "{name}: has .interp");
        }
        assert_eq!(file.dynamic_symbols().count(), 0, "{name}: dynamic symbols");
        let symbols: Vec<_> = file.symbols().collect();
        assert!(
            symbols.len() > 20,
            "{name}: no symbol table to check ({} symbols)",
            symbols.len()
        );
        let undefined: Vec<_> = symbols
            .iter()
            .filter(|s| s.is_undefined() && !s.name().unwrap_or_default().is_empty())
            .map(|s| s.name().unwrap_or_default().to_owned())
            .collect();
        assert!(
            undefined.is_empty(),
            "{name}: undefined symbols {undefined:?}"
        );
        let start = file.symbol_by_name("_start").expect("_start");
        assert_eq!(start.address(), file.entry(), "{name}: entry is not _start");
        for libc in ["__libc_start_main", "malloc", "printf", "_IO_stdin_used"] {
            assert!(
                file.symbol_by_name(libc).is_none(),
                "{name}: defines libc's {libc}"
            );
        }
        assert!(
            file.section_by_name(".text").is_some_and(|s| s.size() > 0),
            "{name}: no code"
        );
    }
}
