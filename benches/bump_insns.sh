#!/usr/bin/env bash
# User-space instructions per iteration of bumpalo-suite cases, rawmap and
# bumpalo, counted by callgrind (deterministic, unlike time on a shared
# machine). The workloads are in benches/bump_insns.rs.
#
#   bash benches/bump_insns.sh            # the README's set
#   LEN=64 MODES="ext efs" bash benches/bump_insns.sh
#   MODES="arr8 shrink-sa" bash benches/bump_insns.sh
#
# Each mode runs N1 and N2 iterations; (I(N2) - I(N1)) / (N2 - N1) is the
# cost of one iteration with start-up and exit cancelled out.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { echo "bump_insns: needs valgrind" >&2; exit 1; }
bin=$(cargo bench --bench bump_insns --no-run --message-format=json 2>/dev/null |
  sed -n 's/.*"executable":"\([^"]*bump_insns[^"]*\)".*/\1/p' | tail -n 1)
[ -x "$bin" ] || { echo "bump_insns: could not build the workload" >&2; exit 1; }
count() { # mode n -> total instructions (arrN: mode arr with LEN=N)
  local mode=$1 len=${LEN:-1024}
  case $mode in *-arr*) len=${mode##*-arr}; mode=${mode%"$len"} ;; esac
  LEN=$len valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bin" "$mode" "$2" 2>&1 |
    sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}
printf '%-16s %12s %12s\n' case rawmap bumpalo
default="alloc-small atw-ss atw-bs atw-bb ext efs efsc2 slices256 slices0 loop256 loop0 push"
# benches/alloc.rs's cases: allocate(u8), allocate([u8; N]) for N in 1 7 8
# 31 32 (a size known at run time), shrink u32 -> u16 and [u32; 2] -> u32,
# new arena + first u32 allocation.
default="$default u8 arr1 arr7 arr8 arr31 arr32 shrink-sa shrink-same first"
for m in ${MODES:-$default}; do
  case $m in alloc-small|atw-*|tatw-*|u8|arr*|shrink-*) n1=20 n2=60 ;; *) n1=2000 n2=6000 ;; esac
  r=$(( ($(count "r-$m" $n2) - $(count "r-$m" $n1)) / (n2 - n1) ))
  b=$(( ($(count "b-$m" $n2) - $(count "b-$m" $n1)) / (n2 - n1) ))
  printf '%-16s %12s %12s\n' "$m" "$r" "$b"
done
