-- The audit log, about half its size: a row's hash kept as its 32 bytes
-- instead of 64 hex characters, its uid as the UUID's 16 bytes instead of
-- 36 characters, and no `prev_hash` (it repeated the hash of the row
-- before; the chain is checked against that row itself). What a hash
-- covers does not change (the previous hash and the uid in their text
-- form), so every row written before this step still checks. A value not
-- in the form the app writes (a file edited behind its back) is kept as
-- the text found, for `verify` to name.
CREATE TABLE audit_log_13 (
    id         INTEGER PRIMARY KEY,
    uid        ANY NOT NULL UNIQUE,      -- 16 bytes (a UUID), or text as found
    at         TEXT NOT NULL,            -- UTC, RFC 3339
    actor      TEXT NOT NULL,
    method     TEXT NOT NULL,
    action     TEXT NOT NULL,
    entity_uid TEXT,
    detail     TEXT NOT NULL,            -- JSON
    hash       ANY NOT NULL              -- 32 bytes (SHA-256), or text as found
) STRICT;
INSERT INTO audit_log_13 (id, uid, at, actor, method, action, entity_uid, detail, hash)
SELECT id,
       CASE WHEN length(u) = 16
                 AND lower(substr(hex(u), 1, 8) || '-' || substr(hex(u), 9, 4) || '-' || substr(hex(u), 13, 4)
                           || '-' || substr(hex(u), 17, 4) || '-' || substr(hex(u), 21, 12)) = uid
            THEN u ELSE uid END,
       at, actor, method, action, entity_uid, detail,
       CASE WHEN length(h) = 32 AND lower(hex(h)) = hash THEN h ELSE hash END
FROM (SELECT *, unhex(replace(uid, '-', '')) AS u, unhex(hash) AS h FROM audit_log)
ORDER BY id;
DROP TABLE audit_log;
ALTER TABLE audit_log_13 RENAME TO audit_log;
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
