-- Study follow-through between offices. A campaign a parent office sent
-- keeps the parent's uid and names the peer it came from (origin_peer);
-- a report that came by packet names the office that recorded it first
-- (its unit code and name), which the summary shows.
ALTER TABLE study_campaign ADD COLUMN origin_peer TEXT REFERENCES peer (id);
ALTER TABLE study_report ADD COLUMN office_code TEXT;
ALTER TABLE study_report ADD COLUMN office_name TEXT;

-- Recalls a parent office sent: the copies the units of our subtree must
-- bring back, as the parent's packets say, and the returns recorded here
-- (set_here), which travel up to the parent.
CREATE TABLE inbox_recall (
    uid         TEXT PRIMARY KEY,             -- the parent's recall uid
    origin      TEXT NOT NULL REFERENCES peer (id),
    code        TEXT NOT NULL,
    symbol      TEXT NOT NULL,
    made_on     TEXT NOT NULL,
    due_on      TEXT NOT NULL,
    reason      TEXT NOT NULL,
    from_name   TEXT NOT NULL,
    received_at TEXT NOT NULL
) STRICT;
CREATE INDEX inbox_recall_code_idx ON inbox_recall (code);

CREATE TABLE inbox_recall_copy (
    recall_uid  TEXT NOT NULL REFERENCES inbox_recall (uid),
    number      INTEGER NOT NULL CHECK (number > 0),
    unit_code   TEXT NOT NULL,
    returned_on TEXT,
    returned_by TEXT,
    set_here    INTEGER NOT NULL DEFAULT 0 CHECK (set_here IN (0, 1)),
    PRIMARY KEY (recall_uid, number)
) STRICT, WITHOUT ROWID;
