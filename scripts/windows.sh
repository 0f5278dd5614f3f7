#!/usr/bin/env bash
# Windows builds from Linux, and the CLI tests run on the Windows build under
# Wine. Most offices run Windows; this is how the project checks it without one.
#
#   scripts/windows.sh cli        # cross-build giaonhan.exe (debug) into target/wine/bin
#                                 # (built in target/wine/cargo)
#   scripts/windows.sh test       # cli, then the CLI test files against it under Wine
#   scripts/windows.sh wine       # only the tests under Wine, on the exe cli built
#   scripts/windows.sh test-all   # the same with every CLI test file
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

# The test build is unoptimised, dependencies too (the Linux build
# optimises those a little): 5 minutes from clean instead of 12, for a
# minute more of tests under Wine, which mostly wait on Wine starting
# processes. It has a target dir of its own, so the two builds do not
# rebuild each other's macros and build scripts.
build_cli() {
  local dir="$WINE_DIR/cargo"
  CARGO_TARGET_DIR="$dir" cargo build --target "$TARGET" -p giaonhan-cli --bin giaonhan \
    --config 'profile.dev.package."*".opt-level=0'
  mkdir -p "$WINE_DIR/bin"
  cp "$dir/$TARGET/debug/giaonhan.exe" "$WINE_DIR/bin/giaonhan.exe"
  x86_64-w64-mingw32-gcc -shared -O2 -o "$WINE_DIR/bin/bcryptprimitives.dll" \
    tests/wine/bcryptprimitives.c -ladvapi32
}

# The CLI test files that run on the Windows build too: each runs the real
# exe on real files through tests/src/cli.rs. These are the ones where Windows
# can differ: the core loop, paths and file names, line ends and fonts,
# backups, restore and the lock file, atomic saves and the audit log, imports
# and exports, secrets on standard input, the study figures' import from
# CSV and XLSX and their printed report and reminders. The figures of cli_counts,
# cli_reports and cli_absolute come from the same core code on either system,
# and under Wine they would add minutes to every run.
# `scripts/windows.sh test-all` runs every CLI test file under Wine (all of
# them pass there; about five more minutes).
CLI_TESTS=(cli cli_windows cli_backup cli_audit cli_registers cli_lists cli_accounts cli_classified cli_study)

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
  # Four tests at a time: a test spends most of its time in Wine starting
  # processes and waiting on the wineserver, not computing (the study tests
  # took 23 s with four, 27–29 s with two).
  GIAONHAN_CLI_EXE="$WINE_DIR/bin/giaonhan.exe" GIAONHAN_CLI_RUNNER="$loader" \
    cargo test --workspace --no-fail-fast "${args[@]}" -- --test-threads=4
  /usr/lib/wine/wineserver -k >/dev/null 2>&1 || true
}


# Release builds of the CLI and the desktop app, then the installer: NSIS
# (Debian's makensis) on src-tauri/windows/installer.nsi, written directly
# rather than through Tauri's bundler, which downloads NSIS plugins at build
# time and this machine has no internet. WEBVIEW2=<path of Microsoft's offline
# WebView2 installer> builds it into the installer for offices without internet.
release() {
  cargo build --release --target "$TARGET" -p giaonhan-cli --bin giaonhan
  npm --prefix ui run build
  cargo build --release --target "$TARGET" -p sogiaonhan-app --bin sogiaonhan
  local bin="$PWD/target/$TARGET/release" out="$PWD/target/windows"
  mkdir -p "$out"
  local v
  v="$(scripts/version.sh)"
  local args=(-V2 -DVERSION="$v" -DBIN="$bin" -DOUT="$out/SoGiaoNhan-$v-setup.exe")
  if [ -n "${WEBVIEW2:-}" ]; then args+=(-DWEBVIEW2="$WEBVIEW2"); fi
  makensis "${args[@]}" src-tauri/windows/installer.nsi
  echo "windows: $bin/sogiaonhan.exe, $bin/giaonhan.exe, $out/SoGiaoNhan-$v-setup.exe"
  check_installer "$out/SoGiaoNhan-$v-setup.exe"
}

# Installs the installer silently into the Wine prefix, runs the installed
# CLI (the register lands in %APPDATA%\SoGiaoNhan), uninstalls, and checks
# that the program is gone and the register is still there.
check_installer() {
  local setup="$1" loader
  loader="$(wine_loader)"
  [ -d "$WINEPREFIX" ] || "$loader" wineboot --init >/dev/null 2>&1 || true
  local user="${USER:-root}"
  local programs="$WINEPREFIX/drive_c/users/$user/AppData/Local/Programs/SoGiaoNhan"
  local data="$WINEPREFIX/drive_c/users/$user/AppData/Roaming/SoGiaoNhan"
  rm -rf "$data"
  "$loader" "$setup" /S
  for f in sogiaonhan.exe giaonhan.exe uninstall.exe; do
    [ -f "$programs/$f" ] || { echo "windows: the installer did not install $f" >&2; exit 1; }
  done
  # The installed CLI (needs the test-only ProcessPrng stand-in under Wine 8).
  cp "$WINE_DIR/bin/bcryptprimitives.dll" "$programs/" 2>/dev/null || build_cli
  cp "$WINE_DIR/bin/bcryptprimitives.dll" "$programs/"
  "$loader" "$programs/giaonhan.exe" init >/dev/null
  rm -f "$programs/bcryptprimitives.dll"
  [ -f "$data/sogiaonhan.sqlite3" ] || { echo "windows: no register in %APPDATA%\\SoGiaoNhan" >&2; exit 1; }
  "$loader" "$programs/uninstall.exe" /S _?="C:\\users\\$user\\AppData\\Local\\Programs\\SoGiaoNhan"
  [ ! -f "$programs/sogiaonhan.exe" ] || { echo "windows: the uninstaller left the program" >&2; exit 1; }
  [ -f "$data/sogiaonhan.sqlite3" ] || { echo "windows: the uninstaller removed the register" >&2; exit 1; }
  echo "windows: installed, ran, uninstalled; the register in %APPDATA%\\SoGiaoNhan is kept"
}

case "${1:-test}" in
  cli) build_cli ;;
  test) build_cli; run_tests ;;
  wine) run_tests ;;
  test-all)
    CLI_TESTS=()
    for f in tests/tests/cli*.rs; do CLI_TESTS+=("$(basename "$f" .rs)"); done
    build_cli; run_tests ;;
  release) release ;;
  check-installer) check_installer "$2" ;;
  *) echo "usage: scripts/windows.sh cli|test|wine|test-all|release|check-installer SETUP.exe" >&2; exit 2 ;;
esac
