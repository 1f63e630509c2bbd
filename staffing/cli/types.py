"""Option types built on the shared vocabulary: every spelling means what it means in Python.

Each type converts through :mod:`staffing.vocabulary` and reports a bad value through
``self.fail``, so click prints one line and exits with its usage-error code (2).
"""

from __future__ import annotations

import math
from typing import Any

import click

__all__ = [
    "AgentRange",
    "BandEdges",
    "ColumnMapping",
    "Duration",
    "FiniteFloat",
    "Interval",
    "OpenHours",
    "Percent",
    "PeriodRate",
    "ScenarioText",
    "Size",
    "Span",
    "TargetList",
    "WeekStart",
    "Weeks",
]


def _vocabulary() -> Any:
    from staffing import vocabulary

    return vocabulary


class _Vocabulary(click.ParamType):
    """A type read by one parser of :mod:`staffing.vocabulary`; its errors go through
    ``self.fail`` (one line, click's usage-error exit status)."""

    def parse(self, value: Any) -> float:
        raise NotImplementedError

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> float:
        from staffing.errors import StaffingError

        if isinstance(value, float):
            return value
        try:
            return self.parse(value)  # a Share stays a Share
        except StaffingError as exc:
            self.fail(str(exc).strip(), param, ctx)


class Duration(_Vocabulary):
    """A duration: ``900`` (seconds), ``15min``, ``1h30``, ``0:04:54``, ``00:30:00``."""

    name = "duration"

    def __init__(self, *, allow_zero: bool = False, allow_inf: bool = False) -> None:
        self.allow_zero = allow_zero
        self.allow_inf = allow_inf

    def parse(self, value: Any) -> float:
        return float(
            _vocabulary().parse_duration(
                value, what="", allow_zero=self.allow_zero, allow_inf=self.allow_inf
            )
        )


class Interval(_Vocabulary):
    """An interval length: ``15min``, ``30min``, ``1h``, ``900`` (seconds); under a minute is
    refused as a slip (``15`` meant as minutes), as everywhere."""

    name = "interval"

    def parse(self, value: Any) -> float:
        return float(_vocabulary().interval_length(value, what=""))


class OpenHours(click.ParamType):
    """Opening hours in the vocabulary's one grammar:
    ``'Mon-Fri 07:00-22:00; Sat 08:00-20:00; Sun closed'``
    (:class:`staffing.vocabulary.OpeningHours`); a day not named is closed.

    Gives the parsed hours, or with ``text=True`` the text as given (for a repeatable
    option whose parts are joined later), once it has been checked.
    """

    name = "hours"

    def __init__(self, *, text: bool = False) -> None:
        self.text = text

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        from staffing.errors import StaffingError
        from staffing.vocabulary import OpeningHours

        try:
            parsed = OpeningHours.parse(value, what="")
        except StaffingError as exc:
            self.fail(str(exc).strip(), param, ctx)
        return str(value) if self.text else parsed


class WeekStart(click.ParamType):
    """The weekday the centre's weeks start on: ``mon``, ``sun``, ``sat`` ... (Monday = 0)."""

    name = "weekday"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        from staffing.errors import StaffingError

        if isinstance(value, int):
            return value
        try:
            return int(_vocabulary().parse_week_start(value, what=""))
        except StaffingError as exc:
            self.fail(str(exc).strip(), param, ctx)


class Span(click.ParamType):
    """A number of calendar periods: ``2m`` (two months: ``m`` is a month here), ``8w``,
    ``30d``, ``1q`` (:func:`staffing.vocabulary.parse_span`); gives the text, checked."""

    name = "span"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        from staffing.errors import StaffingError

        try:
            _vocabulary().parse_span(value, what="")
        except StaffingError as exc:
            self.fail(str(exc).strip(), param, ctx)
        return str(value).strip()


class Percent(_Vocabulary):
    """A share: ``40%``, ``40`` (above 1: a percentage) or ``0.4``; a bare ``1`` is refused."""

    name = "percent"

    def __init__(self, *, allow_zero: bool = True, allow_one: bool = True) -> None:
        self.allow_zero = allow_zero
        self.allow_one = allow_one

    def parse(self, value: Any) -> float:
        vocabulary = _vocabulary()
        share = vocabulary.parse_rate(
            value, what="", allow_zero=self.allow_zero, allow_one=self.allow_one
        )
        return vocabulary.Share(share)  # read once: 100% stays 100% wherever it goes


class Weeks(click.ParamType):
    """A whole number of weeks: ``5w``, ``5 weeks``, ``35d`` (a bare number is refused: it
    would be seconds)."""

    name = "weeks"

    def __init__(self, *, allow_zero: bool = True) -> None:
        self.allow_zero = allow_zero

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        from staffing.errors import StaffingError

        if isinstance(value, int):
            return value
        try:
            return int(_vocabulary().parse_weeks(value, what="", allow_zero=self.allow_zero))
        except StaffingError as exc:
            self.fail(str(exc).strip(), param, ctx)


class PeriodRate(_Vocabulary):
    """A share per period, carried to ``per``: ``34%/year``, ``3%/month``, ``0.8%/week``."""

    name = "rate/period"

    def __init__(self, *, per: str = "year") -> None:
        self.per = per

    def parse(self, value: Any) -> float:
        return float(_vocabulary().parse_period_rate(value, per=self.per, what=""))


class FiniteFloat(click.FloatRange):
    """A float in a range that is also finite: ``FloatRange`` lets ``nan`` and ``inf`` by."""

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> float:
        number = float(super().convert(value, param, ctx))
        if not math.isfinite(number):
            self.fail(f"{value!r} is not a finite number", param, ctx)
        return number


class AgentRange(click.ParamType):
    """``14`` or an inclusive range ``10:20``."""

    name = "range"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> tuple[int, int]:
        if isinstance(value, tuple):
            return value
        parts = str(value).split(":")
        try:
            numbers = [int(p) for p in parts]
        except ValueError:
            numbers = []
        if len(numbers) == 1:
            numbers = numbers * 2
        if len(numbers) != 2 or numbers[0] < 0 or numbers[1] < numbers[0]:
            self.fail(f"{value!r}: use a count (14) or a range low:high (10:20)", param, ctx)
        if numbers[1] - numbers[0] > 10_000:
            self.fail(f"{value!r}: at most 10,001 rows", param, ctx)
        return numbers[0], numbers[1]


class BandEdges(click.ParamType):
    """``5,10`` (or ``5;10``, ``5%,10%``): the two escalation band edges [points below
    target]."""

    name = "low,high"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> tuple[float, float]:
        if isinstance(value, tuple):
            return value
        parts = [p for p in str(value).replace(";", ",").split(",") if p.strip()]
        try:
            low, high = (float(p.strip().removesuffix("%")) for p in parts)
        except ValueError:
            self.fail(f"{value!r}: give two numbers of points, e.g. 5,10", param, ctx)
        if not (math.isfinite(low) and math.isfinite(high) and 0 <= low < high):
            self.fail(f"{value!r}: give 0 <= LOW < HIGH, e.g. 5,10", param, ctx)
        return low, high


class ColumnMapping(click.ParamType):
    """One ``OURS=THEIRS`` column mapping (``calls=IncomingContactVolume``)."""

    name = "ours=theirs"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> tuple[str, str]:
        if isinstance(value, tuple):
            return value
        ours, sep, theirs = str(value).partition("=")
        ours, theirs = ours.strip(), theirs.strip()
        if not sep or not ours or not theirs:
            self.fail(f"{value!r}: use OURS=THEIRS, e.g. calls=IncomingContactVolume", param, ctx)
        return ours, theirs


class TargetList(click.ParamType):
    """A target set in the one syntax: ``80/20``, ``90/10+99/300``, ``abandon<=5%``."""

    name = "target"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        from staffing.errors import TargetError
        from staffing.queueing.targets import TargetSet

        try:
            return str(TargetSet.of(str(value)))
        except TargetError as exc:
            self.fail(str(exc), param, ctx)


class ScenarioText(click.ParamType):
    """A what-if scenario: targets, optionally named and with a method
    (``name=premium:90/10+99/300 @mol``); checked here, handed on as written."""

    name = "scenario"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        from staffing.contracts import parse_scenario
        from staffing.errors import StaffingError

        try:
            parse_scenario(str(value))
        except StaffingError as exc:
            self.fail(str(exc), param, ctx)
        return str(value)


class Size(click.ParamType):
    """A memory size: ``512MB``, ``2GB``, ``1.5g`` (powers of 1024), as bytes."""

    name = "size"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int):
            return value
        from staffing.io.chunks import parse_bytes

        try:
            size = parse_bytes(str(value))
        except ValueError as exc:
            self.fail(str(exc), param, ctx)
        if size <= 0:
            self.fail(f"{value!r}: give a size above 0 (e.g. 2GB)", param, ctx)
        return size
