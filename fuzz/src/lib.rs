//! What every fuzz target does with one input, shared by the targets: the
//! bytes of a user's file go through the same calls the app makes on an
//! import (read the table, then check every row against a register, as a dry
//! run that writes nothing), and a typed receipt code through its parser.

use std::cell::RefCell;
use std::path::Path;

use giaonhan::import::Register;
use giaonhan::model::{NewDocument, NewUnit};
use giaonhan::{receipt_code, tabular, Actor, Store};

thread_local! {
    /// One small in-memory register per fuzzing process: a commune with one
    /// branch and one document, so that rows can match existing records.
    static STORE: RefCell<Option<Store>> = const { RefCell::new(None) };
}

fn with_store(f: impl FnOnce(&mut Store, &Actor)) {
    let actor = Actor::new("fuzz", "import");
    STORE.with(|cell| {
        let mut slot = cell.borrow_mut();
        if slot.is_none() {
            let mut store = Store::open(Path::new(":memory:")).expect("in-memory register");
            for (code, parent) in [("HK", None), ("HK-01", Some("HK"))] {
                store
                    .add_unit(
                        &actor,
                        NewUnit {
                            code: code.into(),
                            name: format!("Chi bộ {code}"),
                            parent: parent.map(Into::into),
                            kind: Some("Chi bộ".into()),
                            ..NewUnit::default()
                        },
                    )
                    .expect("seed unit");
            }
            store
                .add_document(
                    &actor,
                    NewDocument {
                        symbol: "05-KH/HU".into(),
                        title: "Kế hoạch".into(),
                        copies_received: 10,
                        ..NewDocument::default()
                    },
                )
                .expect("seed document");
            *slot = Some(store);
        }
        if let Some(store) = slot.as_mut() {
            f(store, &actor);
        }
    });
}

/// A file a user hands to the import: `file_name`'s extension picks CSV or
/// XLSX. Errors are expected (they are the user's messages); panics are bugs.
pub fn import_file(file_name: &str, data: &[u8]) {
    let Ok(table) = tabular::read_table_bytes(file_name, data) else {
        return;
    };
    with_store(|store, actor| {
        for register in [Register::Units, Register::Documents] {
            if let Ok(report) = store.import_table(actor, register, &table, true) {
                assert!(!report.written, "a dry run never writes");
                let _ = report.summary(true);
            }
        }
    });
}

/// A receipt code as typed or scanned: a code that parses is in canonical
/// form, and parses again to itself.
pub fn receipt_code(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(code) = receipt_code::parse(text) {
        assert_eq!(code.len(), 8, "{text:?} → {code:?}");
        assert_eq!(receipt_code::parse(&code).as_deref(), Ok(code.as_str()));
    }
}
