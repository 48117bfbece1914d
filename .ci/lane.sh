# Sourced by the .ci scripts: `lane NAME COMMAND...` runs one lane, prints
# how long it took, and records it for the summary that `lane_summary`
# prints at the end (also when a lane fails: the script stops there).
LANE_T0=${LANE_T0:-$(date +%s)}
LANES=()
lane() {
  local name=$1 s rc=0
  shift
  echo "== $name"
  s=$(date +%s)
  # Not `"$@" || rc=$?`: errexit is ignored inside a command on the left of
  # `||`, so a failing step in a shell function would go unnoticed.
  set +e
  (
    set -e
    "$@"
  )
  rc=$?
  set -e
  LANES+=("$(printf '%5ss  %s%s' "$(($(date +%s) - s))" "$name" "$([ $rc -eq 0 ] || echo "  FAILED (exit $rc)")")")
  if [ $rc -ne 0 ]; then
    lane_summary
    exit $rc
  fi
}
lane_summary() {
  echo "== lane times ($(basename "$0"))"
  printf '  %s\n' "${LANES[@]}"
  echo "  total $(($(date +%s) - LANE_T0))s"
}
