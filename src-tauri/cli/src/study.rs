//! Study follow-through on the command line: `study new` (a campaign),
//! `study report` (a unit's figures), `study import` (many units' figures from a file), `study template`,
//! `study list`, `study summary` and `study reminders` (slips for the units
//! that have not reported).

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::Subcommand;
use giaonhan::model::{NewCampaign, SaveFormat, StudyReportInput};
use giaonhan::{Actor, Error, Store};

use crate::print::{print, saved};
use crate::values::{Format, ListFormat};

#[derive(Subcommand)]
pub enum StudyCmd {
    /// A study campaign (đợt học tập): the documents studied, the period and
    /// the units that must report (a subtree, units one by one, or the units
    /// that must confirm the batch).
    New {
        #[arg(long)]
        code: String,
        #[arg(long)]
        title: String,
        /// A document studied (repeatable; default: those the batch carried); @TERM an earlier term's.
        #[arg(long = "doc", value_name = "SYMBOL[@TERM]", num_args = 1..)]
        docs: Vec<String>,
        /// The batch that carried the documents.
        #[arg(long, value_name = "CODE")]
        batch: Option<String>,
        #[arg(long, value_name = "YYYY-MM-DD")]
        from: NaiveDate,
        #[arg(long, value_name = "YYYY-MM-DD")]
        to: NaiveDate,
        /// Every unit without branches under this one reports (repeatable).
        #[arg(long, value_name = "UNIT")]
        subtree: Vec<String>,
        /// A unit that reports (repeatable).
        #[arg(long = "unit", value_name = "UNIT", num_args = 1..)]
        units: Vec<String>,
    },
    /// A unit's figures; a later report of the unit replaces the earlier one.
    Report {
        #[arg(long, value_name = "CODE")]
        campaign: String,
        #[arg(long, value_name = "UNIT")]
        unit: String,
        /// Party members of the unit (tổng số).
        #[arg(long, value_name = "N", allow_negative_numbers = true)]
        members: i32,
        /// Members who attended.
        #[arg(long, value_name = "N", allow_negative_numbers = true)]
        attended: i32,
        /// Members who made it up later (học bù).
        #[arg(long, value_name = "N", allow_negative_numbers = true, default_value_t = 0)]
        made_up: i32,
        /// Members absent with a reason.
        #[arg(long, value_name = "N", allow_negative_numbers = true, default_value_t = 0)]
        absent: i32,
        /// The reason(s) of those absent.
        #[arg(long, value_name = "TEXT")]
        absent_reason: Option<String>,
        /// Sessions (classes) held (default 1).
        #[arg(long, value_name = "N", allow_negative_numbers = true)]
        sessions: Option<i32>,
        /// The day of the first session.
        #[arg(long, value_name = "YYYY-MM-DD")]
        held: Option<NaiveDate>,
        /// People from outside the party who attended (lượt quần chúng).
        #[arg(long, value_name = "N", allow_negative_numbers = true, default_value_t = 0)]
        masses: i32,
        /// Symbol of the action programme the unit adopted.
        #[arg(long, value_name = "SYMBOL")]
        programme: Option<String>,
    },
    /// Many units' figures from a CSV or XLSX file: all or nothing, errors
    /// as FILE:ROW:COLUMN: message.
    Import {
        #[arg(long, value_name = "CODE")]
        campaign: String,
        file: PathBuf,
        /// Check every row and write nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// An empty figures file (CSV or XLSX) listing the units that must report.
    Template {
        #[arg(long, value_name = "CODE")]
        campaign: String,
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// The campaigns, with how many units have reported.
    List {
        #[arg(long, value_enum, default_value = "json")]
        format: Format,
    },
    /// Coverage per unit, per grassroots committee and in total.
    Summary {
        #[arg(long, value_name = "CODE")]
        campaign: String,
        /// Only the units under this one.
        #[arg(long, value_name = "UNIT")]
        subtree: Option<String>,
        /// json and csv on standard output; pdf (the report in the party
        /// layout) and xlsx into `--out`.
        #[arg(long, value_enum, default_value = "json")]
        format: ListFormat,
        #[arg(long, value_name = "FILE", required_if_eq_any = [("format", "pdf"), ("format", "xlsx")])]
        out: Option<PathBuf>,
    },
    /// Reminder slips (PDF) for the units that have not reported: a page
    /// per unit, with the days past the period's end and the figures asked.
    Reminders {
        #[arg(long, value_name = "CODE")]
        campaign: String,
        /// Only the units under this one.
        #[arg(long, value_name = "UNIT")]
        subtree: Option<String>,
        /// The day of the slips (default: today).
        #[arg(long, value_name = "YYYY-MM-DD")]
        as_of: Option<NaiveDate>,
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
}

/// `giaonhan study …`.
pub fn study(store: &mut Store, actor: &Actor, cmd: StudyCmd) -> Result<(), Error> {
    match cmd {
        StudyCmd::New {
            code,
            title,
            docs,
            batch,
            from,
            to,
            subtree,
            units,
        } => {
            let c = store.create_campaign(
                actor,
                NewCampaign {
                    code,
                    title,
                    documents: docs,
                    batch,
                    from,
                    to,
                    subtrees: subtree,
                    units,
                },
            )?;
            print(Format::Json, &[c])
        }
        StudyCmd::Report {
            campaign,
            unit,
            members,
            attended,
            made_up,
            absent,
            absent_reason,
            sessions,
            held,
            masses,
            programme,
        } => {
            let r = store.report_study(
                actor,
                StudyReportInput {
                    campaign,
                    unit,
                    members,
                    attended,
                    made_up,
                    absent_excused: absent,
                    absent_reason,
                    sessions,
                    held_on: held,
                    masses,
                    programme,
                },
            )?;
            print(Format::Json, &[r])
        }
        StudyCmd::Import {
            campaign,
            file,
            dry_run,
        } => {
            let report = store.import_study(actor, &campaign, &file, dry_run)?;
            for issue in &report.issues {
                eprintln!("{issue}");
            }
            if !report.is_ok() {
                let errors = report.issues.iter().filter(|i| !i.warning).count();
                return Err(Error::invalid(
                    "file",
                    format!("{}: {errors} lỗi, không ghi gì vào sổ", file.display()),
                ));
            }
            let done = if dry_run {
                "Kiểm tra xong, không ghi gì"
            } else {
                "Đã ghi"
            };
            println!(
                "{done}: số liệu của {} đơn vị ({} đơn vị báo cáo lại)",
                report.units, report.replaced
            );
            Ok(())
        }
        StudyCmd::Template { campaign, out } => {
            let bytes = store.study_template_bytes(&campaign, &out)?;
            giaonhan::files::write_file(&out, &bytes, Some(store.path()))?;
            saved(&out);
            Ok(())
        }
        StudyCmd::List { format } => print(format, &store.campaigns()?),
        StudyCmd::Summary {
            campaign,
            subtree,
            format,
            out,
        } => {
            let subtree = subtree.as_deref();
            let format = match format {
                ListFormat::Json => return print(Format::Json, &store.study_summary(&campaign, subtree)?),
                ListFormat::Csv => return print(Format::Csv, &store.study_summary(&campaign, subtree)?),
                ListFormat::Pdf => SaveFormat::Pdf,
                ListFormat::Xlsx => SaveFormat::Xlsx,
            };
            let out = out.ok_or_else(|| Error::invalid("out", "Cần --out TỆP cho định dạng pdf và xlsx"))?;
            store.save_study(actor, &campaign, subtree, format, &out)?;
            saved(&out);
            Ok(())
        }
        StudyCmd::Reminders {
            campaign,
            subtree,
            as_of,
            out,
        } => {
            let as_of = as_of.unwrap_or_else(giaonhan::dates::today);
            let units = store.save_study_reminders(actor, &campaign, subtree.as_deref(), as_of, &out)?;
            saved(&out);
            eprintln!("{} giấy nhắc", units.len());
            Ok(())
        }
    }
}
