-- Screening: decisions with their history, reasons, keywords, settings, studies and their reports.

-- Every decision ever made, never deleted. A reviewer's current vote at a stage is their latest
-- row that has not been undone; a resolution (resolution = 1) overrides the votes.
-- record_id is the kept record of a duplicate cluster (a row of unique_records) when decided.
CREATE TABLE screening_decisions (
    id          INTEGER PRIMARY KEY,
    record_id   INTEGER NOT NULL REFERENCES records (id),
    stage       TEXT    NOT NULL CHECK (stage IN ('ta', 'ft')),
    reviewer    TEXT    NOT NULL,
    decision    TEXT    NOT NULL CHECK (decision IN ('include', 'exclude', 'maybe')),
    reason      TEXT,                           -- at full text an exclusion's reason, from screening_reasons
    note        TEXT,
    resolution  INTEGER NOT NULL DEFAULT 0,     -- 1: the final decision of a conflict, by `reviewer`
    source      TEXT,                           -- "screen", "import FILE", "resolve" ...
    decided_at  TEXT    NOT NULL,               -- ISO 8601, UTC
    undone_at   TEXT                            -- set by undo; the row stays as history
);
CREATE INDEX screening_decisions_record ON screening_decisions (record_id, stage);
CREATE INDEX screening_decisions_reviewer ON screening_decisions (reviewer, stage);

-- The current decisions: per cluster (duplicates map to their kept record) and stage, each
-- reviewer's latest live vote (resolution = 0) and the latest live resolution (resolution = 1).
CREATE VIEW screening_current AS
    SELECT d.*, COALESCE(c.cluster_id, d.record_id) AS unit_id
    FROM screening_decisions d
    LEFT JOIN record_clusters c ON c.record_id = d.record_id
    WHERE d.id IN (
        SELECT MAX(d2.id) FROM screening_decisions d2
        LEFT JOIN record_clusters c2 ON c2.record_id = d2.record_id
        WHERE d2.undone_at IS NULL
        GROUP BY COALESCE(c2.cluster_id, d2.record_id), d2.stage, d2.resolution,
                 CASE WHEN d2.resolution = 1 THEN '' ELSE d2.reviewer END
    );

-- The review's full-text exclusion reasons, in the order they are offered.
CREATE TABLE screening_reasons (
    id    INTEGER PRIMARY KEY,
    label TEXT NOT NULL UNIQUE COLLATE NOCASE
);
INSERT INTO screening_reasons (label) VALUES
    ('wrong population'), ('wrong intervention'), ('wrong outcomes'), ('wrong study design'),
    ('duplicate report'), ('full text not retrievable'), ('other');

-- Words highlighted in titles and abstracts while screening.
CREATE TABLE screening_keywords (
    word TEXT NOT NULL COLLATE NOCASE,
    kind TEXT NOT NULL CHECK (kind IN ('include', 'exclude')),
    PRIMARY KEY (word, kind)
);

-- Settings of the screening process, e.g. ('reviewers_required', '2').
CREATE TABLE screening_settings (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- Studies and their reports (publications). A report is a unique record; a full-text include
-- without a row here gets a study of its own when decided.
CREATE TABLE studies (
    id    INTEGER PRIMARY KEY,
    label TEXT NOT NULL UNIQUE              -- "Mackensen 2022"
);
CREATE TABLE study_reports (
    record_id INTEGER PRIMARY KEY REFERENCES records (id),
    study_id  INTEGER NOT NULL REFERENCES studies (id)
);
CREATE INDEX study_reports_study ON study_reports (study_id);
