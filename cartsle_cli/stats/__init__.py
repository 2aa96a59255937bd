"""Statistics on plain numbers, arrays and frames: no SQLite, no terminal.

``proportions`` (one proportion with exact and score intervals), ``transforms`` and
``random_effects`` (the records the proportion pool fills in), ``glmm`` (binomial-normal model),
``meta_proportions`` (the entry point that names each method),
``effect_sizes`` (escalc: OR, RR, RD, MD, SMD, generic), ``tau2`` (DL, REML, ML, PM, SJ, Q-profile),
``rma`` (inverse-variance models and meta-regression), ``common_effect`` (Mantel-Haenszel, Peto),
``moderators`` (subgroups, meta-regression), ``sensitivity`` (leave-one-out, Egger),
``analysis`` (one outcome's whole plan in one call),
``meta`` (the front door of comparative meta-analysis), ``descriptive`` and
``scores`` (patient-level scores over time), ``proportion_outcomes`` (single-arm counts).
"""
