-- The kept record of each record's duplicate cluster: its "unit", the thing screening decides
-- and studies are made of. The cluster's id (the kept record's id); for a record of a removed
-- search, its anchor's cluster (search_removal.sql); else the record itself. One definition,
-- instead of COALESCE(cluster_id, id) written out per query.
CREATE VIEW record_units AS
    SELECT records.id AS record_id,
           COALESCE(c.cluster_id, ca.cluster_id, u.anchor_id, records.id) AS unit_id
    FROM records
    LEFT JOIN record_clusters c ON c.record_id = records.id
    LEFT JOIN removed_record_units u ON u.record_id = records.id
    LEFT JOIN record_clusters ca ON ca.record_id = u.anchor_id;
