//! Differential test of `rawmap::sys::ftruncate` and `rawmap::sys::open`
//! against glibc's.
//!
//! proptest (fixed seed) generates:
//! - for `ftruncate`: every kind of descriptor (regular file read-write,
//!   read-only, write-only, append; directory; pipe; `O_PATH`; memfd; sealed
//!   memfd; closed; -1; `AT_FDCWD`) and lengths from 0 to past the file
//!   system's limit, including "negative" ones (`u64` above `i64::MAX`);
//! - for `open`: paths (a file, a directory, a symlink, a dangling symlink,
//!   a missing name, a file used as a directory, trailing slashes, the empty
//!   path, too-long names and paths, `/dev/null`), every access mode
//!   including the invalid 3, combinations of `O_*` flags including unknown
//!   bits, and modes with junk bits.
//!
//! Each case runs with rawmap, the fixture is restored, then it runs with
//! glibc; both must give the same answer (success, or the same errno) and
//! leave the same state behind (file sizes; for `open`, which object was
//! opened, its type, mode, size and status flags, and the directory's
//! entries). glibc's `open` is `openat(AT_FDCWD, ..)` everywhere; rawmap's is
//! the `open` system call on x86_64, `openat` on aarch64 and riscv64.
//!
//! Under qemu-user both go through qemu's emulation of the same calls
//! (which also translates the `O_*` bits), so they must agree there too.
mod common;

use std::ffi::CString;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::PathBuf;

use common::{FdKind, FdZoo, Tally};
use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::TestRunner;
use rawmap::{BorrowedFd, Mode, OFlags, sys};

#[test]
fn ftruncate_agrees_with_glibc() {
    let zoo = FdZoo::new();
    let page = rawmap::page_size() as u64;
    let lengths = vec![
        0,
        1,
        page - 1,
        page,
        zoo.size,
        10 * page + 3,
        1 << 30,
        1 << 43,
        1 << 44,
        1 << 50,
        i64::MAX as u64,
        1 << 63,
        u64::MAX - page,
        u64::MAX,
    ];
    let tally = Tally::default();
    let n = common::cases(5000, 2000);
    let mut runner = TestRunner::new(common::fixed_config(0x6674_7275, n));
    let result = runner.run(
        // Every kind but -1: rawmap's descriptors never hold it (as std's,
        // see `rawmap::fd`), so there is no rawmap call to compare.
        &(
            select(
                FdKind::ALL
                    .into_iter()
                    .filter(|&k| k != FdKind::MinusOne)
                    .collect::<Vec<_>>(),
            ),
            select(lengths),
        ),
        |(kind, len)| {
            let fd = zoo.raw(kind);
            zoo.restore();
            // SAFETY: an open descriptor of the zoo, or a number that is not
            // open / AT_FDCWD, used only to provoke EBADF.
            let borrowed = unsafe { BorrowedFd::borrow_raw(fd) };
            let ours = sys::ftruncate(borrowed, len).map_err(|e| e.into_raw());
            let after_ours = zoo.sizes();
            zoo.restore();
            // SAFETY: ftruncate takes no pointer.
            let theirs = match unsafe { libc::ftruncate64(fd, len as i64) } {
                0 => Ok(()),
                _ => Err(common::libc_errno()),
            };
            let after_theirs = zoo.sizes();
            zoo.restore();
            tally.record(&ours);
            prop_assert_eq!(
                ours.map_err(common::errno_name),
                theirs.map_err(common::errno_name),
                "different answers for ftruncate({:?}, {})",
                kind,
                len
            );
            prop_assert_eq!(after_ours, after_theirs, "different sizes afterwards");
            Ok(())
        },
    );
    if let Err(e) = result {
        panic!("{e}");
    }
    // EPERM: the sealed memfd. EFBIG: a length past the largest file of the
    // file system that holds the zoo's file (TMPDIR) -- only where that
    // limit is below i64::MAX: ext4's is 16 TiB with 4K blocks (1 << 44 is
    // past it); tmpfs, btrfs and xfs allow MAX_LFS_FILESIZE (i64::MAX), so
    // there every length up to it succeeds and the ones above are negative
    // (EINVAL). The real-kernel lane gives its VMs an ext4 TMPDIR.
    let mut expected = vec!["ok", "EBADF", "EINVAL", "EPERM"];
    match max_lfs_file_system(&zoo) {
        None => expected.push("EFBIG"),
        Some(fs) => println!("ftruncate vs glibc: TMPDIR is on {fs}: no length can reach EFBIG"),
    }
    tally.finish("ftruncate vs glibc", &expected);
}

/// The name of the zoo file's file system if its largest file is
/// `MAX_LFS_FILESIZE` (`i64::MAX`), so that no length below that is EFBIG.
fn max_lfs_file_system(zoo: &common::FdZoo) -> Option<&'static str> {
    // SAFETY: an all-zero statfs is a valid value to be overwritten.
    let mut st: libc::statfs = unsafe { std::mem::zeroed() };
    // SAFETY: an open descriptor of the zoo and a statfs to fill.
    let r = unsafe { libc::fstatfs(zoo.raw(FdKind::ReadWrite), &mut st) };
    assert_eq!(
        r,
        0,
        "fstatfs of the zoo file: {}",
        std::io::Error::last_os_error()
    );
    #[allow(clippy::unnecessary_cast)] // f_type's width differs per arch
    match st.f_type as i64 {
        t if t == libc::TMPFS_MAGIC as i64 => Some("tmpfs"),
        t if t == libc::BTRFS_SUPER_MAGIC as i64 => Some("btrfs"),
        t if t == libc::XFS_SUPER_MAGIC as i64 => Some("xfs"),
        _ => None,
    }
}

/// The directory the `open` cases work in, rebuilt by `reset`.
struct OpenFixture {
    dir: PathBuf,
    file_ino: u64,
    dir_ino: u64,
}

const FILE_CONTENTS: &[u8] = b"rawmap differential open\n";

impl OpenFixture {
    fn new() -> Self {
        let dir = PathBuf::from(std::ffi::OsStr::from_bytes(
            common::tmp_path("diff-open").as_bytes(),
        ));
        std::fs::create_dir(&dir).unwrap();
        std::fs::write(dir.join("file"), FILE_CONTENTS).unwrap();
        std::fs::create_dir(dir.join("dir")).unwrap();
        std::os::unix::fs::symlink("file", dir.join("link")).unwrap();
        std::os::unix::fs::symlink("missing", dir.join("dangling")).unwrap();
        let file_ino = std::fs::metadata(dir.join("file")).unwrap().ino();
        let dir_ino = std::fs::metadata(dir.join("dir")).unwrap().ino();
        let f = Self {
            dir,
            file_ino,
            dir_ino,
        };
        f.reset();
        f
    }

    /// Undoes what a case may have done: a created `missing`, a truncated
    /// or appended `file`, a changed mode.
    fn reset(&self) {
        let _ = std::fs::remove_file(self.dir.join("missing"));
        let _ = std::fs::remove_dir(self.dir.join("missing"));
        let file = self.dir.join("file");
        if std::fs::read(&file).unwrap() != FILE_CONTENTS {
            // Rewrite in place: the inode must stay the same.
            std::fs::OpenOptions::new()
                .write(true)
                .truncate(true)
                .open(&file)
                .and_then(|mut f| std::io::Write::write_all(&mut f, FILE_CONTENTS))
                .unwrap();
        }
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
    }

    /// Names, types, sizes and modes of the directory's entries.
    fn snapshot(&self) -> Vec<(String, u32, u64)> {
        let mut v: Vec<_> = std::fs::read_dir(&self.dir)
            .unwrap()
            .map(|e| {
                let e = e.unwrap();
                let m = std::fs::symlink_metadata(e.path()).unwrap();
                let size = if m.is_dir() { 0 } else { m.len() };
                (e.file_name().to_string_lossy().into_owned(), m.mode(), size)
            })
            .collect();
        v.sort();
        v
    }

    fn path(&self, which: &PathChoice) -> CString {
        let s: Vec<u8> = match which {
            PathChoice::Name(n) => self.dir.join(n).as_os_str().as_bytes().to_vec(),
            PathChoice::Raw(r) => r.as_bytes().to_vec(),
            PathChoice::LongName => self
                .dir
                .join("n".repeat(300))
                .as_os_str()
                .as_bytes()
                .to_vec(),
            PathChoice::LongPath => {
                let mut p = self.dir.clone();
                for _ in 0..2100 {
                    p.push("d");
                }
                p.as_os_str().as_bytes().to_vec()
            }
        };
        CString::new(s).unwrap()
    }

    /// What an open descriptor refers to, and how.
    fn describe(&self, fd: i32) -> Opened {
        // SAFETY: `st` is written by fstat on success; fd is open.
        let st = unsafe {
            let mut st = std::mem::zeroed::<libc::stat64>();
            assert_eq!(libc::fstat64(fd, &mut st), 0);
            st
        };
        let ino = st.st_ino;
        let object = if ino == self.file_ino {
            "file"
        } else if ino == self.dir_ino {
            "dir"
        } else if st.st_mode & libc::S_IFMT == libc::S_IFCHR {
            "char device"
        } else {
            "new"
        };
        // SAFETY: fcntl only queries an open descriptor.
        let status = unsafe { libc::fcntl(fd, libc::F_GETFL) };
        Opened {
            object,
            mode: st.st_mode,
            size: st.st_size,
            status,
        }
    }
}

impl Drop for OpenFixture {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

#[derive(Debug, PartialEq, Eq)]
struct Opened {
    object: &'static str,
    mode: u32,
    size: i64,
    status: i32,
}

#[derive(Clone, Debug)]
enum PathChoice {
    /// An entry of the fixture directory (or a path under it).
    Name(&'static str),
    /// A path used as is.
    Raw(&'static str),
    /// A 300-byte name (over NAME_MAX).
    LongName,
    /// A path over PATH_MAX.
    LongPath,
}

fn path_strategy() -> impl Strategy<Value = PathChoice> {
    prop_oneof![
        12 => select(vec![
            "file", "dir", "link", "dangling", "missing", "file/x", "file/", "dir/",
            "missing/x", "link/", "dir/..",
        ])
        .prop_map(PathChoice::Name),
        1 => select(vec!["", "/dev/null", "/"]).prop_map(PathChoice::Raw),
        1 => Just(PathChoice::LongName),
        1 => Just(PathChoice::LongPath),
    ]
}

fn oflags_strategy() -> impl Strategy<Value = u32> {
    let modifiers = [
        OFlags::CREAT,
        OFlags::EXCL,
        OFlags::TRUNC,
        OFlags::APPEND,
        OFlags::NONBLOCK,
        OFlags::DIRECTORY,
        OFlags::NOFOLLOW,
        OFlags::CLOEXEC,
        OFlags::PATH,
        OFlags::TMPFILE,
        OFlags::NOATIME,
        OFlags::SYNC,
        OFlags::DSYNC,
        OFlags::DIRECT,
        OFlags::NOCTTY,
        OFlags::LARGEFILE,
        OFlags::from_bits_retain(1 << 29),
        OFlags::from_bits_retain(1 << 30),
    ];
    (
        0u32..4,
        proptest::collection::vec(proptest::bool::weighted(0.12), modifiers.len()),
    )
        .prop_map(move |(acc, on)| {
            let mut f = acc;
            for (m, on) in modifiers.iter().zip(on) {
                if on {
                    f |= m.bits();
                }
            }
            f
        })
}

#[test]
fn open_agrees_with_glibc() {
    let fx = OpenFixture::new();
    let modes = vec![0u32, 0o600, 0o644, 0o777, 0o7777, 0o17777, 0xffff_ffff];
    let tally = Tally::default();
    let n = common::cases(5000, 2000);
    let mut runner = TestRunner::new(common::fixed_config(0x6f70_656e, n));
    let result = runner.run(
        &(path_strategy(), oflags_strategy(), select(modes)),
        |(which, flags, mode)| {
            let path = fx.path(&which);
            fx.reset();
            let ours = sys::open(
                &path,
                OFlags::from_bits_retain(flags),
                Mode::from_bits_retain(mode),
            )
            .map(|fd| fx.describe(fd.as_raw_fd()))
            .map_err(|e| e.into_raw());
            let after_ours = fx.snapshot();
            fx.reset();
            // SAFETY: a C string path; the mode is read as an unsigned int.
            let fd = unsafe { libc::open64(path.as_ptr(), flags as i32, mode as libc::c_uint) };
            let theirs = if fd >= 0 {
                let d = fx.describe(fd);
                // SAFETY: the descriptor glibc just returned, ours to close.
                unsafe { libc::close(fd) };
                Ok(d)
            } else {
                Err(common::libc_errno())
            };
            let after_theirs = fx.snapshot();
            fx.reset();
            tally.record(&ours);
            let what = (&which, format!("{flags:#o}"), format!("{mode:#o}"));
            prop_assert_eq!(
                ours.map_err(common::errno_name),
                theirs.map_err(common::errno_name),
                "different answers for open{:?}",
                what
            );
            prop_assert_eq!(after_ours, after_theirs, "different directory afterwards");
            Ok(())
        },
    );
    if let Err(e) = result {
        panic!("{e}");
    }
    tally.finish(
        "open vs glibc",
        &[
            "ok",
            "ENOENT",
            "EEXIST",
            "EISDIR",
            "ENOTDIR",
            "ELOOP",
            "EINVAL",
            "ENAMETOOLONG",
        ],
    );
}
