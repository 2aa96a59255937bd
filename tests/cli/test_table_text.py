"""The direct table drawing prints what rich's Table prints, character for character, or declines."""

import io

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console
from rich.table import Table
from rich.text import Text

from cartsle_cli.cli import table_text


def _console(width=120, **options):
    return Console(file=io.StringIO(), width=width, **options)


def _rich(title, columns, rows, right, width=120):
    console = _console(width)
    table = Table(title=title, title_justify="left")
    for column, is_right in zip(columns, right):
        table.add_column(column, justify="right" if is_right else "left")
    for row in rows:
        table.add_row(*(Text(cell) for cell in row))
    console.print(table)
    return console.file.getvalue()


def _drawn(title, columns, rows, right, width=120):
    return table_text.render(_console(width), title, columns, rows, right)


def test_a_results_table_is_drawn_as_rich_draws_it():
    columns = ["outcome", "k", "pooled", "95% CI"]
    rows = [["Outcome 0", "60", "0.66", "0.60-0.73"], ["Müller 2003 ", "9", "-0.38 ", ""]]
    right = [False, True, True, False]
    for title in (
        None,
        "",
        "Comparative outcomes (ratios on their natural scale, median [IQR]: a long title)",
    ):
        assert _drawn(title, columns, rows, right) == _rich(title, columns, rows, right)


def test_a_table_without_rows_is_drawn_as_rich_draws_it():
    assert _drawn("Nothing", ["a", "b"], [], [False, False]) == _rich(
        "Nothing", ["a", "b"], [], [False, False]
    )


CELL = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=12)


@settings(max_examples=300, deadline=None)
@given(
    st.integers(1, 5).flatmap(
        lambda n: st.tuples(
            st.lists(CELL, min_size=n, max_size=n),
            st.lists(st.lists(CELL, min_size=n, max_size=n), max_size=6),
            st.lists(st.booleans(), min_size=n, max_size=n),
        )
    ),
    st.one_of(st.none(), st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=90)),
    st.integers(20, 120),
)
def test_any_table_rich_can_draw_directly_is_drawn_the_same(table, title, width):
    columns, rows, right = table
    drawn = _drawn(title, columns, rows, right, width)
    if drawn is not None:
        assert drawn == _rich(title, columns, rows, right, width)


def test_tables_rich_must_lay_out_are_left_to_rich():
    assert _drawn(None, ["a"], [["two\nlines"]], [False]) is None
    assert _drawn(None, ["a"], [["a\ttab"]], [False]) is None
    assert _drawn(None, ["a", "b"], [["x" * 70, "y" * 70]], [False, False], width=100) is None
    coloured = _console(force_terminal=True, color_system="standard")
    assert table_text.render(coloured, None, ["a"], [["x"]], [False]) is None
