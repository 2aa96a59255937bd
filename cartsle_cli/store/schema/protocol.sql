-- The review's protocol and its extraction, in a form that needs no SQL column per review.
-- protocol_versions: every `cartsle protocol load`, with the file's text; the latest is current.
-- extract_loads: every `cartsle extract load`, by extractor, with the protocol version it was
-- checked against; extract_files: the files' text as loaded; extract_values: every cell, long
-- (entity-attribute-value) form, keyed by load, study, arm, patient and time, with its outcome,
-- its column (field) and the line it came from; extract_resolutions: agreed values of cells where
-- two extractors differ.

CREATE TABLE protocol_versions (
    id         INTEGER PRIMARY KEY,     -- the version: 1, 2, ...
    loaded_at  TEXT    NOT NULL,        -- ISO 8601, UTC
    file       TEXT    NOT NULL,
    sha256     TEXT    NOT NULL,
    title      TEXT    NOT NULL,
    text       TEXT    NOT NULL         -- the TOML as loaded
);

CREATE TABLE extract_loads (
    id               INTEGER PRIMARY KEY,
    loaded_at        TEXT    NOT NULL,
    protocol_version INTEGER NOT NULL REFERENCES protocol_versions (id),
    extractor        TEXT    NOT NULL DEFAULT '',   -- '' when loaded without --extractor
    study_count      INTEGER NOT NULL,
    row_count        INTEGER NOT NULL
);

CREATE TABLE extract_files (
    load_id INTEGER NOT NULL REFERENCES extract_loads (id),
    name    TEXT    NOT NULL,           -- the protocol's file name: studies.csv, arms.csv, ...
    path    TEXT    NOT NULL,
    sha256  TEXT    NOT NULL,
    text    TEXT    NOT NULL,
    rows    INTEGER NOT NULL,
    PRIMARY KEY (load_id, name)
);

CREATE TABLE extract_values (
    load_id   INTEGER NOT NULL REFERENCES extract_loads (id),
    file      TEXT    NOT NULL,
    study_id  TEXT    NOT NULL,
    arm       TEXT    NOT NULL DEFAULT '',
    patient   TEXT    NOT NULL DEFAULT '',
    timepoint TEXT    NOT NULL DEFAULT '',
    outcome   TEXT    NOT NULL DEFAULT '',   -- '' for characteristics and row keys
    field     TEXT    NOT NULL,              -- the file's column
    value,                                   -- text, integer or real as declared; NULL = blank
    line      INTEGER NOT NULL,
    PRIMARY KEY (load_id, file, study_id, arm, patient, timepoint, field)
) WITHOUT ROWID;

CREATE TABLE extract_resolutions (
    id          INTEGER PRIMARY KEY,
    resolved_at TEXT    NOT NULL,
    file        TEXT    NOT NULL,
    study_id    TEXT    NOT NULL,
    arm         TEXT    NOT NULL DEFAULT '',
    patient     TEXT    NOT NULL DEFAULT '',
    timepoint   TEXT    NOT NULL DEFAULT '',
    field       TEXT    NOT NULL,
    value,
    reviewer    TEXT    NOT NULL DEFAULT '',
    note        TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX extract_resolutions_cell ON extract_resolutions (file, study_id, arm, patient, timepoint, field);
