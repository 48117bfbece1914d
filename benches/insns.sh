#!/usr/bin/env bash
# User-space instructions per anonymous mmap + munmap pair, counted by
# callgrind (deterministic, unlike time on a shared machine).
#
#   bash benches/insns.sh
#
# Each implementation runs N1 and N2 pairs; (I(N2) - I(N1)) / (N2 - N1) is
# the cost of one pair with start-up and exit cancelled out.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v valgrind >/dev/null; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq && $SUDO apt-get install -y -qq valgrind >/dev/null
fi
bin=$(cargo bench --bench insns --no-run --message-format=json 2>/dev/null |
  sed -n 's/.*"executable":"\([^"]*insns[^"]*\)".*/\1/p' | tail -n 1)
[ -x "$bin" ] || { echo "insns: could not build the workload" >&2; exit 1; }

N1=1000
N2=3000
count() { # mode n -> total instructions
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bin" "$1" "$2" 2>&1 |
    sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}
printf '%-12s %s\n' "impl" "instructions per mmap+munmap pair"
for mode in ${MODES:-bare rawmap glibc rustix rawmap-safe memmap2}; do
  a=$(count "$mode" $N1)
  b=$(count "$mode" $N2)
  printf '%-12s %s\n' "$mode" $(( (b - a) / (N2 - N1) ))
done
