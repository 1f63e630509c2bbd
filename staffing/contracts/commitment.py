"""FTE to commit to a partner per period: the requirement the in-house staff do not cover.

A per-FTE outsourcing contract (:mod:`staffing.contracts.outsource`) commits the partner
to a level of FTE per period, usually a month. Given the productive FTE needed each week
and what the in-house staff produce (a capacity plan,
:func:`staffing.capacity.capacity_plan`), the partner's part of each week is the shortfall
``max(requirement - in_house, 0)``. Weeks are cut into periods day by day (a week running
across two months gives each its days), and each period gets

* ``fte``: the level that covers every week of the period, the largest weekly shortfall
  (the commitment: a partner staffs a flat level through the period);
* ``fte_mean``: the mean shortfall over the period's days (FTE-weeks / weeks), what a
  contract paid by the FTE-week would bill;
* ``fte_weeks``: the shortfall summed over the period, day-weighted.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from staffing.errors import StaffingError
from staffing.vocabulary import Period, check_period, period_floor

__all__ = ["FTE_COMMITMENT_COLUMNS", "fte_commitment"]

#: Columns of :func:`fte_commitment`, in order (``fte_service`` only with ``in_house_low``).
FTE_COMMITMENT_COLUMNS: tuple[str, ...] = (
    "period_start",
    "queue",
    "contract",
    "days",
    "requirement",
    "in_house",
    "fte",
    "fte_mean",
    "fte_weeks",
    "fte_service",
)


def fte_commitment(weeks: pd.DataFrame, period: Period = "month") -> pd.DataFrame:
    """FTE to commit to a partner per period and queue (see the module notes).

    Parameters
    ----------
    weeks : DataFrame
        ``week`` (first day, datetime), ``queue``, ``requirement`` and ``in_house``
        (productive FTE), optional ``in_house_low``: in-house productive FTE at a low
        quantile (a simulation's 10th percentile), giving ``fte_service``, the level that
        covers every week of the period that often.
    period : {"week", "month", "quarter"}, default "month"

    Returns
    -------
    DataFrame
        Columns :data:`FTE_COMMITMENT_COLUMNS` (``contract`` is ``"per-fte"``):
        ``requirement`` and ``in_house`` are means over the period's days.

    Raises
    ------
    StaffingError
        Weeks given as numbers (a month needs dates), or a period of a day.

    Examples
    --------
    >>> w = pd.DataFrame({"week": pd.to_datetime(["2026-01-26", "2026-02-02"]),
    ...                   "queue": "sales", "requirement": [110.0, 120.0],
    ...                   "in_house": [100.0, 100.0]})
    >>> fte_commitment(w)[["period_start", "days", "fte", "fte_mean", "fte_weeks"]]
      period_start  days   fte  fte_mean  fte_weeks
    0   2026-01-01     6  10.0     10.00   8.571429
    1   2026-02-01     8  20.0     18.75  21.428571

    The week of 26 January gives January six days and February one.
    """
    check_period(period, ("week", "month", "quarter"))
    if weeks["week"].dtype.kind != "M":
        raise StaffingError(
            f"a commitment by {period} needs weeks given as dates (each week's first day), "
            "not week numbers"
        )
    low = "in_house_low" in weeks.columns
    days = np.repeat(weeks["week"].to_numpy().astype("datetime64[D]"), 7)
    days = days + np.tile(np.arange(7), len(weeks)).astype("timedelta64[D]")
    rep = np.repeat(np.arange(len(weeks)), 7)
    req = weeks["requirement"].to_numpy(dtype=float)[rep]
    have = weeks["in_house"].to_numpy(dtype=float)[rep]
    frame = pd.DataFrame(
        {
            "period_start": pd.to_datetime(period_floor(days, period)),
            "queue": weeks["queue"].to_numpy()[rep],
            "requirement": req,
            "in_house": have,
            "short": np.maximum(req - have, 0.0),
        }
    )
    if low:
        frame["short_low"] = np.maximum(req - weeks["in_house_low"].to_numpy(dtype=float)[rep], 0.0)
    groups = frame.groupby(["period_start", "queue"], sort=False)
    out = groups.agg(
        days=("short", "size"),
        requirement=("requirement", "mean"),
        in_house=("in_house", "mean"),
        fte=("short", "max"),
        fte_mean=("short", "mean"),
        fte_weeks=("short", "sum"),
        **({"fte_service": ("short_low", "max")} if low else {}),
    ).reset_index()
    out["fte_weeks"] /= 7.0
    out.insert(2, "contract", "per-fte")
    out = out.sort_values(["queue", "period_start"], kind="stable", ignore_index=True)
    columns = [c for c in FTE_COMMITMENT_COLUMNS if c in out.columns]
    return out[columns]
