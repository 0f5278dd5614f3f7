#!/usr/bin/env bash
# Runs one step of `make test` and records how long it took, so that a run's
# end (what CI shows) says where its time went:
#
#   scripts/timed.sh LABEL COMMAND ARGS…               # runs it, appends "LABEL  SECONDS s"
#   scripts/timed.sh --beside LABEL COMMAND ARGS…      # starts it beside the next steps
#   scripts/timed.sh --wait LABEL                      # waits for it, shows its output
#   scripts/timed.sh --report                          # prints the steps recorded so far
#   scripts/timed.sh --reset                           # starts a new record
#
# The record is target/test-times.txt. A step that fails prints the record
# before passing its exit status on, and stops the steps running beside.
#
# A step beside the others runs at the lowest CPU priority, so it takes only
# the time the steps in front leave idle (the window tests wait on the
# window more than they compute), and it ends when `make` does. Its output is
# kept in target/test-steps/LABEL.log and printed by --wait.
set -uo pipefail
cd "$(dirname "$0")/.."
record=target/test-times.txt
steps=target/test-steps
mkdir -p target

report() {
  echo "== time per step of make test =="
  cat "$record" 2>/dev/null
  if [ -f "$steps/started" ]; then
    printf "%-40s %6d s\n" "from start to end" $(( $(date +%s) - $(cat "$steps/started") ))
  fi
}

# Stops whatever runs beside (a failed step ends the run).
stop_beside() {
  local pid
  for f in "$steps"/*.pid; do
    [ -f "$f" ] || continue
    pid="$(cat "$f")"
    # Only a step this script started (a pid left by an earlier run may
    # since name another program).
    if tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "$steps/"; then
      kill -- "-$pid" 2>/dev/null || true
    fi
    rm -f "$f"
  done
}

beside() {
  local label="$1"
  shift
  rm -f "$steps/$label".{log,status,pid}
  # `make` runs this script directly (a one-command recipe line), so the
  # parent is make itself: when it is gone, the step beside stops.
  local owner=$PPID
  # A process group of its own (job control on), so the step and everything
  # it started stop together. Not a session of its own: Linux shares the CPU
  # fairly between sessions first, and the lowest priority would count only
  # inside its own (the build beside slowed the lint step 2.4 times so).
  set -m
  bash -c '
    owner=$1 out=$2; shift 2
    start=$(date +%s)
    nice -n 19 "$@" >"$out.log" 2>&1 &
    job=$!
    while kill -0 "$job" 2>/dev/null; do
      kill -0 "$owner" 2>/dev/null || kill -- -$$
      sleep 1
    done
    wait "$job"
    echo "$? $(( $(date +%s) - start ))" >"$out.status"
  ' beside "$owner" "$steps/$label" "$@" </dev/null >/dev/null 2>&1 &
  echo $! >"$steps/$label.pid"
  set +m
}

wait_beside() {
  local label="$1" pid
  pid="$(cat "$steps/$label.pid" 2>/dev/null || true)"
  local start
  start=$(date +%s)
  while [ -n "$pid" ] && [ ! -f "$steps/$label.status" ] && kill -0 "$pid" 2>/dev/null; do
    sleep 1
  done
  rm -f "$steps/$label.pid"
  cat "$steps/$label.log" 2>/dev/null
  local status=1 took=0
  if [ -f "$steps/$label.status" ]; then
    read -r status took <"$steps/$label.status"
  else
    echo "$label: stopped before it ended" >&2
  fi
  printf "%-40s %6d s\n" "$label (beside; waited $(( $(date +%s) - start )) s)" "$took" >>"$record"
  if [ "$status" -ne 0 ]; then
    stop_beside
    report
  fi
  exit "$status"
}

case "${1:-}" in
  --reset)
    : >"$record"
    stop_beside
    mkdir -p "$steps"
    date +%s >"$steps/started"
    exit 0
    ;;
  --report) report; exit 0 ;;
  --beside) shift; mkdir -p "$steps"; beside "$@"; exit 0 ;;
  --wait) wait_beside "$2" ;;
esac

label="$1"
shift
start=$(date +%s)
"$@"
status=$?
printf "%-40s %6d s\n" "$label" $(( $(date +%s) - start )) >>"$record"
if [ "$status" -ne 0 ]; then
  stop_beside
  report
fi
exit "$status"
