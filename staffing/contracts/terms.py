"""The terms of a service-credit clause, validated once: :class:`CreditTerms`."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from staffing.errors import StaffingError
from staffing.planner.bands import check_edges
from staffing.vocabulary import (
    AbandonPolicy,
    Period,
    check_abandon_policy,
    check_period,
    parse_rate,
    parse_week_start,
)

__all__ = ["CreditTerms"]


@dataclass(frozen=True)
class CreditTerms:
    """A service-credit clause: per period, a credit for each started step below target.

    Parameters
    ----------
    period : {"day", "week", "month", "quarter"}, default "week"
        Contract period.
    week_start : str or int, default "mon"
        The weekday the contract's weeks start on (``"sun"``, or 0 = Monday to 6).
    step : float, default 0.5
        Credit step [percentage points below target]; each started step counts.
    credit_per_step : float or str, default 0.01
        Price reduction per started step [fraction of the period's fee], ``0.01`` or
        ``"1%"``.
    cap : float or str, optional
        Largest credit per period [fraction of the fee].
    fee : float, optional
        Fee per period [currency]; gives amounts.
    earn_back_target : float or str, optional
        Service level to hold afterwards to have a credit forgiven [fraction].
    earn_back_periods : int, default 1
        Following periods that must all reach the earn-back target.
    abandon_policy : {"fail", "exclude", "exclude_within", "count_within"}
        How abandoned calls count in the contract's service level.
    band_edges : (float, float), default (5, 10)
        Escalation-band edges [points below target].

    Examples
    --------
    >>> CreditTerms(credit_per_step="1%", cap="10%").cap
    0.1
    >>> CreditTerms(step=0)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    staffing.errors.StaffingError: `step` 0: give a positive number of points, e.g. 0.5
    """

    period: Period = "week"
    step: float = 0.5
    credit_per_step: float = 0.01
    cap: float | None = None
    fee: float | None = None
    earn_back_target: float | None = None
    earn_back_periods: int = 1
    abandon_policy: AbandonPolicy = "fail"
    band_edges: tuple[float, float] = (5.0, 10.0)
    week_start: int | str = 0

    def __post_init__(self) -> None:
        check_period(self.period)
        object.__setattr__(
            self, "week_start", parse_week_start(self.week_start, what="`week_start`")
        )
        check_abandon_policy(self.abandon_policy)
        if not (_number(self.step) and math.isfinite(self.step) and self.step > 0):
            raise StaffingError(f"`step` {self.step!r}: give a positive number of points, e.g. 0.5")
        self._rate("credit_per_step", allow_zero=False)
        if self.cap is not None:
            self._rate("cap", allow_zero=False)
        if self.earn_back_target is not None:
            self._rate("earn_back_target", allow_zero=False, allow_one=False)
        if self.fee is not None and not (
            _number(self.fee) and math.isfinite(self.fee) and self.fee >= 0
        ):
            raise StaffingError(f"`fee` {self.fee!r}: give an amount >= 0")
        periods = self.earn_back_periods
        if isinstance(periods, bool) or not isinstance(periods, int) or periods < 1:
            raise StaffingError(
                f"`earn_back_periods` {periods!r}: give a whole number of periods >= 1"
            )
        object.__setattr__(self, "band_edges", check_edges(self.band_edges))

    def _rate(self, name: str, **allowed: bool) -> None:
        value: Any = getattr(self, name)
        object.__setattr__(self, name, parse_rate(value, what=f"`{name}`", **allowed))


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
