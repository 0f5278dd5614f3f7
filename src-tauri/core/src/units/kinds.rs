//! Unit kinds ("Đảng bộ cơ sở", "Chi bộ", …): data the administrator edits,
//! matched without diacritics, created the first time a unit names one.

use serde_json::json;

use crate::db::{Actor, Dao, Store};
use crate::error::{Error, Result};
use crate::model::UnitKind;
use crate::text;

/// The id of the kind with this name (compared without diacritics),
/// created (and logged) when not seen before.
pub(crate) fn kind_id(dao: &Dao<'_>, name: &str) -> Result<i64> {
    if let Some(id) = dao.kind_by_name(name)? {
        return Ok(id);
    }
    let id = dao.insert_kind(name)?;
    dao.log("kind.add", None, &json!({ "name": name }))?;
    Ok(id)
}

impl Store {
    /// Every kind with its number of units, in Vietnamese order.
    pub fn list_kinds(&self) -> Result<Vec<UnitKind>> {
        let mut kinds = self.read(|dao| dao.kinds_counted())?;
        kinds.sort_by(|a, b| text::compare(&a.name, &b.name));
        Ok(kinds)
    }

    /// Adds a kind, or renames one (`old` set): kinds are data the admin edits.
    pub fn save_kind(&mut self, actor: &Actor, old: Option<&str>, name: &str) -> Result<()> {
        let name = text::clean(name);
        if name.is_empty() {
            return Err(Error::invalid("name", "Tên loại đơn vị không được để trống"));
        }
        self.write(actor, |dao| match old {
            None => kind_id(dao, &name).map(|_| ()),
            Some(old) => {
                if dao.rename_kind(old, &name)? == 0 {
                    return Err(Error::not_found("Loại đơn vị", old));
                }
                dao.log("kind.rename", None, &json!({ "from": old, "to": name }))
            }
        })
    }
}
