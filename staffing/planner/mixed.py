"""A mixed-channel forecast planned: voice, priority pools, chat and deferred work together.

:func:`plan_channels` is what :func:`staffing.planner.plan` runs for a forecast naming
channels, pools or priorities (:mod:`staffing.prepared.channels`). The queues are grouped
into *units* of agents: a pool (every queue with the same ``pool``), or a queue alone.
Each unit is staffed by the model of its queues:

1. **Voice queues alone** (or the one voice queue of a pool): Erlang C or Erlang A per
   interval by the plan's method (``sipp``, ``mol`` or ``simulation``), exactly as a
   voice-only plan.
2. **Priority pools** (two or more voice queues in one pool): the fewest agents meeting
   every class's targets at once, by the exact non-preemptive M/M/n priority queue
   (:func:`~staffing.queueing.priority.required_priority_agents`; Kella and Yechiali
   1985), interval by interval (SIPP). Queues of equal priority form one first-come
   first-served class that must meet both queues' targets. The closed form needs one
   exponential handle time for the pool and no abandonment: a pool with callers who
   abandon, different handle times, or another method is refused or planned with SIPP,
   in one line.
3. **Chat** (concurrent channels): :func:`~staffing.queueing.chat.required_chat_agents`
   with the row's ``concurrency`` and the rules' efficiency table (SIPP). A chat queue
   does not share a pool.
4. **Deferred work** (e-mail, tickets): one linear program per unit over the whole
   horizon (:func:`~staffing.planner.deferred.plan_deferred`), the unit's deferred queues
   its priority classes (``priority`` 1 first), each held to its own target for the
   whole horizon (``90/4h``; ``90/4h+100/24h`` also bounds the late tenth). Where the
   pool has voice queues the deferred work first fills their idle time up to
   ``max_occupancy`` (blending: Bhulai and Koole 2003) and only the rest adds agents.

The interval table's columns are :data:`~staffing.planner.tables.CHANNEL_INTERVAL_COLUMNS`
(see :class:`~staffing.planner.tables.Plan`): each row's ``agents`` are what its own work
needs, so rows add up to the pool's ``pool_agents``.

References
----------
.. [1] O. Kella and U. Yechiali, "Waiting times in the non-preemptive priority M/M/c
   queue", Stochastic Models 1(2), 1985, 257-262. doi:10.1080/15326348508807013
.. [2] S. Bhulai and G. Koole, "A queueing model for call blending in call centers",
   IEEE Transactions on Automatic Control 48(8), 2003, 1434-1438.
   doi:10.1109/TAC.2003.815038
.. [3] T. Tezcan and J. Zhang, "Routing and staffing in customer service chat systems
   with impatient customers", Operations Research 62(4), 2014, 943-956.
   doi:10.1287/opre.2014.1284
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from staffing.errors import InputError, StaffingError, TargetError
from staffing.frames import bad_rows
from staffing.planner.deferred import plan_deferred
from staffing.planner.intervals import interval_table
from staffing.planner.models import FteRules
from staffing.planner.sanity import PlanWarning
from staffing.planner.tables import CHANNEL_INTERVAL_COLUMNS
from staffing.planner.voice import Progress, immediate_agents
from staffing.prepared import ChannelRules, PreparedForecast, channel_columns
from staffing.queueing.chat import evaluate_chat, required_chat_agents
from staffing.queueing.priority import evaluate_priority, required_priority_agents
from staffing.queueing.targets import DeferredTarget, TargetSet
from staffing.vocabulary import service_level_denominator

if TYPE_CHECKING:
    from staffing.simulation.scaleout import SimulationOptions

__all__ = ["plan_channels"]


@dataclass
class _Unit:
    """Queues answered by the same agents: a pool, or one queue alone."""

    pool: str
    queues: list[str] = field(default_factory=list)
    models: dict[str, str] = field(default_factory=dict)
    priority: dict[str, float] = field(default_factory=dict)

    def of(self, model: str) -> list[str]:
        return [q for q in self.queues if self.models[q] == model]

    @property
    def name(self) -> str:
        return f"pool '{self.pool}'" if self.pool else f"queue '{self.queues[0]}'"


@dataclass
class _Columns:
    """The interval table's computed columns, filled unit by unit."""

    n: int
    agents: np.ndarray = field(init=False)
    pool_agents: np.ndarray = field(init=False)
    measured: dict[str, np.ndarray] = field(init=False)
    method: np.ndarray = field(init=False)
    deferred: dict[str, np.ndarray] = field(init=False)

    def __post_init__(self) -> None:
        self.agents = np.zeros(self.n)
        self.pool_agents = np.full(self.n, np.nan)
        self.measured = {
            k: np.zeros(self.n)
            for k in ("service_level", "asa_s", "abandon_rate", "occupancy", "sl_calls")
        }
        self.method = np.full(self.n, "sipp", dtype=object)
        self.deferred = {
            k: np.full(self.n, np.nan)
            for k in ("handled", "handled_in_idle", "backlog", "oldest_age_s")
        }


def _units(f: pd.DataFrame, ch: pd.DataFrame, source: str) -> list[_Unit]:
    """Group the queues into units and check what each pool may hold."""
    units: dict[str, _Unit] = {}
    firsts = ch.assign(queue=f["queue"].to_numpy()).drop_duplicates("queue")
    for row in firsts.to_dict("records"):
        name, pool = str(row["queue"]), str(row["pool"])
        unit = units.setdefault(f"pool:{pool}" if pool else f"queue:{name}", _Unit(pool))
        unit.queues.append(name)
        unit.models[name] = str(row["channel_model"])
        unit.priority[name] = float(row["priority"])
    for unit in units.values():
        chat = unit.of("concurrent")
        if chat and len(unit.queues) > 1:
            raise StaffingError(
                f"{unit.name}: chat queue '{chat[0]}' shares its agents with other queues; "
                "only deferred work blends with voice in a pool (give the chat queue a pool "
                "of its own)"
            )
        voice = unit.of("immediate")
        given = [np.isfinite(unit.priority[q]) for q in voice]
        if len(voice) > 1 and any(given) and not all(given):
            missing = [q for q, g in zip(voice, given, strict=True) if not g]
            raise InputError(
                f"{unit.name}: voice queue '{missing[0]}' has no priority while others of "
                "the pool have one (give each a priority, 1 = first; equal priorities "
                "share one first-come first-served class)",
                source=source,
                column="priority",
            )
        tickets = unit.of("deferred")
        ranks = [unit.priority[q] for q in tickets]
        if len(tickets) > 1 and (not all(np.isfinite(ranks)) or len(set(ranks)) != len(ranks)):
            raise InputError(
                f"{unit.name}: its deferred queues ({', '.join(tickets)}) are ticket "
                "priorities served from one backlog: give each a different priority "
                "(1 = first)",
                source=source,
                column="priority",
            )
    return list(units.values())


def _ns(times: pd.Series) -> np.ndarray:
    """Timestamps as int64 nanoseconds (UTC for time-zone-aware ones)."""
    t = times
    if isinstance(t.dtype, pd.DatetimeTZDtype):
        t = t.dt.tz_convert("UTC").dt.tz_localize(None)
    return t.to_numpy().astype("datetime64[ns]").astype(np.int64)


def _one_interval(interval: np.ndarray, rows: np.ndarray, unit: _Unit, source: str) -> float:
    lengths = interval[rows]
    if np.any(lengths != lengths[0]):
        raise InputError(
            f"{unit.name}: its queues have different interval lengths; a pool plans its "
            "queues interval by interval together (give them one `interval_s`)",
            source=source,
            column="interval_s",
        )
    return float(lengths[0])


def _sl_calls(
    calls: np.ndarray,
    service_level: np.ndarray,
    abandon_rate: np.ndarray,
    fail_service_level: np.ndarray | None,
    policy: str,
) -> np.ndarray:
    """Calls in the service level's denominator under the abandon policy."""
    within = None
    if policy == "exclude_within" and fail_service_level is not None:
        with np.errstate(divide="ignore", invalid="ignore"):
            within = np.where(
                service_level > 0, calls - calls * fail_service_level / service_level, 0.0
            )
    return np.asarray(
        service_level_denominator(
            policy,
            offered=calls,
            abandoned=calls * abandon_rate,
            abandoned_within=within,
        ),
        dtype=float,
    )


def plan_channels(
    p: PreparedForecast,
    *,
    fte: FteRules,
    rules: ChannelRules,
    method: str,
    simulation: SimulationOptions | None = None,
    progress: Progress | None = None,
) -> pd.DataFrame:
    """The interval table of a mixed-channel forecast (see the module notes).

    Parameters
    ----------
    p : PreparedForecast
        The forecast with its patience, target sets and reported thresholds
        (:func:`staffing.prepared.prepare`).
    fte, method, simulation, progress
        As for :func:`staffing.planner.plan`.
    rules : ChannelRules
        Channel names, chat efficiency, the deferred work's hours, clock and occupancy.

    Returns
    -------
    DataFrame
        Columns :data:`~staffing.planner.tables.CHANNEL_INTERVAL_COLUMNS`, in the
        forecast's row order.

    Examples
    --------
    A chat queue next to a voice line; the chat row's agents are
    :func:`~staffing.queueing.chat.required_chat_agents`' answer:

    >>> from staffing.planner import plan
    >>> f = pd.DataFrame({"interval_start": ["2025-03-03 09:00"] * 2,
    ...                   "queue": ["phone", "web"], "channel": ["voice", "chat"],
    ...                   "concurrency": [1, 3], "calls": [100.0, 60.0],
    ...                   "aht_s": [180.0, 480.0], "interval_s": 1800})
    >>> p = plan(f, "80/60")
    >>> p.intervals[["queue", "channel", "agents", "pool_agents"]]
       queue channel  agents  pool_agents
    0  phone   voice    13.0         13.0
    1    web    chat     8.0          8.0
    """
    f = p.frame
    source = p.source
    policy = p.abandon_policy
    ch = channel_columns(f, rules, source=source)
    n = len(f)
    thresholds = p.thresholds_s.copy()
    out = _Columns(n)
    units = _units(f, ch, source)
    queue = p.queues
    cm = ch["channel_model"].to_numpy(dtype=object)
    ns = _ns(f["interval_start"])

    priority_units = [u for u in units if len(u.of("immediate")) > 1]
    in_priority = np.isin(queue, [q for u in priority_units for q in u.of("immediate")])
    alone = (cm == "immediate") & ~in_priority
    others = []
    if alone.any():
        _voice_alone(np.flatnonzero(alone), p, method, simulation, progress, out)
    for u in priority_units:
        _priority_pool(u, p, source, out)
        if method != "sipp":
            others.append(f"priority {u.name}")
        if progress is not None:
            progress(int(np.isin(queue, u.of("immediate")).sum()))
    chat = np.flatnonzero(cm == "concurrent")
    if chat.size:
        _chat(chat, p, ch, rules, out)
        if method != "sipp":
            others.append("chat")
        if progress is not None:
            progress(int(chat.size))
    # a pool's voice requirement per interval start, for blending
    voice_rows = cm == "immediate"
    for u in units:
        tickets = u.of("deferred")
        rows = np.flatnonzero(np.isin(queue, u.queues))
        if not tickets:
            if len(u.queues) == 1:
                out.pool_agents[rows] = out.agents[rows]
            continue
        _deferred(u, rows, p, voice_rows, ns, thresholds, rules, out)
        if progress is not None:
            progress(int(np.isin(queue, tickets).sum()))
    if others:
        warnings.warn(
            f"method {method} applies to voice queues alone: {', '.join(others)} planned "
            "with sipp (stationary, interval by interval)",
            PlanWarning,
            stacklevel=3,
        )
    table = interval_table(
        CHANNEL_INTERVAL_COLUMNS,
        replace(p, thresholds_s=thresholds),
        out.agents,
        out.measured,
        fte,
        method=out.method,
        channel=ch["channel"].to_numpy(),
        channel_model=cm,
        concurrency=ch["concurrency"].to_numpy(),
        pool=ch["pool"].to_numpy(),
        priority=ch["priority"].to_numpy(),
        pool_agents=out.pool_agents,
        **out.deferred,
    )
    table.attrs = {"source": source, "abandon_policy": policy, "method": method}
    return table


def _voice_alone(
    rows: np.ndarray,
    p: PreparedForecast,
    method: str,
    simulation: SimulationOptions | None,
    progress: Progress | None,
    out: _Columns,
) -> None:
    """Voice queues that are the only voice of their unit: the voice planner, any method."""
    sub = p.take(rows)
    agents = immediate_agents(sub, method, simulation, progress)
    values = sub.measures(agents.astype(float))
    out.agents[rows] = agents
    for name, value in values.items():
        out.measured[name][rows] = value
    out.method[rows] = method


def _priority_pool(unit: _Unit, p: PreparedForecast, source: str, out: _Columns) -> None:
    """Several voice queues of one pool: priority classes on one set of agents (SIPP)."""
    f, queue, patience, key_text = p.frame, p.queues, p.patience_s, p.key_text
    thresholds, interval = p.thresholds_s, p.interval_s
    voice = unit.of("immediate")
    rows = np.flatnonzero(np.isin(queue, voice))
    if np.isfinite(patience[rows]).any():
        raise StaffingError(
            f"{unit.name}: priority classes with callers who abandon (patience_s) are not "
            "supported (the closed form has no abandonment); leave patience out for its "
            "voice queues, or give them separate pools"
        )
    calls = f["calls"].to_numpy(dtype=float)
    aht_raw = f["aht_s"].to_numpy(dtype=float)
    dt = _one_interval(interval, rows, unit, source)
    ranks = sorted({unit.priority[q] for q in voice if np.isfinite(unit.priority[q])})
    rank_of = {q: (ranks.index(unit.priority[q]) if ranks else 0) for q in voice}
    k = max(len(ranks), 1)
    cls = np.array([rank_of[str(q)] for q in queue[rows]], dtype=np.int64)
    t_codes, starts = pd.factorize(_ns(f["interval_start"].iloc[rows]), sort=True)
    m = len(starts)
    c = np.zeros((k, m))
    np.add.at(c, (cls, t_codes), calls[rows])
    busy = calls[rows] > 0
    handle = pd.Series(aht_raw[rows][busy]).groupby(t_codes[busy]).agg(["min", "max"])
    differ = handle.index[(handle["max"] - handle["min"]) > 1e-9 * handle["max"]]
    if len(differ):
        bad = np.isin(t_codes, np.asarray(differ)) & busy
        raise InputError(
            f"{unit.name}: priority classes with different aht_s in one interval are not "
            "supported (the closed form needs one handle time for the pool)",
            source=source,
            column="aht_s",
            rows=bad_rows(~bad),
        )
    h = np.ones(m)
    h[handle.index.to_numpy()] = handle["min"].to_numpy()
    # targets of each class at each start: the union of its queues' targets there
    per: dict[tuple[int, int], set[str]] = {}
    for c_i, t_i, key in zip(cls, t_codes, key_text[rows], strict=True):
        per.setdefault((int(c_i), int(t_i)), set()).add(str(key))
    fallback: dict[int, set[str]] = {}
    for (c_i, _), found in per.items():
        fallback.setdefault(c_i, found)
    class_keys = [
        [str(TargetSet.parse(sorted(per.get((c_i, t)) or fallback[c_i]))) for t in range(m)]
        for c_i in range(k)
    ]
    # a class without calls in an interval imposes no constraint there (the core's rule)
    groups: dict[tuple[str, ...], list[int]] = {}
    for t, combo in enumerate(zip(*class_keys, strict=True)):
        groups.setdefault(combo, []).append(t)
    agents = np.zeros(m)
    for combo, idx in groups.items():
        where = np.asarray(idx)
        try:
            need = required_priority_agents(
                [c[i, where] for i in range(k)],
                h[where],
                list(combo),
                interval_s=dt,
            )
        except StaffingError as exc:
            raise type(exc)(f"{unit.name}: {exc}") from None
        agents[where] = np.asarray(need, dtype=float)
    a = c.sum(axis=0) * h / dt
    load = calls[rows] * h[t_codes] / dt
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(a[t_codes] > 0, load / a[t_codes], 0.0)
    out.agents[rows] = agents[t_codes] * share
    out.pool_agents[rows] = agents[t_codes]
    for q in voice:
        mine = queue[rows] == q
        r, t = rows[mine], t_codes[mine]
        th = np.full(m, 20.0)
        th[t] = thresholds[r]
        metrics = evaluate_priority(
            [c[i] for i in range(k)], h, agents, interval_s=dt, threshold_s=[th] * k
        )[rank_of[q]]
        out.measured["service_level"][r] = np.asarray(metrics.service_level)[t]
        out.measured["asa_s"][r] = np.asarray(metrics.asa_s)[t]
        out.measured["abandon_rate"][r] = 0.0
        out.measured["occupancy"][r] = np.asarray(metrics.occupancy)[t]
        out.measured["sl_calls"][r] = calls[r]
    out.method[rows] = "sipp"


def _chat(
    rows: np.ndarray, p: PreparedForecast, ch: pd.DataFrame, rules: ChannelRules, out: _Columns
) -> None:
    """Chat rows: the exact concurrency chain, per target set (SIPP)."""
    calls, aht, interval, patience = p.calls, p.aht_s, p.interval_s, p.patience_s
    thresholds, policy = p.thresholds_s, p.abandon_policy
    cc = ch["concurrency"].to_numpy(dtype=float)
    eff = rules.chat_efficiency
    for targets, r in p.target_groups(rows):
        need = required_chat_agents(
            calls[r],
            aht[r],
            targets,
            cc[r],
            efficiency=eff,
            interval_s=interval[r],
            patience_s=patience[r],
            abandon_policy=policy,
        )
        out.agents[r] = np.asarray(need, dtype=float)
    r = rows
    m = evaluate_chat(
        calls[r],
        aht[r],
        out.agents[r],
        cc[r],
        efficiency=eff,
        interval_s=interval[r],
        threshold_s=thresholds[r],
        patience_s=patience[r],
        abandon_policy=policy,
    )
    sl = np.asarray(m.service_level, dtype=float)
    ab = np.asarray(m.abandon_rate, dtype=float)
    fail = None
    if policy == "exclude_within":
        fail = np.asarray(
            evaluate_chat(
                calls[r],
                aht[r],
                out.agents[r],
                cc[r],
                efficiency=eff,
                interval_s=interval[r],
                threshold_s=thresholds[r],
                patience_s=patience[r],
            ).service_level,
            dtype=float,
        )
    out.measured["service_level"][r] = sl
    out.measured["asa_s"][r] = np.asarray(m.asa_s, dtype=float)
    out.measured["abandon_rate"][r] = ab
    out.measured["occupancy"][r] = np.asarray(m.occupancy, dtype=float)
    out.measured["sl_calls"][r] = _sl_calls(calls[r], sl, ab, fail, policy)
    out.pool_agents[r] = out.agents[r]
    out.method[r] = "sipp"


def deferred_target_of(key: str, what: str) -> DeferredTarget:
    """A deferred queue's target from its target text: ``90/4h``, or ``90/4h+100/24h``.

    Examples
    --------
    >>> deferred_target_of("90/4h+100/24h", "queue 'mail'")
    DeferredTarget(share=0.9, deadline_s=14400.0, late_within_s=86400.0)
    """
    return TargetSet.parse(key).deferred(what)


def _deferred(
    unit: _Unit,
    rows: np.ndarray,
    p: PreparedForecast,
    voice_rows: np.ndarray,
    ns: np.ndarray,
    thresholds: np.ndarray,
    rules: ChannelRules,
    out: _Columns,
) -> None:
    """The deferred queues of a unit: one linear program, blended with its voice."""
    f, source, queue = p.frame, p.source, p.queues
    calls, interval, key_text = p.calls, p.interval_s, p.key_text
    dt = _one_interval(interval, rows, unit, source)
    step = round(dt * 1e9)
    t0 = int(ns[rows].min())
    offset = ns[rows] - t0
    if np.any(offset % step):
        raise InputError(
            f"{unit.name}: its queues' intervals do not line up (one starts between "
            "another's interval starts)",
            source=source,
            column="interval_start",
        )
    grid_of = np.zeros(len(f), dtype=np.int64)
    grid_of[rows] = offset // step
    k = int(grid_of[rows].max()) + 1
    first = f["interval_start"].iloc[rows[int(np.argmin(ns[rows]))]]
    grid = pd.Series(first + pd.to_timedelta(np.arange(k) * dt, unit="s"))
    tickets = sorted(unit.of("deferred"), key=lambda q: unit.priority[q])
    aht_raw = f["aht_s"].to_numpy(dtype=float)
    arrivals, handle, targets = {}, {}, {}
    for q in tickets:
        r = rows[queue[rows] == q]
        a = np.zeros(k)
        a[grid_of[r]] = calls[r]
        h = np.full(k, np.nan)
        h[grid_of[r]] = np.where(calls[r] > 0, aht_raw[r], np.nan)
        mean = float(np.nanmean(h)) if np.isfinite(h).any() else 1.0
        arrivals[q], handle[q] = a, np.where(np.isfinite(h), h, mean)
        found = pd.unique(key_text[r][calls[r] > 0]) if (calls[r] > 0).any() else key_text[r]
        if len(set(found)) > 1:
            raise TargetError(
                f"queue '{q}': deferred work is held to one target over the horizon (its "
                f"deadlines run across windows), not {' and '.join(sorted(set(found)))}"
            )
        targets[q] = deferred_target_of(str(found[0]), f"queue '{q}'")
    voice = rows[voice_rows[rows]]
    blend: dict[str, Any] = {}
    if voice.size:
        v = np.zeros(k)
        w = np.zeros(k)
        # a pool's voice agents: its one voice queue's requirement, or the priority pool's
        one = len(unit.of("immediate")) == 1
        v[grid_of[voice]] = out.agents[voice] if one else out.pool_agents[voice]
        load = calls[voice] * np.where(calls[voice] > 0, aht_raw[voice], 0.0) / dt
        np.add.at(w, grid_of[voice], load)
        blend = {"voice_agents": v, "voice_workload_erlangs": w}
    names = list(arrivals)
    single = len(names) == 1
    try:
        lp = plan_deferred(
            arrivals[names[0]] if single else arrivals,
            handle[names[0]] if single else handle,
            targets[names[0]] if single else targets,
            interval_start=grid,
            open_hours=rules.open_hours,
            business_hours=rules.business_hours,
            max_occupancy=f"{100 * float(rules.max_occupancy):.12g}%",
            **blend,
        )
    except StaffingError as exc:
        text = str(exc).replace("(`business_hours=True`)", "(`deadline_clock` business)")
        text = text.replace("`open` / `open_hours`", "`open_hours`")
        raise type(exc)(f"{unit.name}: {text}") from None
    iv = lp.intervals
    extra = iv["agents"].to_numpy(dtype=float)
    pool = iv["pool_agents"].to_numpy(dtype=float)
    occupancy = np.nan_to_num(iv["occupancy"].to_numpy(dtype=float))
    in_idle = iv["handled_in_idle"].to_numpy(dtype=float)
    classes = lp.classes
    handled = {q: classes.loc[classes["priority"] == (q if not single else "all")] for q in names}
    work = np.vstack(
        [handled[q]["handled"].to_numpy(dtype=float) * float(np.mean(handle[q])) for q in names]
    )
    items = np.vstack([handled[q]["handled"].to_numpy(dtype=float) for q in names])
    arriving = np.vstack([arrivals[q] * handle[q] for q in names])
    with np.errstate(divide="ignore", invalid="ignore"):
        total = work.sum(axis=0)
        fallback = arriving.sum(axis=0)
        share = np.where(
            total > 0,
            work / np.where(total > 0, total, 1.0),
            np.where(
                fallback > 0, arriving / np.where(fallback > 0, fallback, 1.0), 1.0 / len(names)
            ),
        )
        item_share = np.where(
            items.sum(axis=0) > 0,
            items / np.where(items.sum(axis=0) > 0, items.sum(axis=0), 1.0),
            0.0,
        )
    for i, q in enumerate(names):
        r = rows[queue[rows] == q]
        g = grid_of[r]
        cl = handled[q]
        sl = cl["share_within"].to_numpy(dtype=float)[g]
        out.agents[r] = extra[g] * share[i, g]
        out.pool_agents[r] = pool[g]
        out.measured["service_level"][r] = sl
        out.measured["asa_s"][r] = np.nan
        out.measured["abandon_rate"][r] = 0.0
        out.measured["occupancy"][r] = occupancy[g]
        out.measured["sl_calls"][r] = np.where(np.isnan(sl), 0.0, calls[r])
        thresholds[r] = targets[q].deadline_s
        out.deferred["handled"][r] = cl["handled"].to_numpy(dtype=float)[g]
        out.deferred["backlog"][r] = cl["backlog"].to_numpy(dtype=float)[g]
        out.deferred["oldest_age_s"][r] = cl["oldest_age_s"].to_numpy(dtype=float)[g]
        out.deferred["handled_in_idle"][r] = in_idle[g] * item_share[i, g]
        out.method[r] = "lp"
    if voice.size:
        g = grid_of[voice]
        out.pool_agents[voice] = pool[g]
        out.measured["occupancy"][voice] = occupancy[g]
