"""The sample's screening decisions: two reviewers, realistic agreement, reasons, 14 studies."""

from __future__ import annotations

import csv
from pathlib import Path

SCREENING = Path(__file__).resolve().parents[2] / "sample_data" / "screening"
DEFAULT_REASONS = {
    "wrong population",
    "wrong intervention",
    "wrong outcomes",
    "wrong study design",
    "duplicate report",
    "full text not retrievable",
    "other",
}


def rows(name: str) -> list[dict[str, str]]:
    with (SCREENING / name).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def kappa(decisions: list[dict[str, str]]) -> float:
    """Cohen's kappa by hand (Cohen 1960), maybe counted as include (Covidence)."""
    votes: dict[tuple[str, str, str], dict[str, bool]] = {}
    for row in decisions:
        key = (row["doi"], row["pmid"], row["title"])
        votes.setdefault(key, {})[row["reviewer"]] = row["decision"] in ("include", "maybe")
    pairs = [(v["ana"], v["ben"]) for v in votes.values()]
    n = len(pairs)
    po = sum(a == b for a, b in pairs) / n
    pa, pb = sum(a for a, _ in pairs) / n, sum(b for _, b in pairs) / n
    pe = pa * pb + (1 - pa) * (1 - pb)
    return (po - pe) / (1 - pe)


def test_reviewers_agree_with_kappa_between_0_7_and_0_9_at_both_stages() -> None:
    assert 0.7 <= kappa(rows("title_abstract.csv")) <= 0.9
    assert 0.7 <= kappa(rows("full_text.csv")) <= 0.9


def test_full_text_exclusions_use_the_default_reasons() -> None:
    excluded = [
        r for r in rows("full_text.csv") + rows("full_text_resolutions.csv") if r["decision"] == "exclude"
    ]
    assert excluded and {r["reason"] for r in excluded} <= DEFAULT_REASONS
    assert {r["reason"] for r in excluded} == DEFAULT_REASONS


def test_final_full_text_includes_name_14_studies_some_with_two_reports() -> None:
    included = {
        (r["doi"], r["pmid"], r["title"]): r["study"]
        for r in rows("full_text.csv")
        if r["decision"] == "include" and r["reviewer"] == "ana"
    }
    for row in rows("full_text_resolutions.csv"):
        key = (row["doi"], row["pmid"], row["title"])
        if row["decision"] == "include":
            included[key] = row["study"]
        else:
            included.pop(key, None)
    studies = set(included.values())
    assert len(studies) == 14
    assert len(included) == 18  # 11 database reports of 8 studies, 7 ACR abstracts of 6


def test_every_conflict_has_a_resolution() -> None:
    for decisions, resolutions in (
        ("title_abstract.csv", "title_abstract_resolutions.csv"),
        ("full_text.csv", "full_text_resolutions.csv"),
    ):
        votes: dict[tuple[str, str, str], set[str]] = {}
        for row in rows(decisions):
            verdict = (
                "include"
                if row["decision"] == "maybe" and row["stage"] == "ta"
                else row["decision"] + row["reason"]
            )
            votes.setdefault((row["doi"], row["pmid"], row["title"]), set()).add(verdict)
        conflicts = {key for key, verdicts in votes.items() if len(verdicts) > 1}
        assert conflicts == {(r["doi"], r["pmid"], r["title"]) for r in rows(resolutions)}


def test_every_decision_row_names_exactly_one_true_cluster() -> None:
    """Matched the way `cartsle screen import` matches (first of DOI, PMID, title that finds
    anything), against the records as cartsle's readers read them and the true clusters: no row
    is ambiguous or unmatched when deduplication is right."""
    from cartsle_cli.formats import read_file
    from cartsle_cli.formats.normalise import clean_doi, clean_pmid
    from cartsle_cli.screening.bulk import title_key

    sample = SCREENING.parent
    with (sample / "truth" / "clusters.csv").open(newline="", encoding="utf-8") as handle:
        cluster_of = {
            (row["source_file"], int(row["position"])): row["cluster"] for row in csv.DictReader(handle)
        }
    index: dict[str, dict[str, set[str]]] = {"doi": {}, "pmid": {}, "title": {}}
    for path in sorted((sample / "searches").iterdir()):
        for position, record in enumerate(read_file(path).records, start=1):
            cluster = cluster_of[(path.name, position)]
            for kind, key in (
                ("doi", clean_doi(record.doi)),
                ("pmid", clean_pmid(record.pmid)),
                ("title", title_key(record.title)),
            ):
                if key:
                    index[kind].setdefault(key, set()).add(cluster)
    for name in ("title_abstract.csv", "full_text.csv"):
        for row in rows(name):
            keys = (
                ("doi", clean_doi(row["doi"])),
                ("pmid", clean_pmid(row["pmid"])),
                ("title", title_key(row["title"])),
            )
            found = next((index[kind][key] for kind, key in keys if key and key in index[kind]), set())
            assert len(found) == 1, (name, row["title"], found)
