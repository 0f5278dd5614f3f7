//! The shape of the code, checked (ARCHITECTURE.md states these rules):
//! every SQL statement of the core lives in `src-tauri/core/src/db/`; no
//! production source file is longer than 600 lines; the core does not
//! depend on Tauri. Tests, benchmarks and generated bindings are exempt:
//! tests and benchmarks compare with plain SQL on purpose.

use std::path::{Path, PathBuf};

use giaonhan_tests::workspace_root;

/// Longest production source file, in lines (its test module not counted).
const MAX_LINES: usize = 600;

/// Folders of production code, relative to the workspace root.
const PRODUCTION: &[&str] = &[
    "src-tauri/core/src",
    "src-tauri/src",
    "src-tauri/cli/src",
    "bench/scale/src",
    "ui/src",
];

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            if path.file_name().is_some_and(|n| n == "bindings" || n == "node_modules") {
                continue;
            }
            files_under(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs" || e == "ts") {
            out.push(path);
        }
    }
}

/// A file's production part: everything before its `#[cfg(test)]` module
/// (a `#[cfg(test)]` on anything but a module, such as a test-only helper,
/// does not end it); nothing for a file that only holds tests.
fn production_part(path: &Path, text: &str) -> Vec<String> {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if name == "tests.rs" || name.ends_with("_tests.rs") || path.components().any(|c| c.as_os_str() == "tests") {
        return Vec::new();
    }
    let lines: Vec<&str> = text.lines().collect();
    let test_module = lines.iter().enumerate().position(|(i, l)| {
        l.trim() == "#[cfg(test)]"
            && lines[i + 1..]
                .iter()
                .find(|next| !next.trim().is_empty() && !next.trim_start().starts_with("#["))
                .is_some_and(|next| {
                    let next = next.trim_start();
                    ["mod ", "pub mod ", "pub(crate) mod ", "pub(super) mod "]
                        .iter()
                        .any(|start| next.starts_with(start))
                })
    });
    lines[..test_module.unwrap_or(lines.len())]
        .iter()
        .map(|l| (*l).to_owned())
        .collect()
}

fn production_files() -> Vec<(PathBuf, Vec<String>)> {
    let root = workspace_root();
    let mut files = Vec::new();
    for dir in PRODUCTION {
        files_under(&root.join(dir), &mut files);
    }
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap_or_default();
            let lines = production_part(&p, &text);
            (p.strip_prefix(&root).map(Path::to_path_buf).unwrap_or(p), lines)
        })
        .collect()
}

/// What marks a string literal as SQL: a statement's first words, or the
/// clauses of one (fragments such as column lists and WHERE clauses count).
const SQL_MARKS: &[&str] = &[
    "SELECT ",
    "INSERT INTO",
    "INSERT OR",
    "UPDATE ",
    "DELETE FROM",
    "CREATE TABLE",
    "CREATE INDEX",
    "CREATE UNIQUE",
    "CREATE TRIGGER",
    "CREATE VIRTUAL",
    "DROP ",
    "ALTER TABLE",
    "PRAGMA ",
    "WITH RECURSIVE",
    " FROM ",
    " WHERE ",
    " JOIN ",
    "ORDER BY",
    "GROUP BY",
    " AND ",
    "BEGIN",
    "COMMIT",
    "ROLLBACK",
    "VACUUM",
    "ANALYZE",
    "count(*)",
];

/// The string literals of Rust source, with the line each starts on: a small
/// lexer that knows line and block comments, char literals, escapes and raw
/// strings (`r"…"`, `r#"…"#`).
fn string_literals(src: &str) -> Vec<(usize, String)> {
    let chars: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let (mut i, mut line) = (0, 1);
    let at = |i: usize| chars.get(i).copied().unwrap_or('\0');
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\n' => line += 1,
            '/' if at(i + 1) == '/' => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
                continue;
            }
            '/' if at(i + 1) == '*' => {
                i += 2;
                while i < chars.len() && !(chars[i] == '*' && at(i + 1) == '/') {
                    if chars[i] == '\n' {
                        line += 1;
                    }
                    i += 1;
                }
                i += 2;
                continue;
            }
            '\'' => {
                // A char literal ('"', '\'') or a lifetime ('a).
                if at(i + 1) == '\\' && at(i + 3) == '\'' {
                    i += 4;
                    continue;
                }
                if at(i + 2) == '\'' {
                    i += 3;
                    continue;
                }
            }
            'r' if (at(i + 1) == '"' || (at(i + 1) == '#' && (at(i + 2) == '"' || at(i + 2) == '#')))
                && !at(i.wrapping_sub(1)).is_alphanumeric() =>
            {
                let mut j = i + 1;
                let mut hashes = 0;
                while at(j) == '#' {
                    hashes += 1;
                    j += 1;
                }
                if at(j) == '"' {
                    let start_line = line;
                    let mut text = String::new();
                    j += 1;
                    loop {
                        if j >= chars.len() {
                            break;
                        }
                        if chars[j] == '"' && (0..hashes).all(|k| at(j + 1 + k) == '#') {
                            j += 1 + hashes;
                            break;
                        }
                        if chars[j] == '\n' {
                            line += 1;
                        }
                        text.push(chars[j]);
                        j += 1;
                    }
                    out.push((start_line, text));
                    i = j;
                    continue;
                }
            }
            '"' => {
                let start_line = line;
                let mut text = String::new();
                let mut j = i + 1;
                while j < chars.len() && chars[j] != '"' {
                    if chars[j] == '\\' {
                        j += 1;
                    }
                    if at(j) == '\n' {
                        line += 1;
                    }
                    text.push(at(j));
                    j += 1;
                }
                out.push((start_line, text));
                i = j + 1;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    out
}

/// The SQL string literals of a Rust file, as "line: start of the text".
fn sql_in(lines: &[String]) -> Vec<String> {
    let src = lines.join("\n");
    string_literals(&src)
        .into_iter()
        .filter(|(_, text)| SQL_MARKS.iter().any(|m| text.contains(m)))
        .map(|(line, text)| {
            let short: String = text
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .chars()
                .take(60)
                .collect();
            format!("{line}: {short}")
        })
        .collect()
}

#[test]
fn every_sql_statement_lives_in_the_db_folder() {
    let mut outside = Vec::new();
    for (path, lines) in production_files() {
        if path.extension().is_some_and(|e| e == "ts") || path.starts_with("src-tauri/core/src/db") {
            continue;
        }
        for found in sql_in(&lines) {
            outside.push(format!("{}:{found}", path.display()));
        }
    }
    assert!(
        outside.is_empty(),
        "SQL outside src-tauri/core/src/db/ ({} places):\n{}",
        outside.len(),
        outside.join("\n")
    );
}

/// The core's modules a file may name (`crate::x`), when it sits in a layer:
/// the layers point one way (files and text at the bottom, then `db/`, then
/// the rules, then the adapters in other crates).
const BOTTOM: &[&str] = &[
    "error",
    "model",
    "dates",
    "text",
    "receipt_code",
    "files",
    "tree",
    "unit_keys",
    "tabular",
];

/// The `crate::x` modules the production part of `lines` names.
fn crate_modules(lines: &[String]) -> Vec<String> {
    let mut found = Vec::new();
    for line in lines {
        let code = line.split("//").next().unwrap_or("");
        let mut rest = code;
        while let Some(at) = rest.find("crate::") {
            rest = &rest[at + "crate::".len()..];
            let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            if !name.is_empty() {
                found.push(name);
            }
        }
        // `use crate::{a, b}`
        if let Some(at) = code.find("crate::{") {
            let list = &code[at + "crate::{".len()..];
            for part in list.split(['}', ',']).map(str::trim) {
                let name: String = part.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                if !name.is_empty() && name.chars().next().is_some_and(char::is_lowercase) {
                    found.push(name);
                }
            }
        }
    }
    found
}

#[test]
fn the_layers_point_one_way() {
    let mut wrong = Vec::new();
    for (path, lines) in production_files() {
        let Ok(inside) = path.strip_prefix("src-tauri/core/src") else {
            continue;
        };
        let first = inside
            .components()
            .next()
            .and_then(|c| c.as_os_str().to_str())
            .unwrap_or("");
        let module = first.trim_end_matches(".rs");
        let allowed: Vec<&str> = if module == "db" {
            BOTTOM.iter().copied().chain(["db"]).collect()
        } else if BOTTOM.contains(&module) {
            BOTTOM.to_vec()
        } else {
            continue;
        };
        for name in crate_modules(&lines) {
            if !allowed.contains(&name.as_str()) && name != module {
                wrong.push(format!("{}: crate::{name}", path.display()));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "a lower layer reaches up (db/ may use only {BOTTOM:?} and itself; those only each other):\n{}",
        wrong.join("\n")
    );
}

#[test]
fn no_production_file_is_longer_than_600_lines() {
    let long: Vec<String> = production_files()
        .into_iter()
        .filter(|(_, lines)| lines.len() > MAX_LINES)
        .map(|(p, lines)| format!("{}: {} lines", p.display(), lines.len()))
        .collect();
    assert!(long.is_empty(), "files over {MAX_LINES} lines:\n{}", long.join("\n"));
}

#[test]
fn a_test_only_helper_does_not_end_a_files_production_part() {
    let text = "fn a() {}\n#[cfg(test)]\nfn helper() {}\nfn b() {}\n\n#[cfg(test)]\n#[allow(dead_code)]\npub(crate) mod tests {\n}\n";
    let part = production_part(Path::new("src/x.rs"), text);
    assert_eq!(part.last().map(String::as_str), Some(""), "{part:?}");
    assert_eq!(part.len(), 5, "{part:?}");
    assert!(production_part(Path::new("src/x_tests.rs"), text).is_empty());
}

#[test]
fn the_core_does_not_depend_on_tauri() {
    let manifest = std::fs::read_to_string(workspace_root().join("src-tauri/core/Cargo.toml")).expect("core manifest");
    assert!(
        !manifest.lines().any(|l| l.trim_start().starts_with("tauri")),
        "the core crate must build without Tauri"
    );
}
