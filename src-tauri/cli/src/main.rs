//! `giaonhan`: the administrator's command line over the same store as the
//! app. It needs no login (whoever can run it can read the file anyway) and
//! records the operating-system user with the method `cli` for every change.
//!
//! An adapter: `args` and `values` say what the command line accepts, `run`
//! calls the core for each command, `print` and `backups` say what it prints;
//! every rule (what is valid, what is written and logged, to which file)
//! lives in the `giaonhan` core crate.

mod args;
mod backups;
mod classified;
mod exchange;
mod print;
mod run;
mod scale;
mod secrets;
mod study;
mod values;

use std::process::ExitCode;

use clap::Parser;
use giaonhan::Error;

fn main() -> ExitCode {
    let cli = args::Cli::parse();
    let db = cli.db.clone().or_else(|| giaonhan::default_db_path().ok());
    match run::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("giaonhan: {e}");
            if let (Some(db), Error::Unreadable { path, .. } | Error::TooNew { path, .. }) = (&db, &e) {
                if path == db {
                    backups::offer_restore(db);
                }
            }
            if matches!(&e, Error::Invalid { field, .. } if field == "letterhead") {
                eprintln!(
                    "giaonhan: khai báo bằng lệnh: giaonhan letterhead --parent-body \"ĐẢNG BỘ …\" \
                     --issuing-body \"VĂN PHÒNG …\" --place \"…\" --signer-title \"CHÁNH VĂN PHÒNG\""
                );
            }
            if let Error::Missing { path } = &e {
                eprintln!("giaonhan: để tạo sổ mới: giaonhan --db \"{}\" init", path.display());
                if giaonhan::backup::latest(path).is_ok_and(|b| b.is_some()) {
                    backups::offer_restore(path);
                }
            }
            ExitCode::FAILURE
        }
    }
}
