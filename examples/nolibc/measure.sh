#!/usr/bin/env bash
# Measures the no-libc examples: stripped size per arch, and the exec time
# of `tour` against `tour_std` (the same steps as a glibc + std program).
# Numbers for the README (as ratios); not part of CI.
#
#   bash examples/nolibc/measure.sh        # from the repository root
#
# Needs: the cross targets and gcc (bash .ci/setup), binutils' strip for
# each arch, and hyperfine (Debian: apt-get install hyperfine).
set -euo pipefail
cd "$(dirname "$0")/../.."
bash .ci/setup
if ! command -v hyperfine >/dev/null; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq && $SUDO apt-get install -y -qq hyperfine >/dev/null
fi

TARGETS=(x86_64-unknown-linux-gnu aarch64-unknown-linux-gnu riscv64gc-unknown-linux-gnu
  powerpc64le-unknown-linux-gnu s390x-unknown-linux-gnu)
STRIP=(strip aarch64-linux-gnu-strip riscv64-linux-gnu-strip powerpc64le-linux-gnu-strip
  s390x-linux-gnu-strip)
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
export CARGO_TARGET_DIR=target/nolibc

echo "== stripped sizes (bytes), release profile of examples/nolibc"
printf '%-30s %8s %8s %8s\n' target tour mcat mwc
for i in "${!TARGETS[@]}"; do
  t=${TARGETS[$i]}
  cargo build -q --release --bins --target "$t" --manifest-path examples/nolibc/Cargo.toml
  row=()
  for b in tour mcat mwc; do
    "${STRIP[$i]}" -o "$OUT/$b-$t" "$CARGO_TARGET_DIR/$t/release/$b"
    row+=("$(stat -c %s "$OUT/$b-$t")")
  done
  printf '%-30s %8s %8s %8s\n' "$t" "${row[@]}"
done

unset CARGO_TARGET_DIR
cargo build -q --release --example tour_std
strip -o "$OUT/tour_std" target/release/examples/tour_std
echo "tour_std (glibc, dynamic, x86_64), stripped: $(stat -c %s "$OUT/tour_std") bytes"

echo
# Median and mean in microseconds from hyperfine's JSON, and the ratio of
# the medians (robust against the outliers of a busy machine).
summary() {
  python3 - "$1" <<'PY'
import json, statistics, sys
r = json.load(open(sys.argv[1]))["results"]
med = [statistics.median(x["times"]) * 1e6 for x in r]
for x, m in zip(r, med):
    print(f"  {x['command'].split('/')[-1]:<40} median {m:8.0f} us   mean {x['mean']*1e6:8.0f} us")
print(f"  ratio of medians (second / first): {med[1] / med[0]:.1f}")
PY
}

echo "== exec time, x86_64: tour (no libc, static) vs tour_std (glibc + std)"
# Both create, map and remove a scratch file in TMPDIR and fork 6 children.
export TMPDIR=${TMPDIR:-/tmp}
hyperfine -N --warmup 20 --runs 300 \
  "$OUT/tour-x86_64-unknown-linux-gnu" "$OUT/tour_std" \
  --export-json "$OUT/exec.json" >/dev/null 2>&1
summary "$OUT/exec.json"

echo
echo "== start-up alone, x86_64: the same two programs given an argument"
echo "   (each prints its usage line to stderr and exits with status 2)"
hyperfine -N -i --warmup 50 --runs 1000 \
  "$OUT/tour-x86_64-unknown-linux-gnu x" "$OUT/tour_std x" \
  --export-json "$OUT/start.json" >/dev/null 2>&1
summary "$OUT/start.json"
