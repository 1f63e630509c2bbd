"""The FTE rules: how agents on the phones become scheduled staff and paid FTE.

:class:`FteRules` is validated once, when it is made, and then passed on unchanged by
:func:`~staffing.planner.plan`, :func:`~staffing.planner.evaluate_staffing`,
:func:`~staffing.contracts.compare`, :func:`~staffing.contracts.outsource` and the rest.
The queue model (:class:`~staffing.prepared.QueueModel`) lives with the prepared
forecast, below the planner and the simulation, which both use it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from staffing.errors import StaffingError
from staffing.vocabulary import parse_rate, parse_week_start

__all__ = ["FteRules"]


@dataclass(frozen=True)
class FteRules:
    """How agents on the phones become scheduled staff and paid FTE.

    Parameters
    ----------
    in_centre : float or str, default 0
        In-centre shrinkage ``s_in`` in ``[0, 1)`` (``0.15`` or ``"15%"``): breaks,
        coaching, meetings take agents off the phones during their shift.
    out_of_centre : float or str, default 0
        Out-of-centre shrinkage ``s_out`` in ``[0, 1)``: holidays, sickness and training
        days keep them off the schedule altogether.
    total : float or str, optional
        One total shrinkage instead of the two stages, applied at the interval level.
    hours_per_fte : float, default 37.5
        Paid hours of one FTE per week [h].
    days_per_week : float, default 5
        Days one FTE works in a week: a day's paid hours are ``hours_per_fte /
        days_per_week`` (7.5 h by default), the length of the day a daily headcount is
        counted in (:meth:`heads`).
    week_start : str or int, default "mon"
        The weekday the centre's weeks start on (``"sun"``, ``"sat"``, or 0 = Monday to
        6): weekly FTE is counted over the centre's weeks
        (:func:`staffing.vocabulary.parse_week_start`).

    Notes
    -----
    ``scheduled = agents / (1 - s_in)`` per interval and ``fte = agent_hours / ((1 - s_in)
    (1 - s_out)) / (hours_per_fte * days / 7)`` over a period of ``days`` calendar days
    covered: the FTE that would be paid if every day were like the period's days. Over a
    day that is the week's FTE at that day's load (a Monday may read 224 FTE in a 160-FTE
    week), so a daily summary also gives ``heads = agent_hours / ((1 - s_in) (1 -
    s_out)) / (hours_per_fte / days_per_week)``: the people needed that day at one
    working day's paid hours. With ``total`` = ``s``, ``scheduled = agents / (1 - s)``
    and ``fte = agent_hours / (1 - s) / ...``.
    A calibration's effective-staffing factor ``f`` (a measured shrinkage ``1 - f``,
    :class:`~staffing.prepared.QueueModel`) comes first: ``scheduled = agents / f / (1 -
    s_in)``, and the summary's FTE and heads are those of the scheduled hours
    (:meth:`fte_of_scheduled`, :meth:`heads_of_scheduled`).

    Examples
    --------
    >>> rules = FteRules(in_centre=0.2, out_of_centre=0.1)
    >>> rules.interval_shrinkage, round(rules.total_shrinkage, 2)
    (0.2, 0.28)
    >>> FteRules(in_centre=0.2, total=0.3)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    staffing.errors.StaffingError: give either a total shrinkage (`total`) or in-centre / ...
    """

    in_centre: float = 0.0
    out_of_centre: float = 0.0
    total: float | None = None
    hours_per_fte: float = 37.5
    days_per_week: float = 5.0
    week_start: int | str = 0

    def __post_init__(self) -> None:
        for name in ("in_centre", "out_of_centre", "total"):
            value = getattr(self, name)
            if value is not None:
                rate = parse_rate(value, what=f"`{name}` shrinkage", allow_one=False)
                object.__setattr__(self, name, rate)
        if self.total is not None and (self.in_centre or self.out_of_centre):
            raise StaffingError(
                "give either a total shrinkage (`total`) or in-centre / out-of-centre "
                "shrinkage, not both"
            )
        hours = self.hours_per_fte
        if not (isinstance(hours, int | float | np.number) and 0 < float(hours) <= 168):
            raise StaffingError(
                f"`hours_per_fte` {hours!r}: give the paid hours of one FTE per week (e.g. 37.5)"
            )
        object.__setattr__(self, "hours_per_fte", float(hours))
        days = self.days_per_week
        if not (isinstance(days, int | float | np.number) and 0 < float(days) <= 7):
            raise StaffingError(
                f"`days_per_week` {days!r}: give the days one FTE works in a week (e.g. 5)"
            )
        object.__setattr__(self, "days_per_week", float(days))
        object.__setattr__(
            self, "week_start", parse_week_start(self.week_start, what="`week_start`")
        )

    @property
    def interval_shrinkage(self) -> float:
        """Shrinkage applied per interval: ``scheduled = agents / (1 - this)``."""
        return self.total if self.total is not None else self.in_centre

    @property
    def total_shrinkage(self) -> float:
        """All shrinkage between paid hours and hours on the phones."""
        if self.total is not None:
            return self.total
        return 1.0 - (1.0 - self.in_centre) * (1.0 - self.out_of_centre)

    def scheduled(self, agents: Any) -> Any:
        """Scheduled staff for ``agents`` on the phones."""
        return agents / (1.0 - self.interval_shrinkage)

    def fte(self, agent_hours: Any, period_days: Any) -> Any:
        """Paid FTE for ``agent_hours`` on the phones over ``period_days`` calendar days."""
        return agent_hours / (1.0 - self.total_shrinkage) / (self.hours_per_fte * period_days / 7.0)

    def heads(self, agent_hours: Any) -> Any:
        """People needed for ``agent_hours`` on the phones in one day.

        Each is paid one working day, ``hours_per_fte / days_per_week``.
        """
        day = self.hours_per_fte / self.days_per_week
        return agent_hours / (1.0 - self.total_shrinkage) / day

    def fte_of_scheduled(self, scheduled_hours: Any, period_days: Any) -> Any:
        """Paid FTE for ``scheduled_hours`` over ``period_days`` calendar days.

        The same as :meth:`fte` of the agent-hours they schedule, with whatever came between
        agents and scheduled staff (a calibration's measured shrinkage) kept.

        Examples
        --------
        >>> rules = FteRules(in_centre=0.2, out_of_centre=0.1)
        >>> hours = 300.0
        >>> bool(abs(rules.fte_of_scheduled(rules.scheduled(hours), 7) - rules.fte(hours, 7))
        ...      < 1e-12)
        True
        """
        out_of_centre = 0.0 if self.total is not None else self.out_of_centre
        return scheduled_hours / (1.0 - out_of_centre) / (self.hours_per_fte * period_days / 7.0)

    def heads_of_scheduled(self, scheduled_hours: Any) -> Any:
        """People needed in one day for ``scheduled_hours`` of scheduled staff.

        The same as :meth:`heads` of the agent-hours they schedule, with a calibration's
        measured shrinkage kept.
        """
        out_of_centre = 0.0 if self.total is not None else self.out_of_centre
        return scheduled_hours / (1.0 - out_of_centre) / (self.hours_per_fte / self.days_per_week)

    def describe(self) -> str:
        """The rules in words, for reports."""
        if self.total is not None:
            shrink = f"Total shrinkage {100 * self.total:g}%"
        else:
            shrink = (
                f"In-centre shrinkage {100 * self.in_centre:g}%, "
                f"out-of-centre {100 * self.out_of_centre:g}%"
            )
        return f"{shrink}; one FTE is paid {self.hours_per_fte:g} hours per week."
