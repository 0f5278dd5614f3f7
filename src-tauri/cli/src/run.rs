//! What each command does: opens the register (only `init` creates one),
//! turns the parsed options into the core's inputs, calls the core and
//! prints the outcome. No rule lives here: validation, writing, logging and
//! the choice of bytes for a file are the core's.

use std::path::Path;

use giaonhan::accounts::{AccountChange, NewAccount};
use giaonhan::dates::today;
use giaonhan::import::Register;
use giaonhan::model::{
    Change, Confirmation, DocQty, NewBatch, NewDocument, NewUnit, OutstandingQuery, PrintList, Reorganisation,
    SaveFormat,
};
use giaonhan::print::Letterhead;
use giaonhan::saves::PeriodRegister;
use giaonhan::{Actor, Error, Store};

use crate::args::{AccountCmd, BatchCmd, Cli, Command, DocCmd, UnitCmd};
use crate::backups::{self, Keep};
use crate::print::{print, saved, verify};
use crate::secrets::{read_secret_if, read_secret_line};
use crate::values::{DocArg, Format, ListFormat, ReportFormat};
use giaonhan::text::split_term;

pub fn run(cli: Cli) -> Result<(), Error> {
    let path = match cli.db {
        Some(p) => p,
        None => giaonhan::default_db_path()?,
    };
    // Listing backups and restoring need no open store: they also work
    // when the database is damaged, refused or missing.
    match &cli.command {
        Command::Restore { file } => return backups::restore(&path, file),
        Command::Backups { format } | Command::Backup { list: true, format, .. } => {
            return backups::list(&path, *format)
        }
        _ => {}
    }
    // Only `init` creates a register; every other command refuses a missing
    // file and creates nothing (a moved or deleted register is never
    // silently replaced by an empty one).
    let mut store = match cli.command {
        Command::Init => Store::open(&path)?,
        _ => Store::open_existing(&path)?,
    };
    let store = &mut store;
    let actor = &Actor::cli();
    match cli.command {
        Command::Init => println!("{}", store.path().display()),
        Command::Unit(cmd) => unit(store, actor, cmd)?,
        Command::Doc(cmd) => doc(store, actor, cmd)?,
        Command::Batch(cmd) => batch(store, actor, cmd)?,
        Command::Confirm {
            receipt,
            by,
            at,
            quantities,
            decline,
            on_behalf,
            method,
            note,
            copies,
        } => {
            let c = Confirmation {
                copies,
                by,
                on: at,
                method: method.map(Into::into),
                quantities,
                decline,
                on_behalf,
                note,
                ..receipt.confirmation()
            };
            store.confirm(actor, c)?;
        }
        Command::Unconfirm { receipt, reason } => store.undo_confirmation(actor, receipt.confirmation(), &reason)?,
        Command::Receipt { code, format } => print(format, &[store.receipt(&code)?])?,
        Command::Outstanding {
            filter,
            consolidated: true,
            ..
        } => print(Format::Json, &store.outstanding_consolidated(&filter.into())?)?,
        Command::Outstanding {
            filter, format, out, ..
        } => outstanding(store, actor, &filter.into(), format, out.as_deref())?,
        Command::Reminders { filter, out } => save_list(
            store,
            actor,
            PrintList::Reminders,
            &filter.into(),
            SaveFormat::Pdf,
            &out,
        )?,
        Command::Calls { filter, out } => {
            save_list(store, actor, PrintList::Calls, &filter.into(), SaveFormat::Pdf, &out)?
        }
        Command::Register {
            from,
            to,
            classified,
            copies,
            format,
            out,
        } => {
            let register = if classified {
                PeriodRegister::Classified
            } else if copies {
                PeriodRegister::Copies
            } else {
                PeriodRegister::Transfer
            };
            store.save_register(actor, register, from, to, format.into(), &out)?;
            saved(&out);
        }
        Command::Stats { batches, as_of, format } => print(format, &store.batch_stats(&batches, as_of)?)?,
        Command::Tiers { days } => {
            if let Some(days) = days {
                store.set_tiers(actor, &giaonhan::model::Tiers { days })?;
            }
            print(Format::Json, &[store.tiers()?])?
        }
        Command::Slips { batch, out, per_page } => {
            store.save_slips(actor, &batch, None, per_page, &out)?;
            saved(&out);
        }
        Command::Letterhead {
            parent_body,
            issuing_body,
            place,
            signer_title,
        } => {
            let stored = store.letterhead_setting()?;
            let changed = parent_body.is_some() || issuing_body.is_some() || place.is_some() || signer_title.is_some();
            if stored.is_none() && !changed {
                // Nothing to show yet: say so, and how to give it.
                return Err(Error::invalid("letterhead", giaonhan::reports::NO_LETTERHEAD));
            }
            let mut l = stored.unwrap_or_else(Letterhead::blank);
            l.parent_body = parent_body.unwrap_or(l.parent_body);
            l.issuing_body = issuing_body.unwrap_or(l.issuing_body);
            l.place = place.unwrap_or(l.place);
            l.signer_title = signer_title.unwrap_or(l.signer_title);
            if changed {
                // The core cleans the fields: print them as stored.
                store.set_letterhead(actor, &l)?;
                l = store.letterhead()?;
            }
            print(Format::Json, &[l])?;
        }
        Command::Account(cmd) => account(store, actor, cmd)?,
        Command::Demo { scale: None, .. } => {
            store.load_demo(actor)?;
            println!("Đã nạp dữ liệu mẫu vào {}", store.path().display());
        }
        Command::Demo {
            scale: Some(scale),
            seed,
        } => crate::scale::generate(store, actor, scale, seed)?,
        Command::Verify { format, expect } => verify(store, format, expect.as_deref())?,
        Command::Backup {
            out,
            auto,
            keep,
            keep_migrate,
            interval_hours,
            ..
        } => {
            let keep = Keep {
                keep,
                keep_migrate,
                interval_hours,
            };
            backups::backup(store, actor, out, auto, keep)?
        }
        Command::Site(cmd) => crate::exchange::site(store, actor, cmd)?,
        Command::Copies(a) => crate::classified::copies(store, actor, a)?,
        Command::Recall(cmd) => crate::classified::recall(store, actor, cmd)?,
        Command::Study(cmd) => crate::study::study(store, actor, cmd)?,
        Command::Destroy(a) => crate::classified::destroy(store, actor, a)?,
        Command::Peer(cmd) => crate::exchange::peer(store, actor, cmd)?,
        Command::Sync(cmd) => crate::exchange::sync(store, actor, cmd)?,
        Command::Inbox { format } => crate::exchange::inbox(store, format)?,
        // Handled above, before the store is opened.
        Command::Backups { .. } | Command::Restore { .. } => {}
    }
    Ok(())
}

fn unit(store: &mut Store, actor: &Actor, cmd: UnitCmd) -> Result<(), Error> {
    let reorganise =
        |store: &mut Store, change, on, reason| store.reorganise(actor, Reorganisation { change, on, reason });
    match cmd {
        UnitCmd::Add {
            code,
            name,
            parent,
            kind,
            short_name,
            phone,
            opened,
            secretary,
            deputy,
        } => {
            let input = NewUnit {
                code,
                name,
                parent,
                kind,
                short_name,
                phone,
                address: None,
                opened_on: opened,
                secretary,
                deputy,
            };
            println!("{}", store.add_unit(actor, input)?.code);
        }
        UnitCmd::List { as_of, format } => print(format, &store.units_as_of(as_of.unwrap_or_else(today))?)?,
        UnitCmd::Search { text, format, limit } => print(format, &store.search_units(&text, limit)?)?,
        UnitCmd::History { code, format } => print(format, &store.unit_history(&code)?)?,
        UnitCmd::Rename { code, name, on, reason } => {
            let change = Change::Rename {
                code,
                name,
                short_name: None,
            };
            reorganise(store, change, on, reason)?
        }
        UnitCmd::Move {
            code,
            parent,
            on,
            reason,
        } => {
            let change = Change::Move {
                code,
                parent: Some(parent),
            };
            reorganise(store, change, on, reason)?
        }
        UnitCmd::Merge { from, into, on, reason } => reorganise(store, Change::Merge { from, into }, on, reason)?,
        UnitCmd::Split { from, into, on, reason } => reorganise(store, Change::Split { from, into }, on, reason)?,
        UnitCmd::Close { code, on, reason } => reorganise(store, Change::Close { code }, on, reason)?,
        UnitCmd::Reorganise {
            plan,
            on,
            reason,
            dry_run,
            format,
        } => reorganise_plan(store, actor, &plan, on, reason, dry_run, format)?,
        UnitCmd::Import { file, dry_run } => import(store, actor, Register::Units, &file, dry_run)?,
        UnitCmd::Export { out } => {
            store.save_export(actor, Register::Units, &out)?;
            saved(&out);
        }
    }
    Ok(())
}

fn doc(store: &mut Store, actor: &Actor, cmd: DocCmd) -> Result<(), Error> {
    match cmd {
        DocCmd::Add {
            symbol,
            title,
            date,
            copies,
            classification,
            term,
        } => {
            let input = NewDocument {
                symbol,
                title,
                issued_on: date,
                copies_received: copies,
                classification,
                term,
            };
            let doc = store.add_document(actor, input)?;
            for w in &doc.warnings {
                eprintln!("giaonhan: cảnh báo: {}: {w}", doc.symbol);
            }
            println!("{}", doc.symbol);
        }
        DocCmd::List { format } => print(format, &store.list_documents()?)?,
        DocCmd::Import { file, dry_run } => import(store, actor, Register::Documents, &file, dry_run)?,
        DocCmd::Export { out } => {
            store.save_export(actor, Register::Documents, &out)?;
            saved(&out);
        }
    }
    Ok(())
}

fn batch(store: &mut Store, actor: &Actor, cmd: BatchCmd) -> Result<(), Error> {
    match cmd {
        BatchCmd::New {
            code,
            title,
            handed,
            due,
            docs,
            units,
            subtree,
            kind,
            info_unit,
            method,
            over_stock_reason,
            copies,
        } => {
            let input = NewBatch {
                code,
                title,
                handed_on: Some(handed),
                due_on: Some(due),
                documents: docs
                    .into_iter()
                    .map(|doc| of_term(store, doc))
                    .collect::<Result<_, _>>()?,
                units,
                subtrees: subtree,
                kinds: kind,
                info_units: info_unit,
                overrides: Vec::new(),
                method: method.map(Into::into).unwrap_or_default(),
                over_stock_reason,
                copy_numbers: copies,
            };
            let batch = store.create_batch(actor, input)?;
            println!("{}: {} đơn vị nhận", batch.code, batch.recipients);
        }
        BatchCmd::Cancel { code, reason } => store.cancel_batch(actor, &code, &reason)?,
        BatchCmd::List => print(Format::Json, &store.list_batches()?)?,
    }
    Ok(())
}

/// A batch's document as the core takes it: one named with its term is
/// given by uid (the symbol alone means the latest term's).
fn of_term(store: &Store, doc: DocArg) -> Result<DocQty, Error> {
    let Some(term) = doc.term else {
        return Ok(doc.qty);
    };
    let uid = uid_of_term(store, "documents", &doc.qty.symbol, &term)?;
    Ok(DocQty {
        uid: Some(uid),
        ..doc.qty
    })
}

/// The uid of the document `symbol` of committee term `term`.
pub fn uid_of_term(store: &Store, field: &str, symbol: &str, term: &str) -> Result<String, Error> {
    store.document_uid_of_term(symbol, term)?.ok_or_else(|| {
        let (symbol, term) = (giaonhan::text::clean(symbol), giaonhan::text::clean(term));
        Error::invalid(field, format!("Văn bản «{symbol}» của khóa {term} không có trong sổ"))
    })
}

/// `--symbol SYMBOL` or `--symbol SYMBOL@TERM` (an earlier committee
/// term's document of that symbol): the symbol, and the document's uid
/// when a term is named.
pub fn symbol_of_term(store: &Store, given: &str) -> Result<(String, Option<String>), Error> {
    let (symbol, term) = split_term(given).map_err(|why| Error::invalid("symbol", why))?;
    let uid = term
        .map(|term| uid_of_term(store, "symbol", symbol, term))
        .transpose()?;
    Ok((symbol.to_owned(), uid))
}

fn account(store: &mut Store, actor: &Actor, cmd: AccountCmd) -> Result<(), Error> {
    let change = match cmd {
        AccountCmd::Add {
            username,
            name,
            role,
            unit,
            pin,
        } => {
            let password = read_secret_line("password")?;
            let pin = read_secret_if(pin, "pin")?;
            let input = NewAccount {
                username,
                display_name: name,
                role: role.into(),
                unit,
                password,
                pin,
            };
            let account = store.add_account(None, actor, input)?;
            println!("{}", account.username);
            return Ok(());
        }
        AccountCmd::List { format } => return print(format, &store.list_accounts()?),
        AccountCmd::Disable { username } => AccountChange::Disable { username },
        AccountCmd::Enable { username } => AccountChange::Enable { username },
        AccountCmd::Reset {
            username,
            password,
            pin,
        } => AccountChange::Reset {
            username,
            password: read_secret_if(password, "password")?,
            pin: read_secret_if(pin, "pin")?,
        },
        AccountCmd::Unlock { username } => AccountChange::Unlock { username },
    };
    // An administrator's change to an account: prints the account's state.
    let account = store.change_account(actor, change)?;
    let state = match (account.disabled, account.locked) {
        (true, _) => "đã vô hiệu hoá",
        (false, true) => "đang bị khoá",
        (false, false) => "đang dùng",
    };
    println!("{}: {state}", account.username);
    Ok(())
}

/// `giaonhan outstanding`: JSON or CSV to stdout, or any format to a file
/// (saved and logged by the core).
fn outstanding(
    store: &mut Store,
    actor: &Actor,
    query: &OutstandingQuery,
    format: ListFormat,
    out: Option<&Path>,
) -> Result<(), Error> {
    match (format.save_format(), out) {
        (None, None) => print(Format::Json, &store.outstanding(query)?),
        (Some(SaveFormat::Csv), None) => store.outstanding_csv(query, std::io::stdout().lock()),
        (Some(_), None) => Err(Error::invalid("out", "định dạng pdf và xlsx cần --out TỆP")),
        (None, Some(out)) => {
            store.save_outstanding_json(actor, query, out)?;
            saved(out);
            Ok(())
        }
        (Some(format), Some(out)) => save_list(store, actor, PrintList::Outstanding, query, format, out),
    }
}

/// Saves a list (logged as an export or a print) and prints the file's path.
fn save_list(
    store: &mut Store,
    actor: &Actor,
    list: PrintList,
    query: &OutstandingQuery,
    format: SaveFormat,
    out: &Path,
) -> Result<(), Error> {
    store.save_list(actor, list, query, format, out)?;
    saved(out);
    Ok(())
}

/// Imports a file; errors go to stderr as FILE:ROW:COLUMN: message, and the
/// exit status is non-zero with nothing written.
fn import(store: &mut Store, actor: &Actor, register: Register, file: &Path, dry_run: bool) -> Result<(), Error> {
    let report = store.import_file(actor, register, file, dry_run)?;
    for issue in report.issues.iter().filter(|i| i.warning) {
        eprintln!("{issue}");
    }
    if !report.is_ok() {
        for issue in report.issues.iter().filter(|i| !i.warning) {
            eprintln!("{issue}");
        }
        return Err(Error::invalid(
            "file",
            format!("{}: {} lỗi, không ghi gì vào sổ", file.display(), report.error_count()),
        ));
    }
    println!("{}", report.summary(dry_run));
    Ok(())
}

/// Checks and applies a reorganisation plan: warnings and errors go to
/// stderr as FILE:ROW:COLUMN: message, and on any error the exit status is
/// non-zero with nothing changed; the report (or its JSON) on stdout.
fn reorganise_plan(
    store: &mut Store,
    actor: &Actor,
    plan: &Path,
    on: chrono::NaiveDate,
    reason: String,
    dry_run: bool,
    format: ReportFormat,
) -> Result<(), Error> {
    let report = store.reorganise_plan(actor, plan, on, Some(reason), dry_run)?;
    if format == ReportFormat::Json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    }
    for issue in report.issues.iter().filter(|i| i.warning) {
        eprintln!("{issue}");
    }
    if !report.is_ok() {
        for issue in report.issues.iter().filter(|i| !i.warning) {
            eprintln!("{issue}");
        }
        return Err(Error::invalid(
            "file",
            format!(
                "{}: {} lỗi, không thay đổi gì trong sổ",
                plan.display(),
                report.error_count()
            ),
        ));
    }
    if format == ReportFormat::Text {
        println!("{}", report.summary(dry_run));
    }
    Ok(())
}
