//! Link the example programs as static executables with no libc: no C
//! start files (rawmap's `rt` provides `_start`), no default libraries, and
//! a fixed-address ELF executable (`ET_EXEC`; a static-PIE would need a
//! self-relocating start, which `rt` does not have).
fn main() {
    for arg in ["-nostartfiles", "-nostdlib", "-static", "-no-pie"] {
        println!("cargo:rustc-link-arg-bins={arg}");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
