"""The performance of a given staffing (a roster), flagged on escalation bands."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from staffing.errors import InputError, StaffingError, TargetError
from staffing.frames import bad_rows, check_column, queue_names, require_columns, to_timestamps
from staffing.planner.bands import BANDS, check_edges, escalation_band
from staffing.planner.intervals import interval_table
from staffing.planner.models import FteRules
from staffing.planner.redials import forward_redials, redial_columns
from staffing.planner.roster import POOL_SEPARATOR, pool_members, split_pooled_roster
from staffing.planner.sanity import PlanWarning
from staffing.planner.summary import SummaryParts
from staffing.planner.tables import (
    BAND_COLUMNS,
    CHANNEL_EVALUATION_COLUMNS,
    EVALUATION_COLUMNS,
    REDIAL_COLUMNS,
    Evaluation,
)
from staffing.planner.voice import solve_rows
from staffing.prepared import (
    ChannelRules,
    PreparedForecast,
    QueueModel,
    channel_columns,
    has_channels,
    prepare,
)
from staffing.queueing import evaluate, required_agents
from staffing.queueing.erlang import MAX_AGENTS
from staffing.queueing.targets import Measures, TargetSet
from staffing.vocabulary import AbandonPolicy, Period, check_period

__all__ = [
    "EvaluationParts",
    "evaluate_intervals",
    "evaluate_staffing",
]


def _staffing_per_interval(
    f: pd.DataFrame,
    staffing: pd.DataFrame | None,
    forecast_source: str,
    requirement: Callable[[], np.ndarray] | None = None,
) -> np.ndarray:
    """Agents per forecast row: from the roster, or from the forecast's ``agents`` column.

    A roster row naming a pool of the forecast's queues is shared among them
    (:func:`staffing.planner.roster.split_pooled_roster`) by ``requirement()``, the
    agents each forecast row requires (by workload without it).
    """
    if staffing is None:
        if "agents" not in f.columns:
            raise InputError(
                "no 'agents' column: add one, or give a roster of agents per interval",
                source=forecast_source,
            )
        table, source = f, forecast_source
    else:
        table = staffing.reset_index(drop=True)
        source = str(staffing.attrs.get("source", "roster"))
        require_columns(table, ["interval_start", "agents"], source=source)
    agents = pd.to_numeric(table["agents"], errors="coerce").astype(float)
    with np.errstate(invalid="ignore"):
        ok = np.isfinite(agents) & (agents >= 0)
    check_column(table, "agents", ok, "negative, missing or not a number", source=source)
    check_column(table, "agents", agents <= MAX_AGENTS, f"above {MAX_AGENTS:,.0f}", source=source)
    if staffing is None:
        return agents.to_numpy()

    times = to_timestamps(table, "interval_start", source=source)
    f_times = f["interval_start"]
    f_aware = isinstance(f_times.dtype, pd.DatetimeTZDtype)
    if isinstance(times.dtype, pd.DatetimeTZDtype) != f_aware:
        # one file has UTC offsets, the other not: match on local wall-clock time
        if f_aware:
            f_times = f_times.dt.tz_localize(None)
        else:
            times = times.dt.tz_localize(None)
    elif f_aware:
        times = times.dt.tz_convert(f_times.dt.tz)
    keys = pd.DataFrame({"interval_start": times.astype(f_times.dtype)})
    if "queue" in table.columns:
        keys["queue"] = queue_names(table["queue"])
    elif (f["queue"] == f["queue"].iloc[0]).all():
        keys["queue"] = f["queue"].iloc[0]
    else:
        raise InputError("no 'queue' column, but the forecast has several queues", source=source)
    dupes = keys.duplicated(keep=False)
    if dupes.any():
        raise InputError(
            "duplicate intervals within a queue",
            source=source,
            column="interval_start",
            rows=bad_rows(~dupes),
        )
    keys["agents"] = agents.to_numpy()
    left = pd.DataFrame({"queue": f["queue"], "interval_start": f_times})
    if "queue" in table.columns:
        keys = _split_pools(keys, f, left, requirement, source)
    merged = left.merge(keys, on=["queue", "interval_start"], how="left", validate="one_to_one")
    missing = merged["agents"].isna().to_numpy() & (f["calls"].to_numpy() > 0)
    if missing.any():
        raise InputError(
            f"no staffing in {source} for these intervals with calls",
            source=forecast_source,
            column="interval_start",
            rows=bad_rows(~missing),
        )
    return merged["agents"].fillna(0.0).to_numpy(dtype=float)


def _split_pools(
    keys: pd.DataFrame,
    f: pd.DataFrame,
    left: pd.DataFrame,
    requirement: Callable[[], np.ndarray] | None,
    source: str,
) -> pd.DataFrame:
    """The roster with its pooled rows shared among their queues (plain rosters as given)."""
    known = set(pd.unique(f["queue"].astype(str)))
    if keys["queue"].dropna().isin(known).all():
        return keys
    if has_channels(f):
        names = [str(q) for q in pd.unique(keys["queue"].dropna()) if q not in known]
        pools = [q for q in names if POOL_SEPARATOR in q and len(pool_members(q, known)) > 1]
        if pools:
            raise InputError(
                f"pooled rows ({', '.join(pools)}) cannot be shared out over a forecast "
                "naming channels: give one roster row per queue",
                source=source,
                column="queue",
                rows=bad_rows(~keys["queue"].isin(pools)),
            )
    forecast = left.assign(calls=f["calls"].to_numpy(), aht_s=f["aht_s"].to_numpy())
    required = requirement() if requirement is not None else None
    split = split_pooled_roster(keys, forecast, required, source=source)
    return split.drop(columns="pool")


def _requirement(p: PreparedForecast) -> np.ndarray:
    """The agents :func:`plan` requires per forecast row, NaN where no target applies."""
    if p.has_redials or p.km_curves:
        return _special_requirement(p)
    required = np.full(len(p), np.nan)
    for targets, rows in p.target_groups():
        required[rows] = _required(
            targets,
            p.calls[rows],
            p.aht_s[rows],
            p.interval_s[rows],
            p.patience_s[rows],
            p.abandon_policy,
        )
    return required


def _required(
    targets: TargetSet,
    calls: np.ndarray,
    aht: np.ndarray,
    interval: np.ndarray,
    patience: np.ndarray,
    abandon_policy: AbandonPolicy,
) -> np.ndarray:
    """The fewest agents meeting the interval's targets, NaN where there are none to meet."""
    if not targets:
        return np.full(calls.shape, np.nan)
    try:
        need = required_agents(
            calls,
            aht,
            targets,
            interval_s=interval,
            patience_s=patience,
            abandon_policy=abandon_policy,
        )
    except TargetError:
        return np.full(calls.shape, np.nan)
    return np.asarray(need, dtype=float)


def _special_requirement(p: PreparedForecast, rows: np.ndarray | None = None) -> np.ndarray:
    """:func:`_requirement` with redials (the plan's forward solve) or patience curves."""
    required = np.full(len(p), np.nan)
    within = np.arange(len(p)) if rows is None else rows
    if p.has_redials:
        try:
            need = forward_redials(p).agents
        except TargetError:
            return required
        required[within] = need[within]
    else:
        for targets, group in p.target_groups(within):
            if not targets:
                continue
            with contextlib.suppress(TargetError):
                required[group] = solve_rows(p, p.calls, rows=group)[group]
    for targets, group in p.target_groups(within):
        if not targets:
            required[group] = np.nan
    return required


def _special_shortfall(
    p: PreparedForecast,
    targets: TargetSet,
    rows: np.ndarray,
    agents: np.ndarray,
    calls: np.ndarray,
    aht: np.ndarray,
    values: dict[str, np.ndarray],
) -> np.ndarray:
    """:func:`_shortfall` with redials or patience curves.

    Each threshold's service level of the attempts offered, and the customer abandon rate.
    """
    if not targets:
        return np.full(rows.shape, np.nan)

    def level(t: float) -> np.ndarray:
        at = np.full(len(p), t)
        return p.measures(agents, at, calls=calls, aht_s=aht)["service_level"][rows]

    customer = values.get("customer_abandon_rate")
    measured = Measures(
        level,
        abandon_rate=values["abandon_rate"][rows],
        customer_abandon_rate=customer[rows] if customer is not None else None,
    )
    return np.asarray(targets.shortfall_points(measured), dtype=float)


def _shortfall(
    targets: TargetSet,
    calls: np.ndarray,
    aht: np.ndarray,
    agents: np.ndarray,
    interval: np.ndarray,
    patience: np.ndarray,
    abandon_policy: AbandonPolicy,
    abandon: np.ndarray,
) -> np.ndarray:
    """Worst shortfall below the service-level and abandon targets [percentage points]."""
    if not targets:
        return np.full(calls.shape, np.nan)

    def level(t: float) -> np.ndarray:
        m = evaluate(
            calls,
            aht,
            agents,
            interval_s=interval,
            threshold_s=t,
            patience_s=patience,
            abandon_policy=abandon_policy,
        )
        return np.asarray(m.service_level, dtype=float)

    worst = targets.shortfall_points(Measures(level, abandon_rate=abandon))
    return np.broadcast_to(np.asarray(worst, dtype=float), calls.shape).copy()


def evaluate_staffing(
    forecast: pd.DataFrame,
    staffing: pd.DataFrame | None = None,
    targets: Any = None,
    *,
    targets_table: pd.DataFrame | None = None,
    interval_s: float | str | None = None,
    model: QueueModel | None = None,
    fte: FteRules | None = None,
    period: Period = "week",
    threshold_s: float | None = None,
    edges: Sequence[float] = (5.0, 10.0),
    channels: ChannelRules | None = None,
) -> Evaluation:
    """Predicted performance of a given staffing, each interval flagged on escalation bands.

    Parameters
    ----------
    forecast : DataFrame
        As for :func:`plan`; with an ``agents`` column when ``staffing`` is omitted.
    staffing : DataFrame, optional
        A roster: ``interval_start``, optional ``queue``, ``agents`` (may be fractional,
        e.g. average staffed). Forecast intervals with calls must all be covered. When
        only one of the two files has UTC offsets, intervals match on local wall-clock
        time. A row's ``queue`` may name a pool, the forecast's queues joined by ``+``
        as a schedule's coverage names it (``premium+sales+service``): its agents are
        shared among those queues in proportion to what each requires for ``targets``
        (by the planner's solver, same model), by workload where that is zero and, without
        targets, by workload alone (:mod:`staffing.planner.roster`); the schedule's own
        service level shares them the same way.
    targets, targets_table
        As for :func:`plan`; optional here (without targets the bands are ``n/a``).
    interval_s, model, threshold_s
        As for :func:`plan`.
    fte, period
        As for :func:`plan`: the summary also gives the FTE the staffing costs.
    edges : (float, float), default (5, 10)
        Escalation band edges [percentage points below target].
    channels : ChannelRules, optional
        For a forecast naming channels (see :func:`plan`): channel names and the chat
        efficiency table.

    Returns
    -------
    Evaluation
        ``.intervals`` (:data:`EVALUATION_COLUMNS`) and ``.summary``
        (:data:`EVALUATION_SUMMARY_COLUMNS`: the plan summary plus the number of
        intervals in each band).

    Notes
    -----
    ``shortfall_pts`` is the largest of ``100 (x - SL(t))`` over service-level targets
    ``x/t`` and ``100 (abandon_rate - cap)`` over abandon targets; ASA and occupancy
    targets are not counted in points. The band follows :func:`escalation_band`.
    ``required`` is what :func:`plan` would staff the interval with for the same targets
    (NaN without targets, or where they cannot be met: an abandon target on an interval
    without patience), so ``agents - required`` is the over- or under-staffing.

    **Mixed-channel forecasts** give :data:`CHANNEL_EVALUATION_COLUMNS` and the summary
    of :func:`summarise_channels`. Voice queues are evaluated as above; chat queues by
    the concurrency chain (:func:`staffing.queueing.chat.evaluate_chat`; a fractional
    roster is interpolated between the whole agents around it). The voice classes of a
    priority pool and deferred work are not evaluated from a roster (their agents are
    shared or carried over the horizon): their measures are NaN and their band ``n/a``,
    with one warning naming them.

    Examples
    --------
    >>> f = pd.DataFrame({"interval_start": ["2025-03-03 09:00", "2025-03-03 09:30"],
    ...                   "calls": [100.0, 100.0], "aht_s": 180.0, "agents": [14, 12]})
    >>> e = evaluate_staffing(f, targets="80/20")
    >>> e.intervals[["agents", "service_level", "band"]].round(3)
       agents  service_level       band
    0    14.0          0.888        met
    1    12.0          0.640  all hands
    """
    check_period(period)
    fte = fte or FteRules()
    intervals = evaluate_intervals(
        forecast,
        staffing,
        targets,
        targets_table=targets_table,
        interval_s=interval_s,
        model=model,
        fte=fte,
        threshold_s=threshold_s,
        edges=edges,
        channels=channels,
    )
    summary = EvaluationParts(period=period, fte=fte).add(intervals).summary()
    return Evaluation(intervals=intervals, summary=summary)


class EvaluationParts(SummaryParts):
    """The summary of :func:`evaluate_staffing` built chunk by chunk.

    :meth:`add` each chunk's evaluated interval table (its escalation bands counted per
    period and queue), then :meth:`summary` (band counts as integers). Parameters as for
    :class:`SummaryParts`.
    """

    def __init__(self, *, period: Period = "week", fte: FteRules | None = None) -> None:
        super().__init__(period=period, fte=fte, extra=BAND_COLUMNS)

    def add(self, intervals: pd.DataFrame) -> EvaluationParts:
        """Add an evaluated interval table of whole queues (returns ``self``)."""
        counted = intervals.assign(
            **{
                col: (intervals["band"] == band).astype(float)
                for col, band in zip(BAND_COLUMNS, BANDS, strict=True)
            }
        )
        super().add(counted)
        return self

    def summary(self) -> pd.DataFrame:
        """The summary of every table added, band counts as integers."""
        out = super().summary()
        for col in BAND_COLUMNS:
            out[col] = out[col].astype(np.int64)
        return out


def evaluate_intervals(
    forecast: pd.DataFrame,
    staffing: pd.DataFrame | None = None,
    targets: Any = None,
    *,
    targets_table: pd.DataFrame | None = None,
    interval_s: float | str | None = None,
    model: QueueModel | None = None,
    fte: FteRules | None = None,
    threshold_s: float | None = None,
    edges: Sequence[float] = (5.0, 10.0),
    channels: ChannelRules | None = None,
) -> pd.DataFrame:
    """The interval table of :func:`evaluate_staffing`, without its summary (a chunk's).

    Parameters as for :func:`evaluate_staffing`.
    """
    check_edges(edges)
    fte = fte or FteRules()
    p = prepare(
        forecast,
        targets,
        targets_table=targets_table,
        interval_s=interval_s,
        model=model,
        threshold_s=threshold_s,
        need_targets=False,
    )
    f, source = p.frame, p.source
    # a roster's agents are staffed agents; the model sees the effective ones
    factor = p.staffing_factor
    agents = _staffing_per_interval(f, staffing, source, lambda: _requirement(p) / factor)
    effective = agents * factor
    calls, aht, interval, patience = p.calls, p.aht_s, p.interval_s, p.patience_s
    mixed = has_channels(f)
    voice = np.ones(len(f), dtype=bool)
    if mixed:
        ch = channel_columns(f, channels or ChannelRules(), source=source)
        voice = _voice_alone(f, ch)
    special = p.has_redials or bool(p.km_curves)
    columns = EVALUATION_COLUMNS
    extra: dict[str, Any] = {}
    offered, handle = calls, aht
    if p.has_redials:
        if mixed:
            raise StaffingError(
                "redials are followed through the day for voice queues alone: drop the "
                "redial share, or evaluate the channels without it"
            )
        day = forward_redials(p, agents=effective)
        offered, handle = day.attempts, day.aht_s
        values = p.measures(effective, calls=offered, aht_s=handle)
        columns = (*EVALUATION_COLUMNS, *REDIAL_COLUMNS)
        extra = redial_columns(p, day, values)
    else:
        values = p.measures(effective)
    shortfall = np.full(len(f), np.nan)
    required = np.full(len(f), np.nan)
    if special:
        required = _special_requirement(p, np.flatnonzero(voice)) / factor
    for targets_of_rows, rows in p.target_groups(np.flatnonzero(voice)):
        if special:
            shortfall[rows] = _special_shortfall(
                p, targets_of_rows, rows, effective, offered, handle, values
            )
            continue
        required[rows] = (
            _required(
                targets_of_rows,
                calls[rows],
                aht[rows],
                interval[rows],
                patience[rows],
                p.abandon_policy,
            )
            / factor[rows]
        )
        shortfall[rows] = _shortfall(
            targets_of_rows,
            calls[rows],
            aht[rows],
            effective[rows],
            interval[rows],
            patience[rows],
            p.abandon_policy,
            values["abandon_rate"][rows],
        )
    if mixed:
        _evaluate_channels(p, ch, voice, effective, channels, values, required, shortfall)
        columns = CHANNEL_EVALUATION_COLUMNS
        extra = {c: ch[c].to_numpy() for c in ch.columns}
    intervals = interval_table(
        columns,
        p,
        agents,
        values,
        fte,
        staffed=agents,
        required=required,
        shortfall_pts=shortfall,
        band=escalation_band(shortfall, edges),
        **extra,
    )
    if mixed:
        unsupported = ~voice & (ch["channel_model"].to_numpy() != "concurrent")
        intervals.loc[unsupported, "band"] = "n/a"
    intervals.attrs = {"source": source, "abandon_policy": p.abandon_policy}
    return intervals


def _voice_alone(f: pd.DataFrame, ch: pd.DataFrame) -> np.ndarray:
    """Rows of voice queues that are the only voice queue of their pool."""
    model = ch["channel_model"].to_numpy()
    pool = ch["pool"].to_numpy()
    imm = model == "immediate"
    queues = pd.Series(f["queue"].to_numpy()[imm]).groupby(pool[imm]).nunique()
    shared = set(queues.index[(queues > 1) & (queues.index != "")])
    return imm & ~np.isin(pool, list(shared))


def _evaluate_channels(
    p: PreparedForecast,
    ch: pd.DataFrame,
    voice: np.ndarray,
    agents: np.ndarray,
    channels: ChannelRules | None,
    values: dict[str, np.ndarray],
    required: np.ndarray,
    shortfall: np.ndarray,
) -> None:
    """Chat rows by the concurrency chain; the rest of the non-voice rows left out."""
    import warnings

    from staffing.queueing.chat import evaluate_chat, required_chat_agents

    rules = channels or ChannelRules()
    f, calls, aht, interval = p.frame, p.calls, p.aht_s, p.interval_s
    thresholds, patience, policy = p.thresholds_s, p.patience_s, p.abandon_policy
    kind = ch["channel_model"].to_numpy()
    chat = np.flatnonzero(kind == "concurrent")
    if chat.size:
        cc = ch["concurrency"].to_numpy(dtype=float)[chat]
        n = agents[chat]
        low, high = np.floor(n), np.ceil(n)
        weight = n - low

        def chat_measures(staff: np.ndarray, threshold: np.ndarray) -> Any:
            return evaluate_chat(
                calls[chat],
                aht[chat],
                staff,
                cc,
                efficiency=rules.chat_efficiency,
                interval_s=interval[chat],
                threshold_s=threshold,
                patience_s=patience[chat],
                abandon_policy=policy,
            )

        lo_m, hi_m = chat_measures(low, thresholds[chat]), chat_measures(high, thresholds[chat])
        for name in ("service_level", "asa_s", "abandon_rate", "occupancy"):
            a = np.asarray(getattr(lo_m, name), dtype=float)
            b = np.asarray(getattr(hi_m, name), dtype=float)
            with np.errstate(invalid="ignore"):
                values[name][chat] = np.where(weight > 0, a + weight * (b - a), a)
        values["sl_calls"][chat] = calls[chat]
        for targets, rows in p.target_groups(chat):
            if not targets:
                continue
            r = np.searchsorted(chat, rows)
            try:
                required[rows] = required_chat_agents(
                    calls[rows],
                    aht[rows],
                    targets,
                    cc[r],
                    efficiency=rules.chat_efficiency,
                    interval_s=interval[rows],
                    patience_s=patience[rows],
                    abandon_policy=policy,
                )
            except TargetError:
                continue

            def level(t: float, r: np.ndarray = r) -> np.ndarray:
                at = np.full(chat.size, t)
                low_sl, high_sl = (
                    np.asarray(chat_measures(staff, at).service_level, dtype=float)
                    for staff in (low, high)
                )
                return (low_sl + weight * (high_sl - low_sl))[r]

            measured = Measures(level, abandon_rate=values["abandon_rate"][rows])
            shortfall[rows] = targets.shortfall_points(measured)
    rest = ~voice & (kind != "concurrent")
    if rest.any():
        for name in ("service_level", "asa_s", "abandon_rate", "occupancy"):
            values[name][rest] = np.nan
        values["sl_calls"][rest] = 0.0
        names = ", ".join(sorted(map(str, pd.unique(f["queue"].to_numpy()[rest]))))
        warnings.warn(
            f"{f.attrs.get('source', 'forecast')}: {names} not evaluated from a roster "
            "(voice classes of a priority pool and deferred work share or carry their "
            "agents): plan them instead",
            PlanWarning,
            stacklevel=3,
        )
