-- The audit log, smaller again. A row's time is kept as milliseconds since
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
