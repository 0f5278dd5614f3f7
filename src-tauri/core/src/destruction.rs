//! Destruction of classified copies (tiêu hủy): a record lists copies in
//! the office (returned, or never handed out), the decision it follows, the
//! board's members, the day, place and method. Saved with its printed
//! record (PDF or XLSX) in one transaction: once saved the copies are
//! destroyed for good and never handed again; the log keeps everything.

use std::path::Path;

use serde_json::json;

use crate::db::{Dao, Store};
use crate::error::{Error, Result};
use crate::model::{copy_list, Destruction, NewDestruction};
use crate::{files, text, Actor};

/// Checks a destruction against the register and returns the record it
/// would save. Reads only.
fn plan(dao: &Dao<'_>, input: &NewDestruction) -> Result<(i64, Destruction)> {
    let Some((document_id, doc)) = dao.document_chosen(&input.symbol, input.uid.as_deref())? else {
        return Err(Error::invalid(
            "symbol",
            format!("Văn bản «{}» không có trong sổ", input.symbol.trim()),
        ));
    };
    let decision = text::clean(&input.decision);
    if decision.is_empty() {
        return Err(Error::invalid("decision", "Cần ghi quyết định tiêu hủy"));
    }
    let method = text::clean(&input.method);
    if method.is_empty() {
        return Err(Error::invalid("method", "Cần ghi phương pháp tiêu hủy"));
    }
    if input.members.is_empty() {
        return Err(Error::invalid("members", "Cần ghi các thành viên hội đồng tiêu hủy"));
    }
    let mut members = Vec::with_capacity(input.members.len());
    for m in &input.members {
        let (name, position) = (text::clean(&m.name), text::clean(&m.position));
        if name.is_empty() || position.is_empty() {
            return Err(Error::invalid(
                "members",
                "Mỗi thành viên hội đồng cần họ tên và chức vụ",
            ));
        }
        members.push(crate::model::BoardMember { name, position });
    }
    let mut numbers = input.copies.clone();
    numbers.sort_unstable();
    numbers.dedup();
    if numbers.is_empty() {
        return Err(Error::invalid("copies", "Chưa ghi bản số nào để tiêu hủy"));
    }
    let copies = dao.copies_of(document_id)?;
    if copies.is_empty() {
        return Err(Error::invalid(
            "symbol",
            format!("Văn bản «{}» không quản lý theo bản số", doc.symbol),
        ));
    }
    for n in &numbers {
        match copies.iter().find(|c| c.copy == *n) {
            None => {
                return Err(Error::invalid(
                    "copies",
                    format!("Văn bản {} không có bản số {n:02}", doc.symbol),
                ))
            }
            Some(c) if !c.state.in_office() => {
                let where_ = match &c.holder {
                    Some(unit) => format!("đang ở đơn vị {unit}"),
                    None => c.state.label().to_lowercase(),
                };
                return Err(Error::invalid(
                    "copies",
                    format!(
                        "Bản số {n:02} của văn bản {} {where_}: chỉ tiêu hủy được bản đang ở văn phòng",
                        doc.symbol
                    ),
                ));
            }
            Some(_) => {}
        }
    }
    Ok((
        document_id,
        Destruction {
            uid: String::new(),
            symbol: doc.symbol,
            classification: doc.classification,
            copies: numbers,
            decision,
            on: input.on,
            members,
            method,
            place: text::clean_opt(input.place.as_deref()),
        },
    ))
}

/// Writes a planned destruction and its `copies.destroy` row.
fn write(dao: &Dao<'_>, document_id: i64, d: &mut Destruction) -> Result<()> {
    d.uid = dao.insert_destruction(
        document_id,
        &d.copies,
        &d.decision,
        d.on,
        d.place.as_deref(),
        &d.method,
        &d.members,
    )?;
    dao.log(
        "copies.destroy",
        Some(&d.uid),
        &json!({ "symbol": d.symbol, "copies": d.copies, "decision": d.decision, "on": d.on,
                 "place": d.place, "method": d.method, "members": d.members }),
    )
}

impl Store {
    /// Destroys copies in the office and saves the printed record to
    /// `path` (PDF, or XLSX by its extension), all in one transaction.
    pub fn destroy_copies(&mut self, actor: &Actor, input: &NewDestruction, path: &Path) -> Result<Destruction> {
        let (document_id, mut record) = self.read(|dao| plan(dao, input))?;
        let xlsx = path
            .extension()
            .is_some_and(|e| e.to_string_lossy().eq_ignore_ascii_case("xlsx"));
        let bytes = if xlsx {
            crate::print::destruction_xlsx(&record)?
        } else {
            crate::print::destruction_pdf(&self.letterhead()?, &record)?
        };
        let staged = files::stage(path, &bytes, Some(self.path()))?;
        self.write(actor, |dao| {
            // Checked again inside the transaction: nothing moved meanwhile.
            let (again, _) = plan(dao, input)?;
            write(dao, again, &mut record)?;
            dao.log(
                if xlsx {
                    "export.destruction"
                } else {
                    "print.destruction"
                },
                Some(&record.uid),
                &json!({ "format": if xlsx { "xlsx" } else { "pdf" }, "file": path.display().to_string(),
                         "copies": copy_list(&record.copies) }),
            )?;
            staged.commit()
        })?;
        let _ = document_id;
        Ok(record)
    }
}
