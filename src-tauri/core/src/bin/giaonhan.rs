//! `giaonhan`: the administrator's command line over the same store as the
//! app. It needs no login (whoever can run it can read the file anyway) and
//! records the operating-system user with the method `cli` for every change.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand, ValueEnum};
use giaonhan::accounts::{AccountChange, NewAccount, Role};
use giaonhan::db::today;
use giaonhan::import::Register;
use giaonhan::model::{
    Change, Classification, ConfirmMethod, Confirmation, DeliveryMethod, DocQty, NewBatch, NewDocument, NewUnit,
    OutstandingQuery, PrintList, Reorganisation, SaveFormat,
};
use giaonhan::{Actor, Error, Store, DB_ENV};
use serde::Serialize;

// `demo --scale`: the scale generator is the crate `giaonhan-scale`
// (bench/scale), which depends on this package's library, so this binary
// cannot depend on it; it compiles the generator's source in as a module
// until the command line has a crate of its own.
#[allow(dead_code)]
#[path = "../../../../bench/scale/src/lib.rs"]
mod giaonhan_scale;

#[derive(Parser)]
#[command(name = "giaonhan", version, about = "Sổ Giao Nhận: sổ giao nhận văn bản của Đảng")]
struct Cli {
    /// The database file (default: the app's file in the user's data folder).
    #[arg(long, global = true, env = DB_ENV, value_name = "PATH")]
    db: Option<PathBuf>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Creates the database (or upgrades it) and prints its path. Every
    /// other command refuses a database file that does not exist.
    Init,
    /// Units: add, list.
    #[command(subcommand)]
    Unit(UnitCmd),
    /// Documents: add, list.
    #[command(subcommand)]
    Doc(DocCmd),
    /// Batches: new.
    #[command(subcommand)]
    Batch(BatchCmd),
    /// Records that a unit received a batch (or part of it), or declined it.
    Confirm {
        #[command(flatten)]
        receipt: ReceiptSel,
        /// Name of the person who signed.
        #[arg(long)]
        by: String,
        /// Date of the signature (default today).
        #[arg(long, value_name = "YYYY-MM-DD")]
        at: Option<NaiveDate>,
        /// Copies actually received of one document (repeatable): a partial receipt.
        #[arg(long = "qty", value_name = "SYMBOL:N", value_parser = parse_doc_qty_any)]
        quantities: Vec<DocQty>,
        /// The unit declined or returned the documents, for this reason.
        #[arg(long, value_name = "REASON")]
        decline: Option<String>,
        /// The signer is not the unit's secretary (a deputy, an office staffer).
        #[arg(long)]
        on_behalf: bool,
        /// How it arrived: in_person, slip, remote (default: cli).
        #[arg(long, value_enum)]
        method: Option<Method>,
        #[arg(long)]
        note: Option<String>,
    },
    /// Puts a confirmed (partial, declined) receipt back to pending, with a reason.
    Unconfirm {
        #[command(flatten)]
        receipt: ReceiptSel,
        #[arg(long)]
        reason: String,
    },
    /// Shows the receipt behind a receipt code.
    Receipt {
        code: String,
        #[arg(long, value_enum, default_value = "json")]
        format: Format,
    },
    /// Lists every receipt not confirmed on a day, grouped by grassroots
    /// committee: JSON or CSV (to stdout without --out), PDF in the party
    /// layout or a formatted XLSX (--out needed).
    Outstanding {
        #[command(flatten)]
        filter: ListFilter,
        #[arg(long, value_enum, default_value = "json")]
        format: ListFormat,
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Prints a reminder slip for every overdue unit (one page each).
    Reminders {
        #[command(flatten)]
        filter: ListFilter,
        #[arg(long, value_name = "FILE.pdf")]
        out: PathBuf,
    },
    /// Prints the call list: secretary, phone and what each unit has outstanding.
    Calls {
        #[command(flatten)]
        filter: ListFilter,
        #[arg(long, value_name = "FILE.pdf")]
        out: PathBuf,
    },
    /// Prints the outgoing transfer register (sổ chuyển giao) for a period.
    Register {
        #[arg(long, value_name = "YYYY-MM-DD")]
        from: NaiveDate,
        #[arg(long, value_name = "YYYY-MM-DD")]
        to: NaiveDate,
        #[arg(long, value_enum)]
        format: FileFormat,
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Dashboard figures per batch (the current batches when none is given).
    Stats {
        #[arg(long = "batch", value_name = "CODE")]
        batches: Vec<String>,
        #[arg(long, value_name = "YYYY-MM-DD")]
        as_of: Option<NaiveDate>,
        #[arg(long, value_enum, default_value = "json")]
        format: Format,
    },
    /// Shows the escalation tiers, or sets them: days overdue at which tier
    /// 1, 2, 3 … start (e.g. --days 1,7,14).
    Tiers {
        #[arg(long, value_delimiter = ',', value_name = "N,N,…")]
        days: Option<Vec<u32>>,
    },
    /// Prints the delivery slips of a batch into one PDF.
    Slips {
        #[arg(long)]
        batch: String,
        #[arg(long, value_name = "FILE.pdf")]
        out: PathBuf,
        /// Slips per A4 page: 1, or 2 (A5 halves with a cut line).
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u8).range(1..=2))]
        per_page: u8,
    },
    /// Shows or sets the letterhead of printed documents.
    Letterhead {
        /// The parent body, e.g. "ĐẢNG BỘ TỈNH HÀ TĨNH".
        #[arg(long)]
        parent_body: Option<String>,
        /// The issuing body, e.g. "BAN TUYÊN GIÁO VÀ DÂN VẬN TỈNH ỦY".
        #[arg(long)]
        issuing_body: Option<String>,
        /// The place name of the date line, e.g. "Hà Tĩnh".
        #[arg(long)]
        place: Option<String>,
        /// Who signs printed lists, e.g. "TRƯỞNG BAN" or "K/T TRƯỞNG BAN".
        #[arg(long)]
        signer_title: Option<String>,
    },
    /// Local accounts: add, list, disable, enable, reset, unlock.
    #[command(subcommand)]
    Account(AccountCmd),
    /// Loads the sample data into an empty database; with `--scale`, ten
    /// years of a district's or a province's data instead (for benchmarks).
    Demo {
        #[arg(long, value_enum)]
        scale: Option<ScaleArg>,
        /// Seed of the generator: the same seed gives the same register.
        #[arg(long, default_value_t = 1, requires = "scale")]
        seed: u64,
    },
    /// Checks the audit log: the hash chain row by row, no missing row, the
    /// append-only triggers, and that replaying it gives the register's
    /// receipts, batches and accounts as they are. Exit status 0 when all hold.
    Verify {
        /// text (default) or json: {"ok", "rows", "head": {"id", "hash"}, "problem"}.
        #[arg(long, value_enum, default_value = "text")]
        format: VerifyFormat,
        /// Fails unless the log still holds the row with this hash (or its
        /// first 12+ characters, as printed on a list: "Mã kiểm tra sổ")
        /// with the chain intact up to it.
        #[arg(long, value_name = "HASH")]
        expect: Option<String>,
    },
    /// Backs up the database now (--out FILE), makes the automatic backup
    /// when due (--auto), lists the automatic backups (--list), or sets how
    /// they are kept (--keep N, --keep-migrate N, --interval-hours N).
    Backup {
        /// Where to write the copy (a consistent copy, also while the app runs).
        #[arg(long, value_name = "FILE", conflicts_with = "list")]
        out: Option<PathBuf>,
        /// The automatic backup, as the app makes it at start: only when the
        /// newest good automatic backup is older than the interval; checked
        /// (integrity_check), marked good or damaged, then pruning. Fails
        /// when the copy could not be made or is damaged.
        #[arg(long, conflicts_with = "list")]
        auto: bool,
        /// Lists the automatic backups beside the database, newest first.
        #[arg(long)]
        list: bool,
        /// Keeps the last N start and daily backups (setting backup_keep; default 10).
        #[arg(long, value_name = "N", conflicts_with = "list")]
        keep: Option<u32>,
        /// Keeps the last N backups made before an upgrade (setting
        /// backup_keep_migrate; default 5).
        #[arg(long, value_name = "N", conflicts_with = "list")]
        keep_migrate: Option<u32>,
        /// Hours between automatic backups: at start, one is made only when
        /// the newest good one is older (setting backup_interval_hours;
        /// default 24; 0 makes one at every start).
        #[arg(long, value_name = "N", conflicts_with = "list")]
        interval_hours: Option<u32>,
        /// With --list: json or csv instead of one line per backup.
        #[arg(long, value_enum, requires = "list")]
        format: Option<Format>,
    },
    /// Lists the automatic backups beside the database, newest first.
    Backups {
        #[arg(long, value_enum)]
        format: Option<Format>,
    },
    /// Replaces the database with a backup after checking it; the current
    /// database is kept aside in the `replaced` folder, never overwritten.
    /// Refused while another window or command has the register open.
    Restore {
        /// The backup file (e.g. one listed by `giaonhan backups`).
        file: PathBuf,
    },
}

#[derive(Subcommand)]
enum UnitCmd {
    Add {
        #[arg(long)]
        code: String,
        #[arg(long)]
        name: String,
        /// The parent's code; none for a root.
        #[arg(long)]
        parent: Option<String>,
        /// A kind not seen before is created.
        #[arg(long)]
        kind: Option<String>,
        #[arg(long)]
        short_name: Option<String>,
        #[arg(long)]
        phone: Option<String>,
        /// Opening date; none when the unit predates the register.
        #[arg(long, value_name = "YYYY-MM-DD")]
        opened: Option<NaiveDate>,
        #[arg(long)]
        secretary: Option<String>,
        #[arg(long)]
        deputy: Option<String>,
    },
    /// Depth-first, siblings in Vietnamese order of name.
    List {
        /// The tree as it stood (or will stand) on this day (default today).
        #[arg(long, value_name = "YYYY-MM-DD")]
        as_of: Option<NaiveDate>,
        #[arg(long, value_enum)]
        format: Format,
    },
    /// Finds units by name or code, ignoring case and diacritics; best first.
    Search {
        text: String,
        #[arg(long, value_enum)]
        format: Format,
        #[arg(long, default_value_t = 50)]
        limit: usize,
    },
    /// Renames a unit from a date on.
    Rename {
        #[arg(long)]
        code: String,
        #[arg(long)]
        name: String,
        #[arg(long, value_name = "YYYY-MM-DD")]
        on: NaiveDate,
        #[arg(long)]
        reason: Option<String>,
    },
    /// Moves a unit under another parent from a date on.
    Move {
        #[arg(long)]
        code: String,
        /// The new parent's code.
        #[arg(long)]
        parent: String,
        #[arg(long, value_name = "YYYY-MM-DD")]
        on: NaiveDate,
        #[arg(long)]
        reason: Option<String>,
    },
    /// Merges units into one: they close, their children and open receipts pass to it.
    Merge {
        #[arg(long = "from", required = true)]
        from: Vec<String>,
        #[arg(long)]
        into: String,
        #[arg(long, value_name = "YYYY-MM-DD")]
        on: NaiveDate,
        #[arg(long)]
        reason: Option<String>,
    },
    /// Splits a unit into others (the first takes its children and open receipts).
    Split {
        #[arg(long)]
        from: String,
        #[arg(long = "into", required = true)]
        into: Vec<String>,
        #[arg(long, value_name = "YYYY-MM-DD")]
        on: NaiveDate,
        #[arg(long)]
        reason: Option<String>,
    },
    /// Closes a unit (it must have no open children).
    Close {
        #[arg(long)]
        code: String,
        #[arg(long, value_name = "YYYY-MM-DD")]
        on: NaiveDate,
        #[arg(long)]
        reason: Option<String>,
    },
    /// Imports units from CSV or XLSX, all or nothing.
    Import {
        file: PathBuf,
        /// Check and show what would change, write nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Exports the units to CSV or XLSX (by the file's extension).
    Export {
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Subcommand)]
enum DocCmd {
    Add {
        /// Number and symbol, e.g. 05-KH/HU.
        #[arg(long)]
        symbol: String,
        /// Summary (trích yếu).
        #[arg(long)]
        title: String,
        #[arg(long, value_name = "YYYY-MM-DD")]
        date: Option<NaiveDate>,
        /// Copies received ("2000" or "2.000").
        #[arg(long, default_value = "0", value_parser = giaonhan::tabular::parse_count)]
        copies: u32,
        /// normal, secret, top_secret, absolute (or Thường, Mật, Tối mật, Tuyệt mật).
        #[arg(long, value_parser = parse_classification, default_value = "normal")]
        classification: Classification,
        /// Committee term (khóa) the number belongs to, e.g. XIII.
        #[arg(long)]
        term: Option<String>,
    },
    List {
        #[arg(long, value_enum)]
        format: Format,
    },
    /// Imports documents from CSV or XLSX, all or nothing.
    Import {
        file: PathBuf,
        #[arg(long)]
        dry_run: bool,
    },
    /// Exports the register to CSV or XLSX (by the file's extension).
    Export {
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Subcommand)]
enum BatchCmd {
    New {
        #[arg(long)]
        code: String,
        #[arg(long)]
        title: String,
        #[arg(long, value_name = "YYYY-MM-DD")]
        handed: NaiveDate,
        #[arg(long, value_name = "YYYY-MM-DD")]
        due: NaiveDate,
        /// A document and the copies each unit gets: SYMBOL:QTY (repeatable).
        #[arg(long = "doc", value_name = "SYMBOL:QTY", value_parser = parse_doc_qty, required = true)]
        docs: Vec<DocQty>,
        /// A recipient unit (repeatable).
        #[arg(long = "unit", value_name = "CODE", required_unless_present_any = ["subtree", "kind"])]
        units: Vec<String>,
        /// Every open unit without children under CODE (repeatable).
        #[arg(long, value_name = "CODE")]
        subtree: Vec<String>,
        /// Every open unit of this kind (repeatable).
        #[arg(long, value_name = "KIND")]
        kind: Vec<String>,
        /// A unit that receives for information only, never outstanding (repeatable).
        #[arg(long, value_name = "CODE")]
        info_unit: Vec<String>,
        #[arg(long, value_enum)]
        method: Option<Delivery>,
        /// Hand out more copies than are on hand, for this reason.
        #[arg(long, value_name = "REASON")]
        over_stock_reason: Option<String>,
    },
    /// Cancels a batch (its confirmed receipts keep their record).
    Cancel {
        #[arg(long)]
        code: String,
        #[arg(long)]
        reason: String,
    },
    /// Lists the batches with their progress, as JSON.
    List,
}

#[derive(Clone, Copy, ValueEnum)]
enum Delivery {
    InPerson,
    Post,
    ViaCommune,
    Electronic,
}

impl From<Delivery> for DeliveryMethod {
    fn from(d: Delivery) -> DeliveryMethod {
        match d {
            Delivery::InPerson => DeliveryMethod::InPerson,
            Delivery::Post => DeliveryMethod::Post,
            Delivery::ViaCommune => DeliveryMethod::ViaCommune,
            Delivery::Electronic => DeliveryMethod::Electronic,
        }
    }
}

/// Which receipt: a batch and a unit, or the receipt code on the slip.
#[derive(Args)]
struct ReceiptSel {
    #[arg(long, required_unless_present = "code")]
    batch: Option<String>,
    #[arg(long, required_unless_present = "code")]
    unit: Option<String>,
    /// The receipt code printed on the slip, instead of --batch and --unit.
    #[arg(long, value_name = "RECEIPT_CODE", conflicts_with_all = ["batch", "unit"])]
    code: Option<String>,
}

impl ReceiptSel {
    /// A confirmation naming just this receipt, to be filled in.
    fn confirmation(self) -> Confirmation {
        Confirmation {
            batch: self.batch.unwrap_or_default(),
            unit_code: self.unit.unwrap_or_default(),
            receipt_code: self.code,
            ..Confirmation::default()
        }
    }
}

#[derive(Subcommand)]
enum AccountCmd {
    /// Adds an account. The password (and, with --pin, the PIN on the next
    /// line) is read from standard input, never from the command line.
    Add {
        #[arg(long)]
        username: String,
        /// Full name, as it signs.
        #[arg(long)]
        name: String,
        #[arg(long, value_enum)]
        role: RoleArg,
        /// The unit of a secretary.
        #[arg(long)]
        unit: Option<String>,
        /// Also read a PIN (4 to 8 digits) for confirming at the office.
        #[arg(long)]
        pin: bool,
    },
    List {
        #[arg(long, value_enum)]
        format: Format,
    },
    /// Disables an account: no login and no PIN until it is enabled again.
    Disable {
        #[arg(long)]
        username: String,
    },
    /// Enables a disabled account again.
    Enable {
        #[arg(long)]
        username: String,
    },
    /// Sets a new password and/or PIN, read from standard input (the password
    /// first, then the PIN, one a line); each ends its lock.
    #[command(group(clap::ArgGroup::new("secret").required(true).multiple(true).args(["password", "pin"])))]
    Reset {
        #[arg(long)]
        username: String,
        /// Read a new password.
        #[arg(long)]
        password: bool,
        /// Read a new PIN (4 to 8 digits).
        #[arg(long)]
        pin: bool,
    },
    /// Ends the locks after wrong passwords and wrong PINs.
    Unlock {
        #[arg(long)]
        username: String,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum RoleArg {
    Admin,
    Clerk,
    Supervisor,
    Secretary,
}

impl From<RoleArg> for Role {
    fn from(r: RoleArg) -> Role {
        match r {
            RoleArg::Admin => Role::Admin,
            RoleArg::Clerk => Role::Clerk,
            RoleArg::Supervisor => Role::Supervisor,
            RoleArg::Secretary => Role::Secretary,
        }
    }
}

/// An administrator's change to an account; prints the account's state.
fn change_account(store: &mut Store, actor: &Actor, change: AccountChange) -> Result<(), Error> {
    let account = store.change_account(actor, change)?;
    let state = match (account.disabled, account.locked) {
        (true, _) => "đã vô hiệu hoá",
        (false, true) => "đang bị khoá",
        (false, false) => "đang dùng",
    };
    println!("{}: {state}", account.username);
    Ok(())
}

/// One line of standard input, without its line ending.
fn read_secret_line(what: &str) -> Result<String, Error> {
    let mut line = String::new();
    std::io::stdin().read_line(&mut line)?;
    let line = line.trim_end_matches(['\r', '\n']).to_owned();
    if line.is_empty() {
        return Err(Error::invalid(what, format!("cần nhập {what} qua đầu vào chuẩn")));
    }
    Ok(line)
}

#[derive(Clone, Copy, ValueEnum)]
enum Method {
    InPerson,
    Slip,
    Remote,
}

impl From<Method> for ConfirmMethod {
    fn from(m: Method) -> ConfirmMethod {
        match m {
            Method::InPerson => ConfirmMethod::InPerson,
            Method::Slip => ConfirmMethod::Slip,
            Method::Remote => ConfirmMethod::Remote,
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Json,
    Csv,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ListFormat {
    Json,
    Csv,
    Pdf,
    Xlsx,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum VerifyFormat {
    Text,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum FileFormat {
    Pdf,
    Xlsx,
}

/// Filters shared by the outstanding list, the reminders and the call list.
#[derive(Args)]
struct ListFilter {
    /// Only this batch (repeatable).
    #[arg(long = "batch", value_name = "CODE")]
    batches: Vec<String>,
    /// Only this unit and the units under it.
    #[arg(long, value_name = "UNIT")]
    subtree: Option<String>,
    /// Only receipts that list this document.
    #[arg(long, value_name = "SYMBOL")]
    document: Option<String>,
    /// Only receipts past their due date.
    #[arg(long)]
    overdue_only: bool,
    /// Only receipts at this escalation tier.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u8).range(1..=5))]
    tier: Option<u8>,
    /// The day the list is drawn up for (default today).
    #[arg(long, value_name = "YYYY-MM-DD")]
    as_of: Option<NaiveDate>,
}

impl From<ListFilter> for OutstandingQuery {
    fn from(f: ListFilter) -> OutstandingQuery {
        OutstandingQuery {
            batches: f.batches,
            subtree: f.subtree,
            document: f.document,
            overdue_only: f.overdue_only,
            tier: f.tier,
            as_of: f.as_of,
        }
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

/// The path of a file written, for scripts.
fn saved(out: &Path) {
    println!("{}", out.display());
}

/// SYMBOL:N with N at least 1 (copies handed to each unit).
fn parse_doc_qty(s: &str) -> Result<DocQty, String> {
    let dq = parse_doc_qty_any(s)?;
    if dq.quantity == 0 {
        return Err(format!("«{s}»: số bản phải là số nguyên dương"));
    }
    Ok(dq)
}

/// SYMBOL:N where N may be 0 (nothing of that document arrived).
fn parse_doc_qty_any(s: &str) -> Result<DocQty, String> {
    let (symbol, qty) = s
        .rsplit_once(':')
        .ok_or_else(|| format!("«{s}»: cần dạng SỐ-KÝ-HIỆU:SỐ-BẢN, ví dụ 05-KH/HU:1"))?;
    let quantity = qty
        .trim()
        .parse::<u32>()
        .map_err(|_| format!("«{qty}»: số bản phải là số nguyên không âm"))?;
    Ok(DocQty {
        symbol: symbol.to_owned(),
        quantity,
    })
}

fn parse_classification(s: &str) -> Result<Classification, String> {
    Classification::parse(s).ok_or_else(|| format!("«{s}»: độ mật là Thường, Mật, Tối mật hoặc Tuyệt mật"))
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let db = cli.db.clone().or_else(|| giaonhan::default_db_path().ok());
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("giaonhan: {e}");
            if let (Some(db), Error::Unreadable { path, .. } | Error::TooNew { path, .. }) = (&db, &e) {
                if path == db {
                    offer_restore(db);
                }
            }
            if let Error::Missing { path } = &e {
                eprintln!("giaonhan: để tạo sổ mới: giaonhan --db \"{}\" init", path.display());
                if giaonhan::backup::latest(path).is_ok_and(|b| b.is_some()) {
                    offer_restore(path);
                }
            }
            ExitCode::FAILURE
        }
    }
}

/// After the database was refused: the latest automatic backup and the
/// command that restores it.
fn offer_restore(db: &Path) {
    match giaonhan::backup::latest_good(db) {
        Ok(Some(b)) => eprintln!(
            "giaonhan: bản sao lưu tự động tốt mới nhất: {} ({}). Để khôi phục (tệp hiện tại được chuyển sang \
             thư mục {}, không bị xoá): giaonhan --db \"{}\" restore \"{}\"",
            b.path,
            local_time(&b.taken_at),
            giaonhan::backup::REPLACED_DIR,
            db.display(),
            b.path
        ),
        Ok(None) => eprintln!(
            "giaonhan: không có bản sao lưu tự động tốt nào trong {}.",
            giaonhan::backup::backup_dir(db).display()
        ),
        Err(e) => eprintln!("giaonhan: {e}"),
    }
}

/// How a backup's check reads in the listing.
fn check_label(check: giaonhan::backup::BackupCheck) -> &'static str {
    match check {
        giaonhan::backup::BackupCheck::Good => "tốt",
        giaonhan::backup::BackupCheck::Damaged => "HỎNG",
        giaonhan::backup::BackupCheck::Unchecked => "chưa kiểm tra",
    }
}

fn local_time(t: &chrono::DateTime<chrono::Utc>) -> String {
    t.with_timezone(&chrono::Local).format("%d/%m/%Y %H:%M:%S").to_string()
}

/// `giaonhan verify`: the report on stdout (a sentence, or JSON); a problem
/// also on stderr, with a failure exit status.
fn verify(store: &Store, format: VerifyFormat, expect: Option<&str>) -> Result<(), Error> {
    let v = store.verify_log(expect)?;
    if format == VerifyFormat::Json {
        println!("{}", serde_json::to_string_pretty(&v)?);
    }
    match v.problem {
        Some(p) => Err(Error::Tampered {
            row: p.row,
            reason: p.message,
        }),
        None => {
            if format == VerifyFormat::Text {
                let head = match &v.head {
                    Some(h) => format!("; dòng cuối {}, mã kiểm tra sổ {}", h.id, h.check_code()),
                    None => String::new(),
                };
                let anchor = match &v.expected {
                    Some(e) => format!("; còn nguyên đến dòng {} (mã {})", e.id, e.check_code()),
                    None => String::new(),
                };
                println!("Nhật ký nguyên vẹn: {} dòng, khớp với dữ liệu sổ{head}{anchor}", v.rows);
            }
            Ok(())
        }
    }
}

/// `giaonhan backups`: one line per backup, or JSON / CSV.
fn list_backups(db: &Path, format: Option<Format>) -> Result<(), Error> {
    let backups = giaonhan::backup::list(db)?;
    if let Some(format) = format {
        return print(format, &backups);
    }
    if backups.is_empty() {
        println!(
            "Chưa có bản sao lưu tự động nào trong {}.",
            giaonhan::backup::backup_dir(db).display()
        );
    }
    for b in &backups {
        println!(
            "{}\t{}\t{}\t{}\t{}",
            local_time(&b.taken_at),
            b.reason.as_str(),
            check_label(b.check),
            b.size,
            b.path
        );
    }
    Ok(())
}

/// `giaonhan restore FILE`: works on a database that no longer opens, or is
/// missing; refused while another process has it open.
fn restore(db: &Path, file: &Path) -> Result<(), Error> {
    let (done, _store) = giaonhan::backup::restore_and_log(db, file, &Actor::cli())?;
    println!("Đã khôi phục {} từ {}.", done.db_path, done.restored_from);
    match done.replaced {
        Some(old) => println!("Tệp dữ liệu trước khi khôi phục được giữ tại {old}"),
        None => println!("Trước đó chưa có tệp dữ liệu."),
    }
    if let Some(head) = done.replaced_head {
        println!(
            "Nhật ký của dữ liệu bị thay dừng ở dòng {} (mã {}).",
            head.id, head.hash
        );
    }
    Ok(())
}

/// `giaonhan backup --auto`: the app's automatic backup, when due.
fn automatic_backup(store: &mut Store, actor: &Actor) -> Result<(), Error> {
    let stop = std::sync::atomic::AtomicBool::new(false);
    let outcome = giaonhan::backup::automatic(store.path(), giaonhan::backup::BackupReason::Start, &stop);
    match &outcome.made {
        Some(made) => {
            if let Err(e) = store.log_backup(actor, made.reason.as_str(), Path::new(&made.path)) {
                eprintln!("giaonhan: cảnh báo: đã sao lưu nhưng không ghi được nhật ký: {e}");
            }
            println!("{}\t{}", check_label(made.check), made.path);
        }
        None if outcome.alert.is_none() => println!("Chưa đến lúc sao lưu tự động: đã có bản sao lưu tốt gần đây."),
        None => {}
    }
    if let Some(problem) = &outcome.register_damaged {
        eprintln!("giaonhan: {problem}");
    }
    match outcome.alert {
        Some(alert) => Err(Error::Io(std::io::Error::other(alert.message))),
        None => Ok(()),
    }
}

fn print(format: Format, rows: &[impl Serialize]) -> Result<(), Error> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut out, rows)?;
            writeln!(out)?;
        }
        Format::Csv => giaonhan::csv_rows::write_rows(out, rows)?,
    }
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

fn run(cli: Cli) -> Result<(), Error> {
    let path = match cli.db {
        Some(p) => p,
        None => giaonhan::default_db_path()?,
    };
    // Listing backups and restoring need no open store: they also work
    // when the database is damaged, refused or missing.
    match &cli.command {
        Command::Restore { file } => return restore(&path, file),
        Command::Backups { format } | Command::Backup { list: true, format, .. } => {
            return list_backups(&path, *format)
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
    let actor = Actor::cli();
    match cli.command {
        Command::Init => println!("{}", store.path().display()),
        Command::Unit(UnitCmd::Add {
            code,
            name,
            parent,
            kind,
            short_name,
            phone,
            opened,
            secretary,
            deputy,
        }) => {
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
            println!("{}", store.add_unit(&actor, input)?.code);
        }
        Command::Unit(UnitCmd::List { as_of, format }) => {
            print(format, &store.units_as_of(as_of.unwrap_or_else(today))?)?
        }
        Command::Unit(UnitCmd::Search { text, format, limit }) => print(format, &store.search_units(&text, limit)?)?,
        Command::Unit(UnitCmd::Rename { code, name, on, reason }) => {
            let change = Change::Rename {
                code,
                name,
                short_name: None,
            };
            store.reorganise(&actor, Reorganisation { change, on, reason })?;
        }
        Command::Unit(UnitCmd::Move {
            code,
            parent,
            on,
            reason,
        }) => {
            let change = Change::Move {
                code,
                parent: Some(parent),
            };
            store.reorganise(&actor, Reorganisation { change, on, reason })?;
        }
        Command::Unit(UnitCmd::Merge { from, into, on, reason }) => {
            store.reorganise(
                &actor,
                Reorganisation {
                    change: Change::Merge { from, into },
                    on,
                    reason,
                },
            )?;
        }
        Command::Unit(UnitCmd::Split { from, into, on, reason }) => {
            store.reorganise(
                &actor,
                Reorganisation {
                    change: Change::Split { from, into },
                    on,
                    reason,
                },
            )?;
        }
        Command::Unit(UnitCmd::Close { code, on, reason }) => {
            store.reorganise(
                &actor,
                Reorganisation {
                    change: Change::Close { code },
                    on,
                    reason,
                },
            )?;
        }
        Command::Unit(UnitCmd::Import { file, dry_run }) => {
            import(&mut store, &actor, Register::Units, &file, dry_run)?
        }
        Command::Unit(UnitCmd::Export { out }) => {
            store.save_export(&actor, Register::Units, &out)?;
            saved(&out);
        }
        Command::Doc(DocCmd::Add {
            symbol,
            title,
            date,
            copies,
            classification,
            term,
        }) => {
            let input = NewDocument {
                symbol,
                title,
                issued_on: date,
                copies_received: copies,
                classification,
                term,
            };
            let doc = store.add_document(&actor, input)?;
            for w in &doc.warnings {
                eprintln!("giaonhan: cảnh báo: {}: {w}", doc.symbol);
            }
            println!("{}", doc.symbol);
        }
        Command::Doc(DocCmd::List { format }) => print(format, &store.list_documents()?)?,
        Command::Doc(DocCmd::Import { file, dry_run }) => {
            import(&mut store, &actor, Register::Documents, &file, dry_run)?
        }
        Command::Doc(DocCmd::Export { out }) => {
            store.save_export(&actor, Register::Documents, &out)?;
            saved(&out);
        }
        Command::Batch(BatchCmd::New {
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
        }) => {
            let input = NewBatch {
                code,
                title,
                handed_on: Some(handed),
                due_on: Some(due),
                documents: docs,
                units,
                subtrees: subtree,
                kinds: kind,
                info_units: info_unit,
                overrides: Vec::new(),
                method: method.map(Into::into).unwrap_or_default(),
                over_stock_reason,
            };
            let batch = store.create_batch(&actor, input)?;
            println!("{}: {} đơn vị nhận", batch.code, batch.recipients);
        }
        Command::Batch(BatchCmd::Cancel { code, reason }) => store.cancel_batch(&actor, &code, &reason)?,
        Command::Batch(BatchCmd::List) => print(Format::Json, &store.list_batches()?)?,
        Command::Confirm {
            receipt,
            by,
            at,
            quantities,
            decline,
            on_behalf,
            method,
            note,
        } => {
            let c = Confirmation {
                by,
                on: at,
                method: method.map(Into::into),
                quantities,
                decline,
                on_behalf,
                note,
                ..receipt.confirmation()
            };
            store.confirm(&actor, c)?;
        }
        Command::Unconfirm { receipt, reason } => store.undo_confirmation(&actor, receipt.confirmation(), &reason)?,
        Command::Receipt { code, format } => print(format, &[store.receipt(&code)?])?,
        Command::Outstanding { filter, format, out } => {
            let query = OutstandingQuery::from(filter);
            match (format, out) {
                (ListFormat::Json, None) => print(Format::Json, &store.outstanding(&query)?)?,
                (ListFormat::Csv, None) => store.outstanding_csv(&query, std::io::stdout().lock())?,
                (ListFormat::Json, Some(out)) => {
                    let bytes = serde_json::to_vec_pretty(&store.outstanding(&query)?)?;
                    let detail = serde_json::json!({ "format": "json", "query": query });
                    store.save_file(&actor, &out, &bytes, "export.outstanding", detail)?;
                    saved(&out);
                }
                (ListFormat::Csv, Some(out)) => save_list(
                    &mut store,
                    &actor,
                    PrintList::Outstanding,
                    &query,
                    SaveFormat::Csv,
                    &out,
                )?,
                (ListFormat::Pdf, Some(out)) => save_list(
                    &mut store,
                    &actor,
                    PrintList::Outstanding,
                    &query,
                    SaveFormat::Pdf,
                    &out,
                )?,
                (ListFormat::Xlsx, Some(out)) => save_list(
                    &mut store,
                    &actor,
                    PrintList::Outstanding,
                    &query,
                    SaveFormat::Xlsx,
                    &out,
                )?,
                (ListFormat::Pdf | ListFormat::Xlsx, None) => {
                    return Err(Error::invalid("out", "định dạng pdf và xlsx cần --out TỆP"))
                }
            }
        }
        Command::Reminders { filter, out } => save_list(
            &mut store,
            &actor,
            PrintList::Reminders,
            &filter.into(),
            SaveFormat::Pdf,
            &out,
        )?,
        Command::Calls { filter, out } => save_list(
            &mut store,
            &actor,
            PrintList::Calls,
            &filter.into(),
            SaveFormat::Pdf,
            &out,
        )?,
        Command::Register { from, to, format, out } => {
            let format = match format {
                FileFormat::Pdf => SaveFormat::Pdf,
                FileFormat::Xlsx => SaveFormat::Xlsx,
            };
            store.save_register_book(&actor, from, to, format, &out)?;
            saved(&out);
        }
        Command::Stats { batches, as_of, format } => print(format, &store.batch_stats(&batches, as_of)?)?,
        Command::Tiers { days } => {
            if let Some(days) = days {
                store.set_tiers(&actor, &giaonhan::model::Tiers { days })?;
            }
            print(Format::Json, &[store.tiers()?])?
        }
        Command::Slips { batch, out, per_page } => {
            store.save_slips(&actor, &batch, None, per_page, &out)?;
            saved(&out);
        }
        Command::Letterhead {
            parent_body,
            issuing_body,
            place,
            signer_title,
        } => {
            let mut l = store.letterhead()?;
            let changed = parent_body.is_some() || issuing_body.is_some() || place.is_some() || signer_title.is_some();
            if let Some(v) = parent_body {
                l.parent_body = giaonhan::text::clean(&v);
            }
            if let Some(v) = issuing_body {
                l.issuing_body = giaonhan::text::clean(&v);
            }
            if let Some(v) = place {
                l.place = giaonhan::text::clean(&v);
            }
            if let Some(v) = signer_title {
                l.signer_title = giaonhan::text::clean(&v);
            }
            if changed {
                store.set_letterhead(&actor, &l)?;
            }
            print(Format::Json, &[l])?;
        }
        Command::Account(AccountCmd::Add {
            username,
            name,
            role,
            unit,
            pin,
        }) => {
            let password = read_secret_line("password")?;
            let pin = if pin { Some(read_secret_line("pin")?) } else { None };
            let input = NewAccount {
                username,
                display_name: name,
                role: role.into(),
                unit,
                password,
                pin,
            };
            let account = store.add_account(None, &actor, input)?;
            println!("{}", account.username);
        }
        Command::Account(AccountCmd::List { format }) => print(format, &store.list_accounts()?)?,
        Command::Account(AccountCmd::Disable { username }) => {
            change_account(&mut store, &actor, AccountChange::Disable { username })?
        }
        Command::Account(AccountCmd::Enable { username }) => {
            change_account(&mut store, &actor, AccountChange::Enable { username })?
        }
        Command::Account(AccountCmd::Reset {
            username,
            password,
            pin,
        }) => {
            let password = if password {
                Some(read_secret_line("password")?)
            } else {
                None
            };
            let pin = if pin { Some(read_secret_line("pin")?) } else { None };
            change_account(
                &mut store,
                &actor,
                AccountChange::Reset {
                    username,
                    password,
                    pin,
                },
            )?
        }
        Command::Account(AccountCmd::Unlock { username }) => {
            change_account(&mut store, &actor, AccountChange::Unlock { username })?
        }
        Command::Demo { scale: None, .. } => {
            store.load_demo(&actor)?;
            println!("Đã nạp dữ liệu mẫu vào {}", store.path().display());
        }
        Command::Demo {
            scale: Some(scale),
            seed,
        } => generate_scale(&mut store, &actor, scale, seed)?,
        Command::Verify { format, expect } => verify(&store, format, expect.as_deref())?,
        Command::Backup {
            out,
            auto,
            keep,
            keep_migrate,
            interval_hours,
            ..
        } => {
            let settings_given = keep.is_some() || keep_migrate.is_some() || interval_hours.is_some();
            if out.is_none() && !auto && !settings_given {
                return Err(Error::invalid(
                    "backup",
                    "cần --out TỆP, --auto, --list, --keep N, --keep-migrate N hoặc --interval-hours N",
                ));
            }
            if settings_given {
                let mut settings = store.backup_settings()?;
                settings.keep = keep.unwrap_or(settings.keep);
                settings.keep_migrate = keep_migrate.unwrap_or(settings.keep_migrate);
                settings.interval_hours = interval_hours.unwrap_or(settings.interval_hours);
                store.set_backup_settings(&actor, &settings)?;
                println!(
                    "Giữ lại {} bản sao lưu tự động và {} bản trước khi nâng cấp gần nhất; sao lưu tự động cách nhau {} giờ.",
                    settings.keep, settings.keep_migrate, settings.interval_hours
                );
            }
            if let Some(out) = out {
                store.backup_to(&out)?;
                // Logged after the copy: a failure to log does not undo it.
                if let Err(e) = store.log_backup(&actor, "manual", &out) {
                    eprintln!("giaonhan: cảnh báo: đã sao lưu nhưng không ghi được nhật ký: {e}");
                }
                println!("{}", out.display());
            }
            if auto {
                automatic_backup(&mut store, &actor)?;
            }
        }
        // Handled above, before the store is opened.
        Command::Backups { .. } | Command::Restore { .. } => {}
    }
    Ok(())
}

/// Size of the generated register.
#[derive(Clone, Copy, ValueEnum)]
enum ScaleArg {
    /// About a tenth of a province.
    District,
    /// ≈ 10,000 units, 3,000 documents, 12 million receipt lines.
    Province,
}

/// `demo --scale`: generates the register, with progress on stderr.
fn generate_scale(store: &mut Store, actor: &Actor, scale: ScaleArg, seed: u64) -> Result<(), Error> {
    let size = match scale {
        ScaleArg::District => giaonhan_scale::Size::district(),
        ScaleArg::Province => giaonhan_scale::Size::province(),
    };
    let started = std::time::Instant::now();
    let summary = giaonhan_scale::generate(store, actor, &size, seed, &mut |p| {
        if p.stage == "batches" && p.done % 300 != 0 && p.done != p.total {
            return;
        }
        let stage = match p.stage {
            "units" => "đơn vị",
            "documents" => "văn bản",
            _ => "đợt cấp phát",
        };
        eprintln!(
            "[{:>5.0} s] {stage}: {}/{}, {} dòng giao nhận",
            started.elapsed().as_secs_f64(),
            giaonhan::text::thousands(p.done as i64),
            giaonhan::text::thousands(p.total as i64),
            giaonhan::text::thousands(p.lines as i64)
        );
    })?;
    println!("{}", serde_json::to_string(&summary)?);
    Ok(())
}
