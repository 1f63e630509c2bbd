"""What the planner returns: fixed, documented column lists and the result objects."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from staffing.planner.bands import BANDS

__all__ = [
    "BAND_COLUMNS",
    "CHANNEL_EVALUATION_COLUMNS",
    "CHANNEL_EXTRA_COLUMNS",
    "CHANNEL_INTERVAL_COLUMNS",
    "CHANNEL_SUMMARY_COLUMNS",
    "EVALUATION_COLUMNS",
    "EVALUATION_SUMMARY_COLUMNS",
    "INTERVAL_COLUMNS",
    "LEVELS",
    "REDIAL_COLUMNS",
    "REDIAL_SUMMARY_COLUMNS",
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
    "partial",
)
#: Columns a plan's (or an evaluation's) interval table gains, after its own, when callers
#: call again (:mod:`staffing.planner.redials`); ``calls`` then counts attempts offered.
REDIAL_COLUMNS: tuple[str, ...] = (
    "fresh_calls",
    "redial_calls",
    "offered_attempts",
    "lost_customers",
    "customer_abandon_rate",
    "redial",
    "reconnect",
    "redial_delay_s",
)
#: Columns a summary gains, after its own, when callers call again: the sums of the first
#: three, then ``lost_customers / fresh_calls``.
REDIAL_SUMMARY_COLUMNS: tuple[str, ...] = (
    "fresh_calls",
    "redial_calls",
    "lost_customers",
    "customer_abandon_rate",
)
#: Columns a mixed-channel forecast's interval tables gain (plan and evaluation).
CHANNEL_EXTRA_COLUMNS: tuple[str, ...] = (
    "channel",
    "channel_model",
    "concurrency",
    "pool",
    "priority",
)
#: Columns of :attr:`Plan.intervals` for a forecast that names channels, pools or
#: priorities (:mod:`staffing.prepared.channels`), in order: every column of
#: :data:`INTERVAL_COLUMNS`, then the channel columns, the pool's agents and the deferred
#: work's backlog.
CHANNEL_INTERVAL_COLUMNS: tuple[str, ...] = (
    *INTERVAL_COLUMNS,
    *CHANNEL_EXTRA_COLUMNS,
    "pool_agents",
    "handled",
    "handled_in_idle",
    "backlog",
    "oldest_age_s",
)
#: Row levels of a mixed-channel summary, in the order rows appear within a period.
LEVELS: tuple[str, ...] = ("queue", "pool", "channel", "total")
#: Columns of :attr:`Plan.summary` for a mixed-channel forecast, in order.
CHANNEL_SUMMARY_COLUMNS: tuple[str, ...] = (*SUMMARY_COLUMNS, "level", "channel", "pool")
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
#: Columns of :attr:`Evaluation.intervals` for a mixed-channel forecast.
CHANNEL_EVALUATION_COLUMNS: tuple[str, ...] = (*EVALUATION_COLUMNS, *CHANNEL_EXTRA_COLUMNS)

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

        When callers call again (a redial share), :data:`REDIAL_COLUMNS` follow:
        ``calls`` and ``workload_erlangs`` are then of the attempts offered (what the ACD
        counts), ``fresh_calls`` the forecast's calls, ``redial_calls`` the redials and
        reconnects falling in the interval, ``offered_attempts`` their sum (= ``calls``),
        ``lost_customers`` the abandoned attempts not followed by another, and
        ``customer_abandon_rate`` the share of customers giving up for good at the
        interval's abandon rate; every other measure is per attempt. ``redial``,
        ``reconnect`` and ``redial_delay_s`` (mean) say what was assumed.

        A forecast naming channels, pools or priorities gives
        :data:`CHANNEL_INTERVAL_COLUMNS` instead (the columns above keep their meaning,
        with the differences below):

        * ``agents`` (float64) is the agents the row's own work needs, so that rows add
          up: a voice or chat queue alone, its requirement; the voice classes of a
          priority pool, the pool's agents split in proportion to each class's workload;
          deferred work, the agents it adds to its pool beyond the voice idle time it
          fills (fractional, from the linear program), split between ticket priorities
          in proportion to the work each has handled;
        * ``channel``, ``channel_model`` (``immediate``, ``concurrent``, ``deferred``),
          ``concurrency`` (chats per agent; 1 elsewhere), ``pool`` (``""`` for a queue
          alone) and ``priority`` (NaN where none);
        * ``pool_agents``: the agents of the row's pool in the interval, repeated on each
          of its queues' rows (a queue alone is its own pool: its ``agents``); for a
          blended pool the voice requirement plus the deferred work's added agents;
        * ``service_level``: voice and chat as before (a priority class's own, at its
          threshold; chat's first response); deferred work, the share of the interval's
          arrivals handled within the deadline (``threshold_s``), NaN where it is not
          known by the horizon's end; ``asa_s`` NaN for deferred work; ``occupancy`` of
          a pool is the pool's (voice and deferred work together), of chat the busy chat
          slots;
        * deferred work only (NaN elsewhere): ``handled`` items handled in the interval,
          ``handled_in_idle`` those handled in the voice idle time of the pool,
          ``backlog`` items waiting at the interval's end, ``oldest_age_s`` the age of
          the oldest of them [s];
        * ``method``: the staffing method of the row: the one asked for on voice queues
          alone, ``sipp`` on chat and priority pools, ``lp`` on deferred work.
    summary : DataFrame
        One row per period and queue, then total rows, columns :data:`SUMMARY_COLUMNS`
        (see :func:`summarise`); for a mixed-channel forecast,
        :data:`CHANNEL_SUMMARY_COLUMNS` with rows per queue, pool, channel and total.
    """

    intervals: pd.DataFrame
    summary: pd.DataFrame

    def tables(self) -> dict[str, pd.DataFrame]:
        """``{"intervals": ..., "summary": ...}``, e.g. for :func:`staffing.io.write_table`."""
        return {"intervals": self.intervals, "summary": self.summary}

    def __repr__(self) -> str:
        iv = self.intervals
        queues = iv["queue"].nunique()
        if "channel" in iv.columns and len(self.summary):
            channels = iv["channel"].nunique()
            return (
                f"Plan({len(iv)} intervals, {queues} queue{'s' if queues != 1 else ''} in "
                f"{channels} channel{'s' if channels != 1 else ''}, "
                f"{iv['interval_start'].min()} to {iv['interval_start'].max()}; "
                f"peak {float(self.summary['peak_agents'].iloc[-1]):.1f} agents together)"
            )
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
