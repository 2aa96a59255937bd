"""The review as a whole: operations that span the pipeline's stages, above them all but the
report and the command line.

- ``importing``: an export file through formats -> store -> dedup (all of an import or none);
- ``status``: where each search's records stand, from store, dedup and screening;
- ``pooling``: the included studies' extraction through the statistics.

Stages below never import this package; ``report`` and ``cli`` do.
"""
