//! The command line's arguments: the command tree as clap parses it, with
//! the help text `giaonhan --help` shows. Values with a fixed set of choices
//! and their parsers are in `values`; what each command does is in `run`.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand};
use giaonhan::model::{Classification, Confirmation, CopyNumbers, DocQty, OutstandingQuery};
use giaonhan::DB_ENV;

use crate::classified::{parse_doc_copies, parse_unit_copies, CopiesArgs, DestroyArgs, RecallCmd};
use crate::exchange::{PeerCmd, SiteCmd, SyncCmd};
use crate::values::{
    parse_classification, parse_doc_arg, parse_doc_qty_any, Delivery, DocArg, FileFormat, Format, ListFormat, Method,
    ReportFormat, RoleArg, ScaleArg, VerifyFormat,
};

#[derive(Parser)]
#[command(name = "giaonhan", version, about = "Sổ Giao Nhận: sổ giao nhận văn bản của Đảng")]
pub struct Cli {
    /// The database file (default: the app's file in the user's data folder).
    #[arg(long, global = true, env = DB_ENV, value_name = "PATH")]
    pub db: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
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
        /// The numbered copies of a classified document that arrived
        /// (repeatable): fewer than handed makes a partial receipt.
        #[arg(long = "copies", value_name = "SYMBOL:N,N", value_parser = parse_doc_copies)]
        copies: Vec<CopyNumbers>,
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
        /// With the open receipts the child offices reported (JSON, `site` on each row).
        #[arg(long, conflicts_with = "out")]
        consolidated: bool,
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
    /// Prints the outgoing transfer register (sổ chuyển giao) for a period;
    /// with --classified the register of classified documents sent (sổ đăng
    /// ký văn bản mật đi), with --copies the copy register (sổ theo dõi bản
    /// số: copies handed, brought back, destroyed).
    Register {
        #[arg(long, value_name = "YYYY-MM-DD")]
        from: NaiveDate,
        #[arg(long, value_name = "YYYY-MM-DD")]
        to: NaiveDate,
        #[arg(long, conflicts_with = "copies")]
        classified: bool,
        #[arg(long)]
        copies: bool,
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
    /// This installation's identity for the exchange between offices.
    #[command(subcommand)]
    Site(SiteCmd),
    /// The offices this one trades packets with (checked on paper).
    #[command(subcommand)]
    Peer(PeerCmd),
    /// Writes or applies the signed packets between offices.
    #[command(subcommand)]
    Sync(SyncCmd),
    /// What the parent office handed us to confirm (from its packets).
    Inbox {
        #[arg(long, value_enum, default_value = "json")]
        format: Format,
    },
    /// Every numbered copy of a classified document and where it is:
    /// copy, state (in_office, out, returned, destroyed), holder, batch, since.
    Copies(CopiesArgs),
    /// Recalls of classified copies (thu hồi): new, return, list.
    #[command(subcommand)]
    Recall(RecallCmd),
    /// Study follow-through (học tập, quán triệt): new, report, list, summary.
    #[command(subcommand)]
    Study(crate::study::StudyCmd),
    /// Destroys copies in the office (returned or never handed out) and
    /// writes the destruction record (biên bản tiêu hủy): PDF, or XLSX by
    /// the file's extension.
    Destroy(DestroyArgs),
    /// Replaces the database with a backup after checking it; the current
    /// database is kept aside in the `replaced` folder, never overwritten.
    /// Refused while another window or command has the register open.
    Restore {
        /// The backup file (e.g. one listed by `giaonhan backups`).
        file: PathBuf,
    },
}

#[derive(Subcommand)]
pub enum UnitCmd {
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
    /// A unit's reorganisations (rename, move, merge, split, close), oldest first.
    History {
        #[arg(long)]
        code: String,
        #[arg(long, value_enum)]
        format: Format,
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
    /// Applies a reorganisation plan (CSV or XLSX: old_code, new_code, new_name,
    /// new_parent, new_kind, primary) in one step: checked whole first, every
    /// error as FILE:ROW:COLUMN: message, and nothing changes when there is one.
    Reorganise {
        /// The plan: one row per old unit and successor.
        plan: PathBuf,
        /// The day the plan takes effect (past or future).
        #[arg(long, value_name = "YYYY-MM-DD")]
        on: NaiveDate,
        #[arg(long)]
        reason: String,
        /// Check and show what would happen (counts, receipts changing hands), change nothing.
        #[arg(long)]
        dry_run: bool,
        /// The report as sentences (text) or JSON: every row's outcome, the issues, the counts.
        #[arg(long, value_enum, default_value = "text")]
        format: ReportFormat,
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
pub enum DocCmd {
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
pub enum BatchCmd {
    New {
        #[arg(long)]
        code: String,
        #[arg(long)]
        title: String,
        #[arg(long, value_name = "YYYY-MM-DD")]
        handed: NaiveDate,
        #[arg(long, value_name = "YYYY-MM-DD")]
        due: NaiveDate,
        /// A document and the copies each unit gets (repeatable); @TERM names an earlier committee term's.
        #[arg(long = "doc", value_name = "SYMBOL[@TERM]:QTY", value_parser = parse_doc_arg, required = true)]
        docs: Vec<DocArg>,
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
        /// The copy numbers of a classified document one unit gets, instead
        /// of the next free ones (repeatable).
        #[arg(long = "copies", value_name = "UNIT:SYMBOL:N,N", value_parser = parse_unit_copies)]
        copies: Vec<CopyNumbers>,
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

/// Which receipt: a batch and a unit, or the receipt code on the slip.
#[derive(Args)]
pub struct ReceiptSel {
    #[arg(long, required_unless_present = "code")]
    pub batch: Option<String>,
    #[arg(long, required_unless_present = "code")]
    pub unit: Option<String>,
    /// The receipt code printed on the slip, instead of --batch and --unit.
    #[arg(long, value_name = "RECEIPT_CODE", conflicts_with_all = ["batch", "unit"])]
    pub code: Option<String>,
}

impl ReceiptSel {
    /// A confirmation naming just this receipt, to be filled in.
    pub fn confirmation(self) -> Confirmation {
        Confirmation {
            batch: self.batch.unwrap_or_default(),
            unit_code: self.unit.unwrap_or_default(),
            receipt_code: self.code,
            ..Confirmation::default()
        }
    }
}

#[derive(Subcommand)]
pub enum AccountCmd {
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

/// Filters shared by the outstanding list, the reminders and the call list.
#[derive(Args)]
pub struct ListFilter {
    /// Only this batch (repeatable).
    #[arg(long = "batch", value_name = "CODE")]
    pub batches: Vec<String>,
    /// Only this unit and the units under it.
    #[arg(long, value_name = "UNIT")]
    pub subtree: Option<String>,
    /// Only receipts that list this document: every committee term's of the symbol, or @TERM's.
    #[arg(long, value_name = "SYMBOL[@TERM]")]
    pub document: Option<String>,
    /// Only receipts past their due date.
    #[arg(long)]
    pub overdue_only: bool,
    /// Only receipts at this escalation tier.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u8).range(1..=5))]
    pub tier: Option<u8>,
    /// The day the list is drawn up for (default today).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub as_of: Option<NaiveDate>,
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
