"""The shared vocabulary: durations, rates, abandon policies, calendar periods, clock times.

Every spelling a user can type is read here, once, and means the same in every command
and function. Standard library and numpy only, so the queueing core can use it too.

Durations
---------
A bare number is **seconds**, everywhere: ``900`` and ``"900"`` are 15 minutes. Units:
``s``/``sec``, ``m``/``min``, ``h``/``hr``, ``d``/``day``, ``w``/``week`` (plurals and
spaces allowed; a forecast horizon of ``6w`` is 42 days), and
compounds such as ``1h30``, ``8h30`` (8 h 30 min), ``1h30min`` or ``2m 30s``. Clock
spellings: ``H:MM:SS`` (``0:04:54``, ``00:30:00``) and ``M:SS`` (``4:54`` is 4 minutes
54 seconds, as ACD reports print handle times).

Rates and percentages
---------------------
One rule for every option, target and column that holds a share: a ``%`` sign means
percent (``40%``, ``0.5%``); a bare number **above 1** is a percentage (``40`` is 40%); a bare
number **below 1** is a fraction (``0.4`` is 40%); a bare ``1`` is ambiguous (1% or 100%?)
and is refused with a message asking for ``1%`` or ``100%``. ``0`` is zero either way.

Abandon policies
----------------
How abandoned calls enter the service level: :data:`ABANDON_POLICIES` (the formulas are in
:mod:`staffing.queueing.performance`).

Calendar periods
----------------
``day``, ``week`` (Monday to Sunday, ISO 8601), ``month`` and ``quarter``, computed on
wall-clock dates (``datetime64[D]``), so daylight-saving changes cannot move a period
boundary. :func:`staffing.frames.period_start` applies them to time-zone-aware
timestamps.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from typing import Any, Literal

import numpy as np

from staffing.errors import StaffingError

__all__ = [
    "ABANDON_POLICIES",
    "PERIODS",
    "WEEKDAYS",
    "AbandonPolicy",
    "Period",
    "check_abandon_policy",
    "check_period",
    "format_duration",
    "format_percent",
    "parse_duration",
    "parse_rate",
    "parse_time_of_day",
    "parse_weekdays",
    "period_days",
    "period_floor",
    "period_label",
    "period_ordinal",
]

# --------------------------------------------------------------------------- durations

_UNITS: dict[str, float] = {
    "s": 1.0,
    "sec": 1.0,
    "secs": 1.0,
    "second": 1.0,
    "seconds": 1.0,
    "m": 60.0,
    "min": 60.0,
    "mins": 60.0,
    "minute": 60.0,
    "minutes": 60.0,
    "h": 3600.0,
    "hr": 3600.0,
    "hrs": 3600.0,
    "hour": 3600.0,
    "hours": 3600.0,
    "d": 86400.0,
    "day": 86400.0,
    "days": 86400.0,
    "w": 604800.0,
    "wk": 604800.0,
    "week": 604800.0,
    "weeks": 604800.0,
}
_NUMBER = r"[0-9]*\.?[0-9]+(?:e[+-]?[0-9]+)?"
_BARE = re.compile(rf"^[+-]?{_NUMBER}$", re.IGNORECASE)
_PART = re.compile(rf"({_NUMBER})\s*([a-z]+)", re.IGNORECASE)
_COMPOUND = re.compile(rf"^(?:{_NUMBER}\s*[a-z]+\s*)+(?:{_NUMBER})?$", re.IGNORECASE)
_CLOCK = re.compile(r"^(\d+):([0-5]?\d)(?::([0-5]?\d(?:\.\d+)?))?$")
_NEXT_SMALLER = {604800.0: 86400.0, 86400.0: 3600.0, 3600.0: 60.0, 60.0: 1.0}


def parse_duration(
    value: Any,
    *,
    what: str = "duration",
    allow_zero: bool = True,
    allow_inf: bool = False,
) -> float:
    """Seconds in a duration: ``900``, ``"15min"``, ``"1h30"``, ``"00:30:00"``, ``"4:54"``.

    Parameters
    ----------
    value : str, int or float
        A number (seconds) or text in any spelling of the module notes.
    what : str, default "duration"
        What the value is, for the message (``"--interval"``, ``"aht_s"``).
    allow_zero : bool, default True
        Whether ``0`` is accepted.
    allow_inf : bool, default False
        Whether ``inf`` is accepted (a patience of ``inf`` means Erlang C).

    Returns
    -------
    float
        Seconds.

    Raises
    ------
    StaffingError
        Text that is not a duration, a negative or NaN value, zero when not allowed, or
        infinity when not allowed; the message names ``what`` and shows the spellings.

    Examples
    --------
    >>> [parse_duration(v) for v in (900, "900", "15min", "1h", "00:30:00", "0:04:54", "4:54")]
    [900.0, 900.0, 900.0, 3600.0, 1800.0, 294.0, 294.0]
    >>> parse_duration("8h30"), parse_duration("1h 30min"), parse_duration("2m30s")
    (30600.0, 5400.0, 150.0)
    >>> parse_duration("6w") / 86400, parse_duration("1w 2d") / 86400
    (42.0, 9.0)
    >>> parse_duration("soon", what="--aht")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    staffing.errors.StaffingError: --aht 'soon' is not a duration; use seconds (294) or e.g. ...
    """
    seconds = _duration_seconds(value)
    if seconds is None or math.isnan(seconds):
        raise StaffingError(
            f"{what} {_show(value)} is not a duration; use seconds (294) or e.g. 4:54, 15min, "
            "1h30, 00:30:00"
        )
    if seconds < 0:
        raise StaffingError(f"{what} {_show(value)} is negative; give a duration of 0 s or more")
    if seconds == 0 and not allow_zero:
        raise StaffingError(f"{what} {_show(value)} must be longer than 0 s")
    if math.isinf(seconds) and not allow_inf:
        raise StaffingError(f"{what} {_show(value)} must be a finite duration")
    return seconds


def _show(value: Any) -> str:
    return repr(value) if isinstance(value, str) else f"{value!r}"


def _duration_seconds(value: Any) -> float | None:
    """Seconds, or None when the spelling is not a duration (no range checks)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float | np.integer | np.floating):
        return float(value)
    text = str(value).strip().lower()
    if not text:
        return None
    if text in ("inf", "infinity", "+inf"):
        return math.inf
    if _BARE.match(text):
        return float(text)
    m = _CLOCK.match(text)
    if m:
        a, b, c = m.group(1), m.group(2), m.group(3)
        if c is None:  # M:SS
            return float(int(a) * 60 + int(b))
        return float(int(a) * 3600 + int(b) * 60) + float(c)
    if _COMPOUND.match(text):
        return _compound(text)
    return None


def _compound(text: str) -> float | None:
    """``1h30``, ``8h30``, ``1h30min``, ``2m 30s``, ``1.5h``: units in falling order."""
    total = 0.0
    last_scale = math.inf
    pos = 0
    for m in _PART.finditer(text):
        if text[pos : m.start()].strip():
            return None
        scale = _UNITS.get(m.group(2))
        if scale is None or scale >= last_scale:
            return None
        total += float(m.group(1)) * scale
        last_scale = scale
        pos = m.end()
    rest = text[pos:].strip()
    if rest:  # a trailing bare number takes the next smaller unit: 1h30 = 1 h 30 min
        smaller = _NEXT_SMALLER.get(last_scale)
        if smaller is None or not _BARE.match(rest):
            return None
        total += float(rest) * smaller
    return total


def format_duration(seconds: float) -> str:
    """A duration as people write it: ``20 s``, ``4:54``, ``15 min``, ``4 h``, ``8h30``.

    Examples
    --------
    >>> [format_duration(s) for s in (20, 294, 900, 14400, 30600, 90000)]
    ['20 s', '4:54', '15 min', '4 h', '8h30', '25 h']
    """
    if not math.isfinite(seconds):
        return "inf"
    s = float(seconds)
    if s < 60 or s != round(s):
        return f"{s:g} s"
    whole = round(s)
    if whole % 3600 == 0:
        return f"{whole // 3600} h"
    if whole % 60 == 0:
        h, m = divmod(whole // 60, 60)
        return f"{m} min" if h == 0 else f"{h}h{m:02d}"
    if whole < 3600:
        return f"{whole // 60}:{whole % 60:02d}"
    h, rest = divmod(whole, 3600)
    return f"{h}:{rest // 60:02d}:{rest % 60:02d}"


# --------------------------------------------------------------------------- rates


def parse_rate(
    value: Any,
    *,
    what: str = "percentage",
    allow_zero: bool = True,
    allow_one: bool = True,
) -> float:
    """A share as a fraction: ``"40%"``, ``"40"``, ``0.4`` -> 0.4 (rule in the module notes).

    Parameters
    ----------
    value : str, int or float
        ``"40%"``, ``"0.5%"``, ``40``, ``0.4``; a bare ``1`` is refused as ambiguous.
    what : str, default "percentage"
        What the value is, for the message (``"--shrinkage"``, ``"abandon target"``).
    allow_zero : bool, default True
        Whether 0% is accepted.
    allow_one : bool, default True
        Whether 100% is accepted.

    Returns
    -------
    float
        A fraction in ``[0, 1]``.

    Raises
    ------
    StaffingError
        Not a number, ambiguous (a bare 1), negative, above 100%, or at an excluded end.

    Examples
    --------
    >>> [parse_rate(v) for v in ("40%", "40", 0.4, "0.5%", 30, "100%", 0)]
    [0.4, 0.4, 0.4, 0.005, 0.3, 1.0, 0.0]
    >>> parse_rate("1", what="--cap")
    Traceback (most recent call last):
    ...
    staffing.errors.StaffingError: --cap '1' is ambiguous: write 1% or 100%
    """
    fraction = _rate_fraction(value, what)
    if not 0.0 <= fraction <= 1.0:
        raise StaffingError(f"{what} {_show(value)} must lie between 0% and 100%")
    if fraction == 0.0 and not allow_zero:
        raise StaffingError(f"{what} {_show(value)} must be above 0%")
    if fraction == 1.0 and not allow_one:
        raise StaffingError(f"{what} {_show(value)} must be below 100%")
    return fraction


def _rate_fraction(value: Any, what: str) -> float:
    if isinstance(value, bool):
        raise StaffingError(f"{what} {value!r} is not a percentage (e.g. 40% or 0.4)")
    percent = False
    if isinstance(value, int | float | np.integer | np.floating):
        number = float(value)
    else:
        text = str(value).strip()
        percent = text.endswith("%")
        try:
            number = float(text.rstrip("%").strip())
        except ValueError:
            raise StaffingError(
                f"{what} {_show(value)} is not a percentage (e.g. 40% or 0.4)"
            ) from None
    if not math.isfinite(number):
        raise StaffingError(f"{what} {_show(value)} is not a finite percentage")
    if percent or number > 1.0:
        return number / 100.0
    if number == 1.0:
        raise StaffingError(f"{what} {_show(value)} is ambiguous: write 1% or 100%")
    return number


def format_percent(fraction: float, decimals: int = 1) -> str:
    """``12.3%``; empty text for NaN.

    Examples
    --------
    >>> format_percent(0.8), format_percent(0.12345, 2), format_percent(float("nan"))
    ('80.0%', '12.35%', '')
    """
    return "" if fraction != fraction else f"{100 * fraction:.{decimals}f}%"


# --------------------------------------------------------------------------- abandon policies

AbandonPolicy = Literal["fail", "exclude", "exclude_within", "count_within"]
#: How abandoned calls enter the service level (see :mod:`staffing.queueing.performance`).
ABANDON_POLICIES: tuple[str, ...] = ("fail", "exclude", "exclude_within", "count_within")


def check_abandon_policy(policy: str) -> AbandonPolicy:
    """``policy`` if it is one of :data:`ABANDON_POLICIES`, else a one-line error.

    Examples
    --------
    >>> check_abandon_policy("exclude")
    'exclude'
    """
    if policy not in ABANDON_POLICIES:
        raise StaffingError(
            f"`abandon_policy` {policy!r}: use one of {', '.join(ABANDON_POLICIES)}"
        )
    return policy  # type: ignore[return-value]


# --------------------------------------------------------------------------- calendar periods

Period = Literal["day", "week", "month", "quarter"]
#: Calendar periods: a day, a Monday-to-Sunday week, a calendar month or quarter.
PERIODS: tuple[str, ...] = ("day", "week", "month", "quarter")


def check_period(period: str, allowed: Iterable[str] = PERIODS) -> Period:
    """``period`` if it is one of ``allowed``, else a one-line error.

    Examples
    --------
    >>> check_period("month")
    'month'
    """
    allowed = tuple(allowed)
    if period not in allowed:
        raise StaffingError(f"period {period!r}: use one of {', '.join(allowed)}")
    return period  # type: ignore[return-value]


def _days(dates: Any) -> np.ndarray:
    return np.asarray(dates).astype("datetime64[D]")


def period_floor(dates: Any, period: str) -> np.ndarray:
    """First day of the period each wall-clock date falls in (``datetime64[D]``).

    Parameters
    ----------
    dates : array-like of datetime64
        Wall-clock dates or times (no time zone); times are truncated to their date.
    period : {"day", "week", "month", "quarter"}

    Examples
    --------
    >>> d = np.array(["2024-03-06T08:30", "2024-03-31T23:30"], dtype="datetime64[m]")
    >>> period_floor(d, "week").tolist()
    [datetime.date(2024, 3, 4), datetime.date(2024, 3, 25)]
    >>> period_floor(d, "quarter").tolist()
    [datetime.date(2024, 1, 1), datetime.date(2024, 1, 1)]
    """
    check_period(period)
    days = _days(dates)
    if period == "day":
        return days
    if period == "week":
        # 1970-01-01 was a Thursday: (days since the epoch + 3) mod 7 is 0 on Mondays
        return days - (days.astype(np.int64) + 3) % 7
    months = days.astype("datetime64[M]")
    if period == "quarter":
        months = months - months.astype(np.int64) % 3
    return months.astype("datetime64[D]")


def period_ordinal(starts: Any, period: str) -> np.ndarray:
    """Position of each period on the calendar, so that consecutive periods differ by 1.

    Examples
    --------
    >>> s = np.array(["2024-01-01", "2024-02-01", "2024-04-01"], dtype="datetime64[D]")
    >>> period_ordinal(s, "month").tolist(), period_ordinal(s, "quarter").tolist()
    ([648, 649, 651], [216, 216, 217])
    """
    check_period(period)
    days = period_floor(starts, period)
    if period == "day":
        return days.astype(np.int64)
    if period == "week":
        return (days.astype(np.int64) + 3) // 7
    months = days.astype("datetime64[M]").astype(np.int64)
    return months if period == "month" else months // 3


def period_days(starts: Any, period: str) -> np.ndarray:
    """Calendar days in each period starting at ``starts`` (1, 7, 28-31, 90-92).

    Examples
    --------
    >>> s = np.array(["2024-02-01", "2024-01-01"], dtype="datetime64[D]")
    >>> period_days(s, "month").tolist(), period_days(s, "quarter").tolist()
    ([29, 31], [91, 91])
    """
    check_period(period)
    days = period_floor(starts, period)
    if period == "day":
        return np.ones(days.shape, dtype=np.int64)
    if period == "week":
        return np.full(days.shape, 7, dtype=np.int64)
    step = 1 if period == "month" else 3
    end = (days.astype("datetime64[M]") + step).astype("datetime64[D]")
    return (end - days).astype(np.int64)


def period_label(starts: Any, period: str) -> list[str]:
    """``"2024-03-04"`` (day, week), ``"2024-03"`` (month), ``"2024Q1"`` (quarter).

    Examples
    --------
    >>> period_label(np.array(["2024-05-17"], dtype="datetime64[D]"), "quarter")
    ['2024Q2']
    """
    days = period_floor(starts, period)
    if period in ("day", "week"):
        return [str(d) for d in days]
    months = days.astype("datetime64[M]")
    if period == "month":
        return [str(m) for m in months]
    return [f"{str(m)[:4]}Q{int(str(m)[5:7]) // 3 + 1}" for m in months]


# --------------------------------------------------------------------------- clock and weekdays

#: Weekday abbreviations, Monday first (Monday = 0, as numpy and pandas count).
WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DAY_GROUPS = {
    "weekday": "mon-fri",
    "weekdays": "mon-fri",
    "weekend": "sat-sun",
    "all": "mon-sun",
    "daily": "mon-sun",
}
_TIME = re.compile(r"^(\d{1,2})(?::(\d{2}))?(?::(\d{2}))?$")


def parse_time_of_day(value: Any, *, what: str = "time of day") -> float:
    """Seconds after midnight of ``"09:00"``, ``"9:30"``, ``"17:00:00"`` or ``"24:00"``.

    Examples
    --------
    >>> parse_time_of_day("09:30"), parse_time_of_day("24:00")
    (34200.0, 86400.0)
    """
    text = str(value).strip()
    m = _TIME.match(text)
    if m:
        h, mi, s = int(m.group(1)), int(m.group(2) or 0), int(m.group(3) or 0)
        seconds = h * 3600.0 + mi * 60.0 + s
        if mi < 60 and s < 60 and seconds <= 86400.0:
            return seconds
    raise StaffingError(f"{what} {_show(value)} is not a time of day (use e.g. 09:00 or 17:30)")


def _weekday(text: str, spec: Any, what: str) -> int:
    key = text.strip().lower()[:3]
    if key not in WEEKDAYS:
        raise StaffingError(f"cannot read {what} {_show(spec)} (use e.g. Mon-Fri)")
    return WEEKDAYS.index(key)


def parse_weekdays(value: Any, *, what: str = "weekdays") -> frozenset[int]:
    """Weekday numbers (Monday = 0) from ``"Mon-Fri"``, ``"Sat,Sun"``, ``"weekend"``, ``"all"``.

    Empty text means every day. A range wraps past Sunday (``"Sat-Mon"``).

    Examples
    --------
    >>> sorted(parse_weekdays("Mon-Wed, Sat")), sorted(parse_weekdays("Sat-Mon"))
    ([0, 1, 2, 5], [0, 5, 6])
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return frozenset(range(7))
    text = str(value).strip().lower()
    if not text:
        return frozenset(range(7))
    text = _DAY_GROUPS.get(text, text)
    days: set[int] = set()
    for part in re.split(r"[,;+/ ]+", text):
        if not part:
            continue
        lo, dash, hi = _DAY_GROUPS.get(part, part).partition("-")
        first = _weekday(lo, value, what)
        span = (_weekday(hi, value, what) - first) % 7 if dash else 0
        days.update((first + k) % 7 for k in range(span + 1))
    return frozenset(days)
