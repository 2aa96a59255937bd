-- Decisions belong to the cluster, whatever record is kept (issue 14, item 1).
--
-- A decision is stored against the record that was its cluster's kept record. When a search is
-- removed, its records leave record_clusters; without this table a cluster whose kept record came
-- from the removed search would lose every decision made on it. A removed record that was in a
-- cluster with records that survive is anchored here to one of them, and its decisions (and its
-- study link) count for the anchor's cluster, whichever record that cluster keeps later.
-- `cartsle searches restore` deletes the rows of the restored search's records.
CREATE TABLE removed_record_units (
    record_id INTEGER PRIMARY KEY REFERENCES records (id),   -- a record of a removed search
    anchor_id INTEGER NOT NULL REFERENCES records (id)       -- a record of its cluster that stayed
);

-- Reviews whose searches were removed before this table existed: anchor each removed record to
-- the active record it was found the same as (a person's "same" first, then the best score), so
-- the votes that sat on it count again. A person's "different" is never overridden.
INSERT OR IGNORE INTO removed_record_units (record_id, anchor_id)
SELECT removed, anchor FROM (
    SELECT CASE WHEN ra.active THEN p.other_record_id ELSE p.record_id END AS removed,
           CASE WHEN ra.active THEN p.record_id ELSE p.other_record_id END AS anchor,
           COALESCE(d.decision = 'same', 0) AS by_person, p.score
    FROM (
        SELECT record_id, other_record_id, score FROM dedup_pairs WHERE verdict = 'same'
        UNION ALL
        SELECT record_id, other_record_id, 2.0 FROM dedup_decisions WHERE decision = 'same'
    ) p
    JOIN (SELECT r.id, s.removed_at IS NULL AS active FROM records r JOIN searches s ON s.id = r.search_id) ra
        ON ra.id = p.record_id
    JOIN (SELECT r.id, s.removed_at IS NULL AS active FROM records r JOIN searches s ON s.id = r.search_id) rb
        ON rb.id = p.other_record_id
    LEFT JOIN (
        SELECT record_id, other_record_id, decision FROM dedup_decisions
        WHERE id IN (SELECT MAX(id) FROM dedup_decisions GROUP BY record_id, other_record_id)
    ) d ON d.record_id = p.record_id AND d.other_record_id = p.other_record_id
    WHERE ra.active != rb.active AND COALESCE(d.decision, 'same') = 'same'
    ORDER BY removed, by_person DESC, p.score DESC, anchor
);

-- The current decisions per cluster, now also for decisions stored on a removed record: its
-- anchor's cluster.
DROP VIEW screening_current;
CREATE VIEW screening_current AS
    SELECT d.*, COALESCE(c.cluster_id, ca.cluster_id, u.anchor_id, d.record_id) AS unit_id
    FROM screening_decisions d
    LEFT JOIN record_clusters c ON c.record_id = d.record_id
    LEFT JOIN removed_record_units u ON u.record_id = d.record_id
    LEFT JOIN record_clusters ca ON ca.record_id = u.anchor_id
    WHERE d.id IN (
        SELECT MAX(d2.id) FROM screening_decisions d2
        LEFT JOIN record_clusters c2 ON c2.record_id = d2.record_id
        LEFT JOIN removed_record_units u2 ON u2.record_id = d2.record_id
        LEFT JOIN record_clusters ca2 ON ca2.record_id = u2.anchor_id
        WHERE d2.undone_at IS NULL
        GROUP BY COALESCE(c2.cluster_id, ca2.cluster_id, u2.anchor_id, d2.record_id), d2.stage, d2.resolution,
                 CASE WHEN d2.resolution = 1 THEN '' ELSE d2.reviewer END
    );
