"""One self-contained HTML report: paragraphs, tables and embedded figures.

The file needs nothing beside itself (styles inline, figures as base64 PNG), so it can be
mailed to a manager or attached to a ticket.
"""

from __future__ import annotations

import base64
import datetime as _dt
import html
import io
import math
import os
import re
from collections.abc import Sequence
from typing import Any

import pandas as pd

from staffing.io.tables import atomic_write

__all__ = ["render_html_report", "write_html_report"]

_STYLE = """
body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #1f2933;
       max-width: 1100px; margin: 2em auto; padding: 0 1em; line-height: 1.45; }
h1 { font-size: 1.6em; border-bottom: 2px solid #2b6cb0; padding-bottom: .3em; }
h2 { font-size: 1.2em; margin-top: 1.8em; color: #2b6cb0; }
p.meta { color: #6b7280; font-size: .9em; }
div.table { overflow-x: auto; border: 1px solid #e5e7eb; }
table { border-collapse: collapse; font-size: .85em; width: 100%; }
th, td { padding: .3em .7em; border-bottom: 1px solid #e5e7eb; white-space: nowrap; }
th { background: #f3f4f6; text-align: left; }
thead { display: table-header-group; }
th.num { text-align: right; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr:nth-child(even) td { background: #fafafa; }
img { max-width: 100%; height: auto; }
@media print {
  body { max-width: none; margin: 0; font-size: 10pt; }
  div.table { overflow: visible; border: none; }
  table { font-size: 7.5pt; }
  th, td { white-space: normal; padding: .15em .35em; }
  tr, img { page-break-inside: avoid; }
  h2 { page-break-after: avoid; }
}
"""


def _format_number(x: Any) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return ""
    if isinstance(x, bool):
        return str(x)
    if isinstance(x, int):
        return f"{x:,}"
    if isinstance(x, float):
        if math.isinf(x):
            return "∞" if x > 0 else "-∞"
        if x != 0 and abs(x) < 1e-3:
            return f"{x:.2e}"
        if abs(x) >= 100:
            return f"{x:,.1f}"
        return f"{x:.4g}"
    return str(x)


_NUMBER_TEXT = re.compile(r"^\s*[-+]?[\d,.]*\d[\d,.]*\s*%?\s*$|^\s*$")


def _is_numeric(col: pd.Series) -> bool:
    """Numbers, or text that only shows numbers (``"1,234.5"``, ``"84.3%"``)."""
    if col.dtype == bool:
        return False
    if pd.api.types.is_numeric_dtype(col):
        return True
    if col.dtype.kind == "M" or isinstance(col.dtype, pd.DatetimeTZDtype):
        return False
    text = col.dropna().astype(str)
    return bool(len(text)) and bool(text.str.match(_NUMBER_TEXT).all())


def _table_html(df: pd.DataFrame) -> str:
    numeric = [_is_numeric(df[c]) for c in df.columns]
    head = "".join(
        ('<th class="num">' if num else "<th>") + f"{html.escape(str(c))}</th>"
        for c, num in zip(df.columns, numeric, strict=True)
    )
    body = []
    for row in df.itertuples(index=False, name=None):
        cells = []
        for value, is_num in zip(row, numeric, strict=True):
            if hasattr(value, "item") and not isinstance(value, pd.Timestamp):
                value = value.item()
            if isinstance(value, pd.Timestamp):
                text = value.isoformat(sep=" ") if not pd.isna(value) else ""
            else:
                text = _format_number(value)
            cls = ' class="num"' if is_num else ""
            cells.append(f"<td{cls}>{html.escape(text)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return (
        '<div class="table"><table><thead><tr>'
        + head
        + "</tr></thead><tbody>"
        + "".join(body)
        + "</tbody></table></div>"
    )


def _figure_html(fig: Any, alt: str) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{data}">'


def _paragraphs(text: str) -> str:
    parts = [p.strip() for p in text.split("\n\n") if p.strip()]
    return "".join(f"<p>{html.escape(p)}</p>" for p in parts)


def render_html_report(title: str, blocks: Sequence[tuple[str, object]]) -> str:
    """The HTML text of a report (see :func:`write_html_report`).

    Examples
    --------
    >>> page = render_html_report("Plan", [("Note", "Two & two.")])
    >>> "<h2>Note</h2><p>Two &amp; two.</p>" in page
    True
    """
    sections = []
    for heading, content in blocks:
        if isinstance(content, str):
            inner = _paragraphs(content)
        elif isinstance(content, pd.DataFrame):
            inner = _table_html(content)
        elif hasattr(content, "savefig"):
            inner = _figure_html(content, heading)
        else:
            raise TypeError(
                f"report block {heading!r}: expected text, a DataFrame or a figure, "
                f"got {type(content).__name__}"
            )
        head = f"<h2>{html.escape(heading)}</h2>" if heading else ""
        sections.append(f"<section>{head}{inner}</section>")
    stamp = _dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{_STYLE}</style></head><body>"
        f'<h1>{html.escape(title)}</h1><p class="meta">Generated {stamp} by staffing.</p>'
        + "\n".join(sections)
        + "</body></html>\n"
    )


def write_html_report(
    path: str | os.PathLike[str], title: str, blocks: Sequence[tuple[str, object]]
) -> None:
    """Write a self-contained HTML report, atomically.

    Parameters
    ----------
    path : str or path-like
        Destination ``.html`` file.
    title : str
        Page title and top heading.
    blocks : sequence of (heading, content)
        ``content`` is a str (paragraphs separated by blank lines), a DataFrame (a table,
        index not shown) or a matplotlib Figure (embedded as a base64 PNG). An empty
        heading adds no heading.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> dest = pathlib.Path(tempfile.mkdtemp()) / "r.html"
    >>> write_html_report(dest, "Week 10", [("Summary", pd.DataFrame({"fte": [41.25]}))])
    >>> '<td class="num">41.25</td>' in dest.read_text()
    True
    """
    page = render_html_report(title, blocks)
    with atomic_write(path) as tmp:
        tmp.write_text(page, encoding="utf-8")
