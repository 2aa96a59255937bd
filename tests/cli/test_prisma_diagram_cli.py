import re

from cartsle_cli.formats.record import Record
from tests.screening.conftest import add_records


def test_prisma_diagram_option_draws_the_counts_it_prints(cli, tmp_path):
    add_records(cli.db, [Record(line=i, raw=str(i), title=f"Record {i}") for i in range(1, 8)])
    diagram = tmp_path / "prisma.svg"
    printed = cli("prisma", "--diagram", diagram).stdout
    assert "Records identified: PubMed" in printed
    svg_text = " ".join(re.sub(r"<[^>]+>", " ", diagram.read_text()).split())
    # Nobody has decided anything: nothing is screened yet, all 7 await screening.
    assert "PubMed (n = 7)" in svg_text and "Records screened (n = 0)" in svg_text
    assert "7 records still awaiting screening" in svg_text
    bad = cli("prisma", "--diagram", tmp_path / "prisma.pdf", ok=False)
    assert bad.exit_code == 1 and "written as .svg or .png" in bad.output


def test_prisma_r_csv_option_writes_the_r_package_file(cli, tmp_path):
    add_records(cli.db, [Record(line=i, raw=str(i), title=f"Record {i}") for i in range(1, 4)])
    cli("prisma", "--r-csv", tmp_path / "prisma.csv")
    text = (tmp_path / "prisma.csv").read_text()
    assert text.startswith("data,node,box,description,boxtext,tooltips,url,n\n")
    assert "\ndatabase_results,node7,box2," in text and text.split("database_results,")[1].split("\n")[
        0
    ].endswith(",3")
