-- Whether a receipt's last confirmation or undo came in a child office's
-- packet (so that a later packet may change it) is kept in the receipt,
-- instead of being looked up in the log through an index over every
-- confirmation: that index took 11 bytes per receipt line (133 MB of a
-- province's ten years) to answer this one question. `verify` checks the
-- flag against the log. Rows written before this step read the default
-- and take no room for it.
ALTER TABLE receipt ADD COLUMN set_by_packet INTEGER NOT NULL DEFAULT 0
    CHECK (set_by_packet IN (0, 1));
UPDATE receipt SET set_by_packet = 1
WHERE uid IN (
    SELECT a.entity_uid FROM audit_log a
    WHERE a.method = 'packet' AND a.action IN ('receipt.confirm', 'receipt.undo')
      AND a.id = (SELECT max(b.id) FROM audit_log b
                  WHERE b.entity_uid = a.entity_uid AND b.action IN ('receipt.confirm', 'receipt.undo')));
DROP INDEX audit_log_receipt_idx;
