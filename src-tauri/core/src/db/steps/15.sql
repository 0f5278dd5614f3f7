-- No index on the receipts by unit alone. Recording a batch for 5,000
-- units put one entry on a different page of it per receipt: a third of
-- a batch's writes, and 4 bytes per receipt line on file. A unit's
-- receipts are found through the (batch, unit) index instead, one look per
-- batch: a few milliseconds for a unit's whole history, and the queries
-- that ask by unit go through the batches for it.
DROP INDEX receipt_unit_idx;
