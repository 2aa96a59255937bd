-- The kept record of each record's duplicate cluster: its "unit", the thing screening decides
-- and studies are made of. The cluster's id (the kept record's id); for a record of a removed
-- search, the cluster of the record it is anchored to (removed_record_units); or the record
-- itself when it is in no cluster. One definition, instead of COALESCE(...) written out per query.
CREATE VIEW record_units AS
    SELECT r.id AS record_id, COALESCE(c.cluster_id, ca.cluster_id, u.anchor_id, r.id) AS unit_id
    FROM records r
    LEFT JOIN record_clusters c ON c.record_id = r.id
    LEFT JOIN removed_record_units u ON u.record_id = r.id
    LEFT JOIN record_clusters ca ON ca.record_id = u.anchor_id;
