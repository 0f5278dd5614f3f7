//! Study follow-through (học tập, quán triệt): campaigns, each unit's report
//! of its sessions and attendance, and the summary rows that add up the tree.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Input for a new study campaign (đợt học tập).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct NewCampaign {
    pub code: String,
    pub title: String,
    /// Symbols of the documents studied; empty: those of `batch`.
    #[serde(default)]
    pub documents: Vec<String>,
    /// The batch that carried the documents.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub batch: Option<String>,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Every unit without branches under each of these must report.
    #[serde(default)]
    pub subtrees: Vec<String>,
    /// Units that must report, one by one. With neither these nor
    /// `subtrees`: the units that must confirm `batch`.
    #[serde(default)]
    pub units: Vec<String>,
}

/// A campaign with how many of its units have reported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Campaign {
    pub code: String,
    pub title: String,
    pub documents: Vec<String>,
    #[ts(optional = nullable)]
    pub batch: Option<String>,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub units: u32,
    pub units_reported: u32,
}

/// One unit's report for a campaign. Numbers are signed so that a negative
/// figure reaches the rules and is refused naming its field.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct StudyReportInput {
    /// The campaign's code.
    pub campaign: String,
    /// The unit's code.
    pub unit: String,
    /// Party members of the unit (tổng số đảng viên).
    pub members: i32,
    /// Members who attended the session.
    pub attended: i32,
    /// Members who made it up later (học bù).
    #[serde(default)]
    pub made_up: i32,
    /// Members absent with a reason (vắng có lý do).
    #[serde(default)]
    pub absent_excused: i32,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub absent_reason: Option<String>,
    /// Sessions (classes, conferences) held; `None`: one.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub sessions: Option<i32>,
    /// The day of the first session.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub held_on: Option<NaiveDate>,
    /// People from outside the party who attended (lượt quần chúng).
    #[serde(default)]
    pub masses: i32,
    /// Symbol of the action programme the unit adopted (chương trình hành động).
    #[serde(default)]
    #[ts(optional = nullable)]
    pub programme: Option<String>,
}

/// A unit's report as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct StudyReport {
    pub campaign: String,
    pub unit_code: String,
    pub unit_name: String,
    pub sessions: u32,
    #[ts(optional = nullable)]
    pub held_on: Option<NaiveDate>,
    pub members: u32,
    pub attended: u32,
    pub made_up: u32,
    pub absent_excused: u32,
    #[ts(optional = nullable)]
    pub absent_reason: Option<String>,
    pub masses: u32,
    #[ts(optional = nullable)]
    pub programme: Option<String>,
    /// True when it replaced an earlier report of the unit.
    pub replaced: bool,
}

/// The level of a summary row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum StudyLevel {
    /// One unit that must report.
    Unit,
    /// A grassroots committee: the sum of its units.
    Committee,
    /// The whole campaign (or the subtree asked for).
    Total,
}

/// One row of a campaign's summary. A committee's row comes before its
/// units; the total is last. Sums are of the units' integers, and `rate` is
/// `took_part / members` in percent, rounded half up at two decimals.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct StudyRow {
    pub level: StudyLevel,
    pub unit_code: String,
    pub unit_name: String,
    /// False for a unit that has not reported (a committee or the total:
    /// every unit has).
    pub reported: bool,
    pub members: u32,
    /// Attended + made up.
    pub took_part: u32,
    pub rate: f64,
    pub sessions: u32,
    pub masses: u32,
    /// Units counted (committees and the total).
    #[ts(optional = nullable)]
    pub units: Option<u32>,
    #[ts(optional = nullable)]
    pub units_reported: Option<u32>,
    /// For a unit that has not reported: days past the period's end.
    #[ts(optional = nullable)]
    pub days_overdue: Option<u32>,
    /// For a unit whose figures came by packet: the office that recorded
    /// them (a child office, or one under it).
    #[ts(optional = nullable)]
    pub office: Option<String>,
}
