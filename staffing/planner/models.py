"""The parameter objects every planning function takes: the queue model and the FTE rules.

:class:`QueueModel` says how callers behave (patience, from which source) and how
abandoned calls count in the service level; :class:`FteRules` how agents on the phones
become scheduled staff and paid FTE. Each is validated once, when it is made, and then
passed on unchanged by :func:`~staffing.planner.plan`,
:func:`~staffing.planner.evaluate_staffing`, :func:`~staffing.contracts.compare`,
:func:`~staffing.contracts.outsource` and the rest.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from staffing.errors import StaffingError, StaffingWarning
from staffing.vocabulary import AbandonPolicy, check_abandon_policy, parse_rate

__all__ = ["FteRules", "PatienceWarning", "QueueModel"]


class PatienceWarning(StaffingWarning):
    """A queue's patience came from a less specific source than asked for."""


@dataclass(frozen=True)
class QueueModel:
    """How callers behave and how abandoned calls count: Erlang C or Erlang A per interval.

    Parameters
    ----------
    patience_s : float, optional
        Mean customer patience [s] for intervals no more specific source covers; ``inf``
        means nobody abandons (Erlang C).
    calibration : mapping, optional
        The content of ``calibration.json`` (:func:`staffing.io.load_calibration`, or
        :meth:`staffing.calibration.Calibrator.to_dict`): patience per queue.
    abandon_policy : {"fail", "exclude", "exclude_within", "count_within"}
        How abandoned calls enter the service level (see :func:`staffing.evaluate`).
    calibration_period : str, default "latest"
        Which of the calibration's patience estimates to use where it fitted several
        periods: ``"latest"`` (the most recent period), ``"pooled"`` (the whole history)
        or a period label such as ``"2024Q3"`` or ``"2024-07"``.
    abandonment : bool, default True
        ``False`` plans every interval with Erlang C, whatever patience any source gives
        (for comparing a plan with one that assumes nobody hangs up).

    Notes
    -----
    **Patience, one precedence rule: the most specific source wins.** For each interval:

    1. the calibration's patience for the interval's queue (a calibration of a single
       queue applies to every queue);
    2. else the interval's own ``patience_s`` in the forecast (empty = no value);
    3. else ``patience_s`` given here;
    4. else no patience: Erlang C.

    A queue the calibration does not know falls back to 2 and 3 with a
    :class:`PatienceWarning` naming it. ``inf`` at any step means Erlang C for that
    interval and stops the search.

    Examples
    --------
    >>> f = pd.DataFrame({"queue": ["sales", "care", "care"],
    ...                   "patience_s": [np.nan, 300.0, np.nan]})
    >>> QueueModel(patience_s=120).patience(f).tolist()
    [120.0, 300.0, 120.0]
    >>> QueueModel().patience(f).tolist()
    [inf, 300.0, inf]
    """

    patience_s: float | None = None
    calibration: Mapping[str, Any] | None = field(default=None, repr=False)
    abandon_policy: AbandonPolicy = "fail"
    calibration_period: str = "latest"
    abandonment: bool = True

    def __post_init__(self) -> None:
        if self.patience_s is not None:
            value = float(self.patience_s)
            if math.isnan(value) or value <= 0:
                raise StaffingError(
                    f"`patience_s` {self.patience_s!r}: give a mean patience above 0 s "
                    "(or inf for Erlang C)"
                )
            object.__setattr__(self, "patience_s", value)
        check_abandon_policy(self.abandon_policy)
        if self.calibration is not None:
            from staffing.calibration.schema import check_calibration

            check_calibration(self.calibration)

    @property
    def has_patience(self) -> bool:
        """Whether any source but a forecast column gives a finite patience."""
        if not self.abandonment:
            return False
        if self.patience_s is not None and math.isfinite(self.patience_s):
            return True
        if self.calibration is None:
            return False
        from staffing.calibration.schema import calibrated_patience

        table = calibrated_patience(self.calibration, self.calibration_period)
        return any(math.isfinite(v) for v in table.values())

    def patience(self, forecast: pd.DataFrame) -> np.ndarray:
        """Mean patience [s] of every row of a forecast (``inf``: Erlang C).

        Parameters
        ----------
        forecast : DataFrame
            With ``queue`` and, optionally, ``patience_s``.

        Returns
        -------
        ndarray of float
            One value per row, by the precedence rule of the class notes.
        """
        n = len(forecast)
        out = np.full(n, np.nan)
        if not self.abandonment:
            return np.full(n, np.inf)
        if self.calibration is not None:
            out = self._calibrated(forecast["queue"])
        if "patience_s" in forecast.columns:
            column = pd.to_numeric(forecast["patience_s"], errors="coerce").to_numpy(dtype=float)
            out = np.where(np.isnan(out), column, out)
        if self.patience_s is not None:
            out = np.where(np.isnan(out), self.patience_s, out)
        return np.where(np.isnan(out), np.inf, out)

    def _calibrated(self, queues: pd.Series) -> np.ndarray:
        from staffing.calibration.schema import calibrated_patience

        table = calibrated_patience(self.calibration or {}, self.calibration_period)
        single = next(iter(table.values())) if len(table) == 1 else None
        lookup: dict[str, float] = {}
        unknown: list[str] = []
        for q in pd.unique(queues.astype(str)):
            if q in table:
                lookup[q] = table[q]
            elif single is not None:
                lookup[q] = single
            else:
                lookup[q] = math.nan
                unknown.append(q)
        if unknown:
            names = ", ".join(f"'{q}'" for q in sorted(unknown))
            warnings.warn(
                f"the calibration has no patience for queue{'s' if len(unknown) > 1 else ''} "
                f"{names} (it has {', '.join(sorted(table))}): using the forecast's "
                "patience_s, else `patience_s`, else Erlang C",
                PatienceWarning,
                stacklevel=3,
            )
        return queues.astype(str).map(lookup).to_numpy(dtype=float)

    def calibration_choice(self) -> str:
        """Which of the calibration's patience estimates this model uses, queue by queue.

        Examples
        --------
        >>> cal = {"queues": {"sales": {"patience_s": 95.0, "latest_period": "2024Q2",
        ...                             "latest_patience_s": 80.0}}}
        >>> QueueModel(calibration=cal).calibration_choice()
        'latest period: sales 80 s (2024Q2)'
        """
        from staffing.calibration.schema import calibrated_patience

        if self.calibration is None:
            return ""
        table = calibrated_patience(self.calibration, self.calibration_period)
        parts = []
        for queue, value in table.items():
            entry = self.calibration["queues"][queue]
            if self.calibration_period == "latest":
                label = entry.get("latest_period", "whole history")
            elif self.calibration_period == "pooled":
                label = "whole history"
            else:
                label = self.calibration_period
            shown = "no estimate (Erlang C)" if math.isinf(value) else f"{value:.0f} s"
            parts.append(f"{queue} {shown} ({label})" if not math.isnan(value) else f"{queue} -")
        return f"{self.calibration_period} period: " + ", ".join(parts)

    def describe(self, forecast: pd.DataFrame | None = None) -> str:
        """The model in words, for reports ("Erlang A with ...", "Erlang C ...")."""
        if not self.abandonment:
            return "Erlang C for every interval (abandonment left out)"
        parts = []
        if self.calibration is not None:
            parts.append(f"the calibration's patience per queue ({self.calibration_period})")
        column = (
            forecast["patience_s"] if forecast is not None and "patience_s" in forecast else None
        )
        if column is not None and pd.to_numeric(column, errors="coerce").notna().any():
            parts.append("the forecast's patience_s column")
        if self.patience_s is not None:
            parts.append(
                "no abandonment"
                if math.isinf(self.patience_s)
                else f"a mean patience of {self.patience_s:g} s"
            )
        if not parts:
            return "Erlang C (no abandonment)"
        return "Erlang A with " + ", else ".join(parts) + " (Erlang C where none applies)"


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

    Notes
    -----
    ``scheduled = agents / (1 - s_in)`` per interval and ``fte = agent_hours / ((1 - s_in)
    (1 - s_out)) / (hours_per_fte * days / 7)`` over a period of ``days`` calendar days.
    With ``total`` = ``s``, ``scheduled = agents / (1 - s)`` and ``fte = agent_hours /
    (1 - s) / ...``.

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
