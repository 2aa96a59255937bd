"""One sanitiser per medium: the single place where text from a record becomes safe to show.

A record's title, a database name, a reviewer's name or a reason is text someone else wrote. Each
medium cartsle writes to runs some text: a terminal runs escape sequences, a spreadsheet runs
formulas, a browser runs HTML (and Markdown becomes HTML), matplotlib runs ``$...$`` as mathtext.
Every writer of a medium goes through its function here, so the rule for a medium lives once.

- ``for_terminal``: whole escape sequences (CSI, OSC, DCS, ...) and every other C0/C1 control
  but tab and newline removed, so ``\\x1b[31mred`` becomes ``red``, never ``[31mred``.
- ``for_spreadsheet``: OWASP's rule on CSV injection, a text cell starting ``= + - @``, tab or
  CR is prefixed with a single quote; numbers stay numbers (``from_spreadsheet`` undoes it).
- ``for_markup``: HTML escaped; for Markdown also the punctuation Markdown would turn into markup.
- ``for_figure``: control characters removed; figures are drawn inside ``figure_settings()``
  (``text.parse_math`` off), so ``$...$`` is drawn as written, never as mathtext.
"""

from __future__ import annotations

import html
import math
import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # matplotlib is loaded only to draw a figure
    from matplotlib.typing import RcKeyType

# ECMA-48 escape sequences, whole: CSI (ESC [ or the C1 byte 0x9b) parameters, intermediates and
# final byte; OSC, DCS, SOS, PM and APC strings (ESC ] P X ^ _) up to their terminator (BEL or ST)
# or the end of the text; then the short escapes (ESC ( B, ESC 7, ...). A lone C1 string introducer
# is only removed as a control: in mis-decoded text it is mojibake, and the title after it is kept.
_ESCAPE = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"
    r"|\x1b[\]PX^_][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[ -/]*[0-~]?"
)
# Every other C0 and C1 control character but tab and newline.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def for_terminal(value: Any) -> str:
    """Text fit for a terminal: escape sequences removed whole, other controls but tab and newline."""
    return _CONTROL.sub("", _ESCAPE.sub("", _text(value)))


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def for_spreadsheet(value: Any) -> Any:
    """A CSV cell a spreadsheet will not run (OWASP, "CSV Injection").

    Text that starts with ``=``, ``+``, ``-``, ``@``, tab or carriage return gets a leading single
    quote. int and float values are returned as they are (a NaN becomes blank) so "-0.5" written by
    cartsle stays a number a spreadsheet can sum; None is blank; a bool is ``true``/``false``.
    Escape sequences and control characters but tab, newline and CR are removed: a cell has no use
    for them, a terminal showing the file would run them, and a NUL makes the file binary.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (int, float)):
        return "" if isinstance(value, float) and math.isnan(value) else value
    text = _CELL_CONTROL.sub("", _ESCAPE.sub("", str(value)))
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


_CELL_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def from_spreadsheet(cell: str) -> str:
    """A cell as it was before ``for_spreadsheet``: the quote before a formula start taken off.

    Spreadsheets themselves show ``'=x`` as ``=x``; cartsle reading its own file back does the same.
    """
    if cell.startswith("'") and cell[1:2] and cell[1] in "=+-@\t\r":
        return cell[1:]
    return cell


# What Markdown (CommonMark and the usual extensions) would read as markup: emphasis, code, links and
# images, headings, tables, strikethrough, and the backslash itself. < > & are HTML-escaped first.
_MARKDOWN = re.compile(r"([\\`*_\[\]{}#|!~])")


def for_markup(value: Any, *, markdown: bool = False) -> str:
    """Text that an HTML page (or, with ``markdown``, a Markdown file) shows literally.

    HTML: ``& < > " '`` escaped, control characters removed. Markdown escapes ``& < >`` only (quotes
    open no HTML outside a tag, and ``&#x27;`` would come out of Markdown's own escaping as the
    literal text ``&#x27;``), then backslash-escapes the punctuation that would start emphasis,
    code, a link, a heading or a table cell, and puts line breaks on one line, so a value can never
    open a block of its own.
    """
    text = html.escape(
        _CONTROL.sub("", _ESCAPE.sub("", _text(value))).replace("\x00", ""), quote=not markdown
    )
    if markdown:
        text = _MARKDOWN.sub(r"\\\1", text.replace("\r\n", " ").replace("\n", " ").replace("\t", " "))
    return text


def for_figure(value: Any) -> str:
    """Figure text matplotlib draws as written, never as mathtext.

    The ``$`` stays as it is: every figure is made inside ``figure_settings()``, which turns
    ``text.parse_math`` off, so matplotlib draws ``$x$`` as those three characters (escaping it as
    ``\\$`` would show the backslash once mathtext is off). Control characters are removed and a
    tab becomes a space (fonts have no glyph for them).
    """
    return _CONTROL.sub("", _ESCAPE.sub("", _text(value))).replace("\t", " ")


# Figures are made under these settings: no mathtext, no TeX, whatever the text. Text objects take
# parse_math when they are created, so the whole figure is built inside the context.
FIGURE_RC: dict[RcKeyType, Any] = {"text.parse_math": False, "text.usetex": False}


def figure_settings() -> Any:
    """The matplotlib settings every cartsle figure is drawn and saved under."""
    import matplotlib

    return matplotlib.rc_context(FIGURE_RC)
