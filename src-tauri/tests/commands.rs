//! One list of commands, checked: every `#[tauri::command]` in `src/commands/`
//! must be registered in `src/lib.rs` (`generate_handler!`), given a
//! permission in `build.rs`, granted to the main window in
//! `capabilities/main.json` and called from `ui/src/api.ts` — and none of
//! these may name a command that does not exist. A command missing from one
//! of them either cannot be called from the window or is dead code; the
//! failure names the command and the file.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn app_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

/// The identifier starting at `text`'s beginning.
fn ident(text: &str) -> &str {
    let end = text
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(text.len());
    &text[..end]
}

/// The text between `open` (its first occurrence) and the `close` after it.
fn between<'a>(text: &'a str, open: &str, close: &str, file: &str) -> &'a str {
    let start = text
        .find(open)
        .map(|i| i + open.len())
        .unwrap_or_else(|| panic!("{file}: no `{open}`"));
    let len = text[start..]
        .find(close)
        .unwrap_or_else(|| panic!("{file}: no `{close}` after `{open}`"));
    &text[start..start + len]
}

/// The double-quoted strings of `text` (no escapes in command names).
fn quoted(text: &str) -> Vec<String> {
    text.split('"').skip(1).step_by(2).map(str::to_owned).collect()
}

/// `(file, name)` of every `#[tauri::command]` function under `src/commands/`.
fn defined() -> Vec<(String, String)> {
    let dir = app_dir().join("src").join("commands");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("read {}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .collect();
    files.sort();
    let mut out = Vec::new();
    for path in files {
        let text = read(&path);
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        for (i, _) in text.match_indices("#[tauri::command") {
            let rest = &text[i..];
            let at = rest
                .find("pub fn ")
                .unwrap_or_else(|| panic!("{name}: a #[tauri::command] without `pub fn`"));
            out.push((name.clone(), ident(&rest[at + "pub fn ".len()..]).to_owned()));
        }
    }
    out
}

/// The commands `generate_handler!` registers (the last segment of each path).
fn registered() -> Vec<String> {
    let lib = read(&app_dir().join("src").join("lib.rs"));
    between(&lib, "generate_handler![", "]", "src/lib.rs")
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| p.rsplit("::").next().unwrap_or(p).to_owned())
        .collect()
}

/// The commands `build.rs` gives a permission.
fn permitted() -> Vec<String> {
    let build = read(&app_dir().join("build.rs"));
    let list = between(&build, "const COMMANDS: &[&str] = &[", "];", "build.rs");
    // Comments in the list name files, not commands.
    let code: String = list
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n");
    quoted(&code)
}

/// The commands `capabilities/main.json` grants the main window.
fn granted() -> Vec<String> {
    let path = app_dir().join("capabilities").join("main.json");
    let json: serde_json::Value = serde_json::from_str(&read(&path)).expect("capabilities/main.json is JSON");
    json["permissions"]
        .as_array()
        .expect("capabilities/main.json has a permissions list")
        .iter()
        .map(|p| {
            let p = p.as_str().expect("a permission is a string");
            let command = p
                .strip_prefix("allow-")
                .unwrap_or_else(|| panic!("capabilities/main.json grants `{p}`, not one of the app's commands"));
            command.replace('-', "_")
        })
        .collect()
}

/// The commands `ui/src/api.ts` calls: the first argument of each
/// `call("…")` or `call<T>("…")`.
fn called() -> Vec<String> {
    let api = read(&app_dir().join("..").join("ui").join("src").join("api.ts"));
    let mut out = Vec::new();
    for (i, _) in api.match_indices("call") {
        if api[..i].ends_with(|c: char| c.is_ascii_alphanumeric() || c == '_' || c == '.') {
            continue;
        }
        let mut rest = &api[i + "call".len()..];
        if rest.starts_with('<') {
            // Skip the type argument, nested ones included.
            let mut depth = 0;
            let mut end = 0;
            for (j, c) in rest.char_indices() {
                match c {
                    '<' => depth += 1,
                    '>' => depth -= 1,
                    _ => {}
                }
                if depth == 0 {
                    end = j + 1;
                    break;
                }
            }
            rest = &rest[end..];
        }
        let Some(args) = rest.strip_prefix('(') else {
            continue;
        };
        if let Some(name) = args.trim_start().strip_prefix('"') {
            out.push(ident(name).to_owned());
        }
    }
    out
}

#[test]
fn every_command_is_registered_permitted_granted_and_called_and_nothing_else_is() {
    let commands = defined();
    assert!(
        commands.len() > 40,
        "found only {} commands: {commands:?}",
        commands.len()
    );
    let all: BTreeSet<String> = commands.iter().map(|(_, n)| n.clone()).collect();
    let mut problems = Vec::new();
    if all.len() != commands.len() {
        problems.push("src/commands/: a command name is defined twice".to_owned());
    }
    let lists = [
        ("src/lib.rs (generate_handler!)", registered()),
        ("build.rs (COMMANDS)", permitted()),
        ("capabilities/main.json (permissions)", granted()),
        ("ui/src/api.ts (call)", called()),
    ];
    for (file, names) in &lists {
        let set: BTreeSet<String> = names.iter().cloned().collect();
        if set.len() != names.len() && !file.starts_with("ui/") {
            problems.push(format!("{file}: a command is listed twice"));
        }
        for (source, name) in &commands {
            if !set.contains(name) {
                problems.push(format!("{file}: missing `{name}` (src/commands/{source})"));
            }
        }
        for name in set.difference(&all) {
            problems.push(format!("{file}: `{name}` is no command of src/commands/"));
        }
    }
    assert!(
        problems.is_empty(),
        "the command lists differ:\n{}",
        problems.join("\n")
    );
}

#[test]
fn the_readers_find_what_they_look_for() {
    assert_eq!(ident("list_units(state"), "list_units");
    assert_eq!(quoted(r#"  "a", "b_c",  "#), ["a", "b_c"]);
    assert_eq!(between("x![a, b] y", "x![", "]", "t"), "a, b");
    let api = called();
    assert!(
        api.iter().any(|c| c == "load_demo"),
        "call<null>(\"load_demo\") is read: {api:?}"
    );
    assert!(
        api.iter().any(|c| c == "app_status"),
        "call(\"app_status\") is read: {api:?}"
    );
}
