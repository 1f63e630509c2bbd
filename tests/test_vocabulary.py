"""The shared vocabulary: one reading of every duration, rate, period and clock spelling."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from staffing.errors import StaffingError
from staffing.vocabulary import (
    ABANDON_POLICIES,
    check_abandon_policy,
    check_period,
    format_duration,
    parse_duration,
    parse_rate,
    parse_time_of_day,
    parse_weekdays,
    period_days,
    period_floor,
    period_label,
    period_ordinal,
)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        (900, 900.0),
        (900.5, 900.5),
        ("900", 900.0),
        ("900s", 900.0),
        ("15min", 900.0),
        ("15 min", 900.0),
        ("15m", 900.0),
        ("15 minutes", 900.0),
        ("1h", 3600.0),
        ("1.5h", 5400.0),
        ("1h30", 5400.0),
        ("8h30", 30600.0),
        ("1h30min", 5400.0),
        ("1h 30m", 5400.0),
        ("2m30s", 150.0),
        ("1d", 86400.0),
        ("1D", 86400.0),
        ("2 days", 172800.0),
        ("00:30:00", 1800.0),
        ("0:04:54", 294.0),
        ("4:54", 294.0),
        ("1:00:00.5", 3600.5),
        ("0", 0.0),
        ("inf", float("inf")),
    ],
)
def test_duration_spellings(text: object, seconds: float) -> None:
    """Every spelling of the module notes gives the same seconds."""
    assert parse_duration(text, allow_inf=True) == seconds


@pytest.mark.parametrize(
    "text", ["", "soon", "15 parsecs", "1h2h", "30min1h", "1:2:3:4", "nan", "12:75", True]
)
def test_duration_not_a_duration(text: object) -> None:
    with pytest.raises(StaffingError, match="is not a duration"):
        parse_duration(text)


def test_duration_ranges() -> None:
    """Negative, zero (when refused) and infinite (when refused) durations name the value."""
    with pytest.raises(StaffingError, match="negative"):
        parse_duration("-5")
    with pytest.raises(StaffingError, match="longer than 0 s"):
        parse_duration(0, allow_zero=False, what="--interval")
    with pytest.raises(StaffingError, match="--aht 'inf' must be a finite"):
        parse_duration("inf", what="--aht")
    with pytest.raises(StaffingError, match="not a duration"):
        parse_duration(float("nan"))


@given(st.integers(min_value=0, max_value=10 * 86400))
def test_format_duration_round_trip(seconds: int) -> None:
    """What :func:`format_duration` writes reads back as the same seconds."""
    text = format_duration(seconds)
    assert parse_duration(text.replace(" ", "")) == seconds


@pytest.mark.parametrize(
    ("value", "fraction"),
    [
        ("40%", 0.4),
        ("40 %", 0.4),
        ("40", 0.4),
        (40, 0.4),
        ("0.4", 0.4),
        (0.4, 0.4),
        ("0.5%", 0.005),
        ("100%", 1.0),
        ("100", 1.0),
        (0, 0.0),
        ("0%", 0.0),
        ("1%", 0.01),
        ("1.5", 0.015),
    ],
)
def test_rate_rule(value: object, fraction: float) -> None:
    """A % sign is percent, a bare number above 1 is percent, below 1 a fraction."""
    assert parse_rate(value) == pytest.approx(fraction, rel=1e-15)


@pytest.mark.parametrize("value", ["1", 1, 1.0, "1.0"])
def test_rate_bare_one_is_ambiguous(value: object) -> None:
    with pytest.raises(StaffingError, match="ambiguous: write 1% or 100%"):
        parse_rate(value, what="--credit-per-step")


@pytest.mark.parametrize("value", ["abc", "-5%", "150%", "nan", "inf", True])
def test_rate_refused(value: object) -> None:
    with pytest.raises(StaffingError):
        parse_rate(value)


def test_rate_ends() -> None:
    with pytest.raises(StaffingError, match="above 0%"):
        parse_rate("0%", allow_zero=False)
    with pytest.raises(StaffingError, match="below 100%"):
        parse_rate("100%", allow_one=False)


def test_abandon_policies() -> None:
    assert ABANDON_POLICIES == ("fail", "exclude", "exclude_within", "count_within")
    with pytest.raises(StaffingError, match=r"`abandon_policy` .ignore.: use one of fail, exclude"):
        check_abandon_policy("ignore")


@pytest.mark.parametrize("period", ["day", "week", "month", "quarter"])
def test_period_floor_matches_pandas_periods(period: str) -> None:
    """Reference: pandas' own calendar (``to_period`` with weeks ending on Sunday)."""
    days = pd.date_range("1999-12-01", "2026-03-31", freq="D")
    freq = {"day": "D", "week": "W-SUN", "month": "M", "quarter": "Q"}[period]
    expected = days.to_period(freq).start_time.to_numpy().astype("datetime64[D]")
    got = period_floor(days.to_numpy(), period)
    np.testing.assert_array_equal(got, expected)
    # consecutive periods are one apart, and each period's length is its calendar days
    starts = np.unique(got)
    assert (np.diff(period_ordinal(starts, period)) == 1).all()
    lengths = period_days(starts[:-1], period)
    np.testing.assert_array_equal(lengths, np.diff(starts).astype(np.int64))


def test_period_labels() -> None:
    d = np.array(["2024-02-10", "2024-05-01"], dtype="datetime64[D]")
    assert period_label(d, "quarter") == ["2024Q1", "2024Q2"]
    assert period_label(d, "month") == ["2024-02", "2024-05"]
    assert period_label(d, "week") == ["2024-02-05", "2024-04-29"]


def test_check_period() -> None:
    with pytest.raises(StaffingError, match=r"use one of day, week, month$"):
        check_period("quarter", ("day", "week", "month"))


def test_time_of_day_and_weekdays() -> None:
    assert parse_time_of_day("9:30") == 34200.0
    assert parse_time_of_day("17:00:30") == 61230.0
    for bad in ("25:00", "9:75", "noon", "24:01"):
        with pytest.raises(StaffingError, match="not a time of day"):
            parse_time_of_day(bad)
    assert parse_weekdays("weekend") == {5, 6}
    assert parse_weekdays("all") == set(range(7))
    assert parse_weekdays("") == set(range(7))
    assert parse_weekdays("Fri-Mon") == {4, 5, 6, 0}
    with pytest.raises(StaffingError, match="cannot read weekdays"):
        parse_weekdays("Funday")
