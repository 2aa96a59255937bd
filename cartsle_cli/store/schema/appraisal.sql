-- Risk-of-bias appraisal and GRADE certainty.
-- Each appraiser's load is kept whole (rows and the file's text); an appraiser's current
-- appraisal of a study (and outcome) is their row from their latest load that has it.
-- Resolutions and GRADE judgements are appended, never overwritten: the latest is current.

CREATE TABLE appraisal_loads (
    id          INTEGER PRIMARY KEY,
    tool        TEXT    NOT NULL,           -- the tool's id: rob2, robins-i, jbi-case-series, nos ...
    reviewer    TEXT    NOT NULL,
    file_name   TEXT    NOT NULL,
    sha256      TEXT    NOT NULL,
    file_text   TEXT    NOT NULL,           -- the file as loaded, so nothing is lost
    row_count   INTEGER NOT NULL,
    loaded_at   TEXT    NOT NULL            -- ISO 8601, UTC
);

CREATE TABLE appraisal_rows (
    id          INTEGER PRIMARY KEY,
    load_id     INTEGER NOT NULL REFERENCES appraisal_loads (id),
    line        INTEGER NOT NULL,           -- line of the file the row came from
    study_id    TEXT    NOT NULL,
    outcome     TEXT    NOT NULL DEFAULT '',  -- '' for tools appraised per study
    answers     TEXT    NOT NULL,           -- JSON: question id -> answer ("NA" not asked)
    calls       TEXT    NOT NULL,           -- JSON: domain id or "overall" -> the appraiser's own judgement
    support     TEXT    NOT NULL,           -- JSON: domain id or "overall" -> support text
    UNIQUE (load_id, study_id, outcome)
);

CREATE INDEX appraisal_rows_study ON appraisal_rows (study_id, outcome);

CREATE TABLE appraisal_resolutions (
    id          INTEGER PRIMARY KEY,
    tool        TEXT    NOT NULL,
    study_id    TEXT    NOT NULL,
    outcome     TEXT    NOT NULL DEFAULT '',
    domain      TEXT    NOT NULL,           -- a domain id or "overall"
    judgement   TEXT    NOT NULL,
    reviewer    TEXT    NOT NULL,
    note        TEXT,
    resolved_at TEXT    NOT NULL
);

CREATE TABLE grade_judgements (
    id          INTEGER PRIMARY KEY,
    outcome     TEXT    NOT NULL,
    domain      TEXT    NOT NULL,           -- risk_of_bias, inconsistency, indirectness, imprecision, publication_bias
    levels      INTEGER NOT NULL CHECK (levels BETWEEN 0 AND 2),  -- levels of certainty taken off
    suggested   INTEGER,                    -- what cartsle suggested when the reviewers decided
    reason      TEXT,                       -- required when levels > 0
    reviewer    TEXT    NOT NULL,
    decided_at  TEXT    NOT NULL,
    CHECK (levels = 0 OR (reason IS NOT NULL AND trim(reason) <> ''))
);

CREATE TABLE grade_comments (
    id          INTEGER PRIMARY KEY,
    outcome     TEXT    NOT NULL,
    comment     TEXT    NOT NULL,
    reviewer    TEXT    NOT NULL,
    noted_at    TEXT    NOT NULL
);
