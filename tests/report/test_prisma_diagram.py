import re

from cartsle_cli.report.prisma_diagram import PrismaColumn, PrismaFlow, save_diagram

FLOW = PrismaFlow(
    databases=PrismaColumn(
        identified=[("PubMed", 1200), ("Embase", 2100)],
        duplicates_removed=900,
        screened=2400,
        screened_excluded=2350,
        sought=50,
        not_retrieved=2,
        assessed=48,
        excluded_reasons=[("wrong population", 30), ("wrong study design", 10)],
    ),
    other_methods=PrismaColumn(
        identified=[("ACR Convergence 2024", 120)],
        screened=120,
        screened_excluded=110,
        sought=10,
        not_retrieved=0,
        assessed=10,
        excluded_reasons=[("wrong outcomes", 4)],
    ),
    studies_included=14,
    reports_included=16,
)


def test_svg_diagram_shows_every_box_with_its_count(tmp_path):
    svg = save_diagram(FLOW, tmp_path / "prisma.svg").read_text()
    texts = " ".join(re.sub(r"<[^>]+>", " ", svg).split())
    for expected in [
        "PubMed (n = 1200)",
        "Duplicate records removed (n = 900)",
        "Records screened",
        "(n = 2400)",
        "Reports assessed for eligibility",
        "wrong population (n = 30)",
        "ACR Convergence 2024 (n = 120)",
        "Studies included in review",
        "(n = 14)",
        "(n = 16)",
    ]:
        assert expected in texts, expected


def test_diagram_is_byte_reproducible_in_svg_and_png(tmp_path):
    for suffix in (".svg", ".png"):
        first = save_diagram(FLOW, tmp_path / f"a{suffix}").read_bytes()
        second = save_diagram(FLOW, tmp_path / f"b{suffix}").read_bytes()
        assert first == second
    assert (tmp_path / "a.png").read_bytes().startswith(b"\x89PNG")
