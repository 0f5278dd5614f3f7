//! The fuzzers' committed corpus (`fuzz/corpus/<target>/`) replayed in the
//! normal test suite, through the very code the fuzz targets run
//! (`fuzz/src/lib.rs`): every CSV and XLSX file goes through reading and a
//! dry-run import of both registers, every receipt code through its parser.
//! No input may panic, so `make test` keeps the fuzzers' findings fixed
//! without needing the fuzzer or a nightly toolchain.

use std::path::PathBuf;

#[path = "../../fuzz/src/lib.rs"]
mod fuzz_body;

fn corpus(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = giaonhan_tests::workspace_root().join("fuzz/corpus").join(target);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("corpus entry").path())
        .filter(|p| p.is_file())
        .map(|p| {
            let bytes = std::fs::read(&p).expect("read corpus file");
            (p, bytes)
        })
        .collect();
    files.sort();
    assert!(!files.is_empty(), "{} holds no inputs", dir.display());
    files
}

fn replay(target: &str, run: impl Fn(&[u8])) {
    for (path, bytes) in corpus(target) {
        if std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run(&bytes))).is_err() {
            panic!("{target}: {} panics", path.display());
        }
    }
}

#[test]
fn csv_corpus() {
    replay("csv", |data| fuzz_body::import_file("fuzz.csv", data));
}

#[test]
fn xlsx_corpus() {
    replay("xlsx", |data| fuzz_body::import_file("fuzz.xlsx", data));
}

#[test]
fn receipt_code_corpus() {
    replay("receipt_code", fuzz_body::receipt_code);
}
