"""Shift-family tables: what a row means, and every bad row as one clear InputError that
names the column and the spreadsheet row (header = row 1, first data row = row 2).

Expected values are worked by hand from the spellings of ``staffing.vocabulary``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from staffing.errors import InputError
from staffing.scheduling import SHIFT_COLUMNS, Break, shift_families

DATA = Path(__file__).resolve().parents[1] / "data"


def _table(**overrides: object) -> pd.DataFrame:
    """Two good rows; ``overrides`` replace cells of the second (row 3)."""
    rows = [
        {"shift": "early", "start": "06:00-08:00/30min", "length": "8h30",
         "days": "Mon-Fri", "breaks": "15min@1h30-2h30; 30min@3h-5h unpaid"},
        {"shift": "late", "start": "14:00", "length": "8h", "days": "all", "breaks": ""},
    ]  # fmt: skip
    rows[1].update(overrides)
    return pd.DataFrame(rows)


def test_a_row_read_by_hand() -> None:
    """06:00-08:00/30min is five starts (both ends in); 8h30 less an unpaid 30 min is 8 h
    paid; breaks sorted by their earliest start; Mon-Fri is weekdays 0-4."""
    early, late = shift_families(_table())
    assert early.starts_s == (21600.0, 23400.0, 25200.0, 27000.0, 28800.0)
    assert early.length_s == 30600.0 and early.paid_s == 28800.0
    assert early.breaks == (
        Break(900.0, 5400.0, 9000.0, True),
        Break(1800.0, 10800.0, 18000.0, False),
    )
    assert early.days == frozenset(range(5)) and late.days == frozenset(range(7))
    assert late.starts_s == (50400.0,) and late.breaks == () and late.paid_hours == 8.0
    assert early.min_heads == 0 and early.max_heads is None and early.cost == 1.0


def test_optional_columns_and_ranges_past_midnight() -> None:
    """A range ending before it starts runs past midnight; several ranges with ';';
    explicit paid time, head limits and cost are kept."""
    (night,) = shift_families(
        pd.DataFrame(
            {"shift": ["night"], "start": ["22:00-01:00/1h; 12:00"], "length": ["9h"],
             "paid": ["8h"], "min": [1], "max": ["4"], "cost": ["1.25"],
             "breaks": ["1h@4h unpaid"]}
        )
    )  # fmt: skip
    assert night.starts_s == (0.0, 3600.0, 43200.0, 79200.0, 82800.0)
    assert night.paid_s == 28800.0 and night.breaks[0].earliest_s == night.breaks[0].latest_s
    assert (night.min_heads, night.max_heads, night.cost) == (1, 4, 1.25)
    assert night.cost_per_shift == 10.0


def test_sample_table_reads() -> None:
    """data/shifts.csv: four families, every column known (all but the weekly-tour
    contract columns, which it leaves out)."""
    table = pd.read_csv(DATA / "shifts.csv")
    assert list(table.columns) == list(SHIFT_COLUMNS[: len(table.columns)])
    assert set(SHIFT_COLUMNS) - set(table.columns) == {
        "contract",
        "min_hours",
        "max_hours",
        "contract_max",
    }
    names = [f.name for f in shift_families(table, source="shifts.csv")]
    assert names == ["early", "day", "late", "part"]


@pytest.mark.parametrize(
    ("column", "value", "words"),
    [
        ("breaks", "30min@8h-8h15", "the break can end after its shift (8h45 > 8 h)"),
        ("breaks", "15min@1h-2h; 30min@2h-4h", "may overlap"),
        ("breaks", "30min@5h-3h", "the latest start is before the earliest"),
        ("breaks", "lunch", "write DURATION@EARLIEST-LATEST"),
        ("start", "14:00-16:00", "a range needs a step"),
        ("start", "14:00/15min", "a step needs a range"),
        ("start", "25:00", "is not a time of day"),
        ("length", "0", "a shift must last longer than 0 s"),
        ("length", "8", "shorter than 30 min (a bare number is seconds"),
        ("length", "25h", "longer than 24 h"),
        ("paid", "9h", "more than the length"),
        ("days", "Funday", "cannot read weekdays"),
        ("max", "2.5", "whole number of heads"),
        ("cost", "-1", "must be above 0"),
    ],
)
def test_bad_row_is_one_clear_error(column: str, value: str, words: str) -> None:
    """Each bad cell of row 3: one InputError line naming the column and the row."""
    with pytest.raises(InputError) as info:
        shift_families(_table(**{column: value}), source="shifts.csv")
    message = str(info.value)
    assert message.startswith(f"shifts.csv: column '{column}': 1 row (row 3)")
    assert words in message
    assert "\n" not in message
    assert info.value.column == column and info.value.rows == [3]


def test_min_above_max_and_duplicate_names() -> None:
    with pytest.raises(InputError, match=r"column 'min': 1 row \(row 3\) min 5 is above max 2"):
        shift_families(_table(min=5, max=2))
    with pytest.raises(InputError, match=r"column 'shift': 1 row \(row 3\) 'early' is also"):
        shift_families(_table(shift="early"))


def test_unknown_and_missing_columns() -> None:
    """A misspelt optional column is refused rather than silently ignored."""
    with pytest.raises(InputError, match=r"unknown column 'brakes' \(expected shift, start"):
        shift_families(_table().rename(columns={"breaks": "brakes"}))
    with pytest.raises(InputError, match="missing column 'length'"):
        shift_families(_table().drop(columns="length"))
    with pytest.raises(InputError, match="no shift families"):
        shift_families(_table().iloc[:0])
