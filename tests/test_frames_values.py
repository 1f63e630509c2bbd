"""Numbers as exports write them (``staffing.frames.values``), and the export fixtures.

The fixtures in ``tests/data/exports`` are written by ``make_exports.py`` there, each beside
a clean twin in the project's own format; here each export is read with the functions of
``staffing.frames`` and compared with its twin: the same timestamps, queues and counts,
durations to the second (the exports round them), service levels to the rounding of one
decimal of a percentage.
"""

from __future__ import annotations

import datetime as dt
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from staffing.errors import InputError
from staffing.frames.dates import combine_date_time, parse_timestamps
from staffing.frames.values import (
    ID_DTYPE,
    DataWarning,
    answered_within_count,
    duration_column,
    id_text,
    percent_column,
    reconcile_counts,
)
from staffing.vocabulary import format_duration, parse_duration

EXPORTS = Path(__file__).resolve().parent / "data" / "exports"


def seconds(values, **kw):
    return duration_column(pd.Series(values), column="AHT", source="f.csv", **kw).tolist()


def shares(values):
    return percent_column(pd.Series(values), column="SL", source="f.csv").tolist()


# --------------------------------------------------------------------------- durations


def test_duration_spellings():
    values = ["0:04:54", "4:54", "294", 294, "15min", "1h30", "1:02:03.5", " 0:00:20 "]
    assert seconds(pd.Series(values, dtype=object)) == [
        294.0,
        294.0,
        294.0,
        294.0,
        900.0,
        5400.0,
        3723.5,
        20.0,
    ]


def test_blank_durations_stay_missing():
    assert np.isnan(seconds(["4:54", None, "  "])[1:]).all()


def test_excel_time_cells():
    cells = pd.Series([dt.time(0, 4, 54), dt.timedelta(minutes=4, seconds=54)], dtype=object)
    assert seconds(cells) == [294.0, 294.0]
    assert seconds(pd.to_timedelta(["00:04:54", "01:00:00"])) == [294.0, 3600.0]


def test_day_fractions_only_when_said():
    """0:04:54 stored by Excel as a fraction of a day: 294 / 86400."""
    assert seconds([294 / 86400], day_fractions=True) == [294.0]
    assert seconds([294 / 86400]) == [294 / 86400]


def test_bad_durations_are_named():
    with pytest.raises(InputError) as err:
        seconds(["4:54", "4:75", "soon", "0:04:54"])
    assert str(err.value) == (
        "f.csv: column 'AHT': 2 rows (rows 3, 4) not a duration (e.g. '4:75'); use seconds "
        "(294) or e.g. 4:54, 0:04:54, 15min"
    )


def test_negative_and_infinite_durations():
    with pytest.raises(InputError, match=r"1 row \(row 3\) negative durations"):
        seconds([294, -1])
    with pytest.raises(InputError, match=r"1 row \(row 2\) infinite durations"):
        seconds(["inf", 294])
    assert seconds(["inf", 294], allow_inf=True) == [np.inf, 294.0]


@given(st.integers(min_value=0, max_value=400_000))
def test_durations_agree_with_the_vocabulary(whole):
    """The vectorised clock reading is the vocabulary's, spelling by spelling."""
    h, rest = divmod(whole, 3600)
    m, s = divmod(rest, 60)
    spellings = [f"{h}:{m:02d}:{s:02d}", str(whole), format_duration(whole)]
    if h == 0:
        spellings.append(f"{m}:{s:02d}")
    expected = [parse_duration(x) for x in spellings]
    assert seconds(spellings) == expected == [float(whole)] * len(spellings)


# --------------------------------------------------------------------------- percentages


def test_percent_sign_is_percent():
    assert shares(["77.1%", "0.5%", "100%"]) == [0.771, 0.005, 1.0]


def test_fractions_stay_fractions_without_warning():
    assert shares([0.771, 1.0, 0.0, None])[:3] == [0.771, 1.0, 0.0]


def test_a_column_running_above_one_is_percent_with_one_warning():
    with pytest.warns(DataWarning) as record:
        got = shares([96.2, 80, 0.5, "77,1"])
    assert got == [0.962, 0.8, 0.005, 0.771]
    assert len(record) == 1
    assert str(record[0].message) == (
        "f.csv: column 'SL': values run above 1 (up to 96.2, row 2), so the column is read "
        "as percentages (96.2 = 96.2%); 1 row (row 4) holds a value of at most 1, read as "
        "under 1% (e.g. 0.5 = 0.5%): write 50% where a fraction was meant"
    )


def test_percentages_without_small_values_say_only_the_unit():
    """Percentages all above 1 (or 0): the warning says the unit and names no row."""
    with pytest.warns(DataWarning) as record:
        got = shares([96.2, 80, 0, "77,1"])
    assert got == [0.962, 0.8, 0.0, 0.771]
    assert str(record[0].message) == (
        "f.csv: column 'SL': values run above 1 (up to 96.2, row 2), so the column is read "
        "as percentages (96.2 = 96.2%)"
    )


def test_stray_fractions_among_percentages_are_named():
    """Two values at most 1 among percentages: both rows named, the first as the example."""
    with pytest.warns(
        DataWarning,
        match=r"2 rows \(rows 3, 5\) hold values of at most 1, "
        r"read as under 1% \(e\.g\. 0\.8 = 0\.8%\): write 80%",
    ):
        got = shares([85, 0.8, 90, 0.75])
    assert got == [0.85, 0.008, 0.9, 0.0075]


def test_outside_zero_to_hundred_percent_is_an_error_without_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(InputError, match=r"2 rows \(rows 3, 4\) outside 0-100%"):
            shares([50, 101, -3])
        with pytest.raises(InputError, match=r"1 row \(row 2\) not a percentage"):
            shares(["high", 0.5])


# --------------------------------------------------------------------------- counts


def _counts(offered, answered, abandoned):
    return (
        pd.Series(offered, name="offered"),
        pd.Series(answered, name="answered"),
        pd.Series(abandoned, name="abandoned"),
    )


def test_repair_raises_offered_and_says_so():
    with pytest.warns(DataWarning) as record:
        got = reconcile_counts(*_counts([100, 52, 30], [95, 50, 30], [10, 4, 0]), source="f.csv")
    assert got.offered.tolist() == [105.0, 54.0, 30.0]
    assert got.keep.all()
    assert [str(w.message) for w in record] == [
        "f.csv: answered + abandoned exceeds offered by 2 to 5 calls in 2 rows (rows 2, 3): "
        "offered raised to answered + abandoned"
    ]


def test_drop_leaves_the_rows_out():
    with pytest.warns(DataWarning, match="rows dropped"):
        got = reconcile_counts(
            *_counts([100, 52, 30], [95, 50, 30], [10, 4, 0]), policy="drop", source="f.csv"
        )
    assert got.keep.tolist() == [False, False, True]
    assert got.offered.tolist() == [100.0, 52.0, 30.0]


def test_fail_stops_naming_rows_and_the_option():
    with pytest.raises(InputError) as err:
        reconcile_counts(*_counts([100, 30], [95, 30], [10, 0]), policy="fail", source="f.csv")
    assert str(err.value) == (
        "f.csv: answered + abandoned exceeds offered by 5 calls in 1 row (row 2); give "
        "`on_inconsistent` repair or drop"
    )


def test_consistent_counts_pass_silently():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = reconcile_counts(*_counts([100, 30], [90, 30], [10, 0]), source="f.csv")
    assert got.offered.tolist() == [100.0, 30.0]


@pytest.mark.parametrize("policy", ["repair", "drop", "fail"])
def test_negative_counts_stop_under_every_policy(policy):
    with pytest.raises(InputError, match=r"column 'abandoned': 1 row \(row 3\) negative"):
        reconcile_counts(*_counts([100, 30], [90, 30], [10, -1]), policy=policy, source="f")


def test_service_level_rounding_allows_half_a_call():
    """52 offered, 50 answered, all within the threshold: the ACD prints 96.2% (50/52 =
    96.15%), and 96.2% of 52 is 50.02 calls, more than the 50 answered."""
    sl, offered, answered = pd.Series([0.962]), pd.Series([52]), pd.Series([50])
    got = answered_within_count(sl, offered, answered, column="SL", source="f.csv")
    assert got.tolist() == [50.0]
    with pytest.raises(InputError, match=r"1 row \(row 2\) service level x offered exceeds"):
        answered_within_count(pd.Series([0.98]), offered, answered, column="SL", source="f")


def test_service_level_of_answered_calls():
    got = answered_within_count(
        pd.Series([1.0]),
        pd.Series([52]),
        pd.Series([50]),
        basis="answered",
        column="SL",
        source="f.csv",
    )
    assert got.tolist() == [50.0]


# --------------------------------------------------------------------------- ids


def test_ids_keep_their_zeros():
    assert id_text(pd.Series(["007", " 7", 7, 7.0, 101.0, None], dtype=object)).tolist() == [
        "007",
        "7",
        "7",
        "7",
        "101",
        np.nan,
    ]


# --------------------------------------------------------------------------- exports


def clean(name: str) -> pd.DataFrame:
    return pd.read_csv(EXPORTS / name, dtype={"queue": ID_DTYPE})


def iso(values: pd.Series) -> pd.Series:
    return parse_timestamps(values, column="interval_start", source="clean")


def test_uk_forecast():
    """Semicolons, byte-order mark, dd/mm/yyyy in Date and HH:MM in Time, decimal commas,
    h:mm:ss handle times and zero-padded skill ids."""
    raw = pd.read_csv(
        EXPORTS / "uk_forecast.csv",
        sep=";",
        decimal=",",
        encoding="utf-8-sig",
        dtype={"Skill": ID_DTYPE},
    )
    twin = clean("uk_forecast_clean.csv")
    with pytest.warns(DataWarning, match=r"column 'Date': dates read day-first") as record:
        start = combine_date_time(
            raw["Date"],
            raw["Time"],
            date_column="Date",
            time_column="Time",
            source="uk_forecast.csv",
        )
    assert len(record) == 1
    assert (start == iso(twin["interval_start"])).all()
    assert raw["Skill"].tolist() == twin["queue"].tolist()
    assert "007" in set(raw["Skill"])
    assert (raw["Forecast Calls"] == twin["calls"]).all()
    aht = duration_column(raw["Forecast AHT"], column="Forecast AHT", source="uk_forecast.csv")
    assert (aht == twin["aht_s"]).all()


def test_excel_forecast_on_the_second_sheet():
    """Date cells, interval labels, Excel time cells for AHT, ids as text and number."""
    path = EXPORTS / "forecast_second_sheet.xlsx"
    raw = pd.read_excel(path, sheet_name="Forecast", dtype={"Skill": ID_DTYPE})
    twin = clean("forecast_second_sheet_clean.csv")
    # without the dtype, pandas turns the text cell '007' into the number 7
    assert 7 in set(pd.read_excel(path, sheet_name="Forecast")["Skill"])
    start = combine_date_time(
        raw["Date"],
        raw["Interval"],
        date_column="Date",
        time_column="Interval",
        source="forecast_second_sheet.xlsx",
    )
    assert (start == iso(twin["interval_start"])).all()
    assert id_text(raw["Skill"]).tolist() == twin["queue"].tolist()
    aht = duration_column(raw["AHT"], column="AHT", source="forecast_second_sheet.xlsx")
    assert (aht == twin["aht_s"]).all()
    assert (raw["Calls"] == twin["calls"]).all()
    assert (raw["Patience"] == twin["patience_s"]).all()


def test_interval_report():
    """US timestamps with AM/PM, service level in percent to one decimal, ASA, average
    abandon time and AHT as h:mm:ss rounded to the second."""
    raw = pd.read_csv(EXPORTS / "interval_report.csv", dtype={"Queue": ID_DTYPE})
    twin = clean("interval_report_clean.csv")
    source = "interval_report.csv"
    with pytest.warns(DataWarning) as record:
        start = parse_timestamps(raw["Interval"], column="Interval", source=source)
        sl = percent_column(raw["Service Level %"], column="Service Level %", source=source)
    assert [str(w.message).split(": ")[2][:22] for w in record] == [
        "dates read month-first",
        "values run above 1 (up",
    ]
    assert (start == iso(twin["interval_start"])).all()
    assert raw["Queue"].tolist() == twin["queue"].tolist()
    within = answered_within_count(
        sl, raw["Offered"], raw["Answered"], column="Service Level %", source=source
    )
    # one decimal of a percentage: within 0.05% of the offered calls
    assert (abs(within - twin["answered_within"]) <= 0.0005 * twin["offered"] + 1e-9).all()
    assert within.iloc[3] == 50.0  # 96.2% of 52 offered, clipped to the 50 answered
    for column, ours in [("ASA", "asa_s"), ("Avg Abandon Time", "avg_abandon_s"), ("AHT", "aht_s")]:
        got = duration_column(raw[column], column=column, source=source)
        assert (abs(got - twin[ours]) <= 0.5).all(), column


def test_daily_report_with_counts_that_do_not_add_up():
    """Four days where answered + abandoned exceeds offered by 1, 3, 9 and 16 calls."""
    raw = pd.read_csv(EXPORTS / "daily_report.csv")
    twin = clean("daily_report_clean.csv")
    counts = (
        raw["Calls Offered"].rename("Calls Offered"),
        raw["Calls Answered"].rename("Calls Answered"),
        raw["Calls Abandoned"].rename("Calls Abandoned"),
    )
    with pytest.warns(DataWarning) as record:
        fixed = reconcile_counts(*counts, source="daily_report.csv")
    assert [str(w.message) for w in record] == [
        "daily_report.csv: answered + abandoned exceeds offered by 1 to 16 calls in 4 rows "
        "(rows 6, 19, 35, 53): offered raised to answered + abandoned"
    ]
    assert (fixed.offered == twin["offered"]).all()
    days = parse_timestamps(raw["Date"], column="Date", source="daily_report.csv")
    assert (days == iso(twin["interval_start"])).all()
    with pytest.warns(DataWarning, match="rows dropped"):
        kept = reconcile_counts(*counts, policy="drop", source="daily_report.csv").keep
    assert int(kept.sum()) == 56
    with pytest.raises(InputError, match=r"4 rows \(rows 6, 19, 35, 53\); give `on_incons"):
        reconcile_counts(*counts, policy="fail", source="daily_report.csv")


def test_ambiguous_forecast_needs_an_option():
    raw = pd.read_csv(EXPORTS / "ambiguous_forecast.csv")
    twin = clean("ambiguous_forecast_clean.csv")
    with pytest.raises(InputError) as err:
        parse_timestamps(raw["interval_start"], column="interval_start", source="a.csv")
    assert str(err.value).startswith(
        "a.csv: column 'interval_start': every date could be day-first or month-first (row 80 "
        "'04/03/2025 07:00' is 4 March or 3 April 2025); say which with `dayfirst`"
    )
    for option in ({"dayfirst": True}, {"date_format": "%d/%m/%Y %H:%M"}):
        got = parse_timestamps(
            raw["interval_start"], column="interval_start", source="a.csv", **option
        )
        assert (got == iso(twin["interval_start"])).all()
