//! rawmap's errno numbers and names against this architecture's own
//! tables: `linux_raw_sys`'s per-arch constants and the kernel's uapi
//! headers (`asm/errno.h`, as installed for the target by Debian's
//! `linux-libc-dev` or `linux-libc-dev-<arch>-cross`).
//!
//! The generic values (asm-generic/errno.h) hold on every arch rawmap
//! supports, except that powerpc's header redefines `EDEADLOCK` as 58 (the
//! kernel itself only ever returns `EDEADLK`, 35). `syscalls`' one table,
//! behind rawmap's `Errno`, is written for x86_64/aarch64, so each arch is
//! checked here.
mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use linux_raw_sys::errno as e;
use rawmap::Errno;

/// (name, linux_raw_sys's value for this arch, rawmap's `Errno::NAME`) for
/// every errno name linux_raw_sys has.
macro_rules! table {
    ($($name:ident),* $(,)?) => {
        [$((stringify!($name), e::$name, Errno::$name)),*]
    };
}

const ALL: [(&str, u32, Errno); 133] = table![
    EPERM,
    ENOENT,
    ESRCH,
    EINTR,
    EIO,
    ENXIO,
    E2BIG,
    ENOEXEC,
    EBADF,
    ECHILD,
    EAGAIN,
    ENOMEM,
    EACCES,
    EFAULT,
    ENOTBLK,
    EBUSY,
    EEXIST,
    EXDEV,
    ENODEV,
    ENOTDIR,
    EISDIR,
    EINVAL,
    ENFILE,
    EMFILE,
    ENOTTY,
    ETXTBSY,
    EFBIG,
    ENOSPC,
    ESPIPE,
    EROFS,
    EMLINK,
    EPIPE,
    EDOM,
    ERANGE,
    EDEADLK,
    ENAMETOOLONG,
    ENOLCK,
    ENOSYS,
    ENOTEMPTY,
    ELOOP,
    EWOULDBLOCK,
    ENOMSG,
    EIDRM,
    ECHRNG,
    EL2NSYNC,
    EL3HLT,
    EL3RST,
    ELNRNG,
    EUNATCH,
    ENOCSI,
    EL2HLT,
    EBADE,
    EBADR,
    EXFULL,
    ENOANO,
    EBADRQC,
    EBADSLT,
    EDEADLOCK,
    EBFONT,
    ENOSTR,
    ENODATA,
    ETIME,
    ENOSR,
    ENONET,
    ENOPKG,
    EREMOTE,
    ENOLINK,
    EADV,
    ESRMNT,
    ECOMM,
    EPROTO,
    EMULTIHOP,
    EDOTDOT,
    EBADMSG,
    EOVERFLOW,
    ENOTUNIQ,
    EBADFD,
    EREMCHG,
    ELIBACC,
    ELIBBAD,
    ELIBSCN,
    ELIBMAX,
    ELIBEXEC,
    EILSEQ,
    ERESTART,
    ESTRPIPE,
    EUSERS,
    ENOTSOCK,
    EDESTADDRREQ,
    EMSGSIZE,
    EPROTOTYPE,
    ENOPROTOOPT,
    EPROTONOSUPPORT,
    ESOCKTNOSUPPORT,
    EOPNOTSUPP,
    EPFNOSUPPORT,
    EAFNOSUPPORT,
    EADDRINUSE,
    EADDRNOTAVAIL,
    ENETDOWN,
    ENETUNREACH,
    ENETRESET,
    ECONNABORTED,
    ECONNRESET,
    ENOBUFS,
    EISCONN,
    ENOTCONN,
    ESHUTDOWN,
    ETOOMANYREFS,
    ETIMEDOUT,
    ECONNREFUSED,
    EHOSTDOWN,
    EHOSTUNREACH,
    EALREADY,
    EINPROGRESS,
    ESTALE,
    EUCLEAN,
    ENOTNAM,
    ENAVAIL,
    EISNAM,
    EREMOTEIO,
    EDQUOT,
    ENOMEDIUM,
    EMEDIUMTYPE,
    ECANCELED,
    ENOKEY,
    EKEYEXPIRED,
    EKEYREVOKED,
    EKEYREJECTED,
    EOWNERDEAD,
    ENOTRECOVERABLE,
    ERFKILL,
    EHWPOISON,
];

/// Names that are a second name for another number, as the headers define
/// them (`#define EWOULDBLOCK EAGAIN`): `Errno::name()` gives the first.
fn canonical(name: &str) -> &str {
    match name {
        "EWOULDBLOCK" => "EAGAIN",
        "EDEADLOCK" => "EDEADLK",
        n => n,
    }
}

#[test]
fn constants_match_linux_raw_sys_for_this_arch() {
    for (name, raw, errno) in ALL {
        assert_eq!(errno.into_raw(), raw as i32, "Errno::{name}");
        assert_eq!(
            Errno::new(raw as i32).name(),
            Some(canonical(name)),
            "Errno::new({raw}) for {name}"
        );
        assert!(Errno::new(raw as i32).description().is_some(), "{name}");
    }
}

/// Where Debian puts the uapi headers for this test's target: natively
/// under `/usr/include/<triple>`, for a cross target under
/// `/usr/<triple>/include` (qemu-user lets the test read the host's files).
fn include_dirs() -> (PathBuf, PathBuf) {
    let triple = if cfg!(target_arch = "x86_64") {
        "x86_64-linux-gnu"
    } else if cfg!(target_arch = "aarch64") {
        "aarch64-linux-gnu"
    } else if cfg!(target_arch = "riscv64") {
        "riscv64-linux-gnu"
    } else if cfg!(target_arch = "powerpc64") {
        "powerpc64le-linux-gnu"
    } else if cfg!(target_arch = "loongarch64") {
        "loongarch64-linux-gnu"
    } else if cfg!(target_arch = "x86") {
        "i686-linux-gnu"
    } else if cfg!(target_arch = "arm") {
        "arm-linux-gnueabihf"
    } else {
        "s390x-linux-gnu"
    };
    if cfg!(target_arch = "loongarch64") {
        // No Debian 12 package: trixie's linux-libc-dev-loong64-cross,
        // unpacked by .ci/loong-sysroot.
        let root = std::env::var("RAWMAP_LOONG_SYSROOT")
            .unwrap_or_else(|_| "/var/cache/rawmap-loong/sysroot".into());
        let dir = PathBuf::from(format!("{root}/usr/{triple}/include"));
        (dir.clone(), dir)
    } else if cfg!(target_arch = "x86_64") {
        (
            PathBuf::from(format!("/usr/include/{triple}")),
            PathBuf::from("/usr/include"),
        )
    } else {
        let dir = PathBuf::from(format!("/usr/{triple}/include"));
        (dir.clone(), dir)
    }
}

/// The `E*` macros that `asm/errno.h` leaves defined, by a small
/// preprocessor: `#include <..>` (each file once), `#define NAME VALUE`
/// (a number or another name) and `#undef NAME`, in order.
fn header_errnos(arch_dir: &Path, generic_dir: &Path) -> BTreeMap<String, u32> {
    fn include(
        file: &Path,
        dirs: (&Path, &Path),
        seen: &mut Vec<PathBuf>,
        defs: &mut BTreeMap<String, u32>,
    ) {
        if seen.iter().any(|s| s == file) {
            return;
        }
        seen.push(file.to_path_buf());
        let text = std::fs::read_to_string(file).unwrap_or_else(|err| panic!("{file:?}: {err}"));
        for line in text.lines() {
            let words: Vec<&str> = line.split_whitespace().collect();
            match words.as_slice() {
                ["#include", inc, ..] => {
                    let inc = inc.trim_matches(|c| c == '<' || c == '>' || c == '"');
                    let path = if inc.starts_with("asm/") {
                        dirs.0.join(inc)
                    } else {
                        dirs.1.join(inc)
                    };
                    include(&path, dirs, seen, defs);
                }
                ["#define", name, value, ..] if name.starts_with('E') => {
                    let n = value
                        .parse::<u32>()
                        .ok()
                        .or_else(|| defs.get(*value).copied())
                        .unwrap_or_else(|| panic!("{file:?}: {line}"));
                    defs.insert(name.to_string(), n);
                }
                ["#undef", name] => {
                    defs.remove(*name);
                }
                _ => {}
            }
        }
    }
    let mut defs = BTreeMap::new();
    include(
        &arch_dir.join("asm/errno.h"),
        (arch_dir, generic_dir),
        &mut Vec::new(),
        &mut defs,
    );
    defs
}

#[test]
fn values_match_this_arch_kernel_headers() {
    let (arch_dir, generic_dir) = include_dirs();
    if !arch_dir.join("asm/errno.h").exists() {
        // The real-kernel lane's VMs carry test binaries only.
        eprintln!(
            "skip: no {:?} here (no linux-libc-dev for this target): nothing to compare with",
            arch_dir.join("asm/errno.h")
        );
        return;
    }
    let headers = header_errnos(&arch_dir, &generic_dir);
    assert!(
        headers.len() >= 130,
        "only {} errno macros parsed",
        headers.len()
    );
    // Names the headers have and linux_raw_sys lacks would go unchecked.
    for name in headers.keys() {
        assert!(
            ALL.iter().any(|(n, _, _)| n == name),
            "{name} is in the kernel headers but not in linux_raw_sys's table"
        );
    }
    let mut differ = Vec::new();
    for (name, raw, errno) in ALL {
        let Some(&kernel) = headers.get(name) else {
            panic!("{name} (linux_raw_sys) is not in the kernel headers");
        };
        if kernel != raw || errno.into_raw() != kernel as i32 {
            differ.push((
                name,
                kernel,
                raw,
                errno.into_raw(),
                Errno::new(kernel as i32).name(),
            ));
        }
    }
    // powerpc's asm/errno.h: `#undef EDEADLOCK` / `#define EDEADLOCK 58`.
    // linux_raw_sys 0.12 has 35 there (the generic value) and so has
    // rawmap's `Errno` (syscalls' single table), and 58 has no name. The
    // kernel never returns 58 (fs/locks.c returns -EDEADLK, 35, which
    // `Errno::EDEADLK` matches), so nothing rawmap decodes is misnamed; but
    // `Errno::EDEADLOCK` is not C's `EDEADLOCK` there. This records that
    // state exactly: when rawmap's own errno table gives powerpc its 58,
    // this expectation must change with it.
    let expected: &[(&str, u32, u32, i32, Option<&str>)] = if cfg!(target_arch = "powerpc64") {
        &[("EDEADLOCK", 58, 35, 35, None)]
    } else {
        &[]
    };
    assert_eq!(
        differ, expected,
        "(name, kernel header, linux_raw_sys, rawmap, rawmap's name for the kernel's number)"
    );
    let _ = common::under_qemu();
}
