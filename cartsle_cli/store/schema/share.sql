-- Working on copies of one review (issue 19): the review's identity, the copies it gave out,
-- event ids so a merge can tell what it has seen, and a current-vote rule that does not depend on
-- the order rows were inserted in.

-- The review's id, made once: a copy keeps it, so a merge can tell a copy of this review.
CREATE TABLE review_identity (
    one       INTEGER PRIMARY KEY CHECK (one = 1),
    review_id TEXT    NOT NULL
);
WITH h AS (SELECT lower(hex(randomblob(16))) AS x)
INSERT INTO review_identity (one, review_id)
SELECT 1, substr(x, 1, 8) || '-' || substr(x, 9, 4) || '-4' || substr(x, 14, 3) || '-a'
          || substr(x, 18, 3) || '-' || substr(x, 21, 12) FROM h;

-- Copies given out by `cartsle share` (in the main review), and in a copy the one row that says
-- what it is (is_this_copy = 1). fingerprint: JSON of the searches and record count the copy holds.
CREATE TABLE review_shares (
    share_id     TEXT    PRIMARY KEY,
    reviewer     TEXT    NOT NULL,
    shared_at    TEXT    NOT NULL,
    fingerprint  TEXT    NOT NULL,
    is_this_copy INTEGER NOT NULL DEFAULT 0
);

-- Event ids: every row of a history gets a random id when written (the triggers fill it, so no
-- writer has to), and a copy keeps them, so a merge adds each event once, whatever the order.
ALTER TABLE screening_decisions ADD COLUMN event_id TEXT;
ALTER TABLE dedup_decisions ADD COLUMN event_id TEXT;
ALTER TABLE fulltext_status ADD COLUMN event_id TEXT;
ALTER TABLE extract_loads ADD COLUMN event_id TEXT;
ALTER TABLE appraisal_loads ADD COLUMN event_id TEXT;
ALTER TABLE appraisal_resolutions ADD COLUMN event_id TEXT;
ALTER TABLE grade_judgements ADD COLUMN event_id TEXT;
ALTER TABLE grade_comments ADD COLUMN event_id TEXT;
ALTER TABLE extract_resolutions ADD COLUMN event_id TEXT;
UPDATE screening_decisions SET event_id = lower(hex(randomblob(16)));
UPDATE dedup_decisions SET event_id = lower(hex(randomblob(16)));
UPDATE fulltext_status SET event_id = lower(hex(randomblob(16)));
UPDATE extract_loads SET event_id = lower(hex(randomblob(16)));
UPDATE appraisal_loads SET event_id = lower(hex(randomblob(16)));
UPDATE appraisal_resolutions SET event_id = lower(hex(randomblob(16)));
UPDATE grade_judgements SET event_id = lower(hex(randomblob(16)));
UPDATE grade_comments SET event_id = lower(hex(randomblob(16)));
UPDATE extract_resolutions SET event_id = lower(hex(randomblob(16)));
CREATE UNIQUE INDEX screening_decisions_event ON screening_decisions (event_id);
CREATE UNIQUE INDEX dedup_decisions_event ON dedup_decisions (event_id);
CREATE UNIQUE INDEX fulltext_status_event ON fulltext_status (event_id);
CREATE UNIQUE INDEX extract_loads_event ON extract_loads (event_id);
CREATE UNIQUE INDEX appraisal_loads_event ON appraisal_loads (event_id);
CREATE UNIQUE INDEX appraisal_resolutions_event ON appraisal_resolutions (event_id);
CREATE UNIQUE INDEX grade_judgements_event ON grade_judgements (event_id);
CREATE UNIQUE INDEX grade_comments_event ON grade_comments (event_id);
CREATE UNIQUE INDEX extract_resolutions_event ON extract_resolutions (event_id);
CREATE TRIGGER screening_decisions_event AFTER INSERT ON screening_decisions WHEN NEW.event_id IS NULL
BEGIN UPDATE screening_decisions SET event_id = lower(hex(randomblob(16))) WHERE id = NEW.id; END;
CREATE TRIGGER dedup_decisions_event AFTER INSERT ON dedup_decisions WHEN NEW.event_id IS NULL
BEGIN UPDATE dedup_decisions SET event_id = lower(hex(randomblob(16))) WHERE id = NEW.id; END;
CREATE TRIGGER fulltext_status_event AFTER INSERT ON fulltext_status WHEN NEW.event_id IS NULL
BEGIN UPDATE fulltext_status SET event_id = lower(hex(randomblob(16))) WHERE id = NEW.id; END;
CREATE TRIGGER extract_loads_event AFTER INSERT ON extract_loads WHEN NEW.event_id IS NULL
BEGIN UPDATE extract_loads SET event_id = lower(hex(randomblob(16))) WHERE id = NEW.id; END;
CREATE TRIGGER appraisal_loads_event AFTER INSERT ON appraisal_loads WHEN NEW.event_id IS NULL
BEGIN UPDATE appraisal_loads SET event_id = lower(hex(randomblob(16))) WHERE id = NEW.id; END;
CREATE TRIGGER appraisal_resolutions_event AFTER INSERT ON appraisal_resolutions WHEN NEW.event_id IS NULL
BEGIN UPDATE appraisal_resolutions SET event_id = lower(hex(randomblob(16))) WHERE id = NEW.id; END;
CREATE TRIGGER grade_judgements_event AFTER INSERT ON grade_judgements WHEN NEW.event_id IS NULL
BEGIN UPDATE grade_judgements SET event_id = lower(hex(randomblob(16))) WHERE id = NEW.id; END;
CREATE TRIGGER grade_comments_event AFTER INSERT ON grade_comments WHEN NEW.event_id IS NULL
BEGIN UPDATE grade_comments SET event_id = lower(hex(randomblob(16))) WHERE id = NEW.id; END;

-- The current decisions: each reviewer's latest live vote per unit and stage, latest by
-- decided_at and then by row id. Before, the latest row id won, which depends on the order a
-- merge inserted rows in; the time a vote was given does not. The columns are those of before
-- (event_id left out), so readers of the view see no change.
DROP VIEW screening_current;
CREATE VIEW screening_current AS
    SELECT id, record_id, stage, reviewer, decision, reason, note, resolution, source, decided_at,
           undone_at, unit_id
    FROM (
        SELECT d.*, u.unit_id,
               ROW_NUMBER() OVER (
                   PARTITION BY u.unit_id, d.stage, d.resolution,
                                CASE WHEN d.resolution = 1 THEN '' ELSE d.reviewer END
                   ORDER BY d.decided_at DESC, d.id DESC
               ) AS latest
        FROM screening_decisions d
        JOIN record_units u ON u.record_id = d.record_id
        WHERE d.undone_at IS NULL
    )
    WHERE latest = 1;
CREATE TRIGGER extract_resolutions_event AFTER INSERT ON extract_resolutions WHEN NEW.event_id IS NULL
BEGIN UPDATE extract_resolutions SET event_id = lower(hex(randomblob(16))) WHERE id = NEW.id; END;
