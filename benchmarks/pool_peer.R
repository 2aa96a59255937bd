# The peer of `cartsle pool` in benchmarks/pool_bench.py: the same analyses with R's metafor.
#
#   Rscript benchmarks/pool_peer.R FOLDER OUTCOMES
#
# FOLDER holds the studies.csv and arms.csv that pool_bench.py generated. Per outcome, as the
# generated protocol declares them: escalc (OR for binary, SMD for continuous, the estimate and
# its SE for generic), rma REML with confint (Q-profile) and predict, a separate rma per region
# with the Q-between test on the subgroup estimates (rma method "FE"), rma with mods = ~latitude
# and its confint, and leave1out; every result printed, as `cartsle pool` prints its tables.
suppressMessages(library(metafor))
message("metafor ", packageVersion("metafor"))
args <- commandArgs(trailingOnly = TRUE)
folder <- args[1]
outcomes <- as.integer(args[2])
studies <- read.csv(file.path(folder, "studies.csv"), stringsAsFactors = FALSE)
arms <- read.csv(file.path(folder, "arms.csv"), stringsAsFactors = FALSE)
treated <- arms[arms$arm == "treated", ][match(studies$study_id, arms$study_id[arms$arm == "treated"]), ]
control <- arms[arms$arm == "control", ][match(studies$study_id, arms$study_id[arms$arm == "control"]), ]
kinds <- c("binary", "continuous", "generic")
for (i in seq_len(outcomes) - 1) {
  o <- function(field) paste0("o", i, "_", field)
  kind <- kinds[i %% 3 + 1]
  d <- if (kind == "binary") {
    escalc("OR", ai = treated[[o("events")]], n1i = treated[[o("n")]],
           ci = control[[o("events")]], n2i = control[[o("n")]])
  } else if (kind == "continuous") {
    escalc("SMD", m1i = treated[[o("mean")]], sd1i = treated[[o("sd")]], n1i = treated[[o("n")]],
           m2i = control[[o("mean")]], sd2i = control[[o("sd")]], n2i = control[[o("n")]])
  } else {
    data.frame(yi = studies[[o("estimate")]], vi = studies[[o("se")]]^2)
  }
  d$region <- studies$region
  d$latitude <- studies$latitude
  r <- rma(yi, vi, data = d, method = "REML")
  print(r)
  print(confint(r))
  print(predict(r))
  fits <- lapply(split(d, d$region), function(s) rma(yi, vi, data = s, method = "REML"))
  for (f in fits) {
    print(f)
    print(confint(f))
  }
  print(rma(sapply(fits, coef), sei = sapply(fits, function(f) f$se), method = "FE"))
  m <- rma(yi, vi, mods = ~latitude, data = d, method = "REML")
  print(m)
  print(confint(m))
  print(leave1out(r))
}
