//! The values of the command line's options: the choices clap offers (formats,
//! roles, delivery and confirmation methods, sizes of a generated register),
//! each turned into the core's type, and the parsers of `SYMBOL:N` and of a
//! classification.

use clap::ValueEnum;
use giaonhan::accounts::Role;
use giaonhan::model::{Classification, ConfirmMethod, DeliveryMethod, DocQty, SaveFormat};
use giaonhan::text::split_term;

#[derive(Clone, Copy, ValueEnum)]
pub enum Delivery {
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

#[derive(Clone, Copy, ValueEnum)]
pub enum RoleArg {
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

#[derive(Clone, Copy, ValueEnum)]
pub enum Method {
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
pub enum Format {
    Json,
    Csv,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Json,
    Csv,
    Pdf,
    Xlsx,
}

/// A report: sentences for people, or JSON for scripts and the window.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Text,
    Json,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum VerifyFormat {
    Text,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum FileFormat {
    Pdf,
    Xlsx,
}

impl ListFormat {
    /// The format a list is saved in to a file; `None` for JSON, which only
    /// the outstanding list is saved in ([`giaonhan::Store::save_outstanding_json`]).
    pub fn save_format(self) -> Option<SaveFormat> {
        match self {
            ListFormat::Json => None,
            ListFormat::Csv => Some(SaveFormat::Csv),
            ListFormat::Pdf => Some(SaveFormat::Pdf),
            ListFormat::Xlsx => Some(SaveFormat::Xlsx),
        }
    }
}

impl From<FileFormat> for SaveFormat {
    fn from(f: FileFormat) -> SaveFormat {
        match f {
            FileFormat::Pdf => SaveFormat::Pdf,
            FileFormat::Xlsx => SaveFormat::Xlsx,
        }
    }
}

/// Size of the generated register.
#[derive(Clone, Copy, ValueEnum)]
pub enum ScaleArg {
    /// About a tenth of a province.
    District,
    /// ≈ 10,000 units, 3,000 documents, 12 million receipt lines.
    Province,
}

/// SYMBOL:N with N at least 1 (copies handed to each unit).
pub fn parse_doc_qty(s: &str) -> Result<DocQty, String> {
    let dq = parse_doc_qty_any(s)?;
    if dq.quantity == 0 {
        return Err(format!("«{s}»: số bản phải là số nguyên dương"));
    }
    Ok(dq)
}

/// A batch's document on the command line: SYMBOL:N, or SYMBOL@TERM:N for
/// the document of an earlier committee term (numbers run per term; the
/// symbol alone names the latest term's).
#[derive(Debug, Clone)]
pub struct DocArg {
    pub qty: DocQty,
    pub term: Option<String>,
}

/// SYMBOL[@TERM]:N with N at least 1.
pub fn parse_doc_arg(s: &str) -> Result<DocArg, String> {
    let mut qty = parse_doc_qty(s)?;
    let (symbol, term) = split_term(&qty.symbol)?;
    let term = term.map(str::to_owned);
    qty.symbol = symbol.to_owned();
    Ok(DocArg { qty, term })
}

/// SYMBOL:N where N may be 0 (nothing of that document arrived).
pub fn parse_doc_qty_any(s: &str) -> Result<DocQty, String> {
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
        uid: None,
    })
}

pub fn parse_classification(s: &str) -> Result<Classification, String> {
    Classification::parse(s).ok_or_else(|| format!("«{s}»: độ mật là Thường, Mật, Tối mật hoặc Tuyệt mật"))
}
