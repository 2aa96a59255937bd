"""Statistics on plain numbers, arrays and frames: no SQLite, no terminal.

``proportions`` (one proportion with exact and score intervals), ``transforms`` and
``random_effects`` (inverse-variance meta-analysis), ``glmm`` (binomial-normal model),
``meta_proportions`` (the entry point that names each method), ``descriptive`` and
``scores`` (patient-level scores over time), ``proportion_outcomes`` (single-arm counts).
"""
