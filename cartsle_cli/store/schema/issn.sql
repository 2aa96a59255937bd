-- The journal's ISSNs a record carries, print and electronic, normalised and space-separated
-- ("03064530 18733360"; formats.record.issns_of_fields), kept at import so that deduplication
-- reads one short column instead of parsing every record's fields, its abstract included.
ALTER TABLE records ADD COLUMN issn TEXT;
-- A review imported before: the ISSNs read from the fields it keeps.
UPDATE records SET issn = cartsle_issns_of_fields(fields);
