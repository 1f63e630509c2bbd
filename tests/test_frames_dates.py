"""Timestamps read with one date convention per column (``staffing.frames.dates``).

Expected dates are written out by hand from the calendar; rows are numbered as a
spreadsheet shows them (header = row 1).
"""

from __future__ import annotations

import datetime as dt
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from staffing.errors import InputError
from staffing.frames.dates import combine_date_time, parse_timestamps, time_of_day_column
from staffing.frames.values import DataWarning


def parse(values, **kw):
    return parse_timestamps(pd.Series(values), column="Start", source="f.csv", **kw)


def texts(result: pd.Series, fmt: str = "%Y-%m-%d %H:%M") -> list[str]:
    return result.dt.strftime(fmt).tolist()


# --------------------------------------------------------------------------- ISO and year-first


def test_iso_needs_no_option_and_gives_nanoseconds():
    got = parse(["2025-03-04 08:00", "2025-03-04T08:30:00", "2025-03-04"])
    assert texts(got) == ["2025-03-04 08:00", "2025-03-04 08:30", "2025-03-04 00:00"]
    assert got.dtype == "datetime64[ns]"


def test_result_keeps_index_and_name():
    s = pd.Series(["2025-03-04 08:00", "2025-03-05 08:00"], index=[10, 20], name="Start")
    got = parse_timestamps(s, column="Start", source="f.csv")
    assert list(got.index) == [10, 20] and got.name == "Start"


def test_year_first_with_slashes_is_not_ambiguous():
    assert texts(parse(["2025/03/04 08:00", "2025/03/05 09:15"])) == [
        "2025-03-04 08:00",
        "2025-03-05 09:15",
    ]


def test_one_offset_is_kept():
    got = parse(["2025-03-04T08:00:00+01:00", "2025-03-04T09:00:00+01:00"])
    assert str(got.dt.tz) == "UTC+01:00"
    assert texts(got) == ["2025-03-04 08:00", "2025-03-04 09:00"]


def test_mixed_offsets_are_converted_to_utc():
    """08:00+01:00 is 07:00 UTC, 08:00+02:00 is 06:00 UTC (as the former reader did); no
    time zone has both offsets on one day, so a warning says dates follow UTC."""
    with pytest.warns(DataWarning, match=r"UTC offsets \+01:00, \+02:00 are not those of one"):
        got = parse(["2025-03-04T08:00:00+01:00", "2025-03-04T08:00:00+02:00"])
    assert str(got.dt.tz) == "UTC"
    assert texts(got) == ["2025-03-04 07:00", "2025-03-04 06:00"]


def test_offsets_on_day_month_dates_too():
    with pytest.warns(DataWarning, match="not those of one time zone"):
        got = parse(["13/03/2025 08:00 +0100", "13/03/2025 08:00 +02:00"])
    assert str(got.dt.tz) == "UTC"
    assert texts(got) == ["2025-03-13 07:00", "2025-03-13 06:00"]


def test_day_month_dates_across_a_clock_change_keep_their_dates():
    """The same rule as ISO values: offsets of one zone's daylight-saving change keep the
    wall-clock date as written (00:30+01:00 on 30 March is 30 March, not 29)."""
    from staffing.frames import local_dates

    got = parse(["29/03/2025 23:30 +01:00", "30/03/2025 00:30 +0100", "30/03/2025 03:30 +02:00"])
    assert [str(d) for d in local_dates(got)] == ["2025-03-29", "2025-03-30", "2025-03-30"]
    assert got.dt.tz_convert("UTC").dt.hour.tolist() == [22, 23, 1]


def test_offset_on_some_rows_only_is_refused():
    with pytest.raises(InputError, match=r"mixes times with a UTC offset \(row 2"):
        parse(["2025-03-04T08:00:00+01:00", "2025-03-04T09:00:00"])


# --------------------------------------------------------------------------- day and month


def test_unambiguous_rows_settle_day_first_with_one_warning():
    with pytest.warns(DataWarning) as record:
        got = parse(["04/03/2025 08:00", "13/03/2025 08:00"])
    assert texts(got) == ["2025-03-04 08:00", "2025-03-13 08:00"]
    assert len(record) == 1
    assert str(record[0].message) == (
        "f.csv: column 'Start': dates read day-first (dd/mm) in every row, as row 3 "
        "('13/03/2025 08:00') can only be day-first; give `dayfirst` or `date_format` to "
        "state it"
    )


def test_unambiguous_rows_settle_month_first():
    with pytest.warns(DataWarning, match=r"month-first \(mm/dd\)"):
        got = parse(["04/03/2025 08:00", "03/13/2025 08:00"])
    assert texts(got) == ["2025-04-03 08:00", "2025-03-13 08:00"]


def test_12_and_13_march_read_with_one_convention():
    """The issue's example: ``12/03/2025`` and ``13/03/2025`` were read with two
    conventions (3 December and 13 March); both are March."""
    with pytest.warns(DataWarning):
        got = parse(["12/03/2025", "13/03/2025"])
    assert texts(got, "%Y-%m-%d") == ["2025-03-12", "2025-03-13"]


def test_all_ambiguous_without_option_stops_in_one_line():
    with pytest.raises(InputError) as err:
        parse(["04/03/2025 08:00", "05/03/2025 08:00"])
    message = str(err.value)
    assert "\n" not in message
    assert message == (
        "f.csv: column 'Start': every date could be day-first or month-first (row 2 "
        "'04/03/2025 08:00' is 4 March or 3 April 2025); say which with `dayfirst` "
        "or `date_format` (e.g. '%d/%m/%Y %H:%M')"
    )


def test_all_ambiguous_settled_by_either_option():
    values = ["04/03/2025 08:00", "05/03/2025 08:00"]
    assert texts(parse(values, dayfirst=True)) == ["2025-03-04 08:00", "2025-03-05 08:00"]
    assert texts(parse(values, dayfirst=False)) == ["2025-04-03 08:00", "2025-05-03 08:00"]
    by_format = parse(values, date_format="%d/%m/%Y %H:%M")
    assert texts(by_format) == ["2025-03-04 08:00", "2025-03-05 08:00"]


def test_day_equal_to_month_everywhere_needs_no_option():
    assert texts(parse(["01/01/2025", "02/02/2025"]), "%Y-%m-%d") == ["2025-01-01", "2025-02-02"]


def test_contradicting_rows_are_named():
    with pytest.raises(InputError) as err:
        parse(["04/03/2025", "13/03/2025", "14/03/2025", "03/14/2025"])
    assert str(err.value) == (
        "f.csv: column 'Start': dates contradict each other: rows 3, 4 (e.g. '13/03/2025') "
        "can only be day-first, row 5 ('03/14/2025') only month-first; a column holds one "
        "convention: correct the file or give `date_format`"
    )


def test_option_against_the_data_names_the_rows():
    with pytest.raises(InputError, match=r"1 row \(row 3\) cannot be read day-first"):
        parse(["04/03/2025", "03/13/2025"], dayfirst=True)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("4.3.2025", "2025-03-04 00:00"),
        ("04-03-25", "2025-03-04 00:00"),
        ("4/3/99 7:05", "1999-03-04 07:05"),
        ("04/03/2025 08:00:30", "2025-03-04 08:00"),
        ("04/03/2025 8:00 PM", "2025-03-04 20:00"),
        ("04/03/2025 12:15 AM", "2025-03-04 00:15"),
    ],
)
def test_day_month_spellings(text, expected):
    assert texts(parse([text], dayfirst=True)) == [expected]


def test_fractions_of_a_second():
    got = parse(["13/03/2025 08:00:30.25"])
    assert got.iloc[0] == pd.Timestamp("2025-03-13 08:00:30.25")


def test_date_format_is_strict_and_names_rows():
    with pytest.raises(InputError) as err:
        parse(["04/03/2025", "2025-03-05", "06/03/2025"], date_format="%d/%m/%Y")
    assert str(err.value) == (
        "f.csv: column 'Start': 1 row (row 3) not matching `date_format` '%d/%m/%Y' "
        "(e.g. '2025-03-05')"
    )


def test_month_names_are_read_with_one_inferred_format():
    got = parse(["04-Mar-2025 08:00", "14-Mar-2025 09:00"])
    assert texts(got) == ["2025-03-04 08:00", "2025-03-14 09:00"]


# --------------------------------------------------------------------------- bad rows


def test_forms_mixed_in_one_column_are_refused():
    with pytest.raises(InputError, match=r"mixes year-first dates \(row 2 .*day-month dates"):
        parse(["2025-03-04 08:00", "13/03/2025 08:00"])


def test_unparsable_rows_are_named():
    with pytest.raises(InputError) as err:
        parse(["13/03/2025 08:00", "soon", "13/03/2025 09:00", "later"])
    assert str(err.value).startswith(
        "f.csv: column 'Start': 2 rows (rows 3, 5) not timestamps (e.g. 'soon')"
    )


def test_missing_rows_are_named():
    with pytest.raises(InputError, match=r"2 rows \(rows 3, 4\) missing timestamps"):
        parse(["2025-03-04 08:00", None, "  "])


@pytest.mark.parametrize(
    "text", ["31/04/2025", "29/02/2025", "13/03/2025 24:00", "13/03/2025 8:61"]
)
def test_impossible_dates_and_times(text):
    with pytest.raises(InputError, match=r"row 3\) impossible dates or times"):
        parse(["13/03/2025", text])


def test_leap_day_is_a_date():
    assert texts(parse(["29/02/2024"]), "%Y-%m-%d") == ["2024-02-29"]


@pytest.mark.parametrize(
    "values",
    [
        ["2025-03-04 08:00", "2025-03-04 08:30", "2300-03-04 09:00"],
        ["13/03/2025 08:00", "13/03/2025 08:30", "13/03/2300 09:00"],
    ],
)
def test_implausible_year_is_named_at_its_row(values):
    """The issue: a timestamp in 2300 was reported as mixed interval lengths elsewhere."""
    with pytest.raises(InputError) as err:
        parse(values)
    assert "1 row (row 4) year 2300 outside 1900-2200" in str(err.value)


# --------------------------------------------------------------------------- Excel cells


def test_excel_datetime_cells_are_taken_as_they_are():
    cells = pd.Series([dt.datetime(2025, 3, 4, 8, 0), dt.date(2025, 3, 5)], dtype=object)
    got = parse_timestamps(cells, column="Start", source="f.xlsx")
    assert texts(got) == ["2025-03-04 08:00", "2025-03-05 00:00"]


def test_excel_mixture_of_cells_and_text_follows_the_text_convention():
    cells = pd.Series([dt.datetime(2025, 3, 4, 8), "13/03/2025 09:00", "04/03/2025 10:00"])
    with pytest.warns(DataWarning, match="day-first"):
        got = parse_timestamps(cells.astype(object), column="Start", source="f.xlsx")
    assert texts(got) == ["2025-03-04 08:00", "2025-03-13 09:00", "2025-03-04 10:00"]


def test_numbers_are_excel_serial_dates_with_a_warning():
    """45720 is 2025-03-04 (Excel counts days from 1899-12-30); 1/3 day is 08:00."""
    with pytest.warns(DataWarning, match="numbers read as Excel serial dates") as record:
        got = parse([45720 + 1 / 3, 45721.5])
    assert texts(got) == ["2025-03-04 08:00", "2025-03-05 12:00"]
    assert len(record) == 1


def test_numbers_that_are_not_serial_dates():
    with pytest.raises(InputError, match=r"not Excel serial dates \(e.g. 20250304\)"):
        parse([20250304, 20250305])
    with pytest.raises(InputError, match=r"row 3\) .*\(e.g. 150000 would be year 2310\)"):
        parse([45720, 150000])


def test_times_without_dates_are_refused():
    with pytest.raises(InputError, match="times of day without a date"):
        parse_timestamps(
            pd.Series([dt.time(8), dt.time(9)], dtype=object), column="Start", source="f.xlsx"
        )


# --------------------------------------------------------------------------- date and time


def test_time_of_day_spellings():
    values = pd.Series(
        ["08:00", "8:30 - 9:00", "09:00-09:30", "1:15 PM", "12:00 AM", dt.time(7, 30), 0.25],
        dtype=object,
    )
    got = time_of_day_column(values, column="Interval", source="f.csv")
    assert got.tolist() == [28800.0, 30600.0, 32400.0, 47700.0, 0.0, 27000.0, 21600.0]


def test_time_of_day_bad_rows():
    with pytest.raises(InputError, match=r"2 rows \(rows 3, 4\) not times of day"):
        time_of_day_column(pd.Series(["08:00", "25:00", "noon"]), column="T", source="f.csv")


def test_date_and_time_columns_combine():
    dates = pd.Series(["13/03/2025", "13/03/2025", "14/03/2025"])
    times = pd.Series(["23:30", "23:45", "00:00"])
    got = combine_date_time(dates, times, date_column="Date", time_column="Time", source="f.csv")
    assert got.name == "interval_start"
    assert texts(got) == ["2025-03-13 23:30", "2025-03-13 23:45", "2025-03-14 00:00"]


def test_date_column_holding_times_is_refused():
    with pytest.raises(InputError, match=r"column 'Date': 1 row .*holds times of day"):
        combine_date_time(
            pd.Series(["2025-03-13", "2025-03-13 08:00"]),
            pd.Series(["08:00", "08:30"]),
            date_column="Date",
            time_column="Time",
            source="f.csv",
        )


# --------------------------------------------------------------------------- properties


@settings(max_examples=40)
@given(
    st.lists(
        st.datetimes(min_value=dt.datetime(1950, 1, 1), max_value=dt.datetime(2150, 12, 31)),
        min_size=1,
        max_size=30,
    ),
    st.sampled_from([("%d/%m/%Y %H:%M", "min"), ("%d.%m.%Y %H:%M:%S", "s"), ("%d-%m-%Y", "D")]),
)
def test_day_first_round_trip(stamps, form):
    """Any day-first rendering reads back as the same timestamps with ``dayfirst=True``,
    and without it either the same or the one-line refusal (every date ambiguous)."""
    fmt, resolution = form
    truth = pd.Series(pd.to_datetime(stamps)).dt.floor(resolution)
    text = truth.dt.strftime(fmt)
    got = parse_timestamps(text, column="t", source="f", dayfirst=True)
    assert (got.to_numpy() == truth.to_numpy()).all()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataWarning)
        try:
            inferred = parse_timestamps(text, column="t", source="f")
        except InputError as exc:  # only when every date is ambiguous
            assert "every date could be" in str(exc)
        else:
            assert (inferred.to_numpy() == truth.to_numpy()).all()


# --------------------------------------------------------------------------- speed


def test_a_long_column_reads_exactly():
    """100,000 ISO and day-first rows read back to the same instants (the speed on a
    million rows is measured by ``benchmarks/bench_dates.py``, not asserted here)."""
    stamps = pd.date_range("2020-01-01", periods=100_000, freq="15min")
    iso = pd.Series(np.datetime_as_string(stamps.to_numpy(), unit="m"), dtype="str")
    iso = iso.str.replace("T", " ", regex=False)
    piece = iso.str.slice
    uk = piece(8, 10) + "/" + piece(5, 7) + "/" + piece(0, 4) + piece(10, 16)
    expected = np.asarray(stamps, dtype="datetime64[ns]")
    assert (parse_timestamps(iso, column="t", source="f").to_numpy() == expected).all()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataWarning)
        got = parse_timestamps(uk, column="t", source="f")
    assert (got.to_numpy() == expected).all()


def test_many_shapes_in_one_column():
    """Unpadded days, months and hours give a column 16 shapes of text (past the few the
    scanner peels off one by one, so they are hashed): each reads as written."""
    stamps = pd.Series(
        pd.to_datetime(
            [f"2025-{m:02d}-{d:02d} {h:02d}:05" for m in (3, 11) for d in (4, 14) for h in (8, 18)]
        )
    )
    stamps = pd.concat([stamps, stamps + pd.Timedelta(days=365)], ignore_index=True)
    text = stamps.dt.strftime("%-d.%-m.%Y %-H:%M") + np.where(stamps.dt.year > 2025, "", " ")
    with pytest.warns(DataWarning, match="day-first"):
        got = parse_timestamps(text, column="t", source="f")
    assert (got.to_numpy() == stamps.to_numpy()).all()
