-- The kept record of each record's duplicate cluster: its "unit", the thing screening decides
-- and studies are made of. The cluster's id (the kept record's id), or the record itself when it
-- is in no cluster. One definition, instead of COALESCE(cluster_id, id) written out per query.
CREATE VIEW record_units AS
    SELECT records.id AS record_id, COALESCE(record_clusters.cluster_id, records.id) AS unit_id
    FROM records
    LEFT JOIN record_clusters ON record_clusters.record_id = records.id;
