"""`cartsle report` on a small review built through the CLI: every format, figures that agree with
`cartsle pool` and `cartsle prisma`, reproducible bytes, and hostile text made harmless."""

from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from cartsle_cli.formats.record import Record
from cartsle_cli.store import open_review, transaction
from cartsle_cli.store.searches import add_search

HOSTILE_AUTHOR = "=cmd|' /C calc'!A0"
HOSTILE_TITLE = '<script>alert("x")</script><img src=x onerror=alert(1)> CAR T cells in lupus'


def _add(db: Path, database: str, records: list[Record], other: bool = False) -> list[int]:
    conn = open_review(db)
    with transaction(conn):
        search_id = add_search(
            conn,
            database=database,
            other_methods=other,
            format="test",
            file_name=f"{database}.ris",
            sha256=database,
            records=records,
            searched_on="2025-03-01",
        )
    ids = [
        row[0] for row in conn.execute("SELECT id FROM records WHERE search_id = ? ORDER BY id", (search_id,))
    ]
    conn.close()
    return ids


def _record(n: int, **values) -> Record:
    values.setdefault("title", f"Report {n} on CAR T-cell therapy in lupus")
    values.setdefault("authors", [f"Author{n}, A"])
    values.setdefault("year", 2023)
    return Record(line=n, raw=f"record {n}", **values)


@pytest.fixture
def review(cli, tmp_path) -> Path:
    database_ids = _add(
        cli.db,
        "PubMed",
        [
            _record(1, authors=[HOSTILE_AUTHOR, "Smith, J"], title=HOSTILE_TITLE),
            _record(2),
            _record(3),
            _record(4),
        ],
    )
    other_ids = _add(cli.db, "ACR Convergence 2024", [_record(5, authors=["Mougiakakos, D"])], other=True)
    included, full_text_excluded = {database_ids[0], other_ids[0]}, database_ids[1]
    rows = ["record_id,reviewer,stage,decision,reason"]
    for record_id in database_ids + other_ids:
        for reviewer in ("kofi", "ama"):
            ta = "include" if record_id in included | {full_text_excluded} else "exclude"
            rows.append(f"{record_id},{reviewer},ta,{ta},")
            if ta == "include":
                ft = ("include", "") if record_id in included else ("exclude", "wrong population")
                rows.append(f"{record_id},{reviewer},ft,{ft[0]},{ft[1]}")
    decisions = tmp_path / "decisions.csv"
    decisions.write_text("\n".join(rows) + "\n")
    cli("screen", "import", decisions)
    labels = [study["study_id"] for study in json.loads(cli("screen", "studies", "--json").stdout)]
    assert len(labels) == 2
    hostile, other = sorted(labels, key=lambda label: not label.startswith("="))
    studies = tmp_path / "studies.csv"
    with studies.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "study_id",
                "first_author",
                "year",
                "n_treated",
                "target",
                "origin",
                "crs_any",
                "crs_g1",
                "infections",
            ]
        )
        writer.writerow([hostile, HOSTILE_AUTHOR, 2023, 6, "CD19", "autologous", 4, 4, 1])
        writer.writerow([other, "Mougiakakos", 2023, 3, "CD19-BCMA", "allogeneic", 1, 1, 0])
    patients = tmp_path / "patients.csv"
    lines = ["study_id,patient_id,month,sledai"]
    for n, (study, base, m3, m6) in enumerate(
        [(hostile, 12, 4, 2), (hostile, 10, 2, 0), (other, 14, 6, 4), (other, 8, 0, 0)]
    ):
        lines += [f'"{study}",P{n},0,{base}', f'"{study}",P{n},3,{m3}', f'"{study}",P{n},6,{m6}']
    patients.write_text("\n".join(lines) + "\n")
    protocol = tmp_path / "protocol.toml"
    cli("protocol", "init", "--preset", "car-t-sle", "--out", protocol)
    cli("protocol", "load", protocol)
    cli("extract", "load", studies, patients)
    return cli.db


def test_csv_report_tables_agree_with_pool_and_prisma(cli, review, tmp_path):
    out = tmp_path / "csv"
    cli("report", "--format", "csv", "--out", out, "--method", "dl")
    pooled = json.loads(cli("pool", "--json", "--method", "dl").stdout)
    prisma = json.loads(cli("prisma", "--json").stdout)
    manifest = pd.read_csv(out / "manifest.csv")
    for name in manifest["file"][manifest["file"] != "generated_at"]:
        assert (out / name).is_file(), name
    boxes = pd.read_csv(out / "prisma.csv", keep_default_na=False)
    screened = boxes[(boxes["column"] == "databases") & (boxes["box"] == "screened")]["n"].item()
    assert screened == prisma["databases"]["screened"] == 4
    assert (
        boxes[(boxes["column"] == "review") & (boxes["box"] == "studies_included")]["n"].item()
        == prisma["studies_included"]
        == 2
    )
    crude = pd.read_csv(out / "crs_crude.csv").iloc[0]
    crs = next(a for a in pooled["analyses"] if a["id"] == "crs")["proportion"]
    assert crude["Patients with the event"] == "5/9 (56%)"  # 4/6 + 1/3, counted by hand
    wilson = crs["crude"]["wilson"]
    assert crude["Wilson 95% CI"] == f"{100 * wilson['lower']:.1f}-{100 * wilson['upper']:.1f}%"
    meta = pd.read_csv(out / "crs_meta.csv").iloc[0]
    assert meta["Pooled (95% CI)"].startswith(f"{100 * crs['meta']['estimate']:.1f}% (")
    assert "DerSimonian" in meta["Method"]
    means = pd.read_csv(out / "sledai_mean.csv", dtype=str).set_index("Months")
    assert means.loc["0", "Mean (95% CI)"].startswith("11.0 (")  # (12 + 10 + 14 + 8) / 4, by hand


def test_characteristics_of_included_studies_has_every_declared_characteristic(cli, review, tmp_path):
    out = tmp_path / "csv"
    cli("report", "--format", "csv", "--out", out)
    table = pd.read_csv(out / "characteristics_of_included_studies.csv", dtype=str, keep_default_na=False)
    assert list(table.columns[:7]) == [
        "Study",
        "First author",
        "Year",
        "Design",
        "Country",
        "Patients treated",
        "Product",
    ]
    assert len(table) == 2 and set(table["Origin"]) == {"autologous", "allogeneic"}
    for path in out.glob("*.csv"):
        text = path.read_text()
        assert "True" not in text and "False" not in text, path.name
    # results read as a person reads them: no raw field names as headers
    assert "crs_any" not in (out / "crs_crude.csv").read_text()


def test_each_forest_plot_sits_in_its_outcomes_section_and_methods_name_only_what_ran(cli, review, tmp_path):
    cli("report", "--format", "md", "--out", tmp_path)
    text = (tmp_path / "report.md").read_text()
    crs = text.index("\n## Cytokine release syndrome\n")
    figure = text.index("![Forest plot: Cytokine release syndrome](figures/forest_crs.svg)")
    later = text.index("\n## ", crs + 3)
    assert crs < figure < later
    document_methods = text[text.index("## Methods") : text.index("\n## ", text.index("## Methods") + 3)]
    assert "binomial-normal GLMM" in document_methods and "Mann-Whitney" in document_methods
    assert "Two reviewers screened independently (2 required per record)" in document_methods
    # no study reports ICANS here: it is neither pooled nor named among the analyses that ran
    pooled = document_methods[document_methods.index("Single-arm proportions (") :].split(")")[0]
    assert pooled == "Single-arm proportions (Cytokine release syndrome and Infections"
    assert "\n## ICANS\n" not in text


def test_hostile_titles_and_authors_cannot_run_in_a_spreadsheet(cli, review, tmp_path):
    out = tmp_path / "csv"
    cli("report", "--format", "csv", "--out", out)
    for path in out.glob("*.csv"):
        with path.open(newline="", encoding="utf-8") as handle:
            for row in csv.reader(handle):
                for cell in row:
                    assert not cell.startswith(("=", "+", "@", "\t", "\r")), (path.name, cell)
                    if cell.startswith("-"):
                        float(cell)  # a leading minus only on a number
    studies = pd.read_csv(out / "included_studies.csv")
    assert studies["study_id"].str.startswith("'=cmd").any()


def test_html_report_is_self_contained_and_runs_nothing(cli, review, tmp_path):
    out = tmp_path / "html"
    cli("report", "--format", "html", "--out", out)
    page = (out / "report.html").read_text()
    assert "<script" not in page and "onerror=" not in page.replace("onerror=alert(1)&gt;", "")
    assert "&lt;script&gt;" in page  # the hostile title is shown, as text
    assert not re.search(r"(src|href)=\"(https?:)?//", page)  # nothing fetched from the network
    assert page.count('<img src="data:image/svg+xml;base64,') >= 2  # PRISMA diagram and a forest plot


def test_reports_are_byte_identical_apart_from_the_timestamp_line(cli, review, tmp_path):
    for fmt in ("csv", "md", "html", "json"):
        first, second = tmp_path / f"{fmt}1", tmp_path / f"{fmt}2"
        cli("report", "--format", fmt, "--out", first)
        cli("report", "--format", fmt, "--out", second)
        names = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
        assert names == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
        for name in names:
            a, b = (first / name).read_bytes().splitlines(), (second / name).read_bytes().splitlines()
            differing = [i for i, (x, y) in enumerate(zip(a, b)) if x != y]
            assert len(a) == len(b) and len(differing) <= 1, (fmt, name)
            assert all(b"generated" in a[i].lower() for i in differing), (fmt, name)


def test_json_report_holds_every_section(cli, review, tmp_path):
    cli("report", "--format", "json", "--out", tmp_path)
    document = json.loads((tmp_path / "report.json").read_text())
    assert document["schema"] == "cartsle-report/2"
    assert {"searches", "prisma", "agreement", "included_studies", "pool", "methods"} <= set(document)
    assert "PubMed (searched 2025-03-01)" in document["methods"]
    assert len(document["included_studies"]) == 2


@pytest.mark.skipif(
    shutil.which("chromium") is None, reason="Debian's chromium is not installed (.ci/run installs it)"
)
def test_html_report_renders_in_headless_chromium_with_its_figures(cli, review, tmp_path):
    out = tmp_path / "html"
    cli("report", "--format", "html", "--out", out)
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}",
    ]
    page = (out / "report.html").as_uri()
    dom = subprocess.run(
        ["chromium", *flags, "--dump-dom", page], capture_output=True, text=True, timeout=120
    ).stdout
    assert "Systematic review report" in dom and dom.count("<img") >= 2
    shot = tmp_path / "shot.png"
    subprocess.run(
        ["chromium", *flags, f"--screenshot={shot}", "--window-size=1200,3000", page],
        capture_output=True,
        timeout=120,
    )
    assert shot.is_file() and shot.stat().st_size > 10_000
    # Figures decoded and laid out: every <img> has a natural width once the page has loaded.
    script_free_check = subprocess.run(
        ["chromium", *flags, "--virtual-time-budget=5000", "--dump-dom", page],
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout
    assert "data:image/svg+xml;base64," in script_free_check
