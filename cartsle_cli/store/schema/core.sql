-- Searches (one per imported file) and the records they brought.
-- Records are never deleted by later steps: dedup, screening and extraction link to them.

CREATE TABLE searches (
    id            INTEGER PRIMARY KEY,
    database      TEXT    NOT NULL,             -- "PubMed", "Embase", "ACR Convergence 2024" ...
    other_methods INTEGER NOT NULL DEFAULT 0,   -- 1: PRISMA "other methods" column
    format        TEXT    NOT NULL,             -- reader that parsed it, e.g. "ris", "medline"
    file_name     TEXT    NOT NULL,
    sha256        TEXT    NOT NULL,
    imported_at   TEXT    NOT NULL,             -- ISO 8601, UTC
    record_count  INTEGER NOT NULL,
    searched_on   TEXT,                         -- date the search was run, as given
    query         TEXT,
    removed_at    TEXT                          -- set by `cartsle searches remove`; rows are kept
);
CREATE INDEX searches_sha256 ON searches (sha256);

CREATE TABLE records (
    id               INTEGER PRIMARY KEY,
    search_id        INTEGER NOT NULL REFERENCES searches (id),
    position         INTEGER NOT NULL,          -- 1-based order in its file
    line             INTEGER NOT NULL,          -- line of the file where the record starts
    source_id        TEXT,                      -- the file's own id for the record (ID column ...)
    title            TEXT,
    abstract         TEXT,
    authors          TEXT    NOT NULL DEFAULT '[]',   -- JSON list of "Family, Given" strings
    year             INTEGER,
    journal          TEXT,
    volume           TEXT,
    issue            TEXT,
    pages            TEXT,
    doi              TEXT,                      -- lower case, no URL or doi: prefix
    pmid             TEXT,
    accession        TEXT,                      -- Embase id, Scopus EID, CENTRAL CN-, WoS UT ...
    language         TEXT,
    publication_type TEXT,
    keywords         TEXT    NOT NULL DEFAULT '[]',   -- JSON list
    fields           TEXT    NOT NULL DEFAULT '{}',   -- JSON: every tag or column with its values
    raw              TEXT    NOT NULL,          -- the record exactly as its file gave it
    UNIQUE (search_id, position)
);
CREATE INDEX records_search ON records (search_id);
CREATE INDEX records_doi ON records (doi);
CREATE INDEX records_pmid ON records (pmid);

-- Records of searches that have not been removed: what every later step works on.
CREATE VIEW active_records AS
    SELECT records.* FROM records
    JOIN searches ON searches.id = records.search_id
    WHERE searches.removed_at IS NULL;
