//! Study follow-through (học tập, quán triệt): after documents are handed
//! out, every unit holds a study session and reports its figures; the
//! office adds them up the tree. A campaign fixes, when it is made, the
//! units that must report (the branches of a subtree, units named one by
//! one, or the units that must confirm the batch that carried the
//! documents). A unit's later report replaces its earlier one, and the log
//! keeps the figures replaced. The summary rolls units up to their
//! grassroots committee with the same tree as the outstanding list (a
//! merged unit counts under its successor's committee) and adds integers
//! only: a rate is computed once from the sums, rounded half up at two
//! decimals, so the total equals the sum of the rows.

mod import;
mod reminders;

use std::collections::{BTreeSet, HashMap};

use serde_json::json;

use crate::db::study::{CampaignRow, Figures};
use crate::db::{now_utc, today, Actor, Dao, Store};
use crate::error::{Error, Result};
use crate::model::{Campaign, NewCampaign, StudyLevel, StudyReport, StudyReportInput, StudyRow};
use crate::outstanding::days_overdue;
use crate::{dates, text};

pub use import::{StudyImport, TEMPLATE_HEADERS};

/// Hundredths of a percent of `part` in `whole`, rounded half up from
/// integers (99,155% → 99,16%); 0 when `whole` is 0.
pub fn rate_hundredths(part: u64, whole: u64) -> u64 {
    if whole == 0 {
        0
    } else {
        (part * 20_000 + whole) / (2 * whole)
    }
}

/// A rate in hundredths as the reports write it: 9916 → "99,16".
pub fn rate_vi(hundredths: u64) -> String {
    format!(
        "{},{:02}",
        text::thousands(i64::try_from(hundredths / 100).unwrap_or(i64::MAX)),
        hundredths % 100
    )
}

/// Coverage as the reports write it: "35.599/35.900 đảng viên (99,16%)".
pub fn coverage_vi(took_part: u32, members: u32) -> String {
    format!(
        "{}/{} đảng viên ({}%)",
        text::thousands(i64::from(took_part)),
        text::thousands(i64::from(members)),
        rate_vi(rate_hundredths(u64::from(took_part), u64::from(members)))
    )
}

/// The campaign `code` typed into `field`, refused by name when unknown.
fn campaign_for(dao: &Dao<'_>, field: &str, code: &str) -> Result<CampaignRow> {
    let code = text::clean(code);
    if code.is_empty() {
        return Err(Error::invalid(field, "Chưa ghi mã đợt học tập"));
    }
    dao.campaign_by_code(&code).map_err(|e| match e {
        Error::NotFound { .. } => Error::invalid(field, format!("Đợt học tập «{code}» không tồn tại")),
        e => e,
    })
}

/// Makes a campaign inside the caller's transaction.
pub(crate) fn make(dao: &Dao<'_>, input: &NewCampaign) -> Result<Campaign> {
    let code = text::clean_code("code", "Mã đợt học tập", &input.code)?;
    let title = text::clean(&input.title);
    if title.is_empty() {
        return Err(Error::invalid("title", "Chưa ghi tên đợt học tập"));
    }
    if input.to < input.from {
        return Err(Error::invalid(
            "to",
            format!(
                "Ngày kết thúc {} trước ngày bắt đầu {}",
                dates::vi(input.to),
                dates::vi(input.from)
            ),
        ));
    }
    if dao.study_code_taken(&code)? {
        return Err(Error::conflict("code", format!("Mã đợt học tập «{code}» đã có")));
    }
    let batch = match input.batch.as_deref().map(text::clean).filter(|b| !b.is_empty()) {
        Some(b) => Some(dao.batch_by_code(&b).map_err(|e| match e {
            Error::NotFound { .. } => Error::invalid("batch", format!("Đợt cấp phát «{b}» không tồn tại")),
            e => e,
        })?),
        None => None,
    };
    // Documents: named, or those the batch carried.
    let mut documents: Vec<i64> = Vec::new();
    for raw in &input.documents {
        // SYMBOL@TERM names that committee term's document, the symbol alone
        // the latest term's.
        let (symbol, term) = text::split_term(raw).map_err(|why| Error::invalid("documents", why))?;
        let found = match term {
            None => dao.document_by_symbol(symbol).map(|(id, _)| id),
            Some(term) => dao
                .document_of_term(&text::clean(symbol), &text::clean(term))?
                .map(|(id, _)| id)
                .ok_or_else(|| Error::not_found("Văn bản", text::clean(raw))),
        };
        let id = found.map_err(|e| match e {
            Error::NotFound { .. } => {
                let named = match term {
                    Some(term) => format!("«{}» của khóa {}", text::clean(symbol), text::clean(term)),
                    None => format!("«{}»", text::clean(symbol)),
                };
                Error::invalid("documents", format!("Văn bản {named} không có trong sổ"))
            }
            e => e,
        })?;
        if !documents.contains(&id) {
            documents.push(id);
        }
    }
    if documents.is_empty() {
        match &batch {
            Some((id, _)) => documents = dao.batch_document_ids(*id)?,
            None => {
                return Err(Error::invalid(
                    "documents",
                    "Chưa ghi văn bản nào được học tập (hoặc đợt cấp phát đã chuyển văn bản)",
                ))
            }
        }
    }
    // Units that must report, as the tree stands on the first day.
    let mut units: BTreeSet<i64> = BTreeSet::new();
    for raw in &input.units {
        units.insert(dao.unit_for("units", raw, input.from)?.id);
    }
    for raw in &input.subtrees {
        let root = dao.unit_for("subtrees", raw, input.from)?.id;
        units.extend(dao.leaves_under(root, input.from)?);
    }
    if input.units.is_empty() && input.subtrees.is_empty() {
        match &batch {
            Some((id, _)) => units.extend(dao.batch_recipient_ids(*id)?),
            None => {
                return Err(Error::invalid(
                    "units",
                    "Chưa chọn đơn vị phải báo cáo (một nhánh, từng đơn vị, hoặc đợt cấp phát)",
                ))
            }
        }
    }
    if units.is_empty() {
        return Err(Error::invalid("units", "Không có đơn vị nào phải báo cáo"));
    }
    let units: Vec<i64> = units.into_iter().collect();
    let row = CampaignRow {
        id: 0,
        code: code.clone(),
        title: title.clone(),
        batch: batch.as_ref().map(|(_, b)| b.code.clone()),
        from: input.from,
        to: input.to,
    };
    let (id, uid) = dao.insert_campaign(&row, batch.as_ref().map(|(id, _)| *id), &documents, &units, None)?;
    let symbols = dao.campaign_documents(id)?;
    let codes: Vec<String> = units
        .iter()
        .map(|u| dao.last_label(*u).map(|(c, _)| c))
        .collect::<Result<_>>()?;
    dao.log(
        "study.create",
        Some(&uid),
        &json!({ "code": code, "title": title, "batch": row.batch, "from": input.from, "to": input.to,
                 "documents": symbols, "units": codes }),
    )?;
    campaign(dao, &row.code, None)
}

/// The campaign `code` with how many of its units have reported; with
/// `only`, both counted over those units alone (a secretary's own).
pub(crate) fn campaign(dao: &Dao<'_>, code: &str, only: Option<&[i64]>) -> Result<Campaign> {
    let c = dao.campaign_by_code(code)?;
    let (units, units_reported) = match only {
        None => dao.campaign_counts(c.id)?,
        Some(only) => {
            let mine: Vec<i64> = dao
                .campaign_units(c.id)?
                .into_iter()
                .filter(|u| only.contains(u))
                .collect();
            let reports = dao.study_reports(c.id)?;
            let reported = mine.iter().filter(|u| reports.contains_key(u)).count();
            let n = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
            (n(mine.len()), n(reported))
        }
    };
    Ok(Campaign {
        documents: dao.campaign_documents_shown(c.id)?,
        code: c.code,
        title: c.title,
        batch: c.batch,
        from: c.from,
        to: c.to,
        units,
        units_reported,
    })
}

/// A figure that must not be negative, as stored.
fn count(field: &str, label: &str, n: i32) -> Result<u32> {
    u32::try_from(n).map_err(|_| Error::invalid(field, format!("{label} không được là số âm ({n})")))
}

/// The figures of `input` checked: nothing negative, nobody counted twice.
fn checked(input: &StudyReportInput, from: chrono::NaiveDate) -> Result<Figures> {
    let members = count("members", "Tổng số đảng viên", input.members)?;
    let attended = count("attended", "Số đảng viên dự học", input.attended)?;
    let made_up = count("made_up", "Số đảng viên học bù", input.made_up)?;
    let absent_excused = count("absent_excused", "Số đảng viên vắng có lý do", input.absent_excused)?;
    let masses = count("masses", "Số lượt quần chúng", input.masses)?;
    let sessions = count("sessions", "Số buổi (lớp) học", input.sessions.unwrap_or(1))?;
    let figures = Figures {
        sessions,
        held_on: input.held_on,
        members,
        attended,
        made_up,
        absent_excused,
        absent_reason: text::clean_opt(input.absent_reason.as_deref()),
        masses,
        programme: text::clean_opt(input.programme.as_deref()),
    };
    validate(&figures, from)?;
    Ok(figures)
}

/// Refuses figures that cannot be true, naming the field: more members
/// counted than the unit has, attendance without a session, a first session
/// before the period (for figures typed here and for those a packet brings).
pub(crate) fn validate(f: &Figures, from: chrono::NaiveDate) -> Result<()> {
    let Figures {
        sessions,
        members,
        attended,
        made_up,
        absent_excused,
        ..
    } = *f;
    if u64::from(attended) + u64::from(made_up) > u64::from(members) {
        return Err(Error::invalid(
            "attended",
            format!(
                "Số dự học ({}) cộng số học bù ({}) vượt tổng số đảng viên ({})",
                text::thousands(i64::from(attended)),
                text::thousands(i64::from(made_up)),
                text::thousands(i64::from(members))
            ),
        ));
    }
    if u64::from(attended) + u64::from(absent_excused) > u64::from(members) {
        return Err(Error::invalid(
            "absent_excused",
            format!(
                "Số dự học ({}) cộng số vắng có lý do ({}) vượt tổng số đảng viên ({})",
                text::thousands(i64::from(attended)),
                text::thousands(i64::from(absent_excused)),
                text::thousands(i64::from(members))
            ),
        ));
    }
    if sessions == 0 && attended > 0 {
        return Err(Error::invalid(
            "sessions",
            "Có đảng viên dự học thì phải có ít nhất một buổi (lớp) học",
        ));
    }
    if let Some(held) = f.held_on {
        if held < from {
            return Err(Error::invalid(
                "held_on",
                format!(
                    "Ngày học đầu tiên {} trước ngày bắt đầu đợt {}",
                    dates::vi(held),
                    dates::vi(from)
                ),
            ));
        }
    }
    Ok(())
}

/// Records a unit's report inside the caller's transaction (one log row;
/// a replaced report's figures are in it).
pub(crate) fn report(dao: &Dao<'_>, input: &StudyReportInput) -> Result<StudyReport> {
    let c = campaign_for(dao, "campaign", &input.campaign)?;
    let code = text::clean_code("unit", "Mã đơn vị", &input.unit)?;
    let Some(unit_id) = dao.campaign_unit(c.id, &code)? else {
        return Err(Error::invalid(
            "unit",
            format!(
                "Đơn vị «{code}» không thuộc các đơn vị phải báo cáo trong đợt học tập {}",
                c.code
            ),
        ));
    };
    let figures = checked(input, c.from)?;
    let before = dao.study_report(c.id, unit_id)?;
    let recorded_by = dao.actor()?.name.clone();
    let uid = dao.put_study_report(c.id, unit_id, &figures, (&recorded_by, &now_utc()), None)?;
    let replaced = before.as_ref().map(|(_, f)| f);
    dao.log(
        "study.report",
        Some(&uid),
        &json!({ "campaign": c.code, "unit": code, "figures": figures, "replaced": replaced }),
    )?;
    let (_, unit_name) = dao.last_label(unit_id)?;
    Ok(StudyReport {
        campaign: c.code,
        unit_code: code,
        unit_name,
        sessions: figures.sessions,
        held_on: figures.held_on,
        members: figures.members,
        attended: figures.attended,
        made_up: figures.made_up,
        absent_excused: figures.absent_excused,
        absent_reason: figures.absent_reason,
        masses: figures.masses,
        programme: figures.programme,
        replaced: before.is_some(),
    })
}

/// Integers added up for a committee or the total.
#[derive(Debug, Default, Clone, Copy)]
struct Tally {
    members: u64,
    took_part: u64,
    sessions: u64,
    masses: u64,
    units: u32,
    reported: u32,
}

impl Tally {
    fn add(&mut self, f: Option<&Figures>) {
        self.units += 1;
        if let Some(f) = f {
            self.reported += 1;
            self.members += u64::from(f.members);
            self.took_part += u64::from(f.attended) + u64::from(f.made_up);
            self.sessions += u64::from(f.sessions);
            self.masses += u64::from(f.masses);
        }
    }

    fn row(&self, level: StudyLevel, unit_code: String, unit_name: String) -> StudyRow {
        let clamp = |n: u64| u32::try_from(n).unwrap_or(u32::MAX);
        StudyRow {
            level,
            unit_code,
            unit_name,
            reported: self.reported == self.units,
            members: clamp(self.members),
            took_part: clamp(self.took_part),
            rate: rate(self.took_part, self.members),
            sessions: clamp(self.sessions),
            masses: clamp(self.masses),
            units: Some(self.units),
            units_reported: Some(self.reported),
            days_overdue: None,
            office: None,
        }
    }
}

/// The rate as a number with two decimals.
fn rate(part: u64, whole: u64) -> f64 {
    // Hundredths of a percent fit f64 exactly; the division by 100 gives
    // the nearest double to the two-decimal value, which prints as it.
    let h = rate_hundredths(part, whole);
    (h as f64) / 100.0
}

/// A unit placed in the summary: the rank of the unit it is counted as
/// (its successor, when merged), its own code and name, its id.
type Placed = (u32, String, String, i64);

/// The summary of a campaign: per grassroots committee (tree order) its
/// row, then its units' rows; the total last. With `subtree`, only the
/// units under it; with `only`, only those units (a secretary's own), the
/// committees and the total then adding up those units alone.
pub(crate) fn summary(dao: &Dao<'_>, code: &str, subtree: Option<&str>, only: Option<&[i64]>) -> Result<Vec<StudyRow>> {
    Ok(summary_on(dao, code, subtree, only, today())?
        .into_iter()
        .map(|(row, _)| row)
        .collect())
}

/// The summary on `day` (the tree of that day, days past the period's end
/// counted to it), each unit's row with its id.
fn summary_on(
    dao: &Dao<'_>,
    code: &str,
    subtree: Option<&str>,
    only: Option<&[i64]>,
    day: chrono::NaiveDate,
) -> Result<Vec<(StudyRow, Option<i64>)>> {
    let c = campaign_for(dao, "campaign", code)?;
    let tree = dao.tree_on(day)?;
    let successors = dao.successors(day)?;
    let root = match subtree.map(str::trim).filter(|s| !s.is_empty()) {
        Some(code) => Some(dao.unit_for("subtree", code, day)?),
        None => None,
    };
    let reports = dao.study_reports(c.id)?;
    let late = days_overdue(c.to, day);
    let label = |id: i64| -> Result<(String, String, u32)> {
        match tree.get(id) {
            Some(n) => Ok((n.code.clone(), n.name.clone(), n.rank)),
            None => dao.last_label(id).map(|(c, n)| (c, n, u32::MAX)),
        }
    };
    // committee id → its units
    let mut groups: HashMap<i64, Vec<Placed>> = HashMap::new();
    for unit_id in dao.campaign_units(c.id)? {
        if only.is_some_and(|only| !only.contains(&unit_id)) {
            continue;
        }
        // A merged unit is counted where its successor stands.
        let shown = successors.get(&unit_id).copied().unwrap_or(unit_id);
        if root.as_ref().is_some_and(|r| !tree.within(shown, r.id)) {
            continue;
        }
        let (code, name, _) = label(unit_id)?;
        let (_, _, rank) = label(shown)?;
        groups
            .entry(tree.group_of(shown))
            .or_default()
            .push((rank, code, name, unit_id));
    }
    let mut ordered: Vec<(u32, String, String, Vec<Placed>)> = Vec::with_capacity(groups.len());
    for (group, mut units) in groups {
        units.sort();
        let (code, name, rank) = label(group)?;
        ordered.push((rank, code, name, units));
    }
    ordered.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    let mut rows = Vec::new();
    let mut total = Tally::default();
    for (_, code, name, units) in ordered {
        let mut group = Tally::default();
        let mut unit_rows = Vec::with_capacity(units.len());
        for (_, unit_code, unit_name, unit_id) in units {
            let (f, office) = match reports.get(&unit_id) {
                Some((f, office)) => (Some(f), office.clone()),
                None => (None, None),
            };
            group.add(f);
            total.add(f);
            let took = f.map_or(0, |f| u64::from(f.attended) + u64::from(f.made_up));
            let members = f.map_or(0, |f| f.members);
            unit_rows.push((
                StudyRow {
                    level: StudyLevel::Unit,
                    unit_code,
                    unit_name,
                    reported: f.is_some(),
                    members,
                    took_part: u32::try_from(took).unwrap_or(u32::MAX),
                    rate: rate(took, u64::from(members)),
                    sessions: f.map_or(0, |f| f.sessions),
                    masses: f.map_or(0, |f| f.masses),
                    units: None,
                    units_reported: None,
                    days_overdue: f.is_none().then_some(late),
                    office,
                },
                Some(unit_id),
            ));
        }
        rows.push((group.row(StudyLevel::Committee, code, name), None));
        rows.extend(unit_rows);
    }
    let (code, name) = match root {
        Some(r) => (r.unit.code, r.unit.name),
        None => (String::new(), "Tổng cộng".to_owned()),
    };
    rows.push((total.row(StudyLevel::Total, code, name), None));
    Ok(rows)
}

impl Store {
    /// Makes a study campaign (see `make`).
    pub fn create_campaign(&mut self, actor: &Actor, input: NewCampaign) -> Result<Campaign> {
        self.write(actor, |dao| make(dao, &input))
    }

    /// Records (or replaces) a unit's study report.
    pub fn report_study(&mut self, actor: &Actor, input: StudyReportInput) -> Result<StudyReport> {
        self.write(actor, |dao| report(dao, &input))
    }

    /// Every campaign with its progress, the latest period first.
    pub fn campaigns(&self) -> Result<Vec<Campaign>> {
        self.read(|dao| dao.campaigns()?.iter().map(|c| campaign(dao, &c.code, None)).collect())
    }

    /// A campaign's report in the party layout, as a PDF (with `subtree`,
    /// of the units under it).
    pub fn study_pdf(&self, campaign: &str, subtree: Option<&str>) -> Result<Vec<u8>> {
        let letterhead = self.letterhead()?;
        let (c, rows) = self.read(|dao| {
            let code = campaign_for(dao, "campaign", campaign)?.code;
            Ok((self::campaign(dao, &code, None)?, summary(dao, &code, subtree, None)?))
        })?;
        crate::print::study_pdf(&letterhead, &c, &rows, today())
    }

    /// A campaign's summary rows as a spreadsheet.
    pub fn study_xlsx(&self, campaign: &str, subtree: Option<&str>) -> Result<Vec<u8>> {
        crate::print::study_xlsx(&self.study_summary(campaign, subtree)?)
    }

    /// A campaign's summary rows (see `summary`).
    pub fn study_summary(&self, campaign: &str, subtree: Option<&str>) -> Result<Vec<StudyRow>> {
        self.read(|dao| summary(dao, campaign, subtree, None))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_round_half_up_from_integers() {
        assert_eq!(rate_hundredths(35_599, 35_900), 9916);
        assert_eq!(coverage_vi(35_599, 35_900), "35.599/35.900 đảng viên (99,16%)");
        // 1/8 = 12,5% exactly; 1/3 = 33,333…%; 2/3 = 66,666…%; 1/1600 = 0,0625%.
        assert_eq!(rate_hundredths(1, 8), 1250);
        assert_eq!(rate_hundredths(1, 3), 3333);
        assert_eq!(rate_hundredths(2, 3), 6667);
        assert_eq!(rate_hundredths(1, 1600), 6, "0,0625 rounds half up to 0,06");
        assert_eq!(rate_hundredths(1, 800), 13, "0,125 rounds half up to 0,13");
        assert_eq!(rate_hundredths(0, 0), 0);
        assert_eq!(rate(35_599, 35_900).to_string(), "99.16");
    }
}
