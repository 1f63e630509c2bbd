"""A roster that staffs pools of queues, shared out to the queues it staffs.

A schedule staffs one pool of agents (:mod:`staffing.scheduling.requirement`): its
coverage table names the pool by its queues joined with ``+`` in sorted order
(:func:`pool_name`: ``premium+sales+service``) and gives the agents on the phones per
interval for the pool as a whole. To evaluate such a roster queue by queue, the pool's
agents in each interval are shared among its queues as the schedule's own service level
shares them:

    share_q = r_q / sum_p r_p                 where sum_p r_p > 0
    share_q = a_q / sum_p a_p                 where the requirement is zero
    share_q = 1 / (number of queues)          where there is no workload either

with ``r_q`` the agents queue ``q`` requires in the interval for its targets and ``a_q``
its workload (calls x handle time). Each queue then has ``agents x share_q`` agents, a
fraction in general, and is evaluated with them on its own: the pool is taken as queues
side by side, each with its share, not as one queue served by every agent (which would
do at least as well), so a pool judged this way is never judged better than it is.

Where the requirement of any of the pool's queues is unknown in an interval (no targets,
or targets that cannot be met there), that interval is shared by workload.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from staffing.errors import InputError
from staffing.frames import bad_rows

__all__ = ["POOL_SEPARATOR", "pool_members", "pool_name", "split_pooled_roster"]

#: What joins the queues of a pool in its name.
POOL_SEPARATOR = "+"


def pool_name(queues: Iterable[Any]) -> str:
    """The name of a pool of queues: their names, sorted, joined by ``+``.

    The name a schedule's coverage table gives the pool it staffs
    (:func:`staffing.scheduling.prepare_requirement`).

    Parameters
    ----------
    queues : iterable
        Queue names (repeats count once).

    Returns
    -------
    str

    Examples
    --------
    >>> pool_name(["service", "premium", "sales", "sales"])
    'premium+sales+service'
    >>> pool_name(["sales"])
    'sales'
    """
    return POOL_SEPARATOR.join(sorted({str(q) for q in queues}))


def pool_members(name: str, queues: Iterable[Any]) -> tuple[str, ...]:
    """The queues a roster's queue name stands for, among ``queues``.

    Parameters
    ----------
    name : str
        A roster's queue: one of ``queues``, or two or more distinct ones joined by ``+``
        (in any order; :func:`pool_name` writes them sorted).
    queues : iterable
        The queues known (a forecast's).

    Returns
    -------
    tuple of str
        ``(name,)`` for a known queue, the pool's queues sorted for a pool, ``()`` for a
        name that is neither.

    Raises
    ------
    ValueError
        When ``name`` reads as a pool in more than one way (queue names that themselves
        hold ``+``).

    Notes
    -----
    Queue names may hold ``+`` themselves: the name is split into known queue names,
    not at every ``+``; a known queue is never read as a pool.

    Examples
    --------
    >>> pool_members("premium+sales+service", ["sales", "service", "premium"])
    ('premium', 'sales', 'service')
    >>> pool_members("sales", ["sales", "service"]), pool_members("sales+web", ["sales"])
    (('sales',), ())
    >>> pool_members("b2b+care+vip", ["b2b+care", "vip"])
    ('b2b+care', 'vip')
    """
    known = {str(q) for q in queues}
    name = str(name)
    if name in known:
        return (name,)
    found = _splits(name, frozenset(known), 0, {})
    pools = {tuple(sorted(s)) for s in found if len(s) > 1 and len(set(s)) == len(s)}
    if len(pools) > 1:
        readings = "; ".join(" & ".join(p) for p in sorted(pools))
        raise ValueError(f"queue {name!r} reads as more than one pool ({readings})")
    return pools.pop() if pools else ()


def _splits(
    name: str, known: frozenset[str], start: int, memo: dict[int, list[tuple[str, ...]]]
) -> list[tuple[str, ...]]:
    """Every way of writing ``name[start:]`` as known names joined by the separator."""
    if start in memo:
        return memo[start]
    out: list[tuple[str, ...]] = []
    rest = name[start:]
    if rest in known:
        out.append((rest,))
    at = name.find(POOL_SEPARATOR, start)
    while at >= 0 and len(out) < 4:
        head = name[start:at]
        if head in known:
            out += [(head, *tail) for tail in _splits(name, known, at + 1, memo)]
        at = name.find(POOL_SEPARATOR, at + 1)
    memo[start] = out
    return out


def split_pooled_roster(
    roster: pd.DataFrame,
    forecast: pd.DataFrame,
    required: np.ndarray | None = None,
    *,
    source: str = "roster",
) -> pd.DataFrame:
    """Share each pooled roster row's agents among the pool's queues (module notes).

    Parameters
    ----------
    roster : DataFrame
        ``interval_start``, ``queue`` (a queue of the forecast, or a pool of them named
        as by :func:`pool_name`) and ``agents`` [count], one row per roster line in file
        order (messages number rows from 2, as a spreadsheet does).
    forecast : DataFrame
        ``interval_start``, ``queue``, ``calls`` [count] and ``aht_s`` [s], one row per
        interval and queue, with timestamps of the same kind as the roster's.
    required : ndarray, optional
        Agents each forecast row requires for its targets (NaN where unknown), e.g. from
        :func:`staffing.required_agents` with the targets the roster is judged by. None:
        share by workload alone.
    source : str, default "roster"
        File name (or description) of the roster, for messages.

    Returns
    -------
    DataFrame
        Columns ``interval_start``, ``queue``, ``agents`` and ``pool``: the rows naming
        one queue as they are (``pool`` empty); each pooled row replaced by one row per
        queue of the pool that has a forecast row in that interval, with its share of the
        pool's agents (``pool`` holds the pool's name as written in the roster). Rows
        naming no queue of the forecast are kept as they are.

    Raises
    ------
    InputError
        A queue set that mixes queues of the forecast with unknown ones, or one that
        shares a queue with another row of the same interval (naming the rows).

    Examples
    --------
    Nine agents for two queues needing 4 and 2 agents: 6 and 3 each.

    >>> t = pd.Timestamp("2025-03-03 09:00")
    >>> roster = pd.DataFrame({"interval_start": [t], "queue": ["a+b"], "agents": [9.0]})
    >>> forecast = pd.DataFrame({"interval_start": [t, t], "queue": ["a", "b"],
    ...                          "calls": [50.0, 40.0], "aht_s": [180.0, 120.0]})
    >>> split_pooled_roster(roster, forecast, np.array([4.0, 2.0]))
           interval_start queue  agents pool
    0 2025-03-03 09:00:00     a     6.0  a+b
    1 2025-03-03 09:00:00     b     3.0  a+b

    Without a requirement, by workload (9000 and 4800 call-seconds):

    >>> split_pooled_roster(roster, forecast)["agents"].round(3).tolist()
    [5.87, 3.13]
    """
    roster = roster.reset_index(drop=True)
    queue = roster["queue"]
    known = [str(q) for q in pd.unique(forecast["queue"])]
    members: dict[Any, tuple[str, ...]] = {}
    for name in pd.unique(queue.dropna()):
        try:
            found = pool_members(str(name), known)
        except ValueError as e:
            raise InputError(
                str(e), source=source, column="queue", rows=bad_rows(queue != name)
            ) from None
        if not found:
            _check_unknown(str(name), queue, known, source)
        members[name] = found
    pooled = queue.map(lambda q: len(members.get(q, ())) > 1).fillna(False).to_numpy(bool)
    plain = roster.loc[~pooled, ["interval_start", "queue", "agents"]].assign(pool="")
    if not pooled.any():
        return plain.reset_index(drop=True)

    rows = np.flatnonzero(pooled)
    sizes = np.array([len(members[q]) for q in queue.to_numpy()[rows]])
    line = np.repeat(rows, sizes)
    exploded = pd.DataFrame(
        {
            "line": line,
            "interval_start": roster["interval_start"].iloc[line].reset_index(drop=True),
            "queue": np.concatenate([members[q] for q in queue.to_numpy()[rows]]),
            "pool_agents": roster["agents"].to_numpy(dtype=float)[line],
            "pool": queue.to_numpy()[line],
        }
    )
    _check_overlaps(plain, exploded, len(roster), source)

    calls = forecast["calls"].to_numpy(dtype=float)
    need = np.full(calls.size, np.nan) if required is None else np.asarray(required, float)
    rates = pd.DataFrame(
        {
            "interval_start": forecast["interval_start"].reset_index(drop=True),
            "queue": forecast["queue"].astype(str).to_numpy(),
            "need": need,
            "load": np.where(calls > 0, calls * forecast["aht_s"].to_numpy(dtype=float), 0.0),
        }
    )
    parts = exploded.merge(rates, on=["interval_start", "queue"], how="inner", sort=False)
    share = _shares(parts["line"].to_numpy(), parts["need"].to_numpy(), parts["load"].to_numpy())
    split = pd.DataFrame(
        {
            "interval_start": parts["interval_start"],
            "queue": parts["queue"],
            "agents": parts["pool_agents"].to_numpy() * share,
            "pool": parts["pool"].astype(str),
        }
    )
    return pd.concat([plain, split], ignore_index=True)


def _check_unknown(name: str, queue: pd.Series, known: list[str], source: str) -> None:
    """A name of no forecast queue that nevertheless holds some: a mixed set."""
    pieces = name.split(POOL_SEPARATOR)
    if len(pieces) < 2:
        return
    ours = [p for p in pieces if p in set(known)]
    if not ours:
        return
    strangers = [p for p in pieces if p not in set(known)]
    raise InputError(
        f"queue set {name!r} mixes queues of the forecast ({', '.join(ours)}) with unknown "
        f"ones ({', '.join(strangers) or 'repeated'}): name the forecast's queues only",
        source=source,
        column="queue",
        rows=bad_rows(queue != name),
    )


def _check_overlaps(plain: pd.DataFrame, exploded: pd.DataFrame, n: int, source: str) -> None:
    """Refuse two rows of one interval whose queue sets share a queue."""
    claims = pd.concat(
        [
            pd.DataFrame(
                {
                    "line": plain.index.to_numpy(),
                    "interval_start": plain["interval_start"],
                    "queue": plain["queue"].astype(object),
                }
            ).reset_index(drop=True),
            exploded[["line", "interval_start", "queue"]],
        ],
        ignore_index=True,
    ).dropna(subset=["queue"])
    clash = claims.duplicated(["interval_start", "queue"], keep=False).to_numpy()
    if clash.any():
        lines = np.zeros(n, dtype=bool)
        lines[claims["line"].to_numpy()[clash]] = True
        raise InputError(
            "staff the same queue twice in one interval (queue sets that overlap): give each "
            "queue of an interval on one row only",
            source=source,
            column="queue",
            rows=bad_rows(~lines),
        )


def _shares(line: np.ndarray, need: np.ndarray, load: np.ndarray) -> np.ndarray:
    """Each queue's part of its pooled row's agents (module notes)."""
    codes, pos = np.unique(line, return_inverse=True)
    total_need = np.zeros(codes.size)
    total_load = np.zeros(codes.size)
    known = np.ones(codes.size, dtype=bool)
    np.add.at(total_need, pos, np.nan_to_num(need))
    np.add.at(total_load, pos, load)
    np.logical_and.at(known, pos, np.isfinite(need))
    count = np.bincount(pos, minlength=codes.size).astype(float)
    by_need = known[pos] & (total_need[pos] > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(
            by_need,
            need / total_need[pos],
            np.where(total_load[pos] > 0, load / total_load[pos], 1.0 / count[pos]),
        )
