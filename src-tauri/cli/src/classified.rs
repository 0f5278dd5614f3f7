//! Classified documents on the command line: `copies` (every numbered copy
//! of a document and where it is; `--add` registers another range),
//! `recall new|return` and `destroy` (the destruction record, printed).

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Args, Subcommand};
use giaonhan::copies::parse_numbers;
use giaonhan::model::{BoardMember, CopyNumbers, NewDestruction, NewRecall, RecallReturn};
use giaonhan::{Actor, Error, Store};

use crate::print::{print, saved};
use crate::run::symbol_of_term;
use crate::values::Format;

/// `giaonhan copies`.
#[derive(Args)]
pub struct CopiesArgs {
    /// The document: SYMBOL, or SYMBOL@TERM for an earlier committee
    /// term's document of that symbol.
    #[arg(long, value_name = "SYMBOL[@TERM]")]
    pub symbol: String,
    /// First register more copies (another delivery): numbers such as 21-30.
    #[arg(long, value_name = "N-N")]
    pub add: Option<String>,
    /// The day the added copies arrived (default today).
    #[arg(long, value_name = "YYYY-MM-DD", requires = "add")]
    pub on: Option<NaiveDate>,
    #[arg(long, value_enum, default_value = "json")]
    pub format: Format,
}

/// `giaonhan destroy`.
#[derive(Args)]
pub struct DestroyArgs {
    /// The document: SYMBOL, or SYMBOL@TERM for an earlier committee
    /// term's document of that symbol.
    #[arg(long, value_name = "SYMBOL[@TERM]")]
    pub symbol: String,
    /// Copy numbers: 1,2 or 1-5.
    #[arg(long, value_name = "N,N")]
    pub copies: String,
    /// The decision the destruction follows.
    #[arg(long)]
    pub decision: String,
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub on: NaiveDate,
    /// A member of the board (repeatable), "NAME:POSITION".
    #[arg(long = "member", value_name = "NAME:POSITION", value_parser = parse_member, required = true)]
    pub members: Vec<BoardMember>,
    /// How the copies were destroyed (e.g. "Đốt", "Nghiền bằng máy hủy tài liệu").
    #[arg(long)]
    pub method: String,
    #[arg(long)]
    pub place: Option<String>,
    #[arg(long, value_name = "FILE.pdf")]
    pub out: PathBuf,
}

#[derive(Subcommand)]
pub enum RecallCmd {
    /// Recalls every copy of a document out now (or only those of one
    /// batch), by a due date.
    New {
        #[arg(long)]
        code: String,
        /// The document: SYMBOL, or SYMBOL@TERM for an earlier committee
        /// term's document of that symbol.
        #[arg(long, value_name = "SYMBOL[@TERM]")]
        symbol: String,
        /// Only the copies handed in this batch.
        #[arg(long, value_name = "CODE")]
        batch: Option<String>,
        #[arg(long, value_name = "YYYY-MM-DD")]
        due: NaiveDate,
        #[arg(long)]
        reason: String,
        /// The day the recall is made (default today).
        #[arg(long, value_name = "YYYY-MM-DD")]
        on: Option<NaiveDate>,
    },
    /// Records copies a unit brought back (a copy it does not hold is refused).
    Return {
        /// The recall's code.
        #[arg(long)]
        code: String,
        /// The unit bringing them back.
        #[arg(long, value_name = "CODE", required_unless_present = "receipt")]
        unit: Option<String>,
        /// Or the receipt code of the slip the copies went out with.
        #[arg(long, value_name = "RECEIPT_CODE", conflicts_with = "unit")]
        receipt: Option<String>,
        /// Copy numbers: 3,4 or 1-5.
        #[arg(long, value_name = "N,N")]
        copies: String,
        /// Who brought them back.
        #[arg(long)]
        by: String,
        /// The day they came back (default today).
        #[arg(long, value_name = "YYYY-MM-DD")]
        at: Option<NaiveDate>,
    },
    /// The recalls with the copies asked back and those still missing.
    List {
        #[arg(long, value_enum, default_value = "json")]
        format: Format,
    },
    /// The recalls parent offices sent (from their packets): the copies our
    /// units must bring back and those still missing. `recall return` with
    /// such a recall's code records a return here, which goes up in the
    /// next packet.
    Received {
        #[arg(long, value_enum, default_value = "json")]
        format: Format,
    },
}

/// `giaonhan copies`: lists a document's copies, after registering `--add`.
pub fn copies(store: &mut Store, actor: &Actor, a: CopiesArgs) -> Result<(), Error> {
    let (symbol, uid) = symbol_of_term(store, &a.symbol)?;
    let rows = match a.add.as_deref() {
        Some(range) => store.add_copies(actor, &symbol, uid.as_deref(), &parse_numbers("add", range)?, a.on)?,
        None => store.copies(&symbol, uid.as_deref())?,
    };
    print(a.format, &rows)
}

/// `giaonhan recall …`.
pub fn recall(store: &mut Store, actor: &Actor, cmd: RecallCmd) -> Result<(), Error> {
    match cmd {
        RecallCmd::New {
            code,
            symbol,
            batch,
            due,
            reason,
            on,
        } => {
            let (symbol, uid) = symbol_of_term(store, &symbol)?;
            let r = store.create_recall(
                actor,
                NewRecall {
                    code,
                    symbol,
                    batch,
                    due_on: due,
                    reason,
                    made_on: on,
                    uid,
                },
            )?;
            print(Format::Json, &[r])
        }
        RecallCmd::Return {
            code,
            unit,
            receipt,
            copies,
            by,
            at,
        } => {
            let r = store.return_copies(
                actor,
                RecallReturn {
                    code,
                    unit: unit.unwrap_or_default(),
                    receipt_code: receipt,
                    copies: parse_numbers("copies", &copies)?,
                    by,
                    on: at,
                },
            )?;
            print(Format::Json, &[r])
        }
        RecallCmd::List { format } => print(format, &store.recalls()?),
        RecallCmd::Received { format } => print(format, &store.received_recalls()?),
    }
}

/// `giaonhan destroy`: destroys copies in the office and writes the record.
pub fn destroy(store: &mut Store, actor: &Actor, a: DestroyArgs) -> Result<(), Error> {
    let (symbol, uid) = symbol_of_term(store, &a.symbol)?;
    let input = NewDestruction {
        symbol,
        uid,
        copies: parse_numbers("copies", &a.copies)?,
        decision: a.decision,
        on: a.on,
        members: a.members,
        method: a.method,
        place: a.place,
    };
    store.destroy_copies(actor, &input, &a.out)?;
    saved(&a.out);
    Ok(())
}

/// A board member as typed: "NAME:POSITION".
pub fn parse_member(s: &str) -> Result<BoardMember, String> {
    match s.split_once(':') {
        Some((name, position)) if !name.trim().is_empty() && !position.trim().is_empty() => Ok(BoardMember {
            name: name.trim().to_owned(),
            position: position.trim().to_owned(),
        }),
        _ => Err(format!(
            "«{s}»: cần HỌ TÊN:CHỨC VỤ, ví dụ \"Nguyễn Văn A:Chánh Văn phòng\""
        )),
    }
}

/// Copy numbers chosen for a unit of a batch: "UNIT:SYMBOL:3,4".
pub fn parse_unit_copies(s: &str) -> Result<CopyNumbers, String> {
    let mut parts = s.splitn(3, ':');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(unit), Some(symbol), Some(numbers)) => Ok(CopyNumbers {
            unit: unit.trim().to_owned(),
            symbol: symbol.trim().to_owned(),
            numbers: parse_numbers("copies", numbers).map_err(|e| e.to_string())?,
        }),
        _ => Err(format!("«{s}»: cần ĐƠN VỊ:SỐ KÝ HIỆU:BẢN SỐ, ví dụ HK-01:07-NQ/HU:3,4")),
    }
}

/// Copy numbers that arrived: "SYMBOL:3,4".
pub fn parse_doc_copies(s: &str) -> Result<CopyNumbers, String> {
    match s.rsplit_once(':') {
        Some((symbol, numbers)) => Ok(CopyNumbers {
            unit: String::new(),
            symbol: symbol.trim().to_owned(),
            numbers: parse_numbers("copies", numbers).map_err(|e| e.to_string())?,
        }),
        None => Err(format!("«{s}»: cần SỐ KÝ HIỆU:BẢN SỐ, ví dụ 07-NQ/HU:3,4")),
    }
}
