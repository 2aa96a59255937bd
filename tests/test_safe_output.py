"""The one sanitiser per medium: what each medium would run never reaches it."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from cartsle_cli.safe_output import (
    figure_settings,
    for_figure,
    for_markup,
    for_spreadsheet,
    for_terminal,
)


@pytest.mark.parametrize(
    "text, shown",
    [
        ("\x1b[31mred\x1b[0m", "red"),  # SGR colour, whole
        ("\x1b]0;owned\x07title", "title"),  # OSC window title ended by BEL
        ("\x1b]8;;http://x\x1b\\link", "link"),  # OSC hyperlink ended by ST
        ("a\x1b(Bb", "ab"),  # charset designation
        ("a\x1b7b", "ab"),
        ("x\x9b31my", "xy"),  # C1 CSI
        ("tab\there\nline\r", "tab\there\nline"),
        ("a\x00b\x07c\x7fd\x85e", "abcde"),
        ("\x1b[", ""),  # cut short
    ],
)
def test_terminal_removes_whole_escape_sequences_and_controls(text: str, shown: str) -> None:
    assert for_terminal(text) == shown


def test_terminal_keeps_mojibake_text_after_a_lone_c1_byte() -> None:
    assert for_terminal("caf\x90e au lait") == "cafe au lait"


@pytest.mark.parametrize("text", ["=1+1", "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"])
def test_spreadsheet_prefixes_formula_starts(text: str) -> None:
    assert for_spreadsheet(text) == "'" + text


def test_spreadsheet_keeps_numbers_numbers() -> None:
    assert for_spreadsheet(-0.5) == -0.5
    assert for_spreadsheet(float("nan")) == ""
    assert for_spreadsheet(None) == ""
    assert for_spreadsheet(True) == "true"
    assert for_spreadsheet("a\x00b") == "ab"


def test_markup_escapes_html_and_markdown() -> None:
    assert for_markup('<script>alert("x")</script>') == "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"
    md = for_markup("*b* _i_ [l](u) `c` # h | t\nnext", markdown=True)
    assert md == r"\*b\* \_i\_ \[l\](u) \`c\` \# h \| t next"
    assert "<" not in for_markup("<img src=x onerror=alert(1)>", markdown=True)


def test_figure_text_is_drawn_as_written_never_as_math() -> None:
    label = for_figure("cost $\\frac{1}{0}$ and $5\x1b[31m")
    with figure_settings(), matplotlib.rc_context({"svg.fonttype": "none"}):
        figure = plt.figure()
        figure.text(0, 0, label)
        out = io.StringIO()
        figure.savefig(out, format="svg")  # mathtext would raise on the unbalanced $ or draw \frac
        plt.close(figure)
    assert "cost $\\frac{1}{0}$ and $5</text>" in out.getvalue()


def test_markdown_leaves_quotes_as_they_are() -> None:
    # A quote opens no HTML outside a tag; "&#x27;" would be escaped by Markdown to the literal
    # text "&\#x27;" (it showed as "Hedges&#x27; g" in the report).
    assert for_markup('Hedges\' g "x"', markdown=True) == 'Hedges\' g "x"'
    assert for_markup("a & <b>", markdown=True) == "a &amp; &lt;b&gt;"
