//! Who signs for a unit: its secretary (bí thư) and deputy (phó bí thư),
//! each with a term; appointing someone ends the previous holder's term.

use chrono::NaiveDate;
use serde_json::json;

use crate::dates::today;
use crate::db::{new_uid, Actor, Store};
use crate::error::{Error, Result};
use crate::model::{NewSigner, Signer, SignerRole};
use crate::text;

impl Store {
    /// Appoints a secretary or deputy from a date; the previous holder's term ends then.
    pub fn set_signer(&mut self, actor: &Actor, s: NewSigner) -> Result<()> {
        self.write(actor, |dao| {
            let unit = dao.unit_for("code", &s.code, today())?;
            let name = text::clean(&s.name);
            if name.is_empty() {
                return Err(Error::invalid("name", "Tên người giữ chức vụ không được để trống"));
            }
            dao.end_signer_terms(unit.id, s.role, s.from_on)?;
            dao.insert_signer(&new_uid(), unit.id, s.role, &name, s.from_on)?;
            dao.log(
                "unit.signer",
                Some(&unit.unit.uid),
                &json!({ "code": unit.unit.code, "role": s.role.as_str(), "name": name, "from_on": s.from_on }),
            )
        })
    }

    /// Who held each role in a unit, oldest first.
    pub fn signers(&self, code: &str) -> Result<Vec<Signer>> {
        self.read(|dao| {
            let unit = dao.unit_for("code", code, today())?;
            dao.unit_signers(unit.id)
        })
    }

    /// The secretary (or deputy) of a unit on a day.
    pub fn signer_on(&self, code: &str, role: SignerRole, day: NaiveDate) -> Result<Option<String>> {
        Ok(self.signers(code)?.into_iter().rev().find_map(|s| {
            let after_start = s.from_on.is_none_or(|f| f <= day);
            let before_end = s.to_on.is_none_or(|t| day < t);
            (s.role == role && after_start && before_end).then_some(s.name)
        }))
    }
}
