"""The names of the single-proportion estimators and scales, importable without NumPy or SciPy:
the command line checks its options against them before any statistics load."""

PROPORTION_METHODS = ("glmm", "fe", "dl", "reml", "ml", "pm", "sj")
SCALES = ("logit", "ft", "raw")
