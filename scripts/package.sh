#!/usr/bin/env bash
# The Debian package of Sổ Giao Nhận: the desktop app and the `giaonhan`
# command line, the desktop entry and the icons, built with dpkg-deb from a
# staging folder (no bundler that downloads anything at build time).
#
#   scripts/package.sh
#       release builds of the app and the CLI, then
#       target/package/sogiaonhan_<version>_<arch>.deb
#   scripts/package.sh --binaries DIR --out DIR [--fast]
#       packages the binaries already built in DIR (the tests use the debug
#       build); --fast leaves the package uncompressed.
#
# The package's name and file are printed on the last line.
set -euo pipefail
cd "$(dirname "$0")/.."

binaries="" out="$PWD/target/package" compress=(-Zxz)
while [ $# -gt 0 ]; do
  case "$1" in
    --binaries) binaries="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --fast) compress=(-Znone); shift ;;
    *) echo "package: unknown option $1" >&2; exit 2 ;;
  esac
done

if [ -z "$binaries" ]; then
  npm --prefix ui run build
  cargo build --release -p giaonhan-cli --bin giaonhan
  cargo build --release -p sogiaonhan-app --bin sogiaonhan
  binaries="$PWD/target/release"
fi
for b in sogiaonhan giaonhan; do
  [ -x "$binaries/$b" ] || { echo "package: $binaries/$b is missing: build it first" >&2; exit 1; }
done

version="$(scripts/version.sh)"
arch="$(dpkg --print-architecture)"
name=sogiaonhan
deb="$out/${name}_${version}_${arch}.deb"

stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
root="$stage/$name"
install -d "$root/DEBIAN" "$root/usr/bin" "$root/usr/share/applications" "$root/usr/share/doc/$name"
# Stripped: the symbols are for debugging here, not for the offices.
install -m 0755 --strip "$binaries/sogiaonhan" "$binaries/giaonhan" "$root/usr/bin/"
install -m 0644 src-tauri/linux/sogiaonhan.desktop "$root/usr/share/applications/$name.desktop"
# One icon per size the theme looks for; the files say their own size.
for icon in icons/32x32.png icons/128x128.png icons/128x128@2x.png icons/icon.png; do
  size="$(file -b "$icon" | sed -n 's/^PNG image data, \([0-9]*\) x \([0-9]*\),.*/\1x\2/p')"
  [ -n "$size" ] || { echo "package: $icon is not a PNG image" >&2; exit 1; }
  install -D -m 0644 "$icon" "$root/usr/share/icons/hicolor/$size/apps/$name.png"
done
install -m 0644 README.md "$root/usr/share/doc/$name/README.md"

size_kb="$(du -sk --exclude=DEBIAN "$root" | cut -f1)"
cat >"$root/DEBIAN/control" <<EOF
Package: $name
Version: $version
Architecture: $arch
Maintainer: Sổ Giao Nhận <sogiaonhan@example.invalid>
Installed-Size: $size_kb
Depends: libwebkit2gtk-4.1-0, libgtk-3-0, libsoup-3.0-0, libglib2.0-0
Section: misc
Priority: optional
Description: Sổ chuyển giao văn bản của tổ chức đảng
 Theo dõi văn bản cấp phát theo đợt cho các tổ chức đảng và những đơn vị
 chưa xác nhận đã nhận; in danh sách theo thể thức văn bản của Đảng; trao
 đổi gói dữ liệu đã ký giữa các văn phòng. Kèm lệnh giaonhan (dòng lệnh).
EOF

mkdir -p "$out"
rm -f "$deb"
dpkg-deb --root-owner-group "${compress[@]}" --build "$root" "$deb" >/dev/null
echo "package: $deb"
