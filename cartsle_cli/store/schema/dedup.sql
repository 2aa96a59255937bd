-- Duplicate clusters. A record with no row here is unique (its own cluster).
-- cluster_id is the id of the record kept for the cluster (the most complete one).

CREATE TABLE record_clusters (
    record_id  INTEGER PRIMARY KEY REFERENCES records (id),
    cluster_id INTEGER NOT NULL REFERENCES records (id)
);
CREATE INDEX record_clusters_cluster ON record_clusters (cluster_id);

-- One row per unique record after deduplication: what screening works on.
CREATE VIEW unique_records AS
    SELECT active_records.* FROM active_records
    LEFT JOIN record_clusters ON record_clusters.record_id = active_records.id
    WHERE record_clusters.cluster_id IS NULL OR record_clusters.cluster_id = active_records.id;
