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
54 seconds, as ACD reports print handle times). Weeks (``w``/``wk``/``week``) serve the
plans that run over months: :func:`parse_weeks` reads ``5w`` (or ``35d``) as a whole
number of weeks.

Rates and percentages
---------------------
One rule for every option, target and column that holds a share: a ``%`` sign means
percent (``40%``, ``0.5%``); a bare number **above 1** is a percentage (``40`` is 40%); a bare
number **below 1** is a fraction (``0.4`` is 40%); a bare ``1`` is ambiguous (1% or 100%?)
and is refused with a message asking for ``1%`` or ``100%``. ``0`` is zero either way.

A share that happens over time names its period: ``34%/year``, ``3%/month``,
``0.8% per week`` (:func:`parse_period_rate`). The period of a year is 52 weeks, a quarter
13, a month 52/12 and a day 1/7 of a week; a share is carried from one period to another
by compounding, ``1 - (1 - r)^(weeks per new period / weeks per old period)``, as the
people who stay are the ones who did not leave in any of the shorter periods.

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
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from staffing.errors import StaffingError

__all__ = [
    "ABANDON_POLICIES",
    "PERIODS",
    "RATE_PERIODS",
    "SERVICE_LEVEL_COUNTS",
    "WEEKDAYS",
    "AbandonPolicy",
    "OpeningHours",
    "Period",
    "Share",
    "check_abandon_policy",
    "check_period",
    "covered_days",
    "format_duration",
    "format_percent",
    "infer_interval_s",
    "interval_length",
    "interval_steps",
    "parse_duration",
    "parse_period_rate",
    "parse_rate",
    "parse_span",
    "parse_time_of_day",
    "parse_week_start",
    "parse_weekdays",
    "parse_weeks",
    "period_days",
    "period_floor",
    "period_label",
    "period_ordinal",
    "service_level_denominator",
    "service_level_parts",
    "span_start",
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
    "wks": 604800.0,
    "week": 604800.0,
    "weeks": 604800.0,
}
_NUMBER = r"[0-9]*\.?[0-9]+(?:e[+-]?[0-9]+)?"
_BARE = re.compile(rf"^[+-]?{_NUMBER}$", re.IGNORECASE)
_PART = re.compile(rf"({_NUMBER})\s*([a-z]+)", re.IGNORECASE)
_COMPOUND = re.compile(rf"^(?:{_NUMBER}\s*[a-z]+\s*)+(?:{_NUMBER})?$", re.IGNORECASE)
_CLOCK = re.compile(r"^(\d+):([0-5]?\d)(?::([0-5]?\d(?:\.\d+)?))?$")
_NEXT_SMALLER = {604800.0: 86400.0, 86400.0: 3600.0, 3600.0: 60.0, 60.0: 1.0}
_WEEK_S = 604800.0


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


def parse_weeks(value: Any, *, what: str = "weeks", allow_zero: bool = True) -> int:
    """A whole number of weeks: ``"5w"``, ``"5 weeks"``, ``"35d"``, or a count such as ``5``.

    Parameters
    ----------
    value : str, int or float
        A duration spelled with its unit (``5w``, ``2w3d`` is refused: not whole weeks),
        or a Python number of weeks. Text without a unit is refused (a bare number is
        seconds in every duration), except ``"0"``.
    what : str, default "weeks"
        What the value is, for the message (``"--hire-lead"``).
    allow_zero : bool, default True
        Whether zero weeks are accepted.

    Returns
    -------
    int
        Weeks.

    Raises
    ------
    StaffingError
        Not a duration, negative, not a whole number of weeks, or zero when not allowed.

    Examples
    --------
    >>> [parse_weeks(v) for v in ("5w", "5 weeks", "35d", "1wk", 12, "0")]
    [5, 5, 5, 1, 12, 0]
    >>> parse_weeks("5", what="--hire-lead")
    Traceback (most recent call last):
    ...
    staffing.errors.StaffingError: --hire-lead '5' has no unit (a bare number is seconds): write 5w
    """
    if isinstance(value, bool):
        raise StaffingError(f"{what} {value!r} is not a number of weeks (e.g. 5w)")
    if isinstance(value, int | float | np.integer | np.floating):
        weeks = float(value)
    else:
        text = str(value).strip()
        if _BARE.match(text) and float(text) != 0:
            raise StaffingError(
                f"{what} {_show(value)} has no unit (a bare number is seconds): write {text}w"
            )
        seconds = _duration_seconds(value)
        if seconds is None or math.isnan(seconds):
            raise StaffingError(f"{what} {_show(value)} is not a number of weeks (e.g. 5w, 35d)")
        weeks = seconds / _WEEK_S
    if not math.isfinite(weeks) or weeks < 0:
        raise StaffingError(f"{what} {_show(value)}: give a number of weeks of 0 or more (5w)")
    whole = round(weeks)
    if abs(weeks - whole) > 1e-9:
        raise StaffingError(f"{what} {_show(value)} is not a whole number of weeks (e.g. 5w)")
    if whole == 0 and not allow_zero:
        raise StaffingError(f"{what} {_show(value)} must be at least one week")
    return int(whole)


# --------------------------------------------------------------------------- rates


class Share(float):
    """A share already read as a fraction (``Share(1.0)`` is 100%).

    :func:`parse_rate` takes it as it is, so a value read once (a command-line ``100%``)
    is never judged again by the spelling rule meant for what a person types (a bare
    ``1``).
    """

    __slots__ = ()


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
    Share
        A fraction in ``[0, 1]`` (a float), marked as read: parsing it again gives it back
        as it is, so ``100%`` read once is never taken for an ambiguous bare ``1``.

    Raises
    ------
    StaffingError
        Not a number, ambiguous (a bare 1), negative, above 100%, or at an excluded end.

    Examples
    --------
    >>> [parse_rate(v) for v in ("40%", "40", 0.4, "0.5%", 30, "100%", 0)]
    [0.4, 0.4, 0.4, 0.005, 0.3, 1.0, 0.0]
    >>> parse_rate(parse_rate("100%"))  # read once: never ambiguous again
    1.0
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
    return Share(fraction)


def _rate_fraction(value: Any, what: str) -> float:
    if isinstance(value, bool):
        raise StaffingError(f"{what} {value!r} is not a percentage (e.g. 40% or 0.4)")
    if isinstance(value, Share):
        return float(value)
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


#: Weeks in each period a rate may name (a year is 52 weeks, a month a twelfth of it).
RATE_PERIODS: dict[str, float] = {
    "day": 1.0 / 7.0,
    "week": 1.0,
    "month": 52.0 / 12.0,
    "quarter": 13.0,
    "year": 52.0,
}
_RATE_PERIOD_NAMES: dict[str, str] = {
    "d": "day",
    "day": "day",
    "w": "week",
    "wk": "week",
    "week": "week",
    "mo": "month",
    "month": "month",
    "q": "quarter",
    "qtr": "quarter",
    "quarter": "quarter",
    "y": "year",
    "yr": "year",
    "year": "year",
    "annum": "year",
}
_PER = re.compile(r"^(?P<share>.*?)\s*(?:/|\bper\b|\ba\b)\s*(?P<period>[a-z]+)$", re.IGNORECASE)


def parse_period_rate(
    value: Any,
    *,
    per: str = "year",
    what: str = "rate",
    default_period: str | None = None,
    allow_one: bool = False,
) -> float:
    """A share per period, carried to ``per``: ``"34%/year"``, ``"3%/month"``, ``"0.8% per week"``.

    Parameters
    ----------
    value : str, int or float
        A share (read by :func:`parse_rate`) followed by ``/`` (or ``per``) and a period:
        ``day``, ``week`` (``wk``, ``w``), ``month`` (``mo``), ``quarter`` (``q``) or
        ``year`` (``yr``, ``y``, ``annum``); plurals allowed.
    per : {"day", "week", "month", "quarter", "year"}, default "year"
        The period of the share returned.
    what : str, default "rate"
        What the value is, for the message (``"--attrition"``).
    default_period : str, optional
        The period of a share given without one (a number, or ``"34%"``); when None such
        a share is refused, as ``3%`` could be a month's or a year's.
    allow_one : bool, default False
        Whether 100% per period is accepted.

    Returns
    -------
    float
        The share per ``per``, in ``[0, 1]``: ``1 - (1 - r)^(weeks(per) / weeks(period))``.

    Raises
    ------
    StaffingError
        Not a share, no period where one is needed, an unknown period, a negative share
        or one of 100% or more (unless ``allow_one``).

    Examples
    --------
    >>> round(parse_period_rate("34%/year", per="week"), 6)
    0.007959
    >>> round(parse_period_rate("3% per month"), 4), parse_period_rate("34%", default_period="year")
    (0.3062, 0.34)
    >>> parse_period_rate("34%", what="--attrition")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    staffing.errors.StaffingError: --attrition '34%' needs its period: write e.g. 34%/year ...
    """
    if per not in RATE_PERIODS:
        raise StaffingError(f"period {per!r}: use one of {', '.join(RATE_PERIODS)}")
    share: Any = value
    period = default_period
    if isinstance(value, str):
        m = _PER.match(value.strip())
        if m is not None:
            name = m.group("period").lower()
            name = name[:-1] if name.endswith("s") and name[:-1] in _RATE_PERIOD_NAMES else name
            period = _RATE_PERIOD_NAMES.get(name)
            if period is None:
                raise StaffingError(
                    f"{what} {_show(value)}: unknown period {m.group('period')!r}; use "
                    "day, week, month, quarter or year (34%/year)"
                )
            share = m.group("share")
    if period is None:
        raise StaffingError(
            f"{what} {_show(value)} needs its period: write e.g. 34%/year or 0.8%/week"
        )
    fraction = _rate_fraction(share, f"{what} {_show(value)}:")
    if not 0.0 <= fraction <= 1.0:
        raise StaffingError(f"{what} {_show(value)} must lie between 0% and 100%")
    if fraction == 1.0:
        if not allow_one:
            raise StaffingError(f"{what} {_show(value)} must be below 100%")
        return 1.0
    exponent = RATE_PERIODS[per] / RATE_PERIODS[period]
    return float(-math.expm1(exponent * math.log1p(-fraction)))


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


#: The service level of each abandon policy as the counts it is made of: the counts added
#: in its numerator, those added in its denominator, and those taken from the denominator.
#: ``AW`` answered within the threshold, ``BW`` abandoned within it:
#:
#: ==================  ==================================
#: ``fail``            ``AW / offered``
#: ``exclude``         ``AW / answered``
#: ``exclude_within``  ``AW / (offered - BW)``
#: ``count_within``    ``(AW + BW) / offered``
#: ==================  ==================================
SERVICE_LEVEL_COUNTS: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "fail": (("answered_within",), ("offered",), ()),
    "exclude": (("answered_within",), ("answered",), ()),
    "exclude_within": (("answered_within",), ("offered",), ("abandoned_within",)),
    "count_within": (("answered_within", "abandoned_within"), ("offered",), ()),
}


def service_level_parts(
    abandon_policy: str,
    *,
    answered_within: Any,
    offered: Any,
    answered: Any = None,
    abandoned_within: Any = None,
) -> tuple[Any, Any]:
    """Numerator and denominator of the service level under ``abandon_policy``.

    The one implementation of the four conventions (:data:`SERVICE_LEVEL_COUNTS`), for
    counts (a history, a simulation) or for shares of offered calls (``offered=1``).
    Counts a policy does not use may be omitted.

    Examples
    --------
    >>> service_level_parts("exclude_within", answered_within=70, offered=100,
    ...                     abandoned_within=5)
    (70, 95)
    >>> service_level_parts("count_within", answered_within=70, offered=100,
    ...                     abandoned_within=5)
    (75, 100)
    """
    counts = {
        "answered_within": answered_within,
        "offered": offered,
        "answered": answered,
        "abandoned_within": abandoned_within,
    }
    plus, base, minus = SERVICE_LEVEL_COUNTS[check_abandon_policy(abandon_policy)]
    for name in (*plus, *base, *minus):
        if counts[name] is None:
            raise StaffingError(f"the {abandon_policy} service level needs `{name}`")
    num = counts[plus[0]]
    for name in plus[1:]:
        num = num + counts[name]
    den = counts[base[0]]
    for name in minus:
        den = den - counts[name]
    return num, den


def service_level_denominator(
    abandon_policy: str,
    *,
    offered: Any,
    abandoned: Any = None,
    abandoned_within: Any = None,
) -> Any:
    """The calls a service level is a share of under ``abandon_policy``: its denominator.

    The weight with which a period's service level averages its intervals.

    Examples
    --------
    >>> service_level_denominator("exclude", offered=100, abandoned=8)
    92
    """
    answered = None if abandoned is None else offered - abandoned
    _, den = service_level_parts(
        abandon_policy,
        answered_within=0,
        offered=offered,
        answered=answered,
        abandoned_within=0 if abandoned_within is None else abandoned_within,
    )
    return den


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


def parse_week_start(value: Any, *, what: str = "week start") -> int:
    """The weekday weeks start on (Monday = 0 ... Sunday = 6).

    Read from ``mon``, ``Sunday``, ``sat`` or a number 0-6. The centre's weeks: a
    Sunday-to-Saturday bank's weeks start on ``sun``; the default everywhere is Monday.

    Examples
    --------
    >>> parse_week_start("sun"), parse_week_start("Monday"), parse_week_start(5)
    (6, 0, 5)
    """
    if isinstance(value, int | np.integer) and not isinstance(value, bool):
        if 0 <= int(value) <= 6:
            return int(value)
        raise StaffingError(f"{what} {value!r}: use mon, tue, ... sun (or 0 = Monday to 6)")
    text = str(value).strip().lower()
    names = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    for day, (short, full) in enumerate(zip(WEEKDAYS, names, strict=True)):
        if text in (short, full, full[:4] if day in (1, 3) else short):
            return day
    raise StaffingError(f"{what} {_show(value)}: use mon, tue, wed, thu, fri, sat or sun")


def period_floor(dates: Any, period: str, week_start: int = 0) -> np.ndarray:
    """First day of the period each wall-clock date falls in (``datetime64[D]``).

    Parameters
    ----------
    dates : array-like of datetime64
        Wall-clock dates or times (no time zone); times are truncated to their date.
    period : {"day", "week", "month", "quarter"}
    week_start : int, default 0
        Weekday weeks start on, Monday = 0 (:func:`parse_week_start`).

    Examples
    --------
    >>> d = np.array(["2024-03-06T08:30", "2024-03-31T23:30"], dtype="datetime64[m]")
    >>> period_floor(d, "week").tolist()
    [datetime.date(2024, 3, 4), datetime.date(2024, 3, 25)]
    >>> period_floor(d, "week", week_start=6).tolist()  # Sunday weeks
    [datetime.date(2024, 3, 3), datetime.date(2024, 3, 31)]
    >>> period_floor(d, "quarter").tolist()
    [datetime.date(2024, 1, 1), datetime.date(2024, 1, 1)]
    """
    check_period(period)
    days = _days(dates)
    if period == "day":
        return days
    if period == "week":
        # 1970-01-01 was a Thursday: (days since the epoch + 3) mod 7 is 0 on Mondays
        return days - (days.astype(np.int64) + 3 - int(week_start)) % 7
    months = days.astype("datetime64[M]")
    if period == "quarter":
        months = months - months.astype(np.int64) % 3
    return months.astype("datetime64[D]")


def period_ordinal(starts: Any, period: str, week_start: int = 0) -> np.ndarray:
    """Position of each period on the calendar, so that consecutive periods differ by 1.

    Examples
    --------
    >>> s = np.array(["2024-01-01", "2024-02-01", "2024-04-01"], dtype="datetime64[D]")
    >>> period_ordinal(s, "month").tolist(), period_ordinal(s, "quarter").tolist()
    ([648, 649, 651], [216, 216, 217])
    """
    check_period(period)
    days = period_floor(starts, period, week_start)
    if period == "day":
        return days.astype(np.int64)
    if period == "week":
        return (days.astype(np.int64) + 3 - int(week_start)) // 7
    months = days.astype("datetime64[M]").astype(np.int64)
    return months if period == "month" else months // 3


def period_days(starts: Any, period: str, week_start: int = 0) -> np.ndarray:
    """Calendar days in each period starting at ``starts`` (1, 7, 28-31, 90-92).

    Examples
    --------
    >>> s = np.array(["2024-02-01", "2024-01-01"], dtype="datetime64[D]")
    >>> period_days(s, "month").tolist(), period_days(s, "quarter").tolist()
    ([29, 31], [91, 91])
    """
    check_period(period)
    days = period_floor(starts, period, week_start)
    if period == "day":
        return np.ones(days.shape, dtype=np.int64)
    if period == "week":
        return np.full(days.shape, 7, dtype=np.int64)
    step = 1 if period == "month" else 3
    end = (days.astype("datetime64[M]") + step).astype("datetime64[D]")
    return (end - days).astype(np.int64)


def period_label(starts: Any, period: str, week_start: int = 0) -> list[str]:
    """``"2024-03-04"`` (day, week), ``"2024-03"`` (month), ``"2024Q1"`` (quarter).

    Examples
    --------
    >>> period_label(np.array(["2024-05-17"], dtype="datetime64[D]"), "quarter")
    ['2024Q2']
    """
    days = period_floor(starts, period, week_start)
    if period in ("day", "week"):
        return [str(d) for d in days]
    months = days.astype("datetime64[M]")
    if period == "month":
        return [str(m) for m in months]
    return [f"{str(m)[:4]}Q{int(str(m)[5:7]) // 3 + 1}" for m in months]


def covered_days(
    dates: Any, period: str, week_start: int = 0
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The periods a set of dates falls in, with their calendar days and days covered.

    A table covers a period's day when the day lies between its first and last date, or
    when it is a weekday the table never has (a day the centre is always closed) within
    the weeks that hold its dates: a forecast of Monday-to-Saturday weeks covers whole
    weeks, and a one-week forecast covers that week of its month, not the month. A
    period covered in part (a forecast starting on a Sunday, summarised in Monday weeks)
    has its FTE worked out over the days it covers, never over the whole period.

    Parameters
    ----------
    dates : array-like of datetime64
        The table's wall-clock dates (repeats allowed).
    period : {"day", "week", "month", "quarter"}
    week_start : int, default 0
        Weekday weeks start on (Monday = 0).

    Returns
    -------
    starts, days, covered : ndarray
        First day of each period (sorted), its calendar days, and its days covered.

    Examples
    --------
    A Sunday-to-Saturday week in Monday weeks: one day of the first, six of the second.

    >>> d = np.arange(np.datetime64("2025-03-02"), np.datetime64("2025-03-09"))
    >>> starts, days, covered = covered_days(d, "week")
    >>> [str(s) for s in starts], days.tolist(), covered.tolist()
    (['2025-02-24', '2025-03-03'], [7, 7], [1, 6])
    >>> covered_days(d, "week", week_start=6)[2].tolist()  # Sunday weeks: whole
    [7]
    >>> covered_days(d[1:6], "month")[2].tolist()  # Mon-Fri of one week: that week
    [7]
    """
    days = np.unique(_days(dates))
    if days.size == 0:
        empty = np.zeros(0, dtype=np.int64)
        return np.zeros(0, dtype="datetime64[D]"), empty, empty
    starts = np.unique(period_floor(days, period, week_start))
    lengths = period_days(starts, period, week_start)
    weekdays_seen = list(set(((days.astype(np.int64) + 3) % 7).tolist()))
    covered = np.zeros(starts.size, dtype=np.int64)
    first, last = days.min(), days.max()
    hull_first = period_floor(first, "week", week_start)
    hull_end = period_floor(last, "week", week_start) + np.timedelta64(7, "D")
    for i, (start, n) in enumerate(zip(starts, lengths, strict=True)):
        span = start + np.arange(int(n))
        inside = (span >= first) & (span <= last)
        closed = ~np.isin((span.astype(np.int64) + 3) % 7, weekdays_seen)
        in_hull = (span >= hull_first) & (span < hull_end)
        covered[i] = int((inside | (closed & in_hull)).sum())
    return starts, lengths, covered


_SPAN_UNITS: dict[str, str] = {
    **dict.fromkeys(("d", "day", "days"), "day"),
    **dict.fromkeys(("w", "wk", "week", "weeks"), "week"),
    **dict.fromkeys(("m", "mo", "month", "months"), "month"),
    **dict.fromkeys(("q", "quarter", "quarters"), "quarter"),
}
_SPAN = re.compile(r"^\s*(\d+)\s*([a-z]+)\s*$", re.IGNORECASE)


def parse_span(value: Any, *, what: str = "span") -> tuple[int, Period]:
    """A number of calendar periods: ``"2m"`` (two months), ``"8w"``, ``"30d"``, ``"1q"``.

    Unlike a duration, ``m`` is a **month** here: a span counts calendar periods (a
    hold-out of the last two months), never minutes.

    Parameters
    ----------
    value : str
        A whole number of periods followed by ``d``/``day``, ``w``/``week``,
        ``m``/``mo``/``month`` or ``q``/``quarter`` (plurals and a space allowed).
    what : str, default "span"
        What the value is, for the message.

    Returns
    -------
    (int, str)
        The count (at least 1) and the period.

    Examples
    --------
    >>> parse_span("2m"), parse_span("8 weeks"), parse_span("1q")
    ((2, 'month'), (8, 'week'), (1, 'quarter'))
    """
    match = _SPAN.match(str(value))
    unit = _SPAN_UNITS.get(match.group(2).lower()) if match else None
    if match is None or unit is None or int(match.group(1)) < 1:
        raise StaffingError(
            f"{what} {_show(value)} is not a number of calendar periods; write e.g. 2m "
            "(two months), 8w, 30d or 1q"
        )
    return int(match.group(1)), unit  # type: ignore[return-value]


def span_start(last: Any, count: int, period: str) -> np.datetime64:
    """First day of the last ``count`` calendar periods up to the one holding ``last``.

    Examples
    --------
    >>> str(span_start(np.datetime64("1999-06-30T23:30"), 2, "month"))
    '1999-05-01'
    >>> str(span_start(np.datetime64("2024-03-06"), 2, "week"))
    '2024-02-26'
    """
    first = period_floor(np.asarray([last]), period)[0]
    if period == "day":
        return first - np.timedelta64(count - 1, "D")
    if period == "week":
        return first - np.timedelta64(7 * (count - 1), "D")
    step = 1 if period == "month" else 3
    months = first.astype("datetime64[M]") - np.timedelta64(step * (count - 1), "M")
    return months.astype("datetime64[D]")


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


# --------------------------------------------------------------------------- opening hours

_CLOSED = ("closed", "none", "off", "-")
_RANGE = re.compile(r"^\s*([0-9:]+)\s*-\s*([0-9:]+)\s*$")
_HOURS_PART = re.compile(r"^\s*(?P<days>[^0-9]*?)\s*(?P<hours>\d.*|closed|none|off)?\s*$", re.I)


def _clock(seconds: float) -> str:
    whole = round(seconds) % 86400 if seconds != 86400 else 86400
    return f"{whole // 3600:02d}:{whole % 3600 // 60:02d}"


@dataclass(frozen=True)
class OpeningHours:
    """Opening hours per weekday: when a line is open, agents work, or deadlines run.

    One grammar for every command and function (``plan --open``, ``schedule --open``,
    ``open_hours=`` in Python). Parts separated by ``;`` (or given as a list), each
    weekdays then hours:

    * ``Mon-Fri 08:00-18:00``: weekdays as :func:`parse_weekdays` reads them (``Sat,Sun``,
      ``weekend``, ``all``); no weekdays means every day (``07:00-22:00``);
    * several ranges joined by ``,`` (``08:00-12:00,13:00-18:00``);
    * a range that ends before it starts runs past midnight (``Fri 22:00-06:00`` is open
      from Friday 22:00 to Saturday 06:00);
    * ``Sun closed`` closes a day; a day not named is closed.

    A mapping works too: weekday text or number (Monday = 0) to hours text, or to
    ``(open, close)`` as clock times or seconds after midnight.

    Parameters
    ----------
    ranges : tuple of 7 tuples of (float, float)
        Monday to Sunday: each day's ``(open_s, close_s)`` in seconds after that day's
        midnight; ``close_s`` above 86400 runs into the next day.

    Examples
    --------
    >>> h = OpeningHours.parse("Mon-Fri 22:00-06:00; Sat 08:00-12:00,13:00-18:00; Sun closed")
    >>> str(h)
    'Mon-Fri 22:00-06:00; Sat 08:00-12:00,13:00-18:00'
    >>> h.is_open(np.array([5, 5, 6]), np.array([3600.0, 12 * 3600.0, 3600.0])).tolist()
    [True, False, False]
    >>> str(OpeningHours.parse({"Mon-Fri": ("08:00", "18:00"), 5: (32400, 46800)}))
    'Mon-Fri 08:00-18:00; Sat 09:00-13:00'
    >>> OpeningHours.parse("Mon-Fri")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    staffing.errors.StaffingError: opening hours 'Mon-Fri': give hours after the days, ...
    """

    ranges: tuple[tuple[tuple[float, float], ...], ...]

    @classmethod
    def parse(cls, value: Any, *, what: str = "opening hours") -> OpeningHours | None:
        """Opening hours from any accepted spelling (class notes); ``None`` is always open.

        Raises
        ------
        StaffingError
            One line naming the part that cannot be read and how to write it.
        """
        if value is None or isinstance(value, OpeningHours):
            return value
        days: dict[int, tuple[tuple[float, float], ...]] = {}
        if isinstance(value, Mapping):
            items = list(value.items())
        else:
            texts = [value] if isinstance(value, str) else [str(v) for v in value]
            items = []
            for text in texts:
                for part in (p for p in re.split(r"[;\n]", str(text)) if p.strip()):
                    m = _HOURS_PART.match(part)
                    hours = m.group("hours") if m else None
                    if m is None or hours is None:
                        raise StaffingError(
                            f"{what} {part.strip()!r}: give hours after the days, e.g. "
                            "'Mon-Fri 08:00-18:00' (or 'Sun closed')"
                        )
                    items.append((m.group("days") or "all", hours))
            if not items:
                raise StaffingError(f"{what} {_show(value)}: no hours given (e.g. 08:00-18:00)")
        for key, hours in items:
            if isinstance(key, int | np.integer) and not isinstance(key, bool):
                if not 0 <= int(key) <= 6:
                    raise StaffingError(f"{what} weekday {key!r}: use 0 (Monday) to 6 (Sunday)")
                weekdays = frozenset([int(key)])
            else:
                weekdays = parse_weekdays(key, what=what)
            spans = _spans(hours, f"{what} {_show(key)}")
            for day in sorted(weekdays):
                if day in days and days[day] != spans:
                    raise StaffingError(
                        f"{what}: {WEEKDAYS[day].title()} is given twice with different hours "
                        "(join several ranges with a comma: 08:00-12:00,13:00-18:00)"
                    )
                days[day] = spans
        return cls(tuple(days.get(d, ()) for d in range(7)))

    def is_open(self, weekday: Any, seconds: Any) -> np.ndarray:
        """Whether each moment is open.

        Parameters
        ----------
        weekday : array of int
            Weekday of each moment, Monday = 0 (on the local wall clock).
        seconds : array of float
            Seconds after that day's midnight.
        """
        wd = np.asarray(weekday, dtype=np.int64)
        t = np.asarray(seconds, dtype=float)
        out = np.zeros(np.broadcast(wd, t).shape, dtype=bool)
        for day, spans in enumerate(self.ranges):
            today = wd == day
            after = wd == (day + 1) % 7
            for start, end in spans:
                out |= today & (t >= start) & (t < end)
                if end > 86400.0:  # past midnight, into the next day
                    out |= after & (t + 86400.0 >= start) & (t + 86400.0 < end)
        return out

    def __str__(self) -> str:
        texts = [",".join(f"{_clock(a)}-{_clock(b)}" for a, b in spans) for spans in self.ranges]
        parts: list[str] = []
        day = 0
        while day < 7:
            end = day
            while end + 1 < 7 and texts[end + 1] == texts[day]:
                end += 1
            if texts[day]:
                label = WEEKDAYS[day].title()
                if end > day:
                    label += "-" + WEEKDAYS[end].title()
                parts.append(texts[day] if (day, end) == (0, 6) else f"{label} {texts[day]}")
            day = end + 1
        return "; ".join(parts) if parts else "closed"


def _spans(hours: Any, what: str) -> tuple[tuple[float, float], ...]:
    """``(open_s, close_s)`` ranges of one day's hours (close past 86400: next day)."""
    if hours is None or (isinstance(hours, float) and math.isnan(hours)):
        return ()
    if isinstance(hours, tuple | list) and len(hours) == 2:
        pairs = [tuple(hours)]
    else:
        text = str(hours).strip().lower()
        if text in ("", *_CLOSED):
            return ()
        pairs = []
        for part in (p for p in text.split(",") if p.strip()):
            m = _RANGE.match(part)
            if m is None:
                raise StaffingError(
                    f"{what}: {_show(hours)} is not a time range (use e.g. 08:00-18:00, or closed)"
                )
            pairs.append((m.group(1), m.group(2)))
    out = []
    for a, b in pairs:
        bounds = []
        for v in (a, b):
            if isinstance(v, int | float | np.integer | np.floating) and not isinstance(v, bool):
                s = float(v)
                if not 0.0 <= s <= 86400.0:
                    raise StaffingError(f"{what}: {v!r} s is not a time of day (0 to 86400 s)")
            else:
                s = parse_time_of_day(v, what=what)
            bounds.append(s)
        start, end = bounds
        if end == start:
            raise StaffingError(f"{what}: {_show(hours)} opens and closes at the same time")
        if end < start:
            end += 86400.0
        out.append((start, end))
    return tuple(sorted(out))


# --------------------------------------------------------------------------- interval length


def interval_length(interval: Any, *, what: str = "`interval_s`") -> float:
    """Interval length [s] of ``"15min"``, ``"30m"``, ``"1h"``, ``"00:15:00"`` or ``900``.

    A bare number is seconds, as everywhere; an interval shorter than a minute is refused
    as a likely slip (``15`` meant as minutes), in every command and function.

    Examples
    --------
    >>> interval_length("15min"), interval_length("1h"), interval_length(1800)
    (900.0, 3600.0, 1800.0)
    >>> interval_length("15")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    staffing.errors.StaffingError: `interval_s` '15' is 15 seconds: give a unit, e.g. 15min ...
    """
    seconds = parse_duration(interval, what=what, allow_zero=False)
    if seconds < 60:
        raise StaffingError(
            f"{what} {_show(interval)} is {seconds:g} seconds: give a unit, e.g. "
            f"{seconds:g}min (intervals are at least a minute)"
        )
    return seconds


def interval_steps(
    stamps_ns: Any, groups: Any = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Steps between consecutive timestamps of each group (a queue), in time order.

    Parameters
    ----------
    stamps_ns : array of int64
        Timestamps as nanoseconds (UTC for time-zone-aware ones).
    groups : array of int, optional
        Group code of each timestamp (0, 1, ...); default one group.

    Returns
    -------
    step_s, later, earlier, group : ndarray
        Each step [s], the positions of the later and the earlier timestamp, and the
        step's group.
    """
    ns = np.asarray(stamps_ns, dtype=np.int64)
    codes = np.zeros(ns.size, dtype=np.int64) if groups is None else np.asarray(groups)
    if codes.size and codes.max(initial=0) < 2**15:
        codes = codes.astype(np.int16)  # a stable sort of small integers is a radix sort
    order = np.argsort(ns, kind="stable")
    order = order[np.argsort(codes[order], kind="stable")]
    c, t = codes[order], ns[order]
    same = c[1:] == c[:-1]
    step = (t[1:] - t[:-1]) / 1e9
    return step[same], order[1:][same], order[:-1][same], c[1:][same].astype(np.int64)


def infer_interval_s(stamps_ns: Any, groups: Any = None) -> np.ndarray:
    """The interval length [s] of each group of a table's timestamps.

    The one rule every reader uses: the most common step between consecutive distinct
    timestamps of the group (ties go to the shorter step), so closed hours and a missing
    interval or two do not change it; NaN for a group with fewer than two distinct
    timestamps. (Whether every step is a whole multiple of it is each reader's check.)

    Parameters
    ----------
    stamps_ns : array of int64
        Timestamps as nanoseconds (UTC for time-zone-aware ones).
    groups : array of int, optional
        Group code of each timestamp (0 .. G-1); default one group.

    Returns
    -------
    ndarray of float
        One length per group.

    Examples
    --------
    >>> minutes = np.array([0, 30, 60, 90, 180, 0, 15, 30]) * 60 * 10**9
    >>> infer_interval_s(minutes, np.array([0, 0, 0, 0, 0, 1, 1, 1])).tolist()
    [1800.0, 900.0]
    >>> infer_interval_s(np.array([0, 10**9 * 900])).tolist()
    [900.0]
    """
    codes = np.zeros(np.size(stamps_ns), dtype=np.int64) if groups is None else np.asarray(groups)
    size = int(codes.max(initial=-1)) + 1
    step, _, _, group = interval_steps(stamps_ns, codes)
    keep = step > 0
    step, group = step[keep], group[keep]
    out = np.full(size, np.nan)
    if step.size:
        # most common (group, step) first, then the shorter step; the pairs are counted
        # by one integer key (a sort of plain integers, not of rows)
        values, which = np.unique(step, return_inverse=True)
        key = group.astype(np.int64) * values.size + which
        keys, counts = np.unique(key, return_counts=True)
        pair_group, pair_step = keys // values.size, values[keys % values.size]
        order = np.lexsort((pair_step, -counts, pair_group))
        first = np.ones(order.size, dtype=bool)
        first[1:] = pair_group[order][1:] != pair_group[order][:-1]
        chosen = order[first]
        out[pair_group[chosen]] = pair_step[chosen]
    return out
