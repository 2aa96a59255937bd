-- Full-text availability, search updates and their links (issue 17).

-- Where each report's full text is, or that it could not be had; the latest row per cluster wins.
-- record_id is the kept record of its cluster when recorded (mapped through record_clusters).
CREATE TABLE fulltext_status (
    id          INTEGER PRIMARY KEY,
    record_id   INTEGER NOT NULL REFERENCES records (id),
    status      TEXT    NOT NULL CHECK (status IN ('file', 'url', 'not_retrieved')),
    location    TEXT,                           -- the PDF's path or the URL; NULL when not retrieved
    reviewer    TEXT,
    recorded_at TEXT    NOT NULL                -- ISO 8601, UTC
);
CREATE INDEX fulltext_status_record ON fulltext_status (record_id);

-- A search that reruns an earlier one (`cartsle import --update-of SEARCH_ID`): which search it
-- updates and its round (the updated search's round + 1; original searches are round 0).
CREATE TABLE search_updates (
    search_id  INTEGER PRIMARY KEY REFERENCES searches (id),
    update_of  INTEGER NOT NULL REFERENCES searches (id),
    round      INTEGER NOT NULL
);

-- The pooled results as they stood before each update round was imported (the previous version
-- of the review), so the report can say what the update changed. pool is the JSON of
-- `cartsle pool --json`, NULL when nothing could be pooled yet.
CREATE TABLE update_snapshots (
    round    INTEGER PRIMARY KEY,
    taken_at TEXT    NOT NULL,
    pool     TEXT
);
