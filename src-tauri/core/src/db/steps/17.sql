-- The two tables of four million rows, smaller again: what a row repeats
-- in words is kept as a number, and read back as the same words.
--
-- The receipts. A confirmation's state, method, day of signature and time of
-- recording are kept as numbers (`state`, `method_code`, `signed_day`,
-- `entered`); `status`, `confirm_method`, `signed_on` and `entered_at` are
-- virtual columns computed from them, so every query reads the receipt as
-- before and the file keeps no text for them (a confirmed receipt: 44
-- bytes less). A day or a time not in the form the app writes (a file
-- edited behind its back, a packet from an office with another clock
-- format) is kept as the text found and read back as it is; so is a state
-- or a method the app does not write, for `verify` and the readers to name.
CREATE TABLE receipt_17 (
    id             INTEGER PRIMARY KEY,
    uid            ANY NOT NULL UNIQUE,     -- 16 bytes (a UUID), or text as found
    batch_id       INTEGER NOT NULL REFERENCES batch (id),
    unit_id        INTEGER NOT NULL REFERENCES unit (id),
    code           TEXT NOT NULL UNIQUE,    -- receipt code printed on the slip
    must_confirm   INTEGER NOT NULL DEFAULT 1 CHECK (must_confirm IN (0, 1)),
    copies         INTEGER NOT NULL CHECK (copies > 0),  -- sum of its lines, written with them
    state          ANY NOT NULL DEFAULT 0    -- 0 pending, 1 confirmed, 2 partial, 3 declined, or text as found
                   CHECK (state IN (0, 1, 2, 3) OR typeof(state) = 'text'),
    status         TEXT GENERATED ALWAYS AS (CASE state WHEN 0 THEN 'pending' WHEN 1 THEN 'confirmed'
                                                        WHEN 2 THEN 'partial' WHEN 3 THEN 'declined' ELSE state END) VIRTUAL,
    signed_by      TEXT,                    -- who signed for the unit
    signed_day     ANY,                     -- day of the signature: days since 1970, or text as found
    signed_on      TEXT GENERATED ALWAYS AS (CASE typeof(signed_day) WHEN 'integer'
                                                 THEN date(signed_day * 86400, 'unixepoch') ELSE signed_day END) VIRTUAL,
    entered        ANY,                     -- when the confirmation was recorded: ms since 1970 UTC, or text as found
    entered_at     TEXT GENERATED ALWAYS AS (CASE typeof(entered) WHEN 'integer'
                                                 THEN strftime('%Y-%m-%dT%H:%M:%fZ', entered / 1000.0, 'unixepoch')
                                                 ELSE entered END) VIRTUAL,
    method_code    ANY CHECK (method_code IN (0, 1, 2, 3, 4) OR typeof(method_code) = 'text'),
    confirm_method TEXT GENERATED ALWAYS AS (CASE method_code WHEN 0 THEN 'in_person' WHEN 1 THEN 'slip'
                                                 WHEN 2 THEN 'remote' WHEN 3 THEN 'app' WHEN 4 THEN 'cli'
                                                 ELSE method_code END) VIRTUAL,
    on_behalf      INTEGER NOT NULL DEFAULT 0 CHECK (on_behalf IN (0, 1)),
    note           TEXT,
    signature      BLOB,                    -- drawn on screen, PNG
    recorded_by    TEXT,
    signer_account TEXT,
    set_by_packet  INTEGER NOT NULL DEFAULT 0 CHECK (set_by_packet IN (0, 1)),
    UNIQUE (batch_id, unit_id),
    CHECK (state = 0 OR signed_by IS NOT NULL)
) STRICT;
INSERT INTO receipt_17 (id, uid, batch_id, unit_id, code, must_confirm, copies, state, signed_by, signed_day,
                        entered, method_code, on_behalf, note, signature, recorded_by, signer_account, set_by_packet)
SELECT id, uid, batch_id, unit_id, code, must_confirm, copies,
       CASE status WHEN 'pending' THEN 0 WHEN 'confirmed' THEN 1 WHEN 'partial' THEN 2 WHEN 'declined' THEN 3
                   ELSE status END,
       signed_by,
       CASE WHEN date(signed_on) = signed_on THEN unixepoch(signed_on) / 86400 ELSE signed_on END,
       CASE WHEN typeof(entered_at) = 'text' AND length(entered_at) = 24
                 AND strftime('%Y-%m-%dT%H:%M:%fZ', ms / 1000.0, 'unixepoch') = entered_at
            THEN ms ELSE entered_at END,
       CASE confirm_method WHEN 'in_person' THEN 0 WHEN 'slip' THEN 1 WHEN 'remote' THEN 2 WHEN 'app' THEN 3
                           WHEN 'cli' THEN 4 ELSE confirm_method END,
       on_behalf, note, signature, recorded_by, signer_account, set_by_packet
FROM (SELECT *, unixepoch(entered_at) * 1000 + CAST(substr(entered_at, 21, 3) AS INTEGER) AS ms FROM receipt)
ORDER BY id;
DROP TABLE receipt;
ALTER TABLE receipt_17 RENAME TO receipt;
CREATE INDEX receipt_open_idx ON receipt (batch_id, unit_id, status, copies, code, must_confirm)
    WHERE status <> 'confirmed' AND must_confirm = 1;
CREATE INDEX receipt_info_all_idx ON receipt (batch_id) WHERE must_confirm = 0;

-- The audit log. New rows have no uid of their own: nothing reads it, a row
-- is named by its id and its hash (rows written before keep theirs, which
-- their hash covers). The two actions a register logs millions of,
-- `receipt.confirm` and `receipt.undo`, are kept as 1 and 2 (`action_code`;
-- any other action as its text), and `action` is computed from it. A plain
-- confirmation's detail (a signer, a day, a method, every copy arrived) is
-- kept in short, as a BLOB the app reads back into the same JSON text its
-- hash covers; every other detail stays JSON text.
CREATE TABLE audit_log_17 (
    id          INTEGER PRIMARY KEY,
    uid         ANY,                      -- 16 bytes (a UUID) or text as found; none since step 17
    at          ANY NOT NULL,             -- ms since 1970 UTC, or text as found
    actor       TEXT NOT NULL,
    method      TEXT NOT NULL,
    action_code ANY NOT NULL,             -- 1 receipt.confirm, 2 receipt.undo, or the action's text
    action      TEXT GENERATED ALWAYS AS (CASE action_code WHEN 1 THEN 'receipt.confirm'
                                                           WHEN 2 THEN 'receipt.undo' ELSE action_code END) VIRTUAL,
    entity_uid  ANY,                      -- 16 bytes (a UUID), or text as found
    detail      ANY NOT NULL,             -- JSON text, or a plain confirmation in short (BLOB)
    hash        ANY NOT NULL              -- 32 bytes (SHA-256), or text as found
) STRICT;
-- A plain confirmation already logged is put in short too, when the short
-- form gives back its text exactly: the text rebuilt from its parts must be
-- the text stored (so its signer's name needed no escaping in JSON, and the
-- short form is the name between quotes), and its day a real day.
INSERT INTO audit_log_17 (id, uid, at, actor, method, action_code, entity_uid, detail, hash)
SELECT a.id, a.uid, a.at, a.actor, a.method,
       CASE a.action WHEN 'receipt.confirm' THEN 1 WHEN 'receipt.undo' THEN 2 ELSE a.action END,
       a.entity_uid,
       coalesce(
           CASE WHEN a.action = 'receipt.confirm' AND json_valid(a.detail) THEN
           (SELECT CAST('["' || p.by || '",' || (unixepoch(p.day) / 86400) || ','
                        || (m.column2 + CASE WHEN p.on_behalf IS NULL THEN 0 ELSE 8 END) || ']' AS BLOB)
            FROM (SELECT json_extract(a.detail, '$.by') AS by, json_extract(a.detail, '$.on') AS day,
                         json_extract(a.detail, '$.method') AS method,
                         json_extract(a.detail, '$.on_behalf') AS on_behalf) p
            JOIN (VALUES ('in_person', 0), ('slip', 1), ('remote', 2), ('app', 3), ('cli', 4)) m
                ON m.column1 = p.method
            WHERE typeof(p.by) = 'text' AND date(p.day) IS p.day
              AND a.detail IS '{"by":"' || p.by || '","on":"' || p.day || '","method":"' || p.method || '",'
                              || CASE WHEN p.on_behalf IS NULL THEN '' ELSE '"on_behalf":true,' END
                              || '"received":[]}')
           END,
           a.detail),
       a.hash
FROM audit_log a
ORDER BY a.id;
DROP TABLE audit_log;
ALTER TABLE audit_log_17 RENAME TO audit_log;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
