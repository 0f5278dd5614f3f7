#!/usr/bin/env bash
# Prints the version of the workspace (Cargo.toml, [workspace.package]): the
# one the packages and installers are named with (package.sh, windows.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
sed -n '/^\[workspace.package\]/,/^\[/s/^version = "\(.*\)"/\1/p' Cargo.toml | head -1
