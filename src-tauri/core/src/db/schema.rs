//! The schema as numbered, append-only migration steps. Step `i` takes a file
//! from `user_version` i to i + 1. A shipped step is never edited: the test
//! below pins each step's text by hash, so changing one fails loudly.
//!
//! Sizing (a province on one desktop): 10,000 units, batches of 5,000
//! recipients, ten years ≈ 4 million receipts and 12 million receipt lines. The
//! outstanding list reads the partial index `receipt_open_idx`, which holds only
//! unconfirmed must-confirm receipts, never ten years of confirmed history.

use rusqlite::Transaction;

use crate::error::Result;

pub(crate) const STEPS: &[&str] = &[
    // 0 → 1: the whole domain as seen at the start.
    r#"
CREATE TABLE setting (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

-- Kinds of unit are data: "Đảng bộ cơ sở", "Chi bộ", "Đảng bộ bộ phận", …
CREATE TABLE unit_kind (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE CHECK (name <> ''),
    search_key TEXT NOT NULL UNIQUE
) STRICT;

-- The unit tree. Nothing is deleted: a unit that ceases to exist is closed,
-- and `successor_id` points to the unit that took over its open receipts.
-- Dates use sentinels instead of NULL so that "as of D" is a plain range test:
-- opened_on '0000-01-01' = existed before the register began, closed_on
-- '9999-12-31' = open. A unit exists on D when opened_on <= D < closed_on.
CREATE TABLE unit (
    id           INTEGER PRIMARY KEY,
    uid          TEXT NOT NULL UNIQUE,
    code         TEXT NOT NULL UNIQUE CHECK (code <> ''),
    kind_id      INTEGER REFERENCES unit_kind (id),
    phone        TEXT,
    address      TEXT,
    notes        TEXT,
    opened_on    TEXT NOT NULL DEFAULT '0000-01-01',
    closed_on    TEXT NOT NULL DEFAULT '9999-12-31',
    successor_id INTEGER REFERENCES unit (id),
    created_at   TEXT NOT NULL,
    CHECK (opened_on < closed_on),
    CHECK (successor_id IS NULL OR successor_id <> id)
) STRICT;
CREATE INDEX unit_kind_idx ON unit (kind_id);
CREATE INDEX unit_successor_idx ON unit (successor_id);

-- What changes over time (name, short name, parent) lives in versions that
-- tile each unit's whole timeline: [valid_from, valid_to), from '0000-01-01'
-- to '9999-12-31' with no gap, so the tree as it stood on any day is one join.
-- Reorganisations dated in the past or the future split versions.
CREATE TABLE unit_version (
    id         INTEGER PRIMARY KEY,
    unit_id    INTEGER NOT NULL REFERENCES unit (id),
    valid_from TEXT NOT NULL,
    valid_to   TEXT NOT NULL,
    name       TEXT NOT NULL CHECK (name <> ''),
    short_name TEXT,
    parent_id  INTEGER REFERENCES unit (id),
    search_key TEXT NOT NULL,            -- name, short name and code without diacritics
    sort_key   BLOB NOT NULL,            -- Vietnamese collation key of the name
    CHECK (valid_from < valid_to),
    CHECK (parent_id IS NULL OR parent_id <> unit_id)
) STRICT;
CREATE UNIQUE INDEX unit_version_unit_idx ON unit_version (unit_id, valid_from);
CREATE INDEX unit_version_parent_idx ON unit_version (parent_id, valid_from);

-- Reorganisations (rename, move, merge, split, close), each with its
-- effective date and reason; the versions above carry their effect.
CREATE TABLE unit_event (
    id           INTEGER PRIMARY KEY,
    uid          TEXT NOT NULL UNIQUE,
    kind         TEXT NOT NULL CHECK (kind IN ('rename', 'move', 'merge', 'absorb', 'split', 'close')),
    unit_id      INTEGER NOT NULL REFERENCES unit (id),
    effective_on TEXT NOT NULL,
    reason       TEXT,
    detail       TEXT NOT NULL,          -- JSON: old and new values, targets
    created_at   TEXT NOT NULL
) STRICT;
CREATE INDEX unit_event_unit_idx ON unit_event (unit_id, effective_on);

-- Accountable signers over time (secretary, deputy), so that "who was the
-- secretary of this branch on a given day" has an answer.
CREATE TABLE unit_signer (
    id         INTEGER PRIMARY KEY,
    uid        TEXT NOT NULL UNIQUE,
    unit_id    INTEGER NOT NULL REFERENCES unit (id),
    role       TEXT NOT NULL CHECK (role IN ('secretary', 'deputy')),
    name       TEXT NOT NULL CHECK (name <> ''),
    from_on    TEXT,
    to_on      TEXT,
    CHECK (to_on IS NULL OR from_on IS NULL OR to_on >= from_on)
) STRICT;
CREATE INDEX unit_signer_unit_idx ON unit_signer (unit_id, role);

-- The documents register. `number`, `doc_type` and `issuer` are parsed from
-- the symbol (05-KH/HU → 05, KH, HU); numbers run per committee term, so a
-- symbol is unique within a term.
CREATE TABLE document (
    id              INTEGER PRIMARY KEY,
    uid             TEXT NOT NULL UNIQUE,
    symbol          TEXT NOT NULL CHECK (symbol <> ''),
    number          TEXT,
    doc_type        TEXT,
    issuer          TEXT,
    term            TEXT NOT NULL DEFAULT '',
    title           TEXT NOT NULL CHECK (title <> ''),
    issued_on       TEXT,
    classification  TEXT NOT NULL DEFAULT 'normal'
                    CHECK (classification IN ('normal', 'secret', 'top_secret', 'absolute')),
    copies_received INTEGER NOT NULL DEFAULT 0 CHECK (copies_received >= 0),
    search_key      TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    UNIQUE (symbol, term)
) STRICT;

-- A handout batch (đợt cấp phát).
CREATE TABLE batch (
    id            INTEGER PRIMARY KEY,
    uid           TEXT NOT NULL UNIQUE,
    code          TEXT NOT NULL UNIQUE CHECK (code <> ''),
    title         TEXT NOT NULL CHECK (title <> ''),
    handed_on     TEXT NOT NULL,
    due_on        TEXT NOT NULL,
    method        TEXT NOT NULL DEFAULT 'in_person'
                  CHECK (method IN ('in_person', 'post', 'via_commune', 'electronic')),
    recorded_by   TEXT NOT NULL,
    cancelled_at  TEXT,
    cancel_reason TEXT,
    created_at    TEXT NOT NULL,
    CHECK (due_on >= handed_on)
) STRICT;

-- Copies of each document handed out in a batch, all recipients together:
-- copies on hand = received − the sum over live batches, without reading
-- millions of receipt lines.
CREATE TABLE batch_document (
    batch_id    INTEGER NOT NULL REFERENCES batch (id),
    document_id INTEGER NOT NULL REFERENCES document (id),
    copies      INTEGER NOT NULL CHECK (copies > 0),
    PRIMARY KEY (batch_id, document_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX batch_document_document_idx ON batch_document (document_id);

-- One receipt per batch × unit: the unit, not a person, is the recipient.
CREATE TABLE receipt (
    id           INTEGER PRIMARY KEY,
    uid          TEXT NOT NULL UNIQUE,
    batch_id     INTEGER NOT NULL REFERENCES batch (id),
    unit_id      INTEGER NOT NULL REFERENCES unit (id),
    code         TEXT NOT NULL UNIQUE,   -- receipt code printed on the slip
    must_confirm INTEGER NOT NULL DEFAULT 1 CHECK (must_confirm IN (0, 1)),
    copies       INTEGER NOT NULL CHECK (copies > 0),  -- sum of its lines, written with them
    status       TEXT NOT NULL DEFAULT 'pending'
                 CHECK (status IN ('pending', 'confirmed', 'partial', 'declined')),
    signed_by    TEXT,                   -- who signed for the unit
    signed_on    TEXT,                   -- date of the signature (on the slip)
    entered_at   TEXT,                   -- when the confirmation was recorded (UTC)
    confirm_method TEXT CHECK (confirm_method IN ('in_person', 'slip', 'remote', 'app', 'cli')),
    on_behalf    INTEGER NOT NULL DEFAULT 0 CHECK (on_behalf IN (0, 1)),
    note         TEXT,
    UNIQUE (batch_id, unit_id),
    CHECK (status = 'pending' OR signed_by IS NOT NULL)
) STRICT;
CREATE INDEX receipt_unit_idx ON receipt (unit_id);
-- Only open receipts: the outstanding list never reads confirmed history.
CREATE INDEX receipt_open_idx ON receipt (batch_id, unit_id)
    WHERE status <> 'confirmed' AND must_confirm = 1;

-- Copies of each document for one receipt. `received` is set when fewer (or
-- more) copies arrived than were listed. No index on document_id alone:
-- documents are never deleted, and lookups by document go through
-- batch_document; an index here would cost bytes on 12 million rows.
CREATE TABLE receipt_line (
    receipt_id  INTEGER NOT NULL REFERENCES receipt (id),
    document_id INTEGER NOT NULL REFERENCES document (id),
    quantity    INTEGER NOT NULL CHECK (quantity > 0),
    received    INTEGER CHECK (received >= 0),
    PRIMARY KEY (receipt_id, document_id)
) STRICT, WITHOUT ROWID;

-- The audit log: one row per change, append-only, each row carrying the hash
-- of the previous one so that an edit behind the app's back is detected.
CREATE TABLE audit_log (
    id         INTEGER PRIMARY KEY,
    uid        TEXT NOT NULL UNIQUE,
    at         TEXT NOT NULL,            -- UTC, RFC 3339
    actor      TEXT NOT NULL,
    method     TEXT NOT NULL,
    action     TEXT NOT NULL,
    entity_uid TEXT,
    detail     TEXT NOT NULL,            -- JSON
    prev_hash  TEXT NOT NULL,
    hash       TEXT NOT NULL
) STRICT;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
"#,
    // 1 → 2: local accounts with roles, PINs for confirming at the office, and
    // who confirmed each receipt (with an optional drawn signature).
    r#"
CREATE TABLE account (
    id                 INTEGER PRIMARY KEY,
    uid                TEXT NOT NULL UNIQUE,
    username           TEXT NOT NULL UNIQUE CHECK (username <> ''),
    display_name       TEXT NOT NULL CHECK (display_name <> ''),
    role               TEXT NOT NULL CHECK (role IN ('admin', 'clerk', 'supervisor', 'secretary')),
    unit_id            INTEGER REFERENCES unit (id),
    password_hash      TEXT NOT NULL,      -- Argon2id, PHC string
    pin_hash           TEXT,               -- Argon2id, PHC string
    failed_pins        INTEGER NOT NULL DEFAULT 0,
    pin_locked_until   TEXT,
    failed_logins      INTEGER NOT NULL DEFAULT 0,
    login_locked_until TEXT,
    disabled           INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    created_at         TEXT NOT NULL,
    CHECK (role <> 'secretary' OR unit_id IS NOT NULL)
) STRICT;
CREATE INDEX account_unit_idx ON account (unit_id);

ALTER TABLE receipt ADD COLUMN signature BLOB;   -- drawn on screen, PNG
"#,
    r#"
-- Receipts "for information" not marked confirmed. With receipt_open_idx it
-- counts a batch's confirmed receipts from indexes alone (recipients − open −
-- these), instead of reading every receipt row when the batches are listed.
CREATE INDEX receipt_info_idx ON receipt (batch_id)
    WHERE status <> 'confirmed' AND must_confirm = 0;
"#,
    r#"
-- Every "for information" receipt of a batch (few per batch): the batch list
-- counts the units that must confirm as recipients − these, from indexes.
DROP INDEX receipt_info_idx;
CREATE INDEX receipt_info_all_idx ON receipt (batch_id) WHERE must_confirm = 0;
"#,
    r#"
-- Who recorded each confirmation (the signed-in operator, or the system user
-- of the command line) and, when it was signed with a PIN or by a signed-in
-- secretary, the account of the person who signed. Older confirmations keep
-- NULL: their log rows name who recorded them.
ALTER TABLE receipt ADD COLUMN recorded_by TEXT;
ALTER TABLE receipt ADD COLUMN signer_account TEXT;
"#,
    r#"
-- Exchange between offices (signed packets). This installation's identity:
-- one row, made once; the secret key never leaves the register (backups of
-- the whole file carry it, so a restore keeps the identity).
CREATE TABLE site (
    id         TEXT PRIMARY KEY,                 -- UUIDv7
    one        INTEGER NOT NULL DEFAULT 1 UNIQUE CHECK (one = 1),
    unit_code  TEXT NOT NULL CHECK (unit_code <> ''),
    name       TEXT NOT NULL,
    public_key BLOB NOT NULL CHECK (length(public_key) = 32),
    secret_key BLOB NOT NULL CHECK (length(secret_key) = 32),
    created_at TEXT NOT NULL
) STRICT;

-- Trusted installations: the office of a unit above ours (parent) or under
-- ours (child). A removed peer keeps its row (and its packets) with
-- `removed_at`; adding it again after a new paper check clears it.
CREATE TABLE peer (
    id              TEXT PRIMARY KEY,
    unit_code       TEXT NOT NULL CHECK (unit_code <> ''),
    name            TEXT NOT NULL,
    public_key      BLOB NOT NULL CHECK (length(public_key) = 32),
    relation        TEXT NOT NULL CHECK (relation IN ('parent', 'child')),
    acked           INTEGER NOT NULL DEFAULT 0,  -- highest of our packets it has applied
    added_at        TEXT NOT NULL,
    key_replaced_at TEXT,
    removed_at      TEXT
) STRICT;
CREATE INDEX peer_unit_idx ON peer (unit_code);

-- Packets applied here, one row per (origin, seq), written in the same
-- transaction as what the packet changed: the same packet twice changes nothing.
CREATE TABLE packet_in (
    origin     TEXT NOT NULL REFERENCES peer (id),
    seq        INTEGER NOT NULL CHECK (seq > 0),
    hash       TEXT NOT NULL,                    -- SHA-256 of the whole file, hex
    applied_at TEXT NOT NULL,
    file_name  TEXT NOT NULL,
    events     INTEGER NOT NULL,
    PRIMARY KEY (origin, seq)
) STRICT, WITHOUT ROWID;

-- Packets written here, kept until the recipient acknowledges them (and
-- after): a lost stick loses nothing, the next send writes them again.
CREATE TABLE packet_out (
    recipient  TEXT NOT NULL REFERENCES peer (id),
    seq        INTEGER NOT NULL CHECK (seq > 0),
    hash       TEXT NOT NULL,
    written_at TEXT NOT NULL,
    cursor     INTEGER NOT NULL,                 -- highest audit_log id covered
    bytes      BLOB NOT NULL,
    PRIMARY KEY (recipient, seq)
) STRICT, WITHOUT ROWID;

-- Packets that arrived before their predecessor: kept aside, applied when
-- the gap is filled.
CREATE TABLE packet_wait (
    origin      TEXT NOT NULL REFERENCES peer (id),
    seq         INTEGER NOT NULL CHECK (seq > 0),
    hash        TEXT NOT NULL,
    received_at TEXT NOT NULL,
    file_name   TEXT NOT NULL,
    bytes       BLOB NOT NULL,
    PRIMARY KEY (origin, seq)
) STRICT, WITHOUT ROWID;

-- The inbox: batches a parent office handed to our unit or to units under
-- it, keyed by the parent's uids. Its receipts are confirmed here and the
-- confirmation goes up in the next packet.
CREATE TABLE inbox_batch (
    uid         TEXT PRIMARY KEY,
    origin      TEXT NOT NULL REFERENCES peer (id),
    code        TEXT NOT NULL,
    title       TEXT NOT NULL,
    handed_on   TEXT NOT NULL,
    due_on      TEXT NOT NULL,
    method      TEXT NOT NULL,
    from_name   TEXT NOT NULL,
    cancelled   INTEGER NOT NULL DEFAULT 0 CHECK (cancelled IN (0, 1)),
    received_at TEXT NOT NULL
) STRICT;
CREATE INDEX inbox_batch_origin_idx ON inbox_batch (origin);

CREATE TABLE inbox_receipt (
    uid            TEXT PRIMARY KEY,              -- the parent's receipt uid
    batch_uid      TEXT NOT NULL REFERENCES inbox_batch (uid),
    code           TEXT NOT NULL UNIQUE,          -- the parent's receipt code
    unit_code      TEXT NOT NULL,
    own            INTEGER NOT NULL CHECK (own IN (0, 1)),  -- addressed to our own unit
    must_confirm   INTEGER NOT NULL CHECK (must_confirm IN (0, 1)),
    status         TEXT NOT NULL DEFAULT 'pending'
                   CHECK (status IN ('pending', 'confirmed', 'partial', 'declined')),
    set_here       INTEGER NOT NULL DEFAULT 0 CHECK (set_here IN (0, 1)),
    signed_by      TEXT,
    signed_on      TEXT,
    entered_at     TEXT,
    confirm_method TEXT,
    on_behalf      INTEGER NOT NULL DEFAULT 0 CHECK (on_behalf IN (0, 1)),
    note           TEXT,
    recorded_by    TEXT,
    CHECK (status = 'pending' OR signed_by IS NOT NULL)
) STRICT;
CREATE INDEX inbox_receipt_batch_idx ON inbox_receipt (batch_uid);

CREATE TABLE inbox_line (
    receipt_uid TEXT NOT NULL REFERENCES inbox_receipt (uid),
    document_id INTEGER NOT NULL REFERENCES document (id),
    quantity    INTEGER NOT NULL CHECK (quantity > 0),
    received    INTEGER CHECK (received >= 0),
    PRIMARY KEY (receipt_uid, document_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX inbox_line_document_idx ON inbox_line (document_id);

-- Receipts of a child office's own batches, as its latest report says
-- (replaced per site and batch): the consolidated outstanding list.
CREATE TABLE remote_receipt (
    site         TEXT NOT NULL REFERENCES peer (id),
    uid          TEXT NOT NULL,
    code         TEXT NOT NULL,                 -- its receipt code at that office
    batch_uid    TEXT NOT NULL,
    batch_code   TEXT NOT NULL,
    batch_title  TEXT NOT NULL,
    handed_on    TEXT NOT NULL,
    due_on       TEXT NOT NULL,
    unit_code    TEXT NOT NULL,
    unit_name    TEXT NOT NULL,
    group_code   TEXT,
    group_name   TEXT,
    must_confirm INTEGER NOT NULL CHECK (must_confirm IN (0, 1)),
    status       TEXT NOT NULL CHECK (status IN ('pending', 'confirmed', 'partial', 'declined')),
    signed_by    TEXT,
    signed_on    TEXT,
    copies       INTEGER NOT NULL,
    PRIMARY KEY (site, uid)
) STRICT, WITHOUT ROWID;
CREATE INDEX remote_receipt_batch_idx ON remote_receipt (site, batch_uid);

-- A receipt's last confirmation or undo, found without reading the whole
-- log: a packet may change a receipt only when a packet set it last.
CREATE INDEX audit_log_receipt_idx ON audit_log (entity_uid, id)
    WHERE action IN ('receipt.confirm', 'receipt.undo');
"#,
    r#"
-- A batch's counts kept in its row, written with its receipts and by every
-- confirmation and undo, so that a confirmation does not recount the
-- batch's receipts: all receipts, those "for information", and the
-- must-confirm ones still open (pending, partial or declined). Filled here
-- from the partial indexes for existing registers; `verify` checks them
-- against a recount.
ALTER TABLE batch ADD COLUMN receipts_total INTEGER NOT NULL DEFAULT 0 CHECK (receipts_total >= 0);
ALTER TABLE batch ADD COLUMN receipts_info INTEGER NOT NULL DEFAULT 0 CHECK (receipts_info >= 0);
ALTER TABLE batch ADD COLUMN receipts_open INTEGER NOT NULL DEFAULT 0 CHECK (receipts_open >= 0);
UPDATE batch SET
    receipts_total = (SELECT count(*) FROM receipt r WHERE r.batch_id = batch.id),
    receipts_info = (SELECT count(*) FROM receipt r WHERE r.batch_id = batch.id AND r.must_confirm = 0),
    receipts_open = (SELECT count(*) FROM receipt r
                     WHERE r.batch_id = batch.id AND r.status <> 'confirmed' AND r.must_confirm = 1);
"#,
    r#"
-- The open receipts read from their partial index alone: the outstanding
-- list of a day from today on, the units' flags and the batches' counts find
-- status, copies and code in the index instead of one table page per open
-- receipt (21,000 random pages of a province's 4 GB file). Still a few
-- hundred kilobytes: only open receipts are in it.
DROP INDEX receipt_open_idx;
CREATE INDEX receipt_open_idx ON receipt (batch_id, unit_id, status, copies, code, must_confirm)
    WHERE status <> 'confirmed' AND must_confirm = 1;
"#,
    r#"
-- A counter that every change to the units or their versions moves, kept by
-- triggers so that a change made by any connection (this window, a command
-- line beside it, an upgrade) moves it: a store keeps the day's tree and
-- builds it again only when the counter has moved.
CREATE TABLE unit_epoch (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n  INTEGER NOT NULL
) STRICT;
INSERT INTO unit_epoch (id, n) VALUES (1, 0);
CREATE TRIGGER unit_epoch_unit_insert AFTER INSERT ON unit BEGIN UPDATE unit_epoch SET n = n + 1; END;
CREATE TRIGGER unit_epoch_unit_update AFTER UPDATE ON unit BEGIN UPDATE unit_epoch SET n = n + 1; END;
CREATE TRIGGER unit_epoch_unit_delete AFTER DELETE ON unit BEGIN UPDATE unit_epoch SET n = n + 1; END;
CREATE TRIGGER unit_epoch_version_insert AFTER INSERT ON unit_version BEGIN UPDATE unit_epoch SET n = n + 1; END;
CREATE TRIGGER unit_epoch_version_update AFTER UPDATE ON unit_version BEGIN UPDATE unit_epoch SET n = n + 1; END;
CREATE TRIGGER unit_epoch_version_delete AFTER DELETE ON unit_version BEGIN UPDATE unit_epoch SET n = n + 1; END;
"#,
    r#"
-- Classified documents by numbered copy (bản số). A destruction record
-- (biên bản tiêu hủy): the decision it follows, the board (JSON list of
-- name and position), the day, place and method; its copies point to it.
CREATE TABLE destruction (
    id          INTEGER PRIMARY KEY,
    uid         TEXT NOT NULL UNIQUE,
    document_id INTEGER NOT NULL REFERENCES document (id),
    decision    TEXT NOT NULL CHECK (decision <> ''),
    done_on     TEXT NOT NULL,
    place       TEXT,
    method      TEXT NOT NULL CHECK (method <> ''),
    members     TEXT NOT NULL,
    created_at  TEXT NOT NULL
) STRICT;
CREATE INDEX destruction_document_idx ON destruction (document_id);

-- Every numbered copy and its one state now: in the office (never handed
-- out), out with a receipt (batch × unit), returned (back in the office),
-- destroyed (for good). `receipt_id` stays on the last receipt after a
-- return; `since` is the day of the last change.
CREATE TABLE doc_copy (
    document_id    INTEGER NOT NULL REFERENCES document (id),
    number         INTEGER NOT NULL CHECK (number > 0),
    state          TEXT NOT NULL DEFAULT 'in_office'
                   CHECK (state IN ('in_office', 'out', 'returned', 'destroyed')),
    receipt_id     INTEGER REFERENCES receipt (id),
    since          TEXT NOT NULL,
    destruction_id INTEGER REFERENCES destruction (id),
    PRIMARY KEY (document_id, number),
    CHECK (state <> 'out' OR receipt_id IS NOT NULL),
    CHECK ((state = 'destroyed') = (destruction_id IS NOT NULL))
) STRICT, WITHOUT ROWID;
CREATE INDEX doc_copy_receipt_idx ON doc_copy (receipt_id);
CREATE INDEX doc_copy_destruction_idx ON doc_copy (destruction_id);

-- The copies handed with each receipt (kept after they come back), and
-- whether each arrived (NULL until the receipt is confirmed).
CREATE TABLE receipt_copy (
    receipt_id  INTEGER NOT NULL REFERENCES receipt (id),
    document_id INTEGER NOT NULL,
    number      INTEGER NOT NULL,
    arrived     INTEGER CHECK (arrived IN (0, 1)),
    PRIMARY KEY (receipt_id, document_id, number),
    FOREIGN KEY (document_id, number) REFERENCES doc_copy (document_id, number)
) STRICT, WITHOUT ROWID;
CREATE INDEX receipt_copy_copy_idx ON receipt_copy (document_id, number);

-- A recall (thu hồi) of a document's copies out (or of those of one
-- batch) by a due date.
CREATE TABLE recall (
    id          INTEGER PRIMARY KEY,
    uid         TEXT NOT NULL UNIQUE,
    code        TEXT NOT NULL UNIQUE CHECK (code <> ''),
    document_id INTEGER NOT NULL REFERENCES document (id),
    batch_id    INTEGER REFERENCES batch (id),
    made_on     TEXT NOT NULL,
    due_on      TEXT NOT NULL,
    reason      TEXT NOT NULL CHECK (reason <> ''),
    created_at  TEXT NOT NULL,
    CHECK (due_on >= made_on)
) STRICT;
CREATE INDEX recall_document_idx ON recall (document_id);
CREATE INDEX recall_batch_idx ON recall (batch_id);

-- The copies a recall asks back, with the receipt (and so the unit) that
-- held each when it was made, and when and from whom each came back.
CREATE TABLE recall_copy (
    recall_id   INTEGER NOT NULL REFERENCES recall (id),
    number      INTEGER NOT NULL,
    receipt_id  INTEGER NOT NULL REFERENCES receipt (id),
    returned_on TEXT,
    returned_by TEXT,
    PRIMARY KEY (recall_id, number)
) STRICT, WITHOUT ROWID;
CREATE INDEX recall_copy_receipt_idx ON recall_copy (receipt_id);
"#,
    r#"
-- Study follow-through (học tập, quán triệt): a campaign names the
-- documents studied, the period, optionally the batch that carried them,
-- and the units that must report, fixed when it is made.
CREATE TABLE study_campaign (
    id         INTEGER PRIMARY KEY,
    uid        TEXT NOT NULL UNIQUE,
    code       TEXT NOT NULL UNIQUE CHECK (code <> ''),
    title      TEXT NOT NULL CHECK (title <> ''),
    batch_id   INTEGER REFERENCES batch (id),
    from_on    TEXT NOT NULL,
    to_on      TEXT NOT NULL,
    created_at TEXT NOT NULL,
    CHECK (to_on >= from_on)
) STRICT;
CREATE INDEX study_campaign_batch_idx ON study_campaign (batch_id);

CREATE TABLE study_document (
    campaign_id INTEGER NOT NULL REFERENCES study_campaign (id),
    document_id INTEGER NOT NULL REFERENCES document (id),
    PRIMARY KEY (campaign_id, document_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX study_document_document_idx ON study_document (document_id);

CREATE TABLE study_unit (
    campaign_id INTEGER NOT NULL REFERENCES study_campaign (id),
    unit_id     INTEGER NOT NULL REFERENCES unit (id),
    PRIMARY KEY (campaign_id, unit_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX study_unit_unit_idx ON study_unit (unit_id);

-- One report per campaign and unit; a later report replaces it (the log
-- keeps the figures it replaced). Members who took part = attended + made up.
CREATE TABLE study_report (
    campaign_id    INTEGER NOT NULL,
    unit_id        INTEGER NOT NULL,
    uid            TEXT NOT NULL UNIQUE,
    sessions       INTEGER NOT NULL CHECK (sessions >= 0),
    held_on        TEXT,
    members        INTEGER NOT NULL CHECK (members >= 0),
    attended       INTEGER NOT NULL CHECK (attended >= 0),
    made_up        INTEGER NOT NULL DEFAULT 0 CHECK (made_up >= 0),
    absent_excused INTEGER NOT NULL DEFAULT 0 CHECK (absent_excused >= 0),
    absent_reason  TEXT,
    masses         INTEGER NOT NULL DEFAULT 0 CHECK (masses >= 0),
    programme      TEXT,
    recorded_by    TEXT NOT NULL,
    entered_at     TEXT NOT NULL,
    PRIMARY KEY (campaign_id, unit_id),
    FOREIGN KEY (campaign_id, unit_id) REFERENCES study_unit (campaign_id, unit_id),
    CHECK (attended + made_up <= members),
    CHECK (attended + absent_excused <= members)
) STRICT, WITHOUT ROWID;
CREATE INDEX study_report_unit_idx ON study_report (unit_id);
"#,
    // From step 12 on, each step is a file of its own.
    include_str!("steps/12.sql"),
    include_str!("steps/13.sql"),
    include_str!("steps/14.sql"),
    include_str!("steps/15.sql"),
    include_str!("steps/16.sql"),
    include_str!("steps/17.sql"),
];

/// The version a fresh file gets.
pub const SCHEMA_VERSION: i64 = STEPS.len() as i64;

/// Runs every step after `from`, inside the caller's transaction.
pub(super) fn upgrade(tx: &Transaction<'_>, from: i64) -> Result<()> {
    let from = usize::try_from(from).unwrap_or(0);
    for step in STEPS.iter().skip(from) {
        tx.execute_batch(step)?;
    }
    tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use sha2::{Digest, Sha256};

    use super::*;

    /// Hashes of shipped steps. Append a line for a new step; never change one.
    const SHIPPED: &[&str] = &[
        "34bbd23aa6d6ce95",
        "e68d43a335352dfa",
        "fbcc439520e9f3d0",
        "f1e705d81410b7aa",
        "41ad786527287df2",
        "81fffc6d91247704",
        "324bd505c0ab08de",
        "a46936f042699178",
        "f7ab60eb6bec09b1",
        "5f1901a8a99f5a45",
        "107eab8d5b2a9fa9",
        "4285f32f8f6109cc",
        "9fe9ceccdd941e74",
        "86478f587843b028",
        "57bbf00294bb6961",
        "cb7339618d6a7270",
        "3919e48c08ef0c0f",
    ];

    /// The schema of a database as SQLite reports it, for comparison.
    fn schema_of(conn: &rusqlite::Connection) -> Vec<(String, String)> {
        let mut stmt = conn
            .prepare("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY type, name")
            .expect("prepare");
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).expect("query");
        rows.collect::<rusqlite::Result<_>>().expect("rows")
    }

    /// Opens (and so upgrades) the old file `old` and checks that its
    /// schema is a fresh file's.
    fn upgrade_alike(old: &std::path::Path) -> crate::db::Store {
        let upgraded = crate::db::Store::open(old).expect("upgrade");
        let fresh_path = old.with_extension("fresh.sqlite3");
        let fresh = crate::db::Store::open(&fresh_path).expect("fresh");
        assert_eq!(schema_of(upgraded.connection()), schema_of(fresh.connection()));
        upgraded
    }

    /// The number `sql` gives (one row, one column).
    fn number(conn: &rusqlite::Connection, sql: &str) -> i64 {
        conn.query_row(sql, [], |r| r.get(0))
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
    }

    /// The first column of each row of `sql`, as text.
    fn texts(conn: &rusqlite::Connection, sql: &str) -> Vec<String> {
        conn.prepare(sql)
            .expect("prepare")
            .query_map([], |r| r.get(0))
            .expect("query")
            .collect::<rusqlite::Result<_>>()
            .expect("rows")
    }

    #[test]
    fn an_old_file_upgrades_to_the_fresh_schema_and_keeps_its_data() {
        let dir = tempfile::tempdir().expect("temp dir");
        let old = dir.path().join("v1.sqlite3");
        {
            // A file as version 1 left it, with a unit in it.
            let mut conn = rusqlite::Connection::open(&old).expect("create");
            let tx = conn.transaction().expect("tx");
            tx.execute_batch(STEPS[0]).expect("step 1");
            tx.pragma_update(None, "user_version", 1).expect("version");
            tx.execute(
                "INSERT INTO unit (uid, code, created_at) VALUES ('u1', 'CB1', '2025-01-01T00:00:00.000Z')",
                [],
            )
            .expect("unit");
            tx.commit().expect("commit");
        }
        let upgraded = upgrade_alike(&old);
        let version = number(upgraded.connection(), "PRAGMA user_version");
        assert_eq!(version, SCHEMA_VERSION);
        let code: String = upgraded
            .connection()
            .query_row("SELECT code FROM unit", [], |r| r.get(0))
            .expect("kept");
        assert_eq!(code, "CB1");
    }

    /// A register made at step 6 gets its batches' counts from a recount of
    /// their receipts: all, "for information", must-confirm still open.
    #[test]
    fn step_7_fills_the_batch_counts_of_an_existing_register() {
        let dir = tempfile::tempdir().expect("temp dir");
        let old = dir.path().join("v6.sqlite3");
        {
            let mut conn = rusqlite::Connection::open(&old).expect("create");
            let tx = conn.transaction().expect("tx");
            for step in &STEPS[..6] {
                tx.execute_batch(step).expect("step");
            }
            tx.pragma_update(None, "user_version", 6).expect("version");
            tx.execute_batch(
                "INSERT INTO unit (id, uid, code, created_at) VALUES
                     (1, 'u1', 'X1', '2025-01-01T00:00:00.000Z'), (2, 'u2', 'X2', '2025-01-01T00:00:00.000Z'),
                     (3, 'u3', 'X3', '2025-01-01T00:00:00.000Z'), (4, 'u4', 'X4', '2025-01-01T00:00:00.000Z'),
                     (5, 'u5', 'X5', '2025-01-01T00:00:00.000Z');
                 INSERT INTO batch (id, uid, code, title, handed_on, due_on, recorded_by, created_at) VALUES
                     (1, 'b1', 'B1', 'Một', '2025-02-01', '2025-02-15', 'x', '2025-02-01T00:00:00.000Z'),
                     (2, 'b2', 'B2', 'Hai', '2025-03-01', '2025-03-15', 'x', '2025-03-01T00:00:00.000Z'),
                     (3, 'b3', 'B3', 'Ba', '2025-04-01', '2025-04-15', 'x', '2025-04-01T00:00:00.000Z');
                 INSERT INTO receipt (uid, batch_id, unit_id, code, must_confirm, copies, status, signed_by) VALUES
                     ('r1', 1, 1, 'C1', 1, 1, 'confirmed', 'A'), ('r2', 1, 2, 'C2', 1, 1, 'partial', 'A'),
                     ('r3', 1, 3, 'C3', 1, 1, 'declined', 'A'), ('r4', 1, 4, 'C4', 1, 1, 'pending', NULL),
                     ('r5', 1, 5, 'C5', 0, 1, 'pending', NULL),
                     ('r6', 2, 1, 'C6', 0, 1, 'confirmed', 'A'), ('r7', 2, 2, 'C7', 1, 1, 'confirmed', 'A');",
            )
            .expect("rows");
            tx.commit().expect("commit");
        }
        let upgraded = upgrade_alike(&old);
        let mut stmt = upgraded
            .connection()
            .prepare("SELECT code, receipts_total, receipts_info, receipts_open FROM batch ORDER BY id")
            .expect("prepare");
        let counts: Vec<(String, i64, i64, i64)> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .expect("query")
            .collect::<rusqlite::Result<_>>()
            .expect("rows");
        assert_eq!(
            counts,
            vec![
                ("B1".to_owned(), 5, 1, 3),
                ("B2".to_owned(), 2, 1, 0),
                ("B3".to_owned(), 0, 0, 0)
            ]
        );
    }

    /// A register made at step 12 keeps its chain through step 13: hashes
    /// and uids become bytes, `prev_hash` goes, `verify` still checks every
    /// row written before; a value not in the app's form stays as found and
    /// `verify` names its row.
    #[test]
    fn step_13_keeps_the_audit_chain_of_an_existing_register() {
        use crate::db::audit::{Entry, GENESIS};
        let dir = tempfile::tempdir().expect("temp dir");
        let make = |name: &str, spoil: bool| {
            let path = dir.path().join(name);
            let mut conn = rusqlite::Connection::open(&path).expect("create");
            let tx = conn.transaction().expect("tx");
            for step in &STEPS[..12] {
                tx.execute_batch(step).expect("step");
            }
            tx.pragma_update(None, "user_version", 12).expect("version");
            let mut prev = GENESIS.to_owned();
            // Enough rows that the old log's pages are most of the file.
            let mut uids = vec![
                uuid::Uuid::now_v7().to_string(),
                "dòng-cũ".to_owned(),
                uuid::Uuid::now_v7().to_string(),
            ];
            uids.extend((0..300).map(|_| uuid::Uuid::now_v7().to_string()));
            for (i, uid) in uids.iter().enumerate() {
                let detail = format!("{{\"n\":{i},\"text\":\"{}\"}}", "chữ ".repeat(100));
                let entry = Entry {
                    uid,
                    at: "2025-01-01T00:00:00.000Z",
                    actor: "văn thư",
                    method: "cli",
                    action: "setting.letterhead",
                    entity_uid: None,
                    detail: &detail,
                };
                let hash = entry.hash(&prev);
                let stored = if spoil && i == 1 {
                    "sửa tay".to_owned()
                } else {
                    hash.clone()
                };
                tx.execute(
                    "INSERT INTO audit_log (uid, at, actor, method, action, entity_uid, detail, prev_hash, hash)
                     VALUES (?1, ?2, ?3, ?4, ?5, NULL, ?6, ?7, ?8)",
                    rusqlite::params![
                        uid,
                        entry.at,
                        entry.actor,
                        entry.method,
                        entry.action,
                        detail,
                        prev,
                        stored
                    ],
                )
                .expect("row");
                prev = hash;
            }
            tx.commit().expect("commit");
            (path, prev)
        };

        let (old, head) = make("v12.sqlite3", false);
        let upgraded = upgrade_alike(&old);
        assert_eq!(upgraded.verify().expect("the chain still checks"), 303);
        assert_eq!(upgraded.log_head().expect("head").map(|h| h.hash), Some(head));
        let free = number(upgraded.connection(), "PRAGMA freelist_count");
        assert_eq!(free, 0, "the old log's pages are given back");
        let kept = texts(
            upgraded.connection(),
            "SELECT typeof(uid) || length(uid) || ' ' || typeof(hash) FROM audit_log WHERE id <= 3 ORDER BY id",
        );
        assert_eq!(kept, ["blob16 blob", "text7 blob", "blob16 blob"]);
        let columns = number(
            upgraded.connection(),
            "SELECT count(*) FROM pragma_table_info('audit_log') WHERE name = 'prev_hash'",
        );
        assert_eq!(columns, 0);

        let (spoilt, _) = make("spoilt.sqlite3", true);
        let upgraded = crate::db::Store::open(&spoilt).expect("upgrade");
        let v = upgraded.verify_log(None).expect("verify runs");
        assert_eq!(v.problem.map(|p| p.row), Some(Some(2)), "the row edited by hand");
    }

    /// A register made at step 13 keeps its chain through step 14: times
    /// become milliseconds and the uids of what rows are about 16 bytes;
    /// a time or uid not in the app's form stays as found, and the rows
    /// still check; a row edited by hand is still named.
    #[test]
    fn step_14_keeps_the_audit_chain_of_an_existing_register() {
        use crate::db::audit::{Entry, GENESIS};
        let dir = tempfile::tempdir().expect("temp dir");
        let receipt = uuid::Uuid::now_v7().to_string();
        let rows = [
            ("2025-01-01T00:00:00.123Z", Some(receipt.as_str())),
            ("2025-01-01T07:00:00+07:00", Some("máy-cũ")),
            ("2025-01-02T00:00:00Z", None),
            ("1999-12-31T23:59:59.999Z", Some(receipt.as_str())),
        ];
        let make = |name: &str, spoil: bool| {
            let path = dir.path().join(name);
            let mut conn = rusqlite::Connection::open(&path).expect("create");
            let tx = conn.transaction().expect("tx");
            for step in &STEPS[..13] {
                tx.execute_batch(step).expect("step");
            }
            tx.pragma_update(None, "user_version", 13).expect("version");
            let mut prev = GENESIS.to_owned();
            for (i, (at, entity)) in rows.iter().enumerate() {
                let uid = uuid::Uuid::now_v7();
                let uid_text = uid.to_string();
                let detail = format!("{{\"n\":{i}}}");
                let entry = Entry {
                    uid: &uid_text,
                    at,
                    actor: "văn thư",
                    method: "cli",
                    action: "setting.letterhead",
                    entity_uid: *entity,
                    detail: &detail,
                };
                let hash = entry.hash(&prev);
                let stored_at = if spoil && i == 2 { "2025-01-03T00:00:00Z" } else { at };
                tx.execute(
                    "INSERT INTO audit_log (uid, at, actor, method, action, entity_uid, detail, hash)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, unhex(?8))",
                    rusqlite::params![
                        &uid.as_bytes()[..],
                        stored_at,
                        entry.actor,
                        entry.method,
                        entry.action,
                        entity,
                        detail,
                        hash
                    ],
                )
                .expect("row");
                prev = hash;
            }
            tx.commit().expect("commit");
            (path, prev)
        };

        let (old, head) = make("v13.sqlite3", false);
        let upgraded = upgrade_alike(&old);
        assert_eq!(
            upgraded.verify_log(None).expect("verify").problem.map(|p| p.message),
            None
        );
        assert_eq!(upgraded.log_head().expect("head").map(|h| h.hash), Some(head));
        let kept = texts(
            upgraded.connection(),
            "SELECT typeof(at) || ' ' || coalesce(typeof(entity_uid) || length(entity_uid), '') FROM audit_log ORDER BY id",
        );
        assert_eq!(kept, ["integer blob16", "text text6", "text ", "integer blob16"]);
        let indexes = number(
            upgraded.connection(),
            "SELECT count(*) FROM pragma_index_list('audit_log') WHERE origin = 'u'",
        );
        assert_eq!(indexes, 0, "no index on the log's own uid");
        let last: Option<i64> = upgraded
            .connection()
            .query_row(
                "SELECT max(id) FROM audit_log WHERE entity_uid = ?1",
                [crate::db::uid::uid_value(&receipt)],
                |r| r.get(0),
            )
            .expect("lookup");
        assert_eq!(last, Some(4), "rows are found by the uid of what they are about");

        let (spoilt, _) = make("spoilt.sqlite3", true);
        let upgraded = crate::db::Store::open(&spoilt).expect("upgrade");
        let v = upgraded.verify_log(None).expect("verify runs");
        assert_eq!(v.problem.map(|p| p.row), Some(Some(3)), "the row edited by hand");
    }

    /// A register made at step 13 keeps its receipts through step 14: a
    /// receipt's uid becomes 16 bytes (one not in the app's form stays as
    /// found), its id, lines and indexes stay, nothing points nowhere, and
    /// the receipt is found by its uid as before.
    #[test]
    fn step_14_keeps_the_receipts_and_what_points_to_them() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("v13.sqlite3");
        let receipt = uuid::Uuid::now_v7().to_string();
        {
            let mut conn = rusqlite::Connection::open(&path).expect("create");
            let tx = conn.transaction().expect("tx");
            for step in &STEPS[..13] {
                tx.execute_batch(step).expect("step");
            }
            tx.pragma_update(None, "user_version", 13).expect("version");
            tx.execute_batch(&format!(
                "INSERT INTO unit (id, uid, code, created_at) VALUES (1, 'u1', 'X1', '2025-01-01'), (2, 'u2', 'X2', '2025-01-01');
                 INSERT INTO document (id, uid, symbol, title, search_key, created_at)
                     VALUES (1, 'd1', '05-KH/HU', 'Kế hoạch', 'ke hoach', '2025-01-01');
                 INSERT INTO batch (id, uid, code, title, handed_on, due_on, recorded_by, created_at, receipts_total, receipts_open)
                     VALUES (1, 'b1', 'B1', 'Đợt 1', '2025-01-01', '2025-01-08', 'văn thư', '2025-01-01', 2, 1);
                 INSERT INTO batch_document (batch_id, document_id, copies) VALUES (1, 1, 3);
                 INSERT INTO receipt (id, uid, batch_id, unit_id, code, copies, status, signed_by)
                     VALUES (7, '{receipt}', 1, 1, 'AAAA1111', 1, 'pending', NULL),
                            (9, 'phiếu-cũ', 1, 2, 'BBBB2222', 2, 'confirmed', 'Lê A');
                 INSERT INTO receipt_line (receipt_id, document_id, quantity) VALUES (7, 1, 1), (9, 1, 2);"
            ))
            .expect("rows");
            tx.commit().expect("commit");
        }
        let upgraded = upgrade_alike(&path);
        let conn = upgraded.connection();
        let kept = texts(
            conn,
            "SELECT id || ' ' || typeof(uid) || length(uid) || ' ' || code FROM receipt ORDER BY id",
        );
        assert_eq!(kept, ["7 blob16 AAAA1111", "9 text8 BBBB2222"]);
        let dangling = number(conn, "SELECT count(*) FROM pragma_foreign_key_check");
        assert_eq!(dangling, 0);
        let on: bool = conn.query_row("PRAGMA foreign_keys", [], |r| r.get(0)).expect("pragma");
        assert!(on, "foreign keys are on again after the upgrade");
        let temp = number(conn, "PRAGMA temp_store");
        assert_eq!(temp, 2, "temporary tables in memory again after the upgrade");
        let lines = number(
            conn,
            "SELECT count(*) FROM receipt_line l JOIN receipt r ON r.id = l.receipt_id",
        );
        assert_eq!(lines, 2);
        for uid in [receipt.as_str(), "phiếu-cũ"] {
            let batch = upgraded.read(|dao| dao.batch_uid_of_receipt(uid)).expect("lookup");
            assert_eq!(batch.as_deref(), Some("b1"), "{uid}");
        }
        let dup = conn.execute(
            "INSERT INTO receipt (uid, batch_id, unit_id, code, copies) VALUES (?1, 1, 2, 'CCCC3333', 1)",
            [crate::db::uid::uid_value(&receipt)],
        );
        assert!(dup.is_err(), "a receipt's uid is still unique");
    }

    /// A register made at step 15 keeps, in each receipt, whether its last
    /// confirmation or undo came in a packet, read from the log once; the
    /// log's index over every confirmation is gone.
    #[test]
    fn step_16_marks_the_receipts_a_packet_set_last() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("v15.sqlite3");
        // Receipt → (method, action) of its events, oldest first.
        let events: [&[(&str, &str)]; 5] = [
            &[("packet", "receipt.confirm")],
            &[("packet", "receipt.confirm"), ("cli", "receipt.undo")],
            &[("app", "receipt.confirm"), ("packet", "receipt.undo")],
            &[],
            &[("app", "receipt.confirm"), ("packet", "exchange.ignored")],
        ];
        {
            let mut conn = rusqlite::Connection::open(&path).expect("create");
            let tx = conn.transaction().expect("tx");
            for step in &STEPS[..15] {
                tx.execute_batch(step).expect("step");
            }
            tx.pragma_update(None, "user_version", 15).expect("version");
            tx.execute_batch(
                "INSERT INTO unit (uid, code, created_at) SELECT 'u' || value, 'X' || value, '2025-01-01' FROM json_each('[1, 2, 3, 4, 5]');
                 INSERT INTO batch (id, uid, code, title, handed_on, due_on, recorded_by, created_at, receipts_total, receipts_open)
                     VALUES (1, 'b1', 'B1', 'Đợt 1', '2025-01-01', '2025-01-08', 'văn thư', '2025-01-01', 5, 5);",
            )
            .expect("rows");
            for (i, receipt) in events.iter().enumerate() {
                let uid = crate::db::uid::uid_value(&uuid::Uuid::now_v7().to_string());
                tx.execute(
                    "INSERT INTO receipt (id, uid, batch_id, unit_id, code, copies) VALUES (?1, ?2, 1, ?1, ?3, 1)",
                    rusqlite::params![i as i64 + 1, uid, format!("AAAA000{i}")],
                )
                .expect("receipt");
                for (method, action) in receipt.iter() {
                    tx.execute(
                        "INSERT INTO audit_log (uid, at, actor, method, action, entity_uid, detail, hash)
                         VALUES (randomblob(16), 0, 'văn thư', ?1, ?2, ?3, '{}', randomblob(32))",
                        rusqlite::params![method, action, uid],
                    )
                    .expect("log row");
                }
            }
            tx.commit().expect("commit");
        }
        let upgraded = upgrade_alike(&path);
        let conn = upgraded.connection();
        let set = texts(conn, "SELECT id || ' ' || set_by_packet FROM receipt ORDER BY id");
        assert_eq!(set, ["1 1", "2 0", "3 1", "4 0", "5 0"]);
        let index = number(
            conn,
            "SELECT count(*) FROM sqlite_master WHERE name = 'audit_log_receipt_idx'",
        );
        assert_eq!(index, 0);
    }

    /// A register made at step 16 reads the same after step 17: its
    /// receipts' state, method, day and time now numbers (a value not in
    /// the app's form kept as found), its log's two frequent actions
    /// numbers and its plain confirmations in short, every row's hash and
    /// the head unchanged.
    #[test]
    fn step_17_keeps_what_the_receipts_and_the_log_read() {
        use crate::db::audit::{Entry, GENESIS};
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("v16.sqlite3");
        let receipt = uuid::Uuid::now_v7().to_string();
        let read = "SELECT code || ' ' || status || ' ' || coalesce(signed_on, '-') || ' ' || coalesce(entered_at, '-')
                           || ' ' || coalesce(confirm_method, '-')
                    FROM receipt ORDER BY id";
        let (before, head) = {
            let mut conn = rusqlite::Connection::open(&path).expect("create");
            let tx = conn.transaction().expect("tx");
            for step in &STEPS[..16] {
                tx.execute_batch(step).expect("step");
            }
            tx.pragma_update(None, "user_version", 16).expect("version");
            tx.execute_batch(&format!(
                "INSERT INTO unit (id, uid, code, created_at)
                     SELECT value, 'u' || value, 'X' || value, '2025-01-01' FROM json_each('[1, 2, 3, 4]');
                 INSERT INTO batch (id, uid, code, title, handed_on, due_on, recorded_by, created_at, receipts_total, receipts_open)
                     VALUES (1, 'b1', 'B1', 'Đợt 1', '2025-01-01', '2025-01-08', 'văn thư', '2025-01-01', 4, 3);
                 INSERT INTO receipt (id, uid, batch_id, unit_id, code, copies, status, signed_by, signed_on, entered_at,
                                      confirm_method)
                     VALUES (1, '{receipt}', 1, 1, 'AAAA1111', 1, 'confirmed', 'Lê A', '2025-01-03',
                             '2025-01-03T02:04:05.678Z', 'in_person'),
                            (2, 'r2', 1, 2, 'BBBB2222', 1, 'partial', 'Lê B', '1969-12-31',
                             '2025-01-03T09:04:05+07:00', 'slip'),
                            (3, 'r3', 1, 3, 'CCCC3333', 1, 'declined', 'Lê C', '3/1/2025', '2025-01-04T00:00:00.000Z', 'cli'),
                            (4, 'r4', 1, 4, 'DDDD4444', 1, 'pending', NULL, NULL, NULL, NULL);"
            ))
            .expect("rows");
            let mut prev = GENESIS.to_owned();
            let plain = r#"{"by":"Lê A","on":"2025-01-03","method":"in_person","received":[]}"#;
            for (action, entity, detail) in [
                ("receipt.confirm", Some(receipt.as_str()), plain),
                ("receipt.undo", Some(receipt.as_str()), plain),
                ("setting.letterhead", None, plain),
                ("receipt.confirm", Some(receipt.as_str()), plain),
                (
                    "receipt.confirm",
                    Some("r2"),
                    r#"{"by":"Lê B","on":"1969-12-31","method":"remote","on_behalf":true,"received":[]}"#,
                ),
                (
                    "receipt.confirm",
                    Some("r3"),
                    r#"{"by":"Lê \"C\"","on":"2025-01-04","method":"cli","received":[]}"#,
                ),
                (
                    "receipt.confirm",
                    Some("r3"),
                    r#"{"by":"Lê C","on":"2025-02-30","method":"cli","received":[]}"#,
                ),
                ("receipt.confirm", Some("r3"), "không phải JSON"),
            ] {
                let uid = uuid::Uuid::now_v7();
                let uid_text = uid.to_string();
                let entry = Entry {
                    uid: &uid_text,
                    at: "2025-01-03T02:04:05.678Z",
                    actor: "văn thư",
                    method: "cli",
                    action,
                    entity_uid: entity,
                    detail,
                };
                let hash = entry.hash(&prev);
                tx.execute(
                    "INSERT INTO audit_log (uid, at, actor, method, action, entity_uid, detail, hash)
                     VALUES (?1, 1735869845678, ?2, ?3, ?4, ?5, ?6, unhex(?7))",
                    rusqlite::params![
                        &uid.as_bytes()[..],
                        entry.actor,
                        entry.method,
                        action,
                        entity.map(crate::db::uid::uid_value),
                        detail,
                        hash
                    ],
                )
                .expect("log row");
                prev = hash;
            }
            let before = texts(&tx, read);
            tx.commit().expect("commit");
            (before, prev)
        };
        let upgraded = upgrade_alike(&path);
        let conn = upgraded.connection();
        assert_eq!(texts(conn, read), before);
        let kept = texts(
            conn,
            "SELECT typeof(state) || ' ' || typeof(signed_day) || ' ' || typeof(entered) || ' ' || typeof(method_code)
             FROM receipt ORDER BY id",
        );
        assert_eq!(
            kept,
            [
                "integer integer integer integer",
                "integer integer text integer",
                "integer text integer integer",
                "integer null null null"
            ]
        );
        let actions = texts(
            conn,
            "SELECT typeof(action_code) || ' ' || action || ' ' || typeof(detail) FROM audit_log ORDER BY id",
        );
        // Plain confirmations in short; a name JSON escapes, a day that is
        // not one and a detail that is not JSON kept as text.
        assert_eq!(
            actions,
            [
                "integer receipt.confirm blob",
                "integer receipt.undo text",
                "text setting.letterhead text",
                "integer receipt.confirm blob",
                "integer receipt.confirm blob",
                "integer receipt.confirm text",
                "integer receipt.confirm text",
                "integer receipt.confirm text"
            ]
        );
        // Every row still gives the hash it was written with.
        let mut prev = GENESIS.to_owned();
        upgraded
            .read(|dao| {
                dao.each_log_row(|row| {
                    assert_eq!(row.entry().hash(&prev), row.hash, "row {}", row.id);
                    prev = row.hash;
                    Ok(())
                })
            })
            .expect("log");
        assert_eq!(prev, head);
        let open = number(
            conn,
            "SELECT count(*) FROM receipt WHERE status <> 'confirmed' AND must_confirm = 1",
        );
        assert_eq!(open, 3);
    }

    #[test]
    fn shipped_steps_never_change() {
        for (i, step) in STEPS.iter().enumerate() {
            let hash = hex::encode(Sha256::digest(step.as_bytes()));
            let pinned = SHIPPED.get(i).copied().unwrap_or("missing");
            assert_eq!(pinned, &hash[..16], "migration step {i} changed or is not pinned");
        }
    }
}
