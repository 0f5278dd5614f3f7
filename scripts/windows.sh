#!/usr/bin/env bash
# Windows builds from Linux, and the CLI tests run on the Windows build under
# Wine. Most offices run Windows; this is how the project checks it without one.
#
#   scripts/windows.sh cli        # cross-build giaonhan.exe (debug) into target/wine/bin
#   scripts/windows.sh test       # cli, then the CLI test files against it under Wine
#   scripts/windows.sh release    # the CLI and the desktop app, release, and the installer
#
# The Rust target is x86_64-pc-windows-gnu, linked by Debian's mingw-w64
# (.cargo/config.toml); scripts/setup.sh installs it, Wine and NSIS.
#
# Wine 8 lacks bcryptprimitives.dll (ProcessPrng), which Rust's standard
# library calls and Windows 10/11 have: for the tests only, a stand-in built
# from tests/wine/bcryptprimitives.c sits beside the test copy of the exe in
# target/wine/bin. It is never part of a release or the installer.
set -euo pipefail
cd "$(dirname "$0")/.."

TARGET=x86_64-pc-windows-gnu
WINE_DIR="$PWD/target/wine"
export WINEPREFIX="$WINE_DIR/prefix"
export WINEDEBUG=-all
# No desktop integration, no Mono/Gecko installers asked for on first start.
export WINEDLLOVERRIDES="mscoree,mshtml=;winemenubuilder.exe=d"

wine_loader() {
  for w in /usr/lib/wine/wine64 "$(command -v wine64 2>/dev/null || true)" "$(command -v wine 2>/dev/null || true)"; do
    if [ -n "$w" ] && [ -x "$w" ]; then echo "$w"; return; fi
  done
  echo "windows: Wine is not installed (scripts/setup.sh installs it)" >&2
  exit 1
}

build_cli() {
  cargo build --target "$TARGET" -p giaonhan-cli --bin giaonhan
  mkdir -p "$WINE_DIR/bin"
  cp "target/$TARGET/debug/giaonhan.exe" "$WINE_DIR/bin/giaonhan.exe"
  x86_64-w64-mingw32-gcc -shared -O2 -o "$WINE_DIR/bin/bcryptprimitives.dll" \
    tests/wine/bcryptprimitives.c -ladvapi32
}

# The CLI test files (tests/tests/cli*.rs): each runs the real exe on real
# files through tests/src/cli.rs, so every one of them runs on Windows too.
CLI_TESTS=()
for f in tests/tests/cli*.rs; do CLI_TESTS+=("$(basename "$f" .rs)"); done

run_tests() {
  local loader
  loader="$(wine_loader)"
  if [ ! -d "$WINEPREFIX" ]; then
    echo "windows: creating the Wine prefix (once)"
    "$loader" wineboot --init >/dev/null 2>&1 || true
  fi
  local args=()
  for t in "${CLI_TESTS[@]}"; do args+=(--test "$t"); done
  # One wineserver for the whole run (starting one per process costs
  # seconds), with Wine's own services started here, detached from the tests:
  # a service started by the first test's process would inherit its output
  # pipe and keep it open, and the test would wait for the end of its output
  # forever.
  /usr/lib/wine/wineserver -p >/dev/null 2>&1 </dev/null || true
  "$loader" cmd /c exit >/dev/null 2>&1 </dev/null || true
  GIAONHAN_CLI_EXE="$WINE_DIR/bin/giaonhan.exe" GIAONHAN_CLI_RUNNER="$loader" \
    cargo test --workspace --no-fail-fast "${args[@]}"
  /usr/lib/wine/wineserver -k >/dev/null 2>&1 || true
}

release() {
  cargo build --release --target "$TARGET" -p giaonhan-cli --bin giaonhan
  npm --prefix ui run build
  cargo build --release --target "$TARGET" -p sogiaonhan-app --bin sogiaonhan
  installer/windows/build.sh "target/$TARGET/release"
}

case "${1:-test}" in
  cli) build_cli ;;
  test) build_cli; run_tests ;;
  release) release ;;
  *) echo "usage: scripts/windows.sh cli|test|release" >&2; exit 2 ;;
esac
