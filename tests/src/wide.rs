//! A wide register for the tests of a full disk and of two instances on one
//! file: hundreds of branches made through the core in one process (the
//! command line would start a process per unit), the batch that hands two
//! documents to all of them, and the check that a file came through whole.

use std::path::Path;

use chrono::NaiveDate;
use giaonhan::model::{DocQty, NewBatch, NewDocument, NewUnit};
use giaonhan::{Actor, Store};

/// The two documents of the register, each handed to every branch.
pub const DOCUMENTS: [&str; 2] = ["01-NQ/TU", "02-KH/TU"];

/// Who records the register's units and documents.
pub fn clerk() -> Actor {
    Actor::new("Văn thư", "test")
}

/// Creates the register at `db`: the unit `root` (code, name) and under it
/// `committees` committees `X1`, `X2`, … ("Đảng bộ xã Hương Khê 1", …), each
/// with `branches` branches `X1-01`, … ("Chi bộ thôn Đông Trung 1.1", …); with
/// no committees, `branches` branches of `root` itself (`ROOT-01`, …: "Chi bộ
/// thôn Đông Trung 1", …). Every unit is of kind "Chi bộ"; the [`DOCUMENTS`]
/// have `copies` copies on hand each.
pub fn register(db: &Path, root: (&str, &str), committees: usize, branches: usize, copies: u32) {
    let mut store = Store::open(db).expect("create the register");
    let a = clerk();
    let mut add = |code: String, name: String, parent: Option<&str>| {
        let unit = NewUnit {
            code,
            name,
            parent: parent.map(Into::into),
            kind: Some("Chi bộ".into()),
            ..NewUnit::default()
        };
        store.add_unit(&a, unit).expect("add a unit");
    };
    add(root.0.into(), root.1.into(), None);
    if committees == 0 {
        for b in 1..=branches {
            add(
                format!("{}-{b:02}", root.0),
                format!("Chi bộ thôn Đông Trung {b}"),
                Some(root.0),
            );
        }
    }
    for c in 1..=committees {
        let code = format!("X{c}");
        add(code.clone(), format!("Đảng bộ xã Hương Khê {c}"), Some(root.0));
        for b in 1..=branches {
            let name = format!("Chi bộ thôn Đông Trung {c}.{b}");
            add(format!("{code}-{b:02}"), name, Some(&code));
        }
    }
    for symbol in DOCUMENTS {
        let doc = NewDocument {
            symbol: symbol.into(),
            title: "Kế hoạch học tập nghị quyết".into(),
            copies_received: copies,
            ..NewDocument::default()
        };
        store.add_document(&clerk(), doc).expect("add a document");
    }
}

/// The batch `code` handed on 01/02/2025, due 15/02/2025: two copies of
/// 01-NQ/TU and one of 02-KH/TU to every branch under `subtree`.
pub fn big_batch(code: &str, title: &str, subtree: &str) -> NewBatch {
    NewBatch {
        code: code.into(),
        title: title.into(),
        handed_on: NaiveDate::from_ymd_opt(2025, 2, 1),
        due_on: NaiveDate::from_ymd_opt(2025, 2, 15),
        documents: vec![
            DocQty {
                symbol: DOCUMENTS[0].into(),
                quantity: 2,
                uid: None,
            },
            DocQty {
                symbol: DOCUMENTS[1].into(),
                quantity: 1,
                uid: None,
            },
        ],
        subtrees: vec![subtree.into()],
        ..NewBatch::default()
    }
}

/// The command line that records `batch` (`giaonhan batch new …`): its code,
/// title, dates, documents, recipient units and subtrees.
pub fn batch_args(batch: &NewBatch) -> Vec<String> {
    let mut args: Vec<String> = ["batch", "new", "--code", &batch.code, "--title", &batch.title]
        .map(String::from)
        .to_vec();
    for (flag, day) in [("--handed", batch.handed_on), ("--due", batch.due_on)] {
        if let Some(day) = day {
            args.extend([flag.to_owned(), day.format("%Y-%m-%d").to_string()]);
        }
    }
    for d in &batch.documents {
        args.extend(["--doc".to_owned(), format!("{}:{}", d.symbol, d.quantity)]);
    }
    for unit in &batch.units {
        args.extend(["--unit".to_owned(), unit.clone()]);
    }
    for subtree in &batch.subtrees {
        args.extend(["--subtree".to_owned(), subtree.clone()]);
    }
    args
}

/// Opens the register at `db` and checks that it came through whole: it
/// opens, passes `integrity_check`, and its audit chain verifies. Returns the
/// open store and the chain's length.
pub fn assert_sound(db: &Path) -> (Store, u64) {
    let store = Store::open(db).expect("the file opens");
    let integrity: String = store
        .connection()
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .expect("integrity_check");
    assert_eq!(integrity, "ok");
    let chain = store.verify().expect("the audit chain verifies");
    (store, chain)
}
