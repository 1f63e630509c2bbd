"""What the planner returns: fixed, documented column lists and the result objects."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from staffing.planner.bands import BANDS

__all__ = [
    "BAND_COLUMNS",
    "EVALUATION_COLUMNS",
    "EVALUATION_SUMMARY_COLUMNS",
    "INTERVAL_COLUMNS",
    "SUMMARY_COLUMNS",
    "TOTAL",
    "Evaluation",
    "Plan",
]

#: Columns of :attr:`Plan.intervals`, in order.
INTERVAL_COLUMNS: tuple[str, ...] = (
    "interval_start",
    "queue",
    "calls",
    "aht_s",
    "workload_erlangs",
    "agents",
    "service_level",
    "asa_s",
    "abandon_rate",
    "occupancy",
    "scheduled",
    "interval_s",
    "patience_s",
    "threshold_s",
    "target",
    "sl_calls",
    "method",
)
#: Columns of :attr:`Plan.summary`, in order.
SUMMARY_COLUMNS: tuple[str, ...] = (
    "period_start",
    "queue",
    "calls",
    "agent_hours",
    "scheduled_hours",
    "fte",
    "peak_agents",
    "service_level",
    "threshold_s",
    "abandon_rate",
    "occupancy",
    "asa_s",
    "period_days",
)
#: Columns of :attr:`Evaluation.intervals`, in order.
EVALUATION_COLUMNS: tuple[str, ...] = (
    "interval_start",
    "queue",
    "calls",
    "aht_s",
    "workload_erlangs",
    "agents",
    "required",
    "service_level",
    "asa_s",
    "abandon_rate",
    "occupancy",
    "target",
    "shortfall_pts",
    "band",
    "scheduled",
    "interval_s",
    "patience_s",
    "threshold_s",
    "sl_calls",
)
BAND_COLUMNS = tuple(f"intervals_{b.replace(' ', '_')}" for b in BANDS)
#: Columns of :attr:`Evaluation.summary`: the plan summary, then interval counts per band.
EVALUATION_SUMMARY_COLUMNS: tuple[str, ...] = SUMMARY_COLUMNS + BAND_COLUMNS

#: ``queue`` label of total rows in a summary.
TOTAL = "total"


@dataclass(frozen=True)
class Plan:
    """A staffing plan: the requirement per interval and its summary per period.

    Attributes
    ----------
    intervals : DataFrame
        One row per forecast interval, columns :data:`INTERVAL_COLUMNS`:
        ``agents`` (int64) is the fewest agents meeting every target of the interval;
        ``service_level`` is at ``threshold_s`` (the first service-level target's
        threshold); ``scheduled`` is fractional; ``sl_calls`` the calls in the
        service-level denominator (see ``abandon_policy``); ``method`` the staffing
        method (``sipp``, ``mol`` or ``simulation``). The measures are the stationary
        Erlang C/A figures of each interval's agents, whatever the method.
    summary : DataFrame
        One row per period and queue, then total rows, columns :data:`SUMMARY_COLUMNS`
        (see :func:`summarise`).
    """

    intervals: pd.DataFrame
    summary: pd.DataFrame

    def tables(self) -> dict[str, pd.DataFrame]:
        """``{"intervals": ..., "summary": ...}``, e.g. for :func:`staffing.io.write_table`."""
        return {"intervals": self.intervals, "summary": self.summary}

    def __repr__(self) -> str:
        iv = self.intervals
        queues = iv["queue"].nunique()
        return (
            f"Plan({len(iv)} intervals, {queues} queue{'s' if queues != 1 else ''}, "
            f"{iv['interval_start'].min()} to {iv['interval_start'].max()}; "
            f"peak {int(iv['agents'].max()) if len(iv) else 0} agents)"
        )


@dataclass(frozen=True)
class Evaluation:
    """Predicted performance of a given staffing, flagged on escalation bands.

    Attributes
    ----------
    intervals : DataFrame
        Columns :data:`EVALUATION_COLUMNS`; ``shortfall_pts`` is how many percentage
        points the interval falls short of its worst-missed target (negative when all are
        met), ``band`` its escalation band (see :mod:`staffing.planner.bands`).
    summary : DataFrame
        Columns :data:`EVALUATION_SUMMARY_COLUMNS`.
    """

    intervals: pd.DataFrame
    summary: pd.DataFrame

    def tables(self) -> dict[str, pd.DataFrame]:
        """``{"intervals": ..., "summary": ...}``."""
        return {"intervals": self.intervals, "summary": self.summary}
