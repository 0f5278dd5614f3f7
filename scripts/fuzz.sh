#!/usr/bin/env bash
# Runs every fuzz target of fuzz/ (the parsers of a user's CSV and XLSX files
# and of typed receipt codes) for a fixed time budget each, on the corpus kept
# in fuzz/corpus/<target>/; exits non-zero when any target finds a crash.
# Installs the nightly toolchain and cargo-fuzz when missing.
#
#   scripts/fuzz.sh                    # every target, FUZZ_SECONDS (60) each
#   FUZZ_SECONDS=10 scripts/fuzz.sh csv
#   scripts/fuzz.sh --install          # only install what is missing
#   scripts/fuzz.sh --cmin [TARGET…]   # fold new finds into the corpus, minimised
#
# New inputs the fuzzer finds go to fuzz/target/corpus/ (not committed), so the
# committed corpus stays small; crashes are written to fuzz/artifacts/<target>/.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"

TARGETS=(csv xlsx receipt_code)
SECONDS_EACH="${FUZZ_SECONDS:-60}"
# Build products stay inside fuzz/, apart from the main workspace's target/.
export CARGO_TARGET_DIR="$PWD/target"

install() {
  if ! rustup toolchain list | grep -q '^nightly'; then
    echo "fuzz: installing the nightly toolchain"
    rustup toolchain install nightly --profile minimal
  fi
  if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "fuzz: installing cargo-fuzz"
    cargo install cargo-fuzz --locked
  fi
}

install
case "${1:-}" in
  --install)
    exit 0
    ;;
  --cmin)
    # Folds what earlier runs found into the committed corpus, then keeps the
    # smallest set of inputs with the same coverage.
    shift
    targets=("$@")
    [ ${#targets[@]} -eq 0 ] && targets=("${TARGETS[@]}")
    for t in "${targets[@]}"; do
      if [ -d "$CARGO_TARGET_DIR/corpus/$t" ]; then
        cp -n "$CARGO_TARGET_DIR/corpus/$t"/* "corpus/$t"/ 2>/dev/null || true
      fi
      cargo +nightly fuzz cmin "$t" "corpus/$t"
    done
    exit 0
    ;;
esac

targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=("${TARGETS[@]}")

failed=()
for t in "${targets[@]}"; do
  found="$CARGO_TARGET_DIR/corpus/$t"
  mkdir -p "$found" "artifacts/$t"
  echo "fuzz: $t for ${SECONDS_EACH}s"
  # The first corpus folder receives new inputs; the committed one is read only.
  if ! cargo +nightly fuzz run "$t" "$found" "corpus/$t" -- \
    -max_total_time="$SECONDS_EACH" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1; then
    failed+=("$t")
  fi
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: crashes in: ${failed[*]} (inputs in fuzz/artifacts/)"
  exit 1
fi
echo "fuzz: ${#targets[@]} target(s), ${SECONDS_EACH}s each, no crash"
