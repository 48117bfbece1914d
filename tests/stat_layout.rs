//! `sys::fstat`'s `struct stat` is this architecture's kernel layout
//! (`linux_raw_sys`): x86_64, the asm-generic arches, powerpc64 and s390x
//! each order and size the fields differently (asm-generic puts `st_mode`
//! before `st_nlink` and makes `st_nlink` 32 bits; s390x is big-endian, so
//! a field read at the wrong width gives its high half). Every field is
//! compared with what std reports for the same file (through the C
//! library's own `struct stat`), with values chosen so that a swapped,
//! truncated or mis-sized field cannot match by chance.
mod common;

use std::os::unix::fs::{MetadataExt, PermissionsExt};

use common::TmpFile;
use rawmap::sys;
use rawmap::{Mode, OFlags};

/// A size past 4 GiB with low and high halves both non-zero: a 32-bit
/// truncation, or the wrong half of a big-endian doubleword, differs.
const SIZE: u64 = (5 << 30) + 1234;

#[test]
#[allow(clippy::unnecessary_cast)] // the field types differ per arch
fn every_field_matches_the_c_library_for_a_sparse_file_past_4_gib() {
    let t = TmpFile::with_contents("stat-layout", b"x");
    let f = std::fs::OpenOptions::new()
        .write(true)
        .open(t.path())
        .unwrap();
    f.set_len(SIZE).unwrap();
    std::fs::set_permissions(t.path(), std::fs::Permissions::from_mode(0o640)).unwrap();
    // A second name: st_nlink 2, next to st_mode in every layout.
    let link = common::tmp_path("stat-layout-link");
    std::fs::hard_link(t.path(), link.to_str().unwrap()).unwrap();

    let fd = sys::open(t.c(), OFlags::RDONLY, Mode::empty()).unwrap();
    let st = sys::fstat(fd.as_fd()).unwrap();
    let meta = std::fs::metadata(t.path()).unwrap();
    std::fs::remove_file(link.to_str().unwrap()).unwrap();

    assert_eq!(st.st_size as u64, SIZE, "st_size");
    assert_eq!(st.st_size as u64, meta.size(), "st_size");
    assert_eq!(st.st_mode as u32, 0o100640, "st_mode");
    assert_eq!(st.st_mode as u32, meta.mode(), "st_mode");
    assert_eq!(st.st_nlink as u64, 2, "st_nlink");
    assert_eq!(st.st_nlink as u64, meta.nlink(), "st_nlink");
    assert_eq!(st.st_ino as u64, meta.ino(), "st_ino");
    assert_eq!(st.st_dev as u64, meta.dev(), "st_dev");
    assert_eq!(st.st_uid as u32, meta.uid(), "st_uid");
    assert_eq!(st.st_gid as u32, meta.gid(), "st_gid");
    assert_eq!(st.st_rdev as u64, meta.rdev(), "st_rdev");
    assert_eq!(st.st_blksize as u64, meta.blksize(), "st_blksize");
    assert_eq!(st.st_blocks as u64, meta.blocks(), "st_blocks");
    assert_eq!(st.st_mtime as i64, meta.mtime(), "st_mtime");
    if cfg!(target_arch = "s390x") && common::under_qemu().is_some() {
        // qemu-user 7.2 defines no TARGET_STAT_HAVE_NSEC for s390x, so its
        // fstat leaves every *_nsec field 0 (std's statx is translated
        // with them); a kernel fills them in.
        eprintln!("qemu-user on s390x: st_mtime_nsec is 0 (qemu's fstat drops nanoseconds)");
        assert_eq!(st.st_mtime_nsec, 0, "st_mtime_nsec under qemu-s390x");
    } else {
        assert_eq!(st.st_mtime_nsec as i64, meta.mtime_nsec(), "st_mtime_nsec");
    }
    assert_eq!(st.st_ctime as i64, meta.ctime(), "st_ctime");
    // Sparse: far fewer 512-byte blocks than the size needs.
    assert!(
        (st.st_blocks as u64) < SIZE / 512,
        "st_blocks {}",
        st.st_blocks
    );
}

#[test]
#[allow(clippy::unnecessary_cast)] // the field types differ per arch
fn a_device_has_its_rdev_and_type() {
    // /dev/null is character device 1:3 on every Linux.
    let fd = sys::open(c"/dev/null", OFlags::RDONLY, Mode::empty()).unwrap();
    let st = sys::fstat(fd.as_fd()).unwrap();
    let meta = std::fs::metadata("/dev/null").unwrap();
    assert_eq!(
        st.st_mode & linux_raw_sys::general::S_IFMT,
        linux_raw_sys::general::S_IFCHR
    );
    assert_eq!(st.st_rdev as u64, meta.rdev(), "st_rdev");
    // The kernel's new_encode_dev(MKDEV(1, 3)).
    assert_eq!(st.st_rdev as u64, (1 << 8) | 3, "st_rdev");
    assert_eq!(st.st_size, 0);
}

/// loongarch64 has no `fstat` system call before Linux 6.11, so rawmap's
/// `fstat` there is `statx` converted into `struct stat` (field by field,
/// the device numbers in the kernel's `new_encode_dev` form). Where the
/// call exists (Linux 6.11 and later, or a qemu-user that emulates it), the
/// kernel's own `struct stat` must be the same in every field, for a file
/// and for a device; where it does not, the answer is `ENOSYS`.
#[cfg(target_arch = "loongarch64")]
#[test]
fn fstat_made_of_statx_matches_the_kernel_s_own_fstat() {
    use std::mem::MaybeUninit;
    let t = TmpFile::with_contents("stat-statx", b"abc");
    for path in [t.c(), c"/dev/null"] {
        let fd = sys::open(path, OFlags::RDONLY, Mode::empty()).unwrap();
        let ours = sys::fstat(fd.as_fd()).unwrap();
        let mut st = MaybeUninit::<sys::Stat>::uninit();
        // SAFETY: fstat writes at most one `struct stat` into `st`.
        let r = unsafe {
            libc::syscall(
                linux_raw_sys::general::__NR_fstat as libc::c_long,
                fd.as_raw_fd(),
                st.as_mut_ptr(),
            )
        };
        if r != 0 {
            assert_eq!(common::libc_errno(), libc::ENOSYS, "fstat of {path:?}");
            eprintln!("no fstat system call here (Linux before 6.11): statx only, not compared");
            return;
        }
        // SAFETY: the call succeeded, so the kernel filled it.
        let k = unsafe { st.assume_init() };
        macro_rules! same {
            ($($f:ident),*) => {
                $(assert_eq!(ours.$f, k.$f, "{} of {path:?}", stringify!($f));)*
            };
        }
        same!(
            st_dev,
            st_ino,
            st_mode,
            st_nlink,
            st_uid,
            st_gid,
            st_rdev,
            st_size,
            st_blksize,
            st_blocks,
            st_atime,
            st_atime_nsec,
            st_mtime,
            st_mtime_nsec,
            st_ctime,
            st_ctime_nsec
        );
    }
}
