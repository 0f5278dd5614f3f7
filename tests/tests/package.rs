//! The Debian package, installed the way `dpkg` would (unpacked into a scratch
//! root with `dpkg-deb -x`): its control fields name packages that exist, the
//! desktop entry passes `desktop-file-validate` and points at the installed
//! program and at icons of the sizes their folders claim, the installed CLI
//! creates a register, and the installed app opens its first screen in the
//! real window. The package is `scripts/package.sh` over the binaries built
//! for these tests (uncompressed, for speed); `GIAONHAN_DEB=FILE` tests a
//! given package instead (`make package` tests the release package so).
#![cfg(target_os = "linux")]

use std::path::{Path, PathBuf};
use std::process::Command;

use giaonhan_tests::e2e::*;

/// What a command printed, when it succeeded; its output in the failure.
fn run(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap_or_else(|e| panic!("start {cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed ({}):\n{}{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The package under test: the one named by `GIAONHAN_DEB`, or one made now
/// from the test build's binaries into `dir`.
fn package(dir: &Path) -> PathBuf {
    if let Some(deb) = std::env::var_os("GIAONHAN_DEB") {
        return PathBuf::from(deb);
    }
    let script = giaonhan_tests::workspace_root().join("scripts/package.sh");
    let bins = giaonhan_tests::binary("sogiaonhan")
        .parent()
        .expect("the binaries' folder")
        .to_path_buf();
    let printed = run(Command::new(script)
        .arg("--binaries")
        .arg(&bins)
        .arg("--out")
        .arg(dir)
        .arg("--fast"));
    let line = printed.lines().last().unwrap_or_default();
    let deb = line
        .strip_prefix("package: ")
        .unwrap_or_else(|| panic!("the package's path: {printed}"));
    PathBuf::from(deb)
}

/// The value of `key` in the desktop entry's main group.
fn entry<'a>(desktop: &'a str, key: &str) -> &'a str {
    desktop
        .lines()
        .find_map(|l| l.strip_prefix(key)?.strip_prefix('='))
        .unwrap_or_else(|| panic!("{key}= in the desktop entry:\n{desktop}"))
}

/// A PNG's width and height, from its header.
fn png_size(path: &Path) -> (u32, u32) {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "{} is a PNG", path.display());
    let be = |at: usize| u32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]);
    (be(16), be(20))
}

#[test]
fn the_package_installs_a_working_app_cli_desktop_entry_and_icons() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let scratch = tempfile::tempdir().expect("a scratch folder");
    let deb = package(scratch.path());
    let version = env!("CARGO_PKG_VERSION");
    let name = deb
        .file_name()
        .and_then(|n| n.to_str())
        .expect("the package's file name");
    assert!(
        name.starts_with(&format!("sogiaonhan_{version}_")) && name.ends_with(".deb"),
        "named with the version: {name}"
    );

    // Control fields: this version, and dependencies that are real packages.
    let field = |f: &str| {
        run(Command::new("dpkg-deb").arg("-f").arg(&deb).arg(f))
            .trim()
            .to_owned()
    };
    assert_eq!(field("Package"), "sogiaonhan");
    assert_eq!(field("Version"), version);
    let depends = field("Depends");
    assert!(
        depends.contains("libwebkit2gtk-4.1-0"),
        "depends on WebKitGTK: {depends}"
    );
    for dep in depends
        .split(',')
        .map(|d| d.split_whitespace().next().unwrap_or_default())
    {
        let status = run(Command::new("dpkg-query").args(["-W", "-f", "${Status}", dep]));
        assert!(
            status.ends_with("installed"),
            "{dep} is a package installed here: {status}"
        );
    }

    // Installed into a scratch root.
    let root = scratch.path().join("root");
    run(Command::new("dpkg-deb").arg("-x").arg(&deb).arg(&root));
    let desktop_file = root.join("usr/share/applications/sogiaonhan.desktop");
    run(Command::new("desktop-file-validate").arg(&desktop_file));
    let desktop = std::fs::read_to_string(&desktop_file).expect("the desktop entry");
    assert_eq!(entry(&desktop, "Name"), "Sổ Giao Nhận");
    assert_eq!(entry(&desktop, "Categories"), "Office;");
    let app = root
        .join("usr/bin")
        .join(entry(&desktop, "Exec").split_whitespace().next().unwrap_or_default());
    assert!(app.is_file(), "Exec names the installed program: {}", app.display());

    // The icon the entry names, in each size folder, is a PNG of that size.
    let icon = entry(&desktop, "Icon");
    let hicolor = root.join("usr/share/icons/hicolor");
    let mut sizes = Vec::new();
    for dir in std::fs::read_dir(&hicolor).expect("the icon theme folder") {
        let dir = dir.expect("an icon size folder").path();
        let size = dir.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_owned();
        let (w, h) = png_size(&dir.join("apps").join(format!("{icon}.png")));
        assert_eq!(format!("{w}x{h}"), size, "the icon in {size}/ is that size");
        sizes.push(w);
    }
    sizes.sort_unstable();
    assert!(
        sizes.contains(&32) && sizes.contains(&256),
        "small and large icons: {sizes:?}"
    );

    // The installed CLI makes a register.
    let cli_db = scratch.path().join("cli.sqlite3");
    run(Command::new(root.join("usr/bin/giaonhan"))
        .arg("--db")
        .arg(&cli_db)
        .arg("init"));
    assert!(cli_db.is_file(), "the installed CLI created its register");

    // The installed app opens a new register on its first screen.
    runtime().block_on(async {
        let s = start_binary(&app, |_, _| {}).await;
        let c = &s.client;
        wait_visible(c, "#demo-offer").await;
        assert_eq!(
            text(c, "#demo-offer-text").await,
            "Cơ sở dữ liệu còn trống. Nạp dữ liệu mẫu để dùng thử?"
        );
        let info = text(c, "#db-info").await;
        assert!(
            info.ends_with(&format!("phiên bản {version}")),
            "the installed version: {info}"
        );
        let (db, _work) = s.finish().await;
        assert!(db.is_file(), "the installed app opened its register");
    });
}
