//! Offices for the tests of the exchange between them, made with the real
//! `giaonhan` binary: a register with its units, the province of Hà Tĩnh
//! with two communes (HK, AT) and a batch to them, two offices that trust
//! each other, and what the tests read back (inbox codes, the consolidated
//! list, the log's head).

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::cli::ok;

/// One office: its folder and register.
pub struct Office {
    _dir: tempfile::TempDir,
    pub db: PathBuf,
}

impl Office {
    /// A file in the office's folder.
    pub fn path(&self, name: &str) -> PathBuf {
        self.db.with_file_name(name)
    }
}

/// A unit as (code, name, parent code or "", kind).
pub type UnitRow<'a> = (&'a str, &'a str, &'a str, &'a str);

pub const HT: UnitRow = ("HT", "Đảng bộ tỉnh Hà Tĩnh", "", "Đảng bộ tỉnh");
pub const HK: UnitRow = ("HK", "Đảng bộ xã Hương Khê", "HT", "Đảng bộ cơ sở");
pub const AT: UnitRow = ("AT", "Đảng bộ xã Ấp Tân", "HT", "Đảng bộ cơ sở");

/// The output of a command that prints JSON.
pub fn json(db: &Path, args: &[&str]) -> Value {
    serde_json::from_str(&ok(db, args)).expect("JSON")
}

/// A new register with `units`.
pub fn office(units: &[UnitRow]) -> Office {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("so.sqlite3");
    ok(&db, &["init"]);
    for (code, name, parent, kind) in units {
        let mut args = vec!["unit", "add", "--code", code, "--name", name, "--kind", kind];
        if !parent.is_empty() {
            args.extend(["--parent", parent]);
        }
        ok(&db, &args);
    }
    Office { _dir: dir, db }
}

/// The province's register: both communes and their branches, a document
/// of 100 copies and batch D1 (handed 01/02/2025) of 5 copies to HK and to
/// AT. No identity yet.
pub fn province_register() -> Office {
    let p = office(&[
        HT,
        HK,
        AT,
        ("HK-01", "Chi bộ thôn Đông Trung", "HK", "Chi bộ"),
        ("HK-02", "Chi bộ thôn Ấp Thượng", "HK", "Chi bộ"),
        ("AT-01", "Chi bộ thôn Tân Hòa", "AT", "Chi bộ"),
    ]);
    #[rustfmt::skip]
    ok(&p.db, &["doc", "add", "--symbol", "12-NQ/TU", "--title", "Nghị quyết về công tác tuyên giáo",
                "--date", "2025-01-10", "--copies", "100"]);
    #[rustfmt::skip]
    ok(&p.db, &["batch", "new", "--code", "D1", "--title", "Đợt 1 năm 2025", "--handed", "2025-02-01",
                "--due", "2025-02-15", "--doc", "12-NQ/TU:5", "--unit", "HK", "--unit", "AT"]);
    p
}

/// A commune's register (the province and the commune) with its identity.
pub fn commune(unit: UnitRow) -> Office {
    let c = office(&[HT, unit]);
    ok(&c.db, &["site", "init", "--unit", unit.0]);
    c
}

/// The office's fingerprint, in groups of five digits.
pub fn fingerprint(o: &Office) -> String {
    json(&o.db, &["site", "show", "--format", "json"])[0]["fingerprint"]
        .as_str()
        .expect("fingerprint")
        .to_owned()
}

/// Each office trusts the other, from its card and the fingerprint read
/// from paper (typed here without spaces, as people do).
pub fn pair(parent: &Office, child: &Office) {
    for (from, to) in [(parent, child), (child, parent)] {
        let card = from.path("the.card");
        ok(&from.db, &["site", "export", "--out", card.to_str().expect("path")]);
        let typed: String = fingerprint(from).chars().filter(|c| *c != ' ').collect();
        ok(
            &to.db,
            &["peer", "add", card.to_str().expect("path"), "--fingerprint", &typed],
        );
    }
}

/// The inbox's rows.
pub fn inbox(o: &Office) -> Vec<Value> {
    json(&o.db, &["inbox", "--format", "json"])
        .as_array()
        .expect("rows")
        .clone()
}

/// The receipt code of `unit` in the parent's batch `batch`, from the inbox.
pub fn code_in_inbox(o: &Office, unit: &str, batch: &str) -> String {
    inbox(o)
        .iter()
        .find(|r| r["unit_code"] == unit && r["batch"] == batch)
        .and_then(|r| r["receipt_code"].as_str())
        .unwrap_or_else(|| panic!("no inbox row for {unit} in {batch}"))
        .to_owned()
}

/// The head of the audit log, as `verify` prints it.
pub fn head(o: &Office) -> Value {
    json(&o.db, &["verify", "--format", "json"])["head"].clone()
}

/// The consolidated outstanding list, each row as "office batch unit".
pub fn consolidated(o: &Office) -> Vec<String> {
    json(&o.db, &["outstanding", "--consolidated", "--format", "json"])
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| {
            let field = |k: &str| r[k].as_str().unwrap_or("").to_owned();
            format!("{} {} {}", field("site"), field("batch"), field("unit_code"))
        })
        .collect()
}

/// Carries the packets of `from` to `to` on a fresh folder (a stick);
/// what `sync receive` printed.
pub fn carry(from: &Office, to: &Office) -> String {
    let stick = tempfile::tempdir().expect("stick");
    let place = stick.path().to_str().expect("UTF-8 path");
    ok(&from.db, &["sync", "send", "--out", place]);
    ok(&to.db, &["sync", "receive", place])
}
