-- The audit log and the receipts, smaller: the two tables a province's
-- ten years fill with four million rows each.
--
-- The audit log. A row's time is kept as milliseconds since
-- 1970 (UTC) instead of 24 characters, the uid of what it is about as the
-- UUID's 16 bytes instead of 36 characters, and its own uid without an
-- index (nothing looks a row up by it; the chain covers it). What a hash
-- covers does not change (the time and the uids in their text form), so
-- every row written before this step still checks. A value not in the form
-- the app writes (a file edited behind its back) is kept as the text found,
-- for `verify` to name.
CREATE TABLE audit_log_14 (
    id         INTEGER PRIMARY KEY,
    uid        ANY NOT NULL,             -- 16 bytes (a UUID), or text as found
    at         ANY NOT NULL,             -- ms since 1970 UTC, or text as found
    actor      TEXT NOT NULL,
    method     TEXT NOT NULL,
    action     TEXT NOT NULL,
    entity_uid ANY,                      -- 16 bytes (a UUID), or text as found
    detail     TEXT NOT NULL,            -- JSON
    hash       ANY NOT NULL              -- 32 bytes (SHA-256), or text as found
) STRICT;
INSERT INTO audit_log_14 (id, uid, at, actor, method, action, entity_uid, detail, hash)
SELECT id, uid,
       CASE WHEN typeof(at) = 'text' AND length(at) = 24
                 AND strftime('%Y-%m-%dT%H:%M:%fZ', ms / 1000.0, 'unixepoch') = at
            THEN ms ELSE at END,
       actor, method, action,
       CASE WHEN length(e) = 16
                 AND lower(substr(hex(e), 1, 8) || '-' || substr(hex(e), 9, 4) || '-' || substr(hex(e), 13, 4)
                           || '-' || substr(hex(e), 17, 4) || '-' || substr(hex(e), 21, 12)) = entity_uid
            THEN e ELSE entity_uid END,
       detail, hash
FROM (SELECT *,
             unixepoch(at) * 1000 + CAST(substr(at, 21, 3) AS INTEGER) AS ms,
             unhex(replace(entity_uid, '-', '')) AS e
      FROM audit_log)
ORDER BY id;
DROP TABLE audit_log;
ALTER TABLE audit_log_14 RENAME TO audit_log;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
-- A receipt's last confirmation or undo, found without reading the whole
-- log: a packet may change a receipt only when a packet set it last.
CREATE INDEX audit_log_receipt_idx ON audit_log (entity_uid, id)
    WHERE action IN ('receipt.confirm', 'receipt.undo');

-- The receipts: a receipt's uid kept as the UUID's 16 bytes instead of 36
-- characters, in the row and in its unique index; a uid not in the form
-- the app writes stays as the text found. Ids do not change, so the
-- receipts' lines, numbered copies and study rows still point to them (the
-- upgrade runs with foreign keys off for this table's rebuild).
CREATE TABLE receipt_14 (
    id             INTEGER PRIMARY KEY,
    uid            ANY NOT NULL UNIQUE,     -- 16 bytes (a UUID), or text as found
    batch_id       INTEGER NOT NULL REFERENCES batch (id),
    unit_id        INTEGER NOT NULL REFERENCES unit (id),
    code           TEXT NOT NULL UNIQUE,    -- receipt code printed on the slip
    must_confirm   INTEGER NOT NULL DEFAULT 1 CHECK (must_confirm IN (0, 1)),
    copies         INTEGER NOT NULL CHECK (copies > 0),  -- sum of its lines, written with them
    status         TEXT NOT NULL DEFAULT 'pending'
                   CHECK (status IN ('pending', 'confirmed', 'partial', 'declined')),
    signed_by      TEXT,                    -- who signed for the unit
    signed_on      TEXT,                    -- date of the signature (on the slip)
    entered_at     TEXT,                    -- when the confirmation was recorded (UTC)
    confirm_method TEXT CHECK (confirm_method IN ('in_person', 'slip', 'remote', 'app', 'cli')),
    on_behalf      INTEGER NOT NULL DEFAULT 0 CHECK (on_behalf IN (0, 1)),
    note           TEXT,
    signature      BLOB,                    -- drawn on screen, PNG
    recorded_by    TEXT,
    signer_account TEXT,
    UNIQUE (batch_id, unit_id),
    CHECK (status = 'pending' OR signed_by IS NOT NULL)
) STRICT;
INSERT INTO receipt_14 (id, uid, batch_id, unit_id, code, must_confirm, copies, status, signed_by, signed_on,
                        entered_at, confirm_method, on_behalf, note, signature, recorded_by, signer_account)
SELECT id,
       CASE WHEN length(u) = 16
                 AND lower(substr(hex(u), 1, 8) || '-' || substr(hex(u), 9, 4) || '-' || substr(hex(u), 13, 4)
                           || '-' || substr(hex(u), 17, 4) || '-' || substr(hex(u), 21, 12)) = uid
            THEN u ELSE uid END,
       batch_id, unit_id, code, must_confirm, copies, status, signed_by, signed_on,
       entered_at, confirm_method, on_behalf, note, signature, recorded_by, signer_account
FROM (SELECT *, unhex(replace(uid, '-', '')) AS u FROM receipt)
ORDER BY id;
DROP TABLE receipt;
ALTER TABLE receipt_14 RENAME TO receipt;
CREATE INDEX receipt_unit_idx ON receipt (unit_id);
CREATE INDEX receipt_open_idx ON receipt (batch_id, unit_id, status, copies, code, must_confirm)
    WHERE status <> 'confirmed' AND must_confirm = 1;
CREATE INDEX receipt_info_all_idx ON receipt (batch_id) WHERE must_confirm = 0;
