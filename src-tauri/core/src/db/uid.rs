//! Uids as the register keeps them. A uid is a UUID in its canonical text
//! form everywhere outside the file (packets, the log's hashes, the UI);
//! the audit log (its own uid since schema step 13, the uid of what a row
//! is about since step 14) and the receipts (step 14) keep it as the
//! UUID's 16 bytes. A value not in that form (a file edited behind the
//! app's back, a uid from a packet that is not a UUID) is kept and read as
//! the text found, so that a check names it instead of a read failing.
//!
//! Times follow the same rule: the app writes them as RFC 3339 text with
//! milliseconds and `Z`; the log (since step 14) and the receipts' time of
//! recording (since step 17) keep them as milliseconds since 1970.

use chrono::SecondsFormat;
use rusqlite::types::{Value, ValueRef};

/// A value as the text found: blobs as hex.
pub(crate) fn as_found(value: ValueRef<'_>) -> String {
    match value {
        ValueRef::Blob(b) => hex::encode(b),
        ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned(),
        ValueRef::Integer(i) => i.to_string(),
        ValueRef::Real(f) => f.to_string(),
        ValueRef::Null => String::new(),
    }
}

/// A stored uid as text.
pub(crate) fn uid_of(value: ValueRef<'_>) -> String {
    match value {
        ValueRef::Blob(b) => match uuid::Uuid::from_slice(b) {
            Ok(u) => u.to_string(),
            Err(_) => hex::encode(b),
        },
        other => as_found(other),
    }
}

/// A stored uid that may be missing (`NULL`) as text.
pub(crate) fn entity_of(value: ValueRef<'_>) -> Option<String> {
    match value {
        ValueRef::Null => None,
        other => Some(uid_of(other)),
    }
}

/// A uid as the file keeps it: a UUID in its canonical text form as 16
/// bytes, anything else as text (the rule of schema steps 13 and 14). Rows
/// are looked up by uid with this value.
pub(crate) fn uid_value(uid: &str) -> Value {
    match uuid::Uuid::parse_str(uid) {
        Ok(u) if u.to_string() == uid => Value::Blob(u.as_bytes().to_vec()),
        _ => Value::Text(uid.to_owned()),
    }
}

/// A stored time as the app writes it (RFC 3339, milliseconds, `Z`):
/// milliseconds since 1970 as that text, anything else as found.
pub(crate) fn time_of(value: ValueRef<'_>) -> String {
    match value {
        ValueRef::Integer(ms) => chrono::DateTime::from_timestamp_millis(ms)
            .map_or_else(|| ms.to_string(), |t| t.to_rfc3339_opts(SecondsFormat::Millis, true)),
        other => as_found(other),
    }
}

/// A time as the file keeps it: milliseconds when they read back as the
/// same text, the text otherwise (the rule of schema steps 14 and 17).
pub(crate) fn time_value(at: &str) -> Value {
    match chrono::DateTime::parse_from_rfc3339(at) {
        Ok(t) if time_of(ValueRef::Integer(t.timestamp_millis())) == at => Value::Integer(t.timestamp_millis()),
        _ => Value::Text(at.to_owned()),
    }
}

/// A uid column read as text (see [`uid_of`]), for row mappers.
pub(crate) fn get_uid(r: &rusqlite::Row<'_>, column: &str) -> rusqlite::Result<String> {
    Ok(uid_of(r.get_ref(column)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_uuid_is_kept_as_its_bytes_and_anything_else_as_found() {
        let u = uuid::Uuid::now_v7().to_string();
        let Value::Blob(b) = uid_value(&u) else {
            panic!("a UUID is kept as bytes")
        };
        assert_eq!(uid_of(ValueRef::Blob(&b)), u);
        for other in [u.to_uppercase(), u.replace('-', ""), "dòng-cũ".to_owned()] {
            assert_eq!(uid_value(&other), Value::Text(other.clone()));
            assert_eq!(uid_of(ValueRef::Text(other.as_bytes())), other);
        }
        assert_eq!(uid_of(ValueRef::Blob(&[1, 2])), "0102");
        assert_eq!(entity_of(ValueRef::Null), None);
    }
}
