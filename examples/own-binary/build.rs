// Link a static executable with no libc: rawmap's `rt` has `_start` (no C
// start files), nothing else is linked, and it is a fixed-address ELF
// (`ET_EXEC`): rawmap's start does not relocate a static-PIE.
fn main() {
    for arg in ["-nostartfiles", "-nostdlib", "-static", "-no-pie"] {
        println!("cargo:rustc-link-arg-bins={arg}");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
