-- Extraction: study rows and patient rows loaded by `cartsle extract load`.
-- Every load is kept: a new load replaces the previous one as the current extraction, and the
-- earlier ones stay on record (rows and the files' text) under their load id.
-- The value columns mirror cartsle_cli/extraction/columns.py (a test checks they agree).

CREATE TABLE extraction_loads (
    id               INTEGER PRIMARY KEY,
    loaded_at        TEXT    NOT NULL,           -- ISO 8601, UTC
    studies_file     TEXT    NOT NULL,
    studies_sha256   TEXT    NOT NULL,
    studies_text     TEXT    NOT NULL,           -- the file as loaded, so nothing is lost
    patients_file    TEXT    NOT NULL,
    patients_sha256  TEXT    NOT NULL,
    patients_text    TEXT    NOT NULL,
    study_count      INTEGER NOT NULL,
    patient_rows     INTEGER NOT NULL
);

CREATE TABLE extraction_studies (
    load_id                     INTEGER NOT NULL REFERENCES extraction_loads (id),
    line                        INTEGER NOT NULL,   -- line of studies.csv the row came from
    study_id                    TEXT    NOT NULL,
    first_author                TEXT    NOT NULL,
    year                        INTEGER NOT NULL,
    design                      TEXT,
    country                     TEXT,
    n_treated                   INTEGER NOT NULL,
    product                     TEXT,
    target                      TEXT    NOT NULL,
    origin                      TEXT    NOT NULL CHECK (origin IN ('autologous', 'allogeneic')),
    lymphodepletion             TEXT,
    dose                        TEXT,
    followup_months             REAL,
    crs_any                     INTEGER,
    crs_g1                      INTEGER,
    crs_g2                      INTEGER,
    crs_g3                      INTEGER,
    crs_g4                      INTEGER,
    icans_any                   INTEGER,
    icans_g1                    INTEGER,
    icans_g2                    INTEGER,
    icans_g3                    INTEGER,
    icans_g4                    INTEGER,
    infections                  INTEGER,
    infections_severe           INTEGER,
    heme_tox_g34                INTEGER,
    cytopenia_prolonged         INTEGER,
    bcell_depletion_weeks       REAL,
    bcell_reconstitution_months REAL,
    bcell_phenotype             TEXT,
    dsdna_measured              INTEGER,
    dsdna_decreased             INTEGER,
    dsdna_normalised            INTEGER,
    complement_measured         INTEGER,
    complement_normalised       INTEGER,
    PRIMARY KEY (load_id, study_id)
);

CREATE TABLE extraction_patients (
    load_id       INTEGER NOT NULL REFERENCES extraction_loads (id),
    line          INTEGER NOT NULL,             -- line of patients.csv the row came from
    study_id      TEXT    NOT NULL,
    patient_id    TEXT    NOT NULL,
    month         REAL    NOT NULL CHECK (month >= 0),
    sledai        INTEGER NOT NULL CHECK (sledai BETWEEN 0 AND 105),
    anti_dsdna    REAL,
    c3            REAL,
    c4            REAL,
    prednisone_mg REAL,
    PRIMARY KEY (load_id, study_id, patient_id, month),
    FOREIGN KEY (load_id, study_id) REFERENCES extraction_studies (load_id, study_id)
);

-- The current extraction: the rows of the latest load.
CREATE VIEW current_extraction_studies AS
    SELECT * FROM extraction_studies
    WHERE load_id = (SELECT max(id) FROM extraction_loads);

CREATE VIEW current_extraction_patients AS
    SELECT * FROM extraction_patients
    WHERE load_id = (SELECT max(id) FROM extraction_loads);
