"""How the default screening model was chosen: candidates from the named parts, simulated on every
labelled set at hand, several seeds each, scored by WSS@95 (asreview-insights formula).

    nice python3 benchmarks/screening_choice.py [--seeds 3] [--only NAME,...] [--sets UI,ADHD,sample]

Prints per candidate and set the mean WSS@95 (insights), WSS@95 (Cohen), RRF@10 over the seeds, the
mean across sets and the worst change against ELAS u4 on any set (for both WSS@95 formulas), and
two cross-checks: the candidate that would be chosen on each set alone, scored on the others; and
the one the rule (best mean, no set more than 0.01 below ELAS u4) picks with each set left out,
scored on that set. The same priors (one random include, one random exclude per seed) for every
candidate.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from screening_bench import LABELLED, sample_review_csv  # noqa: E402

from cartsle_cli.screening.ranking import read_labelled, simulate  # noqa: E402
from cartsle_cli.screening.ranking.features import Combined, KeywordTerms, TfidfWordPairs  # noqa: E402
from cartsle_cli.screening.ranking.model import CANDIDATES, RankingModel  # noqa: E402

# Variants of the default looked at for the ADHD Cohen-formula drop (README, "How the default was
# chosen"): the keyword block at a quarter and at full weight instead of half.
VARIANTS = {
    f"svm+keywords@{weight:g}": RankingModel(
        features=Combined((TfidfWordPairs(), KeywordTerms()), (1.0, weight))
    )
    for weight in (0.25, 1.0)
}


def sets(wanted: list[str]) -> dict[str, Path]:
    found = {
        "UI": LABELLED / "srd__Cohen_2006_local_UrinaryIncontinence.csv",
        "ADHD": LABELLED / "srd__Cohen_2006_local_ADHD.csv",
    }
    if "sample" in wanted:
        found["sample"] = sample_review_csv(Path(tempfile.mkdtemp(prefix="cartsle-choice-")))
    return {name: path for name, path in found.items() if name in wanted}


def print_table(title: str, table: dict[str, dict[str, list[float]]], set_names: list[str]) -> None:
    """Mean over the seeds per set, the mean across sets, the worst set against ELAS u4."""
    print(
        f"\n{title}\ncandidate               "
        + " ".join(f"{s:>7}" for s in set_names)
        + "    mean  worst vs elas-u4"
    )
    base = table.get("elas-u4")
    for candidate, per_set in table.items():
        means = {s: statistics.fmean(v) for s, v in per_set.items()}
        worst = min(means[s] - statistics.fmean(base[s]) for s in means) if base else float("nan")
        print(
            f"{candidate:<22} "
            + " ".join(f"{means[s]:7.3f}" for s in set_names)
            + f"  {statistics.fmean(means.values()):6.3f}  {worst:+.3f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--only", default="")
    parser.add_argument("--sets", default="UI,ADHD,sample")
    args = parser.parse_args()
    models = {**CANDIDATES, **VARIANTS}
    names = [name for name in models if not args.only or name in args.only.split(",")]
    labelled = {name: read_labelled(path) for name, path in sets(args.sets.split(",")).items()}
    scores: dict[str, dict[str, list[float]]] = {}
    cohen_scores: dict[str, dict[str, list[float]]] = {}
    for candidate in names:
        scores[candidate], cohen_scores[candidate] = {}, {}
        for set_name, data in labelled.items():
            started = time.perf_counter()
            result = simulate(
                data.texts,
                data.labels,
                runs=args.seeds,
                seed=0,
                model=models[candidate],
                keywords=data.keywords,
            )
            wss = [run.metrics.wss95_insights for run in result.runs]
            cohen = [run.metrics.wss95_cohen for run in result.runs]
            rrf = [run.metrics.rrf10 for run in result.runs]
            scores[candidate][set_name] = wss
            cohen_scores[candidate][set_name] = cohen
            print(
                f"{candidate:<22} {set_name:<7} WSS@95 ins {statistics.fmean(wss):.3f} "
                f"[{' '.join(f'{v:.3f}' for v in wss)}] Cohen {statistics.fmean(cohen):.3f} "
                f"RRF@10 {statistics.fmean(rrf):.3f}  {time.perf_counter() - started:.0f} s",
                flush=True,
            )
    for title, table in (("WSS@95 (insights)", scores), ("WSS@95 (Cohen 2006)", cohen_scores)):
        print_table(title, table, list(labelled))
    base = scores.get("elas-u4")
    print("\ncross-check: chosen on one set (best mean WSS@95 there), scored on the others")
    for chosen_on in labelled:
        best = max(scores, key=lambda c: statistics.fmean(scores[c][chosen_on]))
        others = ", ".join(
            f"{s} {statistics.fmean(scores[best][s]):.3f}"
            + (f" (elas-u4 {statistics.fmean(base[s]):.3f})" if base else "")
            for s in labelled
            if s != chosen_on
        )
        print(f"  chosen on {chosen_on}: {best}; on the others: {others}")
    print("\nleave one set out: chosen by the rule on the others, scored on the one left out")
    for left_out in labelled:
        kept = [s for s in labelled if s != left_out]
        best = choose(scores, kept)
        print(
            f"  without {left_out}: {best}; on {left_out}: insights {statistics.fmean(scores[best][left_out]):.3f}, "
            f"Cohen {statistics.fmean(cohen_scores[best][left_out]):.3f}"
            + (
                f" (elas-u4 {statistics.fmean(base[left_out]):.3f}, {statistics.fmean(cohen_scores['elas-u4'][left_out]):.3f})"
                if base
                else ""
            )
        )


def choose(scores: dict[str, dict[str, list[float]]], set_names: list[str]) -> str:
    """The rule: the best mean WSS@95 (insights) across ``set_names`` among the candidates no more
    than 0.01 below ELAS u4 on any of them."""
    base = scores.get("elas-u4")

    def mean_on(candidate: str, name: str) -> float:
        return statistics.fmean(scores[candidate][name])

    allowed = [
        c for c in scores if not base or all(mean_on(c, s) >= mean_on("elas-u4", s) - 0.01 for s in set_names)
    ]
    return max(allowed, key=lambda c: statistics.fmean(mean_on(c, s) for s in set_names))


if __name__ == "__main__":
    main()
