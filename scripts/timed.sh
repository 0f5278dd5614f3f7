#!/usr/bin/env bash
# Runs one step of `make test` and records how long it took, so that a run's
# end (what CI shows) says where its time went:
#
#   scripts/timed.sh LABEL COMMAND ARGS…   # runs it, appends "LABEL  SECONDS s"
#   scripts/timed.sh --report               # prints the steps recorded so far
#   scripts/timed.sh --reset                # starts a new record
#
# The record is target/test-times.txt. A step that fails prints the record
# before passing its exit status on.
set -uo pipefail
cd "$(dirname "$0")/.."
record=target/test-times.txt
mkdir -p target

report() {
  echo "== time per step of make test =="
  cat "$record" 2>/dev/null
  awk '{ s += $(NF-1) } END { printf "%-40s %6d s\n", "total", s }' "$record" 2>/dev/null
}

case "${1:-}" in
  --reset) : > "$record"; exit 0 ;;
  --report) report; exit 0 ;;
esac

label="$1"
shift
start=$(date +%s)
"$@"
status=$?
printf "%-40s %6d s\n" "$label" $(( $(date +%s) - start )) >> "$record"
if [ "$status" -ne 0 ]; then
  report
fi
exit "$status"
