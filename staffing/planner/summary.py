"""Calls, agent-hours, FTE and volume-weighted performance per period and queue.

**Shrinkage and FTE** follow :class:`~staffing.planner.FteRules`: one FTE is paid
``hours_per_fte`` hours per 7 calendar days, so a period of ``days`` calendar days (1 for
a day, 7 for a week, 28-31 for a month) is worth ``hours_per_fte * days / 7`` hours: the
mean of the daily FTE over a week is the weekly FTE.

**Aggregation.** Nothing is rounded before it is summed: ``agent_hours`` is the sum of
``agents * interval_s / 3600``; ``service_level`` is weighted by the calls in its
denominator (``sl_calls``), ``abandon_rate`` by calls offered, ``asa_s`` by calls answered
and ``occupancy`` by agent-hours, so each equals the ratio of the totals, never an average
of interval percentages.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from staffing.errors import StaffingError, StaffingWarning
from staffing.frames import local_dates, period_start
from staffing.planner.models import FteRules
from staffing.planner.tables import (
    CHANNEL_SUMMARY_COLUMNS,
    LEVELS,
    REDIAL_SUMMARY_COLUMNS,
    SUMMARY_COLUMNS,
    TOTAL,
)
from staffing.vocabulary import (
    WEEKDAYS,
    Period,
    check_period,
    covered_days,
    parse_week_start,
    period_days,
)

__all__ = ["PERIODS", "SummaryParts", "summarise", "summarise_channels"]

#: Summary periods.
PERIODS: tuple[str, ...] = ("day", "week", "month", "quarter")


class PartialPeriodWarning(StaffingWarning):
    """A summary period the table covers only in part: its FTE is over the days covered."""


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)


#: Interval columns summed when callers call again (see :data:`REDIAL_SUMMARY_COLUMNS`).
_REDIAL_SUMMED = ("fresh_calls", "redial_calls", "lost_customers")

_SUMMED = (
    "calls",
    "agent_hours",
    "scheduled_hours",
    "sl_num",
    "sl_calls",
    "ab_num",
    "busy_hours",
    "answered",
    "asa_num",
)


def _summary_block(sums: dict[str, np.ndarray], peak: np.ndarray) -> dict[str, np.ndarray]:
    """Summary columns from summed parts (ratios of totals)."""
    return {
        "calls": sums["calls"],
        "agent_hours": sums["agent_hours"],
        "scheduled_hours": sums["scheduled_hours"],
        "peak_agents": peak,
        "service_level": _ratio(sums["sl_num"], sums["sl_calls"]),
        "abandon_rate": _ratio(sums["ab_num"], sums["calls"]),
        "occupancy": _ratio(sums["busy_hours"], sums["agent_hours"]),
        "asa_s": _ratio(sums["asa_num"], sums["answered"]),
    }


def _channel_parts(
    iv: pd.DataFrame, rules: FteRules, extra: Sequence[str]
) -> dict[str, np.ndarray]:
    """The summed parts of a mixed-channel table; rows without a measure add nothing to it.

    A deferred row's service level is NaN where its share is not known by the horizon's
    end (its ``sl_calls`` are 0) and its ASA is NaN: both are left out of the weights.
    """
    hours = iv["interval_s"].to_numpy(dtype=float) / 3600.0
    agents = iv["agents"].to_numpy(dtype=float)
    calls = iv["calls"].to_numpy(dtype=float)
    scheduled = (
        iv["scheduled"].to_numpy(dtype=float) if "scheduled" in iv else rules.scheduled(agents)
    )
    sl = iv["service_level"].to_numpy(dtype=float)
    sl_calls = iv["sl_calls"].to_numpy(dtype=float) if "sl_calls" in iv else calls.copy()
    sl_calls = np.where(np.isnan(sl), 0.0, sl_calls)
    ab = np.nan_to_num(iv["abandon_rate"].to_numpy(dtype=float))
    answered = calls * (1.0 - ab)
    asa = iv["asa_s"].to_numpy(dtype=float) if "asa_s" in iv else np.full(len(iv), np.nan)
    timed = ~np.isnan(asa) & (answered > 0)
    with np.errstate(invalid="ignore"):
        asa_num = np.where(timed, asa * answered, 0.0)
    occupancy = np.nan_to_num(iv["occupancy"].to_numpy(dtype=float))
    return {
        "calls": calls,
        "agent_hours": agents * hours,
        "scheduled_hours": scheduled * hours,
        "sl_num": np.where(sl_calls > 0, sl * sl_calls, 0.0),
        "sl_calls": sl_calls,
        "ab_num": ab * calls,
        "busy_hours": occupancy * agents * hours,
        "answered": np.where(timed, answered, 0.0),
        "asa_num": asa_num,
        **{name: iv[name].to_numpy(dtype=float) for name in extra},
    }


def _voice_parts(iv: pd.DataFrame, rules: FteRules, extra: Sequence[str]) -> dict[str, np.ndarray]:
    """The summed parts of a voice interval table (see :func:`summarise`)."""
    n = len(iv)
    hours = iv["interval_s"].to_numpy(dtype=float) / 3600.0
    agents = iv["agents"].to_numpy(dtype=float)
    calls = iv["calls"].to_numpy(dtype=float)
    scheduled = (
        iv["scheduled"].to_numpy(dtype=float) if "scheduled" in iv else rules.scheduled(agents)
    )
    sl_calls = iv["sl_calls"].to_numpy(dtype=float) if "sl_calls" in iv else calls
    ab = iv["abandon_rate"].to_numpy(dtype=float)
    answered = calls * (1.0 - ab)
    asa = iv["asa_s"].to_numpy(dtype=float) if "asa_s" in iv else np.full(n, np.nan)
    with np.errstate(invalid="ignore"):
        asa_num = np.where(answered > 0, asa * answered, 0.0)
    return {
        "calls": calls,
        "agent_hours": agents * hours,
        "scheduled_hours": scheduled * hours,
        "sl_num": iv["service_level"].to_numpy(dtype=float) * sl_calls,
        "sl_calls": sl_calls,
        "ab_num": ab * calls,
        "busy_hours": iv["occupancy"].to_numpy(dtype=float) * agents * hours,
        "answered": answered,
        "asa_num": asa_num,
        **{name: iv[name].to_numpy(dtype=float) for name in extra},
    }


def _queue_codes(queue: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Codes of a queue column's names and the names, sorted (object array).

    Text columns are encoded as they are (fast for Arrow-backed text); anything else,
    and a column with missing names, goes through ``str`` as the summary names them.
    """
    text = isinstance(queue.dtype, pd.StringDtype) and not queue.isna().any()
    values = queue if text else queue.astype(str).to_numpy(dtype=object)
    codes, names = pd.factorize(values, sort=True)
    return np.asarray(codes), np.asarray(names, dtype=object)


def _named(values: np.ndarray) -> np.ndarray:
    """Where a label names something (not missing, not empty)."""
    return np.asarray(pd.notna(values) & (values != ""), dtype=bool)


class SummaryParts:
    """A summary built chunk by chunk: the same table as :func:`summarise` of the whole.

    :meth:`add` takes the interval table of some whole queues (a whole pool's queues
    together), in the order the queues first appear; :meth:`summary` gives the summary of
    every table added. Only the sums per period and queue, the agents summed over queues
    at each interval start and the peaks are kept, so a plan of a thousand queues is
    summarised in the memory of one chunk.

    The figures do not depend on how the queues were cut into chunks, to the last bit:
    sums over queues add the per-queue sums in the order of periods and queue names, and
    the agents at each interval start are added one queue (pool) at a time in the order
    the queues first appear, whatever the chunks.

    Parameters
    ----------
    period, fte, extra
        As for :func:`summarise`.

    Examples
    --------
    >>> iv = pd.DataFrame({
    ...     "interval_start": pd.to_datetime(["2025-03-03 09:00", "2025-03-03 09:00"]),
    ...     "queue": ["sales", "service"], "calls": [100.0, 50.0], "agents": [12, 8],
    ...     "interval_s": 1800.0, "service_level": [0.8, 0.9], "abandon_rate": 0.0,
    ...     "occupancy": [0.7, 0.6]})
    >>> parts = SummaryParts(period="day")
    >>> parts.add(iv.iloc[:1]).add(iv.iloc[1:]).summary().equals(summarise(iv, period="day"))
    True
    """

    def __init__(
        self,
        *,
        period: Period = "week",
        fte: FteRules | None = None,
        extra: Sequence[str] = (),
        week_start: int | str | None = None,
    ) -> None:
        check_period(period)
        self.period: Period = period
        self.rules = fte or FteRules()
        given = self.rules.week_start if week_start is None else week_start
        self.week_start = parse_week_start(given, what="`week_start`")
        self._dates: np.ndarray = np.zeros(0, dtype="datetime64[D]")
        self._source: str | None = None
        self.extra = tuple(extra)
        self._cells: list[pd.DataFrame] = []
        self._pool_peaks: list[pd.DataFrame] = []
        self._time_index = pd.Index(np.zeros(0, dtype=np.int64))
        self._series: dict[str, np.ndarray] = {}
        self._first: Any = None
        self._last: Any = None
        self._dtype: Any = None
        self._mixed: bool | None = None
        self._integer = True
        self._asa = False
        self._redials: bool | None = None
        self.rows = 0

    # ----------------------------------------------------------------- adding chunks

    def add(self, intervals: pd.DataFrame) -> SummaryParts:
        """Add the interval table of whole queues (returns ``self``)."""
        iv = intervals
        mixed = "channel" in iv.columns
        if self._mixed is None:
            self._mixed = mixed
        elif self._mixed != mixed:
            raise StaffingError("chunks of one summary must all have, or all lack, channels")
        if self._redials is None:
            self._redials = "fresh_calls" in iv.columns and "lost_customers" in iv.columns
            if self._redials:
                self.extra = (*self.extra, *_REDIAL_SUMMED)
        if not len(iv):
            return self
        self.rows += len(iv)
        self._integer &= iv["agents"].dtype.kind in "iu"
        self._asa |= "asa_s" in iv.columns
        starts = iv["interval_start"]
        first, last = starts.min(), starts.max()
        self._first = first if self._first is None else min(self._first, first)
        self._last = last if self._last is None else max(self._last, last)
        self._dtype = starts.dtype
        self._dates = np.union1d(self._dates, np.unique(local_dates(starts)))
        if self._source is None:
            self._source = str(iv.attrs.get("source", "")) or None
        parts = (
            _channel_parts(iv, self.rules, self.extra)
            if mixed
            else _voice_parts(iv, self.rules, self.extra)
        )
        agents = iv["agents"].to_numpy(dtype=float)
        p_codes, periods = pd.factorize(
            period_start(starts, self.period, self.week_start), sort=True
        )
        q_codes, queues = _queue_codes(iv["queue"])
        t_codes, t_uniques = pd.factorize(starts)
        n_q, n_t = len(queues), len(t_uniques)
        group = p_codes * n_q + q_codes
        cell_of_row, cells = pd.factorize(group, sort=True)  # hashed: no sort of the rows
        n_c = len(cells)
        sums = {k: np.bincount(cell_of_row, weights=v, minlength=n_c) for k, v in parts.items()}
        thresholds = (
            iv["threshold_s"].to_numpy(dtype=float)
            if "threshold_s" in iv
            else np.full(len(iv), np.nan)
        )
        by_cell = pd.Series(thresholds).groupby(cell_of_row)
        lo = by_cell.min().reindex(range(n_c)).to_numpy()
        hi = by_cell.max().reindex(range(n_c)).to_numpy()
        # a queue's peak: its agents summed at each interval start, at their highest
        at = cell_of_row.astype(np.int64) * n_t + t_codes
        slot_of_row, slots = pd.factorize(at, sort=True)
        together = np.bincount(slot_of_row, weights=agents)
        peak = np.zeros(n_c)
        np.maximum.at(peak, slots // n_t, together)
        table = pd.DataFrame(
            {
                "period": pd.Series(periods).take(cells // n_q).reset_index(drop=True),
                "queue": queues[cells % n_q],
                **sums,
                "peak": peak,
                "lo": lo,
                "hi": hi,
            }
        )
        if mixed:
            channel = iv["channel"].astype(str).to_numpy(dtype=object)
            pool = iv["pool"].fillna("").astype(str).to_numpy(dtype=object)
            one = pd.DataFrame({"channel": channel, "pool": pool}).groupby(cell_of_row)
            table["channel"] = one["channel"].agg(_joined).reindex(range(n_c)).to_numpy()
            table["pool"] = one["pool"].agg(_joined).reindex(range(n_c)).to_numpy()
        self._cells.append(table)
        self._add_series(iv, agents, q_codes, queues, t_codes, t_uniques, mixed)
        return self

    def _slots(self, t_uniques: Any) -> np.ndarray:
        """Global positions of a chunk's interval starts (new ones appended)."""
        stamps = pd.DatetimeIndex(t_uniques).as_unit("ns").asi8
        index = self._time_index.get_indexer(pd.Index(stamps))
        fresh = index < 0
        if fresh.any():
            start = len(self._time_index)
            self._time_index = self._time_index.append(pd.Index(stamps[fresh]))
            index[fresh] = np.arange(start, len(self._time_index))
        n = len(self._time_index)
        for key, values in self._series.items():
            if len(values) < n:
                self._series[key] = np.concatenate([values, np.zeros(n - len(values))])
        return index

    def _series_of(self, key: str) -> np.ndarray:
        if key not in self._series:
            self._series[key] = np.zeros(len(self._time_index))
        return self._series[key]

    def _add_series(
        self,
        iv: pd.DataFrame,
        agents: np.ndarray,
        q_codes: np.ndarray,
        queues: np.ndarray,
        t_codes: np.ndarray,
        t_uniques: Any,
        mixed: bool,
    ) -> None:
        """Agents at each interval start, and a pool's own peaks per period.

        Added one unit (a pool, or a queue in none) at a time in order of first appearance.
        """
        slot = self._slots(t_uniques)
        n_t = len(t_uniques)
        if mixed:
            pool = iv["pool"].fillna("").astype(str).to_numpy(dtype=object)
            in_pool = _named(pool)
            queue = queues[q_codes]
            unit = np.where(in_pool, "pool\x1f" + pool.astype(str), "queue\x1f" + queue.astype(str))
            c_codes, channels = pd.factorize(iv["channel"].astype(str).to_numpy(dtype=object))
            p_of_t = np.zeros(n_t, dtype=np.int64)
            p_codes, periods = pd.factorize(
                period_start(iv["interval_start"], self.period, self.week_start)
            )
            p_of_t[t_codes] = p_codes
        else:
            unit = q_codes  # each queue its own unit, numbered by first appearance below
        u_codes, _ = pd.factorize(unit)
        order = np.argsort(u_codes, kind="stable")
        bounds = np.searchsorted(u_codes[order], np.arange(u_codes.max() + 2))
        total = self._series_of(TOTAL)
        pool_rows = []
        for u in range(len(bounds) - 1):
            rows = order[bounds[u] : bounds[u + 1]]
            series = np.bincount(t_codes[rows], weights=agents[rows], minlength=n_t)
            total[slot] += series
            if not mixed:
                continue
            for c in np.unique(c_codes[rows]).tolist():
                mine = rows[c_codes[rows] == c]
                by_channel = self._series_of("channel\x1f" + str(channels[c]))
                by_channel[slot] += np.bincount(t_codes[mine], weights=agents[mine], minlength=n_t)
            if in_pool[rows[0]]:
                top = pd.Series(series).groupby(p_of_t).max()
                pool_rows.append(
                    pd.DataFrame(
                        {
                            "period": pd.Series(periods).take(top.index.to_numpy()).to_numpy(),
                            "pool": pool[rows[0]],
                            "peak": top.to_numpy(),
                        }
                    )
                )
        if pool_rows:
            self._pool_peaks.append(pd.concat(pool_rows, ignore_index=True))

    # ----------------------------------------------------------------- the summary

    def _period_of_slots(self) -> tuple[np.ndarray, pd.Index]:
        stamps = pd.Series(pd.to_datetime(self._time_index.to_numpy().astype("datetime64[ns]")))
        if isinstance(self._dtype, pd.DatetimeTZDtype):
            stamps = stamps.dt.tz_localize("UTC").dt.tz_convert(self._dtype.tz)
        codes, periods = pd.factorize(period_start(stamps, self.period, self.week_start), sort=True)
        return codes, pd.Index(periods)

    def summary(self) -> pd.DataFrame:
        """The summary of every table added (columns as :func:`summarise` gives them)."""
        if self._mixed is None or not self._cells:
            raise StaffingError("nothing to summarise: no intervals")
        cells = pd.concat(self._cells, ignore_index=True)
        cells = cells.sort_values(["period", "queue"], kind="stable", ignore_index=True)
        out = self._channel_summary(cells) if self._mixed else self._voice_summary(cells)
        out["fte"] = self.rules.fte_of_scheduled(out["scheduled_hours"], out["period_days"])
        if self.period == "day":
            out.insert(
                list(out.columns).index("fte") + 1,
                "heads",
                self.rules.heads_of_scheduled(out["scheduled_hours"]),
            )
        self._warn_partial(out)
        if self._redials:
            # customers who gave up for good per fresh call; redial columns follow the rest
            fresh = out["fresh_calls"].to_numpy(dtype=float)
            out["customer_abandon_rate"] = _ratio(out["lost_customers"].to_numpy(float), fresh)
            rest = [c for c in out.columns if c not in REDIAL_SUMMARY_COLUMNS]
            out = out[[*rest, *REDIAL_SUMMARY_COLUMNS]]
        return out

    def _covered(self, periods: pd.Index) -> tuple[np.ndarray, np.ndarray, float]:
        """Days covered and whether each period is partial; days covered in all."""
        starts, days, covered = covered_days(self._dates, self.period, self.week_start)
        first = local_dates(pd.Series(periods))
        index = np.searchsorted(starts, first)
        # the horizon: the weeks holding the dates, their closed weekdays included
        whole = float(covered_days(self._dates, "week", self.week_start)[2].sum())
        return covered[index].astype(float), covered[index] < days[index], whole

    def _warn_partial(self, out: pd.DataFrame) -> None:
        """One warning naming the periods the table covers only in part."""
        part = out[out["partial"] & out["period_start"].notna()].drop_duplicates("period_start")
        if part.empty:
            return
        size = {"day": 1, "week": 7}.get(self.period)
        shown = []
        for start, days in zip(part["period_start"], part["period_days"], strict=True):
            whole = size or int(period_days(local_dates(pd.Series([start])), self.period)[0])
            shown.append(f"{pd.Timestamp(start):%Y-%m-%d} ({days:g} of {whole} days)")
        listed = ", ".join(shown[:4]) + (f" and {len(shown) - 4} more" if len(shown) > 4 else "")
        day = WEEKDAYS[self.week_start].title()
        hint = (
            f"; weeks start on {day}: give the centre's week start (`week_start`) if it is "
            "another day"
            if self.period == "week"
            else ""
        )
        warnings.warn(
            f"{self._source or 'the table'}: {self.period}s covered in part: {listed}; their "
            f"FTE is over the days covered, not the whole {self.period}{hint}",
            PartialPeriodWarning,
            stacklevel=3,
        )

    def _sums(self, cells: pd.DataFrame, ids: np.ndarray, size: int) -> dict[str, np.ndarray]:
        names = [*_SUMMED, *self.extra]
        return {k: np.bincount(ids, weights=cells[k].to_numpy(), minlength=size) for k in names}

    @staticmethod
    def _common(cells: pd.DataFrame, ids: np.ndarray, size: int) -> np.ndarray:
        """The one threshold of each group's cells; NaN where they mix thresholds."""
        lo = pd.Series(cells["lo"].to_numpy()).groupby(ids).min().reindex(range(size))
        hi = pd.Series(cells["hi"].to_numpy()).groupby(ids).max().reindex(range(size))
        return np.where(lo.to_numpy() == hi.to_numpy(), lo.to_numpy(), np.nan)

    def _series_peaks(self, key: str, n_p: int, slot_period: np.ndarray) -> np.ndarray:
        out = np.zeros(n_p)
        values = self._series.get(key)
        if values is not None and values.size:
            np.maximum.at(out, slot_period, values)
        return out

    def _voice_summary(self, cells: pd.DataFrame) -> pd.DataFrame:
        p_codes, periods = pd.factorize(cells["period"], sort=True)
        n_p = len(periods)
        queues = pd.unique(cells["queue"])
        n_c = len(cells)
        block = _summary_block(self._sums(cells, np.arange(n_c), n_c), cells["peak"].to_numpy())
        block["threshold_s"] = np.where(
            cells["lo"].to_numpy() == cells["hi"].to_numpy(), cells["lo"].to_numpy(), np.nan
        )
        blocks = [{**block, **{k: cells[k].to_numpy() for k in self.extra}}]
        period_index = [p_codes]
        labels = [cells["queue"].to_numpy(dtype=object)]
        order_key = [p_codes * 2]
        slot_period, slot_periods = self._period_of_slots()
        position = slot_periods.get_indexer(periods)
        if len(queues) > 1 and n_p > 1:
            sums = self._sums(cells, p_codes, n_p)
            peaks = self._series_peaks(TOTAL, len(slot_periods), slot_period)[position]
            total = _summary_block(sums, peaks)
            total["threshold_s"] = self._common(cells, p_codes, n_p)
            blocks.append({**total, **{k: sums[k] for k in self.extra}})
            period_index.append(np.arange(n_p))
            labels.append(np.full(n_p, TOTAL, dtype=object))
            order_key.append(np.arange(n_p) * 2 + 1)
        order = np.argsort(np.concatenate(order_key), kind="stable")
        p_index = np.concatenate(period_index)[order]
        table = pd.DataFrame(
            {k: np.concatenate([blk[k] for blk in blocks])[order] for k in blocks[0]}
        )
        starts = pd.Series(periods).take(p_index).reset_index(drop=True)
        table.insert(0, "queue", np.concatenate(labels)[order])
        table.insert(0, "period_start", starts)
        days, partial, all_days = self._covered(pd.Index(periods))
        table["period_days"] = days[p_index]
        table["partial"] = partial[p_index]

        zeros = np.zeros(n_c, dtype=np.int64)
        grand_sums = self._sums(cells, zeros, 1)
        everything = self._series.get(TOTAL)
        top = float(everything.max()) if everything is not None and everything.size else 0.0
        grand = pd.DataFrame(
            {
                **_summary_block(grand_sums, np.array([top])),
                "threshold_s": self._common(cells, zeros, 1),
                **{k: grand_sums[k] for k in self.extra},
            }
        )
        grand.insert(0, "queue", np.array([TOTAL], dtype=object))
        grand.insert(0, "period_start", pd.Series([pd.NaT], dtype=starts.dtype))
        grand["period_days"] = all_days
        grand["partial"] = False
        out = pd.concat([table, grand], ignore_index=True)
        out["fte"] = 0.0
        if self._integer:
            out["peak_agents"] = out["peak_agents"].astype(np.int64)
        if not self._asa:
            out["asa_s"] = np.nan
        return out[[*SUMMARY_COLUMNS, *self.extra]]

    def _channel_summary(self, cells: pd.DataFrame) -> pd.DataFrame:
        p_codes, periods = pd.factorize(cells["period"], sort=True)
        n_p = len(periods)
        slot_period, slot_periods = self._period_of_slots()
        position = slot_periods.get_indexer(periods)
        pool_peaks = (
            pd.concat(self._pool_peaks, ignore_index=True)
            if self._pool_peaks
            else pd.DataFrame({"period": [], "pool": [], "peak": []})
        )
        queue = cells["queue"].to_numpy(dtype=object)
        channel = cells["channel"].to_numpy(dtype=object)
        pool = cells["pool"].to_numpy(dtype=object)

        def block(labels: np.ndarray, p: np.ndarray, n: int, level: str) -> pd.DataFrame:
            keep = np.flatnonzero(_named(labels))
            if keep.size == 0:
                return pd.DataFrame()
            codes, names = pd.factorize(labels[keep], sort=True)
            n_l = len(names)
            group = p[keep] * n_l + codes
            size = n * n_l
            sub = cells.iloc[keep]
            sums = self._sums(sub, group, size)
            if level == "queue":
                peak = np.zeros(size)
                np.maximum.at(peak, group, sub["peak"].to_numpy())
            elif level == "pool":
                peak = np.zeros(size)
                mine = pool_peaks[pool_peaks["pool"].isin(names)]
                if len(mine):
                    pl = pd.Index(names).get_indexer(mine["pool"].to_numpy())
                    pp = (
                        pd.Index(periods).get_indexer(mine["period"])
                        if n > 1
                        else np.zeros(len(mine), dtype=np.int64)
                    )
                    np.maximum.at(peak, pp * n_l + pl, mine["peak"].to_numpy(dtype=float))
            else:
                peak = np.zeros(size)
                for j, name in enumerate(names):
                    key = TOTAL if level == "total" else f"channel\x1f{name}"
                    top = self._series_peaks(key, len(slot_periods), slot_period)
                    if n > 1:
                        peak[np.arange(n) * n_l + j] = top[position]
                    else:
                        peak[j] = top.max() if top.size else 0.0
            common = self._common(sub, group, size)
            present = np.flatnonzero(np.bincount(group, minlength=size) > 0)
            joined = {}
            for column, values in (("channel", channel), ("pool", pool)):
                found = pd.Series(values[keep]).groupby(group).agg(_joined)
                joined[column] = found.reindex(present).fillna("").to_numpy(dtype=object)
            table = pd.DataFrame(
                {
                    **{k: v[present] for k, v in _summary_block(sums, peak).items()},
                    "threshold_s": common[present],
                    **{k: sums[k][present] for k in self.extra},
                }
            )
            table.insert(0, "queue", np.asarray(names, dtype=object)[present % n_l])
            table["_period"] = present // n_l
            table["_level"] = LEVELS.index(level)
            table["level"] = level
            table["channel"] = joined["channel"]
            table["pool"] = joined["pool"] if level == "queue" else ""
            if level == "pool":
                table["pool"] = table["queue"]
            return table

        everything = np.full(len(cells), TOTAL, dtype=object)
        blocks = [
            block(queue, p_codes, n_p, "queue"),
            block(pool, p_codes, n_p, "pool"),
            block(channel, p_codes, n_p, "channel"),
        ]
        if n_p > 1:
            blocks.append(block(everything, p_codes, n_p, "total"))
        per_period = pd.concat([b for b in blocks if len(b)], ignore_index=True)
        per_period = per_period.sort_values(["_period", "_level", "queue"], kind="stable")
        starts = pd.Series(periods).take(per_period["_period"].to_numpy()).reset_index(drop=True)
        per_period = per_period.reset_index(drop=True)
        per_period.insert(0, "period_start", starts)
        days, partial, all_days = self._covered(pd.Index(periods))
        per_period["period_days"] = days[per_period["_period"].to_numpy()]
        per_period["partial"] = partial[per_period["_period"].to_numpy()]

        whole = np.zeros(len(cells), dtype=np.int64)
        levels = [(everything, "total")]
        if n_p > 1:
            levels = [(pool, "pool"), (channel, "channel"), *levels]
        grand = pd.concat(
            [b for b in (block(labels, whole, 1, level) for labels, level in levels) if len(b)],
            ignore_index=True,
        )
        grand.insert(0, "period_start", pd.Series([pd.NaT] * len(grand), dtype=starts.dtype))
        grand["period_days"] = all_days
        grand["partial"] = False
        out = pd.concat([per_period, grand], ignore_index=True)
        out["fte"] = 0.0
        return out[[*CHANNEL_SUMMARY_COLUMNS, *self.extra]]


def _joined(values: pd.Series) -> str:
    """``"chat+voice"``: the distinct names of a group, sorted."""
    return "+".join(sorted({str(v) for v in values if isinstance(v, str) and v}))


def summarise(
    intervals: pd.DataFrame,
    *,
    period: Period = "week",
    fte: FteRules | None = None,
    extra: Sequence[str] = (),
    week_start: int | str | None = None,
) -> pd.DataFrame:
    """Calls, agent-hours, FTE and volume-weighted performance per period and queue.

    Parameters
    ----------
    intervals : DataFrame
        :attr:`Plan.intervals` (or any table with ``interval_start``, ``queue``,
        ``calls``, ``agents``, ``interval_s``, ``service_level``, ``abandon_rate``,
        ``occupancy``; ``scheduled``, ``asa_s`` and ``sl_calls`` are used when present).
    period : {"day", "week", "month", "quarter"}, default "week"
        Weeks start on ``week_start``; a month or quarter is a calendar one. A period the
        table covers only in part (:func:`staffing.vocabulary.covered_days`) has its FTE
        over the days covered, is flagged ``partial``, and is named in a
        :class:`PartialPeriodWarning`.
    fte : FteRules, optional
        Shrinkage, paid hours and the centre's week start (default: none, 37.5 h a week,
        Monday).
    week_start : str or int, optional
        The weekday weeks start on, instead of ``fte.week_start``.
    extra : sequence of str
        Further numeric columns of ``intervals`` to sum per period (appended).

    Returns
    -------
    DataFrame
        Columns :data:`SUMMARY_COLUMNS` (then ``extra``): one row per period and queue
        (periods in time order, queues by name); when there are several queues and
        several periods, a ``total`` row per period after its queues; and last one
        ``total`` row over everything with an empty (``NaT``) ``period_start``.
        ``peak_agents`` of a total row is the peak of agents summed over queues at the
        same interval start. ``threshold_s`` is the threshold the row's service level is
        measured at; NaN where its intervals mix thresholds (a premium line at 10 s and
        a general one at 20 s summed together). ``period_days`` are the calendar days
        FTE are scaled by:
        1 a day, 7 a week, for a month its days inside the whole Monday-to-Sunday weeks
        the intervals fall in, and for the grand total those weeks' days (days without
        intervals are closed days: an FTE is paid per week whether or not the centre
        opens on Sunday).

    Notes
    -----
    An interval table with a ``channel`` column (a mixed-channel plan) is summarised by
    queue, pool, channel and in total instead (:func:`summarise_channels`).

    ``fte = agent_hours / ((1 - in_centre) (1 - out_of_centre)) / (hours_per_fte *
    period_days / 7)`` (:class:`FteRules`);
    ``service_level = sum(service_level * sl_calls) / sum(sl_calls)``;
    ``abandon_rate = sum(abandon_rate * calls) / sum(calls)``; ``occupancy = sum(occupancy
    * agent_hours) / sum(agent_hours)``; ``asa_s`` is weighted by answered calls. Ratios
    over no calls are NaN.

    Examples
    --------
    One queue, Monday and Tuesday, 30-minute intervals; 10 then 20 agents on Monday
    (``(10 + 20) * 0.5 = 15`` agent-hours), 8 on Tuesday (4 agent-hours), 25% shrinkage,
    35 paid hours per FTE per week:

    >>> iv = pd.DataFrame({
    ...     "interval_start": pd.to_datetime(["2025-03-03 09:00", "2025-03-03 09:30",
    ...                                       "2025-03-04 09:00"]),
    ...     "queue": "sales", "calls": [100.0, 300.0, 50.0], "agents": [10, 20, 8],
    ...     "interval_s": 1800.0, "service_level": [0.9, 0.6, 1.0],
    ...     "abandon_rate": [0.0, 0.1, 0.0], "occupancy": [0.8, 0.9, 0.5]})
    >>> s = summarise(iv, period="day", fte=FteRules(total=0.25, hours_per_fte=35.0))
    >>> s[["queue", "agent_hours", "scheduled_hours", "fte", "service_level", "period_days"]]
    ... # doctest: +NORMALIZE_WHITESPACE
       queue  agent_hours  scheduled_hours       fte  service_level  period_days
    0  sales         15.0        20.000000  4.000000       0.675000          1.0
    1  sales          4.0         5.333333  1.066667       1.000000          1.0
    2  total         19.0        25.333333  0.723810       0.711111          7.0

    Monday: ``15 / (1 - 0.25) / (35 * 1/7) = 4`` FTE. Its service level is 90% of 100
    calls and 60% of 300 calls: ``(90 + 180) / 400 = 67.5%``, not the 75% average of the
    two percentages. The total covers the whole week the forecast falls in (the other days
    are closed): ``19 / 0.75 / 35 = 0.724`` FTE, and ``(90 + 180 + 50) / 450 = 71.1%``.
    """
    return (
        SummaryParts(period=period, fte=fte, extra=extra, week_start=week_start)
        .add(intervals)
        .summary()
    )


def summarise_channels(
    intervals: pd.DataFrame,
    *,
    period: Period = "week",
    fte: FteRules | None = None,
    extra: Sequence[str] = (),
    week_start: int | str | None = None,
) -> pd.DataFrame:
    """Calls, agent-hours, FTE and performance per queue, pool, channel and in total.

    Parameters
    ----------
    intervals : DataFrame
        A mixed-channel interval table
        (:data:`~staffing.planner.tables.CHANNEL_INTERVAL_COLUMNS`): ``interval_start``,
        ``queue``, ``channel``, ``pool``, ``calls``, ``agents`` and the measures.
    period, fte, extra
        As for :func:`summarise`.

    Returns
    -------
    DataFrame
        Columns :data:`~staffing.planner.tables.CHANNEL_SUMMARY_COLUMNS` (then
        ``extra``). For each period in time order, rows of ``level``:

        * ``queue``: one per queue (by name), its own agents (a pool's queues share the
          pool's agents in the proportions of :class:`~staffing.planner.tables.Plan`);
        * ``pool``: one per named pool, its queues together;
        * ``channel``: one per channel (by name), its queues together;
        * ``total``: everything, when there are several periods;

        then over the whole horizon (``period_start`` empty), when there are several
        periods, one ``pool`` row per pool and one ``channel`` row per channel, and
        always a last ``total`` row. ``queue`` holds the
        row's name (the queue, pool or channel; ``total``), ``channel`` the channels of
        the row's queues (``+``-joined), ``pool`` the pool (``""`` for a queue alone).
        Every row's ``agent_hours`` is the sum of its queues' rows, so agents are never
        counted twice: the total is the sum of the channel rows, and of the pool rows
        plus the rows of queues in no pool. ``peak_agents`` is the peak of the row's
        agents summed at each interval start (a pool row's: its ``pool_agents``).

    Notes
    -----
    Volume weighting as in :func:`summarise`; a deferred row enters the service level
    only where its share within the deadline is known, and no ASA.

    Examples
    --------
    >>> iv = pd.DataFrame({
    ...     "interval_start": pd.to_datetime(["2025-03-03 09:00"] * 3),
    ...     "queue": ["premium", "general", "web"], "channel": ["voice", "voice", "chat"],
    ...     "pool": ["phones", "phones", ""], "calls": [40.0, 160.0, 60.0],
    ...     "agents": [6.4, 25.6, 8.0], "interval_s": 1800.0,
    ...     "service_level": [0.92, 0.84, 0.99], "threshold_s": [10.0, 20.0, 60.0],
    ...     "abandon_rate": 0.0, "occupancy": [0.83, 0.83, 0.61], "asa_s": [2.1, 12.8, 1.0]})
    >>> s = summarise_channels(iv)
    >>> s[["level", "queue", "agent_hours", "peak_agents"]].iloc[-4:]
         level   queue  agent_hours  peak_agents
    3     pool  phones         16.0         32.0
    4  channel    chat          4.0          8.0
    5  channel   voice         16.0         32.0
    6    total   total         20.0         40.0
    """
    if "channel" not in intervals.columns:
        raise StaffingError("summarise_channels needs a `channel` column (a mixed-channel table)")
    return (
        SummaryParts(period=period, fte=fte, extra=extra, week_start=week_start)
        .add(intervals)
        .summary()
    )
