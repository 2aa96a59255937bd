-- Duplicate clusters. A record with no row here is unique (its own cluster).
-- cluster_id is the id of the record kept for the cluster (the most complete one).

CREATE TABLE record_clusters (
    record_id  INTEGER PRIMARY KEY REFERENCES records (id),
    cluster_id INTEGER NOT NULL REFERENCES records (id)
);
CREATE INDEX record_clusters_cluster ON record_clusters (cluster_id);

-- One row per unique record after deduplication: what screening works on.
CREATE VIEW unique_records AS
    SELECT active_records.* FROM active_records
    LEFT JOIN record_clusters ON record_clusters.record_id = active_records.id
    WHERE record_clusters.cluster_id IS NULL OR record_clusters.cluster_id = active_records.id;

-- One row per `cartsle dedup` run.
CREATE TABLE dedup_runs (
    id           INTEGER PRIMARY KEY,
    ran_at       TEXT    NOT NULL,              -- ISO 8601, UTC
    records      INTEGER NOT NULL,              -- active records at the run
    new_records  INTEGER NOT NULL,              -- records this run looked at for the first time
    comparisons  INTEGER NOT NULL,              -- candidate pairs compared
    merged_pairs INTEGER NOT NULL,              -- pairs found certain this run
    review_pairs INTEGER NOT NULL               -- grey-band pairs found this run
);

-- Records a run has looked at: later runs compare only pairs with at least one unseen record.
CREATE TABLE dedup_seen (
    record_id INTEGER PRIMARY KEY REFERENCES records (id),
    run_id    INTEGER NOT NULL REFERENCES dedup_runs (id)
);

-- What the algorithm found for a pair (record_id < other_record_id), kept across runs:
-- 'same' (merged), 'review' (grey band, for a person) or 'report' (possibly another report of
-- the same study: conference abstract and article, preprint and published version).
CREATE TABLE dedup_pairs (
    record_id       INTEGER NOT NULL REFERENCES records (id),
    other_record_id INTEGER NOT NULL REFERENCES records (id),
    verdict         TEXT    NOT NULL CHECK (verdict IN ('same', 'review', 'report')),
    score           REAL    NOT NULL,
    reason          TEXT    NOT NULL,
    run_id          INTEGER NOT NULL REFERENCES dedup_runs (id),
    PRIMARY KEY (record_id, other_record_id),
    CHECK (record_id < other_record_id)
);
CREATE INDEX dedup_pairs_other ON dedup_pairs (other_record_id);

-- A person's decisions on pairs, with their history; the latest per pair wins over the algorithm.
CREATE TABLE dedup_decisions (
    id              INTEGER PRIMARY KEY,
    record_id       INTEGER NOT NULL REFERENCES records (id),
    other_record_id INTEGER NOT NULL REFERENCES records (id),
    decision        TEXT    NOT NULL CHECK (decision IN ('same', 'different')),
    reviewer        TEXT,
    decided_at      TEXT    NOT NULL,
    how             TEXT    NOT NULL,           -- 'review', 'decide FILE', 'undo'
    CHECK (record_id < other_record_id)
);
CREATE INDEX dedup_decisions_pair ON dedup_decisions (record_id, other_record_id);

-- The kept record of each cluster of two or more, with its missing fields filled in from the
-- others (first non-empty value in order of completeness). An abstract is stored only when it was
-- filled from another member: NULL is the kept record's own, read as
-- COALESCE(merged_records.abstract, records.abstract) (a review's largest text is not kept twice).
CREATE TABLE merged_records (
    cluster_id       INTEGER PRIMARY KEY REFERENCES records (id),
    title            TEXT,
    abstract         TEXT,
    authors          TEXT NOT NULL DEFAULT '[]',
    year             INTEGER,
    journal          TEXT,
    volume           TEXT,
    issue            TEXT,
    pages            TEXT,
    doi              TEXT,
    pmid             TEXT,
    accession        TEXT,
    language         TEXT,
    publication_type TEXT,
    filled_from      TEXT NOT NULL DEFAULT '{}'  -- JSON: field -> record id it was filled from
);

-- Unique records that may be reports of one study (a conference abstract and the later article,
-- a preprint and its published version): kept apart, linked for the screening step.
-- Both ids are kept records (rows of unique_records); record_id < other_record_id.
CREATE TABLE report_links (
    record_id       INTEGER NOT NULL REFERENCES records (id),
    other_record_id INTEGER NOT NULL REFERENCES records (id),
    reason          TEXT    NOT NULL,
    PRIMARY KEY (record_id, other_record_id)
);
