"""Whole shifts from a linear relaxation.

Round, repair the coverage, place the breaks, drop what is not needed.

The tour model (:mod:`staffing.scheduling.tours`) has a tight linear relaxation but
HiGHS's own heuristics rarely find a good whole schedule in it; this module builds one
directly, without a solver, in a fraction of a second:

1. **Round.** Shifts started at each candidate: the relaxation's ``x_j`` rounded down.
2. **Place the breaks.** Every person's breaks, one at a time in the order of their
   windows, where the surplus ``on_t - need_t`` over the break is largest (ties: the
   larger total surplus, then the earliest start); then a second pass moving each break
   to its best place with the others fixed. Any placement inside the windows is valid:
   pairing people and breaks in time order satisfies the forward and backward rows of
   :mod:`staffing.scheduling.model`.
3. **Repair.** While some slot is short, add the shift covering the most short slots per
   unit of cost (its breaks placed as in 2), then place every break of the day anew.
4. **Drop.** A person whose working slots all have a surplus of at least one is not
   needed: removed, the most expensive first, until none is left; breaks placed anew and
   repeated while people are dropped.

The result covers ``need`` in every slot. Each step is deterministic: the same input gives
the same schedule.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import sparse

from staffing.scheduling.model import Candidates
from staffing.scheduling.shifts import ShiftFamily

__all__ = ["Layout", "Roster", "round_shifts"]


@dataclass(frozen=True)
class Layout:
    """Where each candidate shift and each of its breaks lie on the horizon's slots.

    Attributes
    ----------
    horizon : int
        Slots in the horizon ``T``.
    cyclic : bool
        Slots past the end wrap to the start (else they fall outside).
    start, length, family, day : ndarray of int
        Per candidate: start slot, length [slots], family and day.
    cost : ndarray
        Per candidate: the cost of one shift.
    windows : list of ndarray
        Per family, one row per break: earliest and latest start after the shift's start
        and duration [slots].
    span : sparse matrix
        ``T x candidates``: 1 where the candidate's shift spans the slot.
    allowed : ndarray of bool
        Candidates that may be used.
    """

    horizon: int
    cyclic: bool
    start: np.ndarray
    length: np.ndarray
    family: np.ndarray
    day: np.ndarray
    cost: np.ndarray
    windows: list[np.ndarray]
    span: sparse.csc_array
    allowed: np.ndarray
    cache: dict[Any, Any] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def of(
        cls,
        families: Sequence[ShiftFamily],
        candidates: Candidates,
        *,
        slot_s: int,
        horizon_slots: int,
        cyclic: bool,
        allowed: np.ndarray | None = None,
    ) -> Layout:
        """The layout of ``candidates`` of ``families`` on ``horizon_slots`` slots."""
        fam_len = np.array([round(f.length_s / slot_s) for f in families], dtype=np.int64)
        length = fam_len[candidates.family]
        windows = [
            np.array(
                [
                    [
                        round(b.earliest_s / slot_s),
                        round(b.latest_s / slot_s),
                        round(b.duration_s / slot_s),
                    ]
                    for b in f.breaks
                ],
                dtype=np.int64,
            ).reshape(-1, 3)
            for f in families
        ]
        n = len(candidates)
        owner = np.repeat(np.arange(n), length)
        offset = np.arange(owner.size) - np.repeat(np.cumsum(length) - length, length)
        slot = np.repeat(candidates.start, length) + offset
        if cyclic:
            slot = slot % horizon_slots
        else:
            keep = slot < horizon_slots
            owner, slot = owner[keep], slot[keep]
        span = sparse.csc_array(
            (np.ones(slot.size), (slot, owner)), shape=(horizon_slots, n), dtype=np.float64
        )
        cost = np.array([f.cost_per_shift for f in families])[candidates.family]
        return cls(
            horizon=horizon_slots,
            cyclic=cyclic,
            start=np.asarray(candidates.start, dtype=np.int64),
            length=length,
            family=np.asarray(candidates.family, dtype=np.int64),
            day=np.asarray(candidates.day, dtype=np.int64),
            cost=cost,
            windows=windows,
            span=span,
            allowed=np.ones(n, dtype=bool) if allowed is None else np.asarray(allowed, bool),
        )

    def slots(self, first: int, count: int) -> np.ndarray:
        """Slots ``first .. first + count - 1`` on the horizon (wrapped or cut)."""
        s = first + np.arange(count)
        return s % self.horizon if self.cyclic else s[s < self.horizon]

    def shift_slots(self, j: int) -> np.ndarray:
        """Slots candidate ``j`` spans."""
        key = ("span", j)
        out = self.cache.get(key)
        if out is None:
            out = self.cache[key] = self.slots(int(self.start[j]), int(self.length[j]))
        return out

    def break_options(self, j: int, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Start slots allowed for break ``k`` of candidate ``j``, and the slots each covers.

        One row per start; slots cut at the horizon's end point at a dummy slot ``T``.
        """
        key = ("break", j, k)
        out = self.cache.get(key)
        if out is None:
            e, late, dur = self.windows[int(self.family[j])][k]
            starts = self.start[j] + np.arange(e, late + 1)
            cover = starts[:, None] + np.arange(dur)[None, :]
            if self.cyclic:
                cover = cover % self.horizon
            else:
                cover = np.where(cover < self.horizon, cover, self.horizon)
            out = self.cache[key] = (starts, cover)
        return out


@dataclass
class Roster:
    """People on candidate shifts with their break starts, and the coverage they give.

    Attributes
    ----------
    who : list of int
        Candidate of each person.
    breaks : list of ndarray
        Break start slots of each person (absolute, not wrapped), one per break.
    on : ndarray
        Agents on the phones per slot.
    """

    who: list[int]
    breaks: list[np.ndarray]
    on: np.ndarray

    def counts(self, n: int) -> np.ndarray:
        """Shifts started per candidate."""
        return np.bincount(np.asarray(self.who, dtype=np.int64), minlength=n)


def _break_options(layout: Layout, j: int, k: int) -> tuple[np.ndarray, np.ndarray]:
    return layout.break_options(j, k)


def _best(surplus: np.ndarray, cover: np.ndarray) -> int:
    """Row of ``cover`` with the largest least surplus.

    Ties go to the largest total, then to the first.
    """
    values = surplus[cover]
    low = values.min(axis=1)
    total = values.sum(axis=1)
    key = low * 1e6 + total
    return int(np.argmax(key))


def place_breaks(layout: Layout, who: Sequence[int], need: np.ndarray, passes: int = 2) -> Roster:
    """Breaks of everyone on ``who`` placed where the surplus is largest (module notes).

    Parameters
    ----------
    layout : Layout
    who : sequence of int
        Candidate of each person.
    need : ndarray
        Agents needed per slot.
    passes : int
        Passes of the placement (the second moves each break to its best place given the
        others).

    Returns
    -------
    Roster
    """
    T = layout.horizon
    on = np.zeros(T + 1)
    for j in who:
        on[layout.shift_slots(j)] += 1.0
    surplus = on - np.r_[need, 0.0]
    surplus[T] = 1e9  # the dummy slot of breaks cut at the horizon's end
    items: list[tuple[int, int, int]] = []  # (window start, person, break)
    for p, j in enumerate(who):
        for k in range(layout.windows[int(layout.family[j])].shape[0]):
            items.append((int(layout.start[j] + layout.windows[int(layout.family[j])][k, 0]), p, k))
    items.sort()
    options = {(p, k): _break_options(layout, who[p], k) for _, p, k in items}
    chosen: dict[tuple[int, int], int] = {}
    for sweep in range(passes):
        for _, p, k in items:
            _, cover = options[(p, k)]
            if sweep:
                surplus[cover[chosen[(p, k)]]] += 1.0
            r = _best(surplus, cover)
            chosen[(p, k)] = r
            surplus[cover[r]] -= 1.0
    breaks = [
        np.array(
            [
                options[(p, k)][0][chosen[(p, k)]]
                for k in range(layout.windows[int(layout.family[j])].shape[0])
            ],
            dtype=np.int64,
        )
        for p, j in enumerate(who)
    ]
    on = surplus[:T] + need
    return Roster(list(who), breaks, on)


def repair(
    layout: Layout,
    roster: Roster,
    need: np.ndarray,
    price: np.ndarray | None = None,
    most: int = 100_000,
) -> Roster:
    """Add shifts until no slot is short (module notes, step 3).

    ``price`` (per candidate) replaces the shift cost as the price of adding one. Stops
    after ``most`` additions or when no allowed shift covers a short slot.
    """
    price = layout.cost if price is None else price
    T = layout.horizon
    current = roster
    added = 0
    while added < most:
        who = list(current.who)
        breaks = list(current.breaks)
        surplus = np.r_[current.on - need, 1e9]
        grew = False
        while added < most:
            short = surplus[:T] < -1e-9
            if not short.any():
                break
            gain = layout.span.T @ short.astype(np.float64)
            score = np.where(layout.allowed & (gain > 0), gain / np.maximum(price, 1e-12), -1.0)
            j = int(np.argmax(score))
            if score[j] <= 0:
                break
            surplus[layout.shift_slots(j)] += 1.0
            mine = []
            for k in range(layout.windows[int(layout.family[j])].shape[0]):
                starts, cover = _break_options(layout, j, k)
                r = _best(surplus, cover)
                surplus[cover[r]] -= 1.0
                mine.append(starts[r])
            who.append(j)
            breaks.append(np.array(mine, dtype=np.int64))
            added += 1
            grew = True
        if not grew:
            return Roster(who, breaks, surplus[:T] + need)
        current = place_breaks(layout, who, need)
        if not np.any(need - current.on > 1e-9):
            return current
    return current


def prune(layout: Layout, roster: Roster, need: np.ndarray, rounds: int = 4) -> Roster:
    """Drop people not needed for the coverage, the most expensive first.

    Module notes, step 4.
    """
    current = roster
    for _ in range(rounds):
        surplus = current.on - need
        order = sorted(range(len(current.who)), key=lambda p: (-layout.cost[current.who[p]], p))
        keep = np.ones(len(current.who), dtype=bool)
        for p in order:
            j = current.who[p]
            work = np.zeros(layout.horizon, dtype=bool)
            work[layout.shift_slots(j)] = True
            for k, b in enumerate(current.breaks[p]):
                dur = layout.windows[int(layout.family[j])][k, 2]
                work[layout.slots(int(b), int(dur))] = False
            if np.all(surplus[work] >= 1.0 - 1e-9):
                keep[p] = False
                surplus[work] -= 1.0
        if keep.all():
            return current
        who = [j for j, k in zip(current.who, keep, strict=True) if k]
        current = place_breaks(layout, who, need)
        if np.any(need - current.on > 1e-9):
            current = repair(layout, current, need)
    return current


class FamilyHeads:
    """Least cost of the people a family needs to work ``S_d`` shifts on each day ``d``.

    The tour rules of :mod:`staffing.scheduling.tours` for one family alone: its tour
    types, their days, closed days and days-off runs, the family's ``min``/``max`` and the
    weekend rule of a rotation. One type without days-off runs has the closed form
    ``H = max(max_d S_d, ceil(sum_d S_d / n), min)``; otherwise a small integer program
    (a few dozen variables) answers, remembered for each ``S`` asked.

    Parameters
    ----------
    family : ShiftFamily
    types : sequence of TourType
        The family's tour types.
    weeks, weekends_off : int
        The rotation's weeks and weekends off (the weekend rule).
    """

    def __init__(
        self, family: ShiftFamily, types: Sequence[Any], weeks: int = 1, weekends_off: int = 0
    ) -> None:
        self.family = family
        self.types = list(types)
        self.weeks = weeks
        self.weekends_off = weekends_off
        self.per_head = np.array([t.days * family.cost_per_shift for t in self.types])
        self.simple = len(self.types) == 1 and not self.types[0].patterns
        self.memo: dict[tuple[int, ...], tuple[float, tuple[int, ...]]] = {}

    def heads(self, shifts: np.ndarray) -> tuple[float, tuple[int, ...]]:
        """(cost, heads per type) for ``shifts`` per day; cost ``inf`` when none fits."""
        key = tuple(int(v) for v in shifts)
        if key in self.memo:
            return self.memo[key]
        f = self.family
        if not self.types:
            out: tuple[float, tuple[int, ...]] = (
                (0.0, ()) if sum(key) == 0 and f.min_heads == 0 else (np.inf, ())
            )
        elif self.simple:
            t = self.types[0]
            if any(key[d] > 0 for d in t.closed):
                out = (np.inf, (0,))
            else:
                h = max(max(key), -(-sum(key) // t.days), f.min_heads)
                ok = f.max_heads is None or h <= f.max_heads
                out = (float(self.per_head[0] * h) if ok else np.inf, (h,))
        else:
            out = self._solve(key)
        self.memo[key] = out
        return out

    def cost(self, shifts: np.ndarray) -> float:
        """The least cost of :meth:`heads`."""
        return self.heads(shifts)[0]

    def _solve(self, key: tuple[int, ...]) -> tuple[float, tuple[int, ...]]:
        from staffing.scheduling.highs import solve_highs

        nt = len(self.types)
        cols: list[float] = list(self.per_head)  # H_t first
        upper: list[float] = [np.inf] * nt
        rows: list[tuple[dict[int, float], float, float]] = []
        cover: list[dict[int, float]] = [{} for _ in range(7)]
        for i, t in enumerate(self.types):
            days = [d for d in range(7) if d not in t.closed]
            z = {}
            for d in days:
                z[d] = len(cols)
                cols.append(0.0)
                upper.append(np.inf)
                cover[d][z[d]] = 1.0
            if t.patterns:
                w = []
                for _ in t.patterns:
                    w.append(len(cols))
                    cols.append(0.0)
                    upper.append(np.inf)
                rows.append(({**{v: 1.0 for v in w}, i: -1.0}, 0.0, 0.0))
                for d in days:
                    row = {z[d]: 1.0}
                    for v, p in zip(w, t.patterns, strict=True):
                        if d not in p:
                            row[v] = -1.0
                    rows.append((row, -np.inf, 0.0))
            else:
                for d in days:
                    rows.append(({z[d]: 1.0, i: -1.0}, -np.inf, 0.0))
                rows.append(({**{z[d]: 1.0 for d in days}, i: -float(t.days)}, -np.inf, 0.0))
        for d in range(7):
            if key[d] > 0:
                if not cover[d]:
                    return np.inf, (0,) * nt
                rows.append((cover[d], float(key[d]), np.inf))
        f = self.family
        if f.min_heads > 0 or f.max_heads is not None:
            hi = np.inf if f.max_heads is None else float(f.max_heads)
            rows.append(({i: 1.0 for i in range(nt)}, float(f.min_heads), hi))
        if self.weekends_off and self.weeks > self.weekends_off:
            groups: dict[int, list[int]] = {}
            for i, t in enumerate(self.types):
                groups.setdefault(t.days, []).append(i)
            for mine in groups.values():
                row = {
                    i: float(
                        self.weeks - self.weekends_off
                        if self.types[i].weekend_off
                        else -self.weekends_off
                    )
                    for i in mine
                }
                rows.append((row, 0.0, np.inf))
        n = len(cols)
        r_i = [r for r, (entries, _, _) in enumerate(rows) for _ in entries]
        c_i = [c for entries, _, _ in rows for c in entries]
        vals = [v for entries, _, _ in rows for v in entries.values()]
        A = sparse.csr_array((vals, (r_i, c_i)), shape=(len(rows), n))
        res = solve_highs(
            np.array(cols),
            A,
            np.array([lo for _, lo, _ in rows]),
            np.array([hi for _, _, hi in rows]),
            np.zeros(n),
            np.array(upper),
            np.ones(n, dtype=np.int64),
            time_limit_s=5.0,
            gap=0.0,
        )
        if res.x is None:
            return np.inf, (0,) * nt
        heads = tuple(round(float(v)) for v in res.x[:nt])
        return float(self.per_head @ np.array(heads)), heads


class Search:
    """A schedule of people and breaks improved by moves.

    For a coverage ``need`` and the cost of whole tours (:class:`FamilyHeads`) or of
    shifts.

    The value of a schedule is ``BIG * short + cost + 1e-3 * shifts_cost``: agent-slots
    short of ``need`` first, then the cost of the people (tours) or shifts, then the
    shifts' own cost as a tie-break (fewer shift hours leave room in the people's weeks).
    """

    BIG = 1e6

    def __init__(
        self,
        layout: Layout,
        need: np.ndarray,
        heads: Sequence[FamilyHeads] | None,
        n_days: int,
    ) -> None:
        self.L = layout
        self.need = np.asarray(need, dtype=np.float64)
        self.T = layout.horizon
        self.surplus = np.r_[-self.need, 1e9]
        self.who: list[int] = []
        self.brk: list[np.ndarray] = []
        self.heads = heads
        n_fam = len(layout.windows)
        self.S = np.zeros((n_fam, n_days), dtype=np.int64)
        self.fam_cost = np.zeros(n_fam)
        self._cost_cache = np.zeros(n_fam)
        self._dirty = np.ones(n_fam, dtype=bool)
        self._unit = self._shift_cost()
        # neighbours: same family and day, by start; other families at the same start
        order = np.lexsort((layout.start, layout.day, layout.family))
        self.prev = np.full(layout.start.size, -1)
        self.next = np.full(layout.start.size, -1)
        same = (layout.family[order][1:] == layout.family[order][:-1]) & (
            layout.day[order][1:] == layout.day[order][:-1]
        )
        a, b = order[:-1][same], order[1:][same]
        self.next[a] = b
        self.prev[b] = a
        self.by_slot: dict[tuple[int, int], list[int]] = {}
        for j in np.flatnonzero(layout.allowed):
            self.by_slot.setdefault((int(layout.day[j]), int(layout.start[j])), []).append(int(j))

    # ----------------------------------------------------------------- bookkeeping

    def _cost_of(self, f: int) -> float:
        assert self.heads is not None
        return self.heads[f].cost(self.S[f])

    def cost(self) -> float:
        """Cost of the people (tours) or of the shifts."""
        if self.heads is None:
            return float(self.S.sum(axis=1) @ self._unit)
        return float(np.sum(self._family_costs()))

    def _family_costs(self) -> np.ndarray:
        """Cost of each family's people (recomputed where its shifts changed)."""
        for f in np.flatnonzero(self._dirty):
            self._cost_cache[f] = self._cost_of(int(f))
        self._dirty[:] = False
        return self._cost_cache

    def _shift_cost(self) -> np.ndarray:
        out = np.zeros(self.S.shape[0])
        for f in range(out.size):
            mine = np.flatnonzero(self.L.family == f)
            out[f] = self.L.cost[mine[0]] if mine.size else 0.0
        return out

    def short(self) -> float:
        """Agent-slots short of ``need``."""
        return float(np.maximum(-self.surplus[: self.T], 0.0).sum())

    def value(self) -> float:
        """``BIG * short + cost (+ 1e-3 * the shifts' cost with tours)``."""
        extra = 0.0 if self.heads is None else 1e-3 * float(self.S.sum(axis=1) @ self._unit)
        return self.BIG * self.short() + self.cost() + extra

    def _work(self, j: int, breaks: np.ndarray) -> tuple[np.ndarray, list[np.ndarray]]:
        span = self.L.shift_slots(j)
        out = []
        for k, b in enumerate(breaks):
            starts, cover = self.L.break_options(j, k)
            out.append(cover[int(b) - int(starts[0])])
        return span, out

    def _apply(self, j: int, breaks: np.ndarray, sign: float) -> None:
        span, brk = self._work(j, breaks)
        self.surplus[span] += sign
        for s in brk:
            self.surplus[s] -= sign
        f, d = int(self.L.family[j]), int(self.L.day[j])
        self.S[f, d] += int(sign)
        if self.heads is not None:
            self._dirty[f] = True

    def _greedy_breaks(self, j: int) -> np.ndarray:
        """Breaks of a person on ``j``.

        Placed (the span already counted) where they fit best, applied to the surplus.
        """
        out = []
        for k in range(self.L.windows[int(self.L.family[j])].shape[0]):
            starts, cover = _break_options(self.L, j, k)
            r = _best(self.surplus, cover)
            self.surplus[cover[r]] -= 1.0
            out.append(starts[r])
        return np.array(out, dtype=np.int64)

    def add(self, j: int, breaks: np.ndarray | None = None) -> int:
        """Add a person on ``j`` (breaks placed greedily unless given); their index."""
        span = self.L.shift_slots(j)
        if breaks is None:
            self.surplus[span] += 1.0
            breaks = self._greedy_breaks(j)
            self.surplus[span] -= 1.0
            _, brk = self._work(j, breaks)
            for s in brk:
                self.surplus[s] += 1.0
        self._apply(j, breaks, 1.0)
        self.who.append(j)
        self.brk.append(breaks)
        return len(self.who) - 1

    def remove(self, p: int) -> None:
        self._apply(self.who[p], self.brk[p], -1.0)
        self.who[p] = -1

    def compact(self) -> None:
        keep = [p for p, j in enumerate(self.who) if j >= 0]
        self.who = [self.who[p] for p in keep]
        self.brk = [self.brk[p] for p in keep]

    def roster(self) -> Roster:
        self.compact()
        return Roster(list(self.who), list(self.brk), self.surplus[: self.T] + self.need)

    # ----------------------------------------------------------------------- moves

    def _replace(self, p: int, j: int) -> float:
        """Move person ``p`` to candidate ``j`` if that lowers the value.

        ``j = -1`` removes them; returns the change (0 when not moved).
        """
        old_j, old_b = self.who[p], self.brk[p]
        before = self.value()
        self.remove(p)
        if j >= 0:
            span = self.L.shift_slots(j)
            self.surplus[span] += 1.0
            new_b = self._greedy_breaks(j)
            self.surplus[span] -= 1.0
            _, brk = self._work(j, new_b)
            for s in brk:
                self.surplus[s] += 1.0
            self._apply(j, new_b, 1.0)
            self.who[p], self.brk[p] = j, new_b
        after = self.value()
        if after < before - 1e-7:
            return after - before
        if j >= 0:
            self._apply(j, self.brk[p], -1.0)
        self._apply(old_j, old_b, 1.0)
        self.who[p], self.brk[p] = old_j, old_b
        return 0.0

    def _rebreak(self, p: int) -> bool:
        """Each break of ``p`` moved to its best place given the others."""
        j = self.who[p]
        moved = False
        for k in range(self.brk[p].size):
            starts, cover = _break_options(self.L, j, k)
            at = int(np.flatnonzero(starts == self.brk[p][k])[0])
            before = float(np.maximum(-self.surplus[cover[at]], 0).sum())
            self.surplus[cover[at]] += 1.0
            r = _best(self.surplus, cover)
            self.surplus[cover[r]] -= 1.0
            after = float(np.maximum(-self.surplus[cover[r]], 0).sum())
            if r != at and after <= before:
                self.brk[p] = self.brk[p].copy()
                self.brk[p][k] = starts[r]
                moved = True
            elif r != at:
                self.surplus[cover[r]] += 1.0
                self.surplus[cover[at]] -= 1.0
        return moved

    def neighbours(self, j: int, reach: int = 2) -> list[int]:
        """Candidates near ``j``.

        Same family up to ``reach`` starts either side, and other families at the same day
        and start.
        """
        out = []
        a = b = j
        for _ in range(reach):
            a = int(self.prev[a]) if a >= 0 else -1
            b = int(self.next[b]) if b >= 0 else -1
            if a >= 0 and self.L.allowed[a]:
                out.append(a)
            if b >= 0 and self.L.allowed[b]:
                out.append(b)
        for k in self.by_slot.get((int(self.L.day[j]), int(self.L.start[j])), []):
            if k != j:
                out.append(k)
        return out

    def fill(self, most: int = 100_000) -> None:
        """Add the shift covering the most short slots per unit of cost until none is short.

        Or nothing helps.
        """
        price = self.L.cost
        for _ in range(most):
            short = self.surplus[: self.T] < -1e-9
            if not short.any():
                return
            gain = self.L.span.T @ short.astype(np.float64)
            score = np.where(self.L.allowed & (gain > 0), gain / np.maximum(price, 1e-12), -1.0)
            j = int(np.argmax(score))
            if score[j] <= 0:
                return
            self.add(j)

    def _swap(self, p: int, j: int) -> tuple[float, float]:
        """Move ``p`` to ``j`` (``-1``: remove).

        Returns (short added, cost added). Undo with :meth:`_undo`.
        """
        short0, cost0 = self.short(), self.cost()
        self._saved = (p, self.who[p], self.brk[p])
        self.remove(p)
        if j >= 0:
            span = self.L.shift_slots(j)
            self.surplus[span] += 1.0
            new_b = self._greedy_breaks(j)
            self.surplus[span] -= 1.0
            _, brk = self._work(j, new_b)
            for s in brk:
                self.surplus[s] += 1.0
            self._apply(j, new_b, 1.0)
            self.who[p], self.brk[p] = j, new_b
        return self.short() - short0, self.cost() - cost0

    def _undo(self) -> None:
        p, old_j, old_b = self._saved
        if self.who[p] >= 0:
            self._apply(self.who[p], self.brk[p], -1.0)
        self._apply(old_j, old_b, 1.0)
        self.who[p], self.brk[p] = old_j, old_b

    def drop_head(self, f: int, deadline: float) -> bool:
        """Try to need one person less on family ``f``.

        Its people removed or moved to other families at nearby starts, one at a time,
        keeping the coverage and never raising another family's cost, until the family's
        cost falls; undone if it does not.

        Returns
        -------
        bool
            Whether the cost fell.
        """
        import time

        if self.heads is None:
            return False
        start_cost = self.cost()
        log: list[tuple[int, int, np.ndarray]] = []
        family_cost = self._family_costs()[f]
        for _ in range(64):
            if time.perf_counter() > deadline:
                break
            best: tuple[float, int, int] | None = None
            mine = [p for p, j in enumerate(self.who) if j >= 0 and self.L.family[j] == f]
            # people on the family's fullest days first
            mine.sort(key=lambda p: (-self.S[f, int(self.L.day[self.who[p]])], p))
            for p in mine:
                j = self.who[p]
                options = (
                    [-1]
                    + [k for k in self.neighbours(j, reach=2) if self.L.family[k] != f]
                    + self._other_families(j)
                )
                for k in dict.fromkeys(options):
                    extra_short, _ = self._swap(p, k)
                    others = self.cost() - self._family_costs()[f]
                    self._undo()
                    if extra_short > 1e-9:
                        continue
                    if others > start_cost - family_cost + 1e-9:
                        continue
                    paid = 0.0 if k < 0 else float(self.L.cost[k])
                    key = paid - float(self.L.cost[j])
                    if best is None or key < best[0] - 1e-12:
                        best = (key, p, k)
                if best is not None and best[2] == -1:
                    break
            if best is None:
                break
            _, p, k = best
            log.append((p, self.who[p], self.brk[p]))
            self._swap(p, k)
            if self.cost() < start_cost - 1e-9:
                return True
        for p, j, b in reversed(log):
            if self.who[p] >= 0:
                self._apply(self.who[p], self.brk[p], -1.0)
            self._apply(j, b, 1.0)
            self.who[p], self.brk[p] = j, b
        return False

    def _other_families(self, j: int) -> list[int]:
        """Candidates of other families on ``j``'s day starting within two steps."""
        out = []
        for k in self.by_slot.get((int(self.L.day[j]), int(self.L.start[j])), []):
            if k == j:
                continue
            a = b = k
            out.append(k)
            for _ in range(2):
                a = int(self.prev[a]) if a >= 0 else -1
                b = int(self.next[b]) if b >= 0 else -1
                out.extend(v for v in (a, b) if v >= 0 and self.L.allowed[v])
        return out

    def descend(self, deadline: float, sweeps: int = 50) -> None:
        """Make moves while one lowers the value, person by person in order.

        The moves: remove, shift the start, change family, move breaks.
        """
        import time

        for _ in range(sweeps):
            improved = False
            for p in range(len(self.who)):
                if time.perf_counter() > deadline:
                    return
                j = self.who[p]
                if j < 0:
                    continue
                if self._replace(p, -1) < 0:
                    improved = True
                    continue
                for k in self.neighbours(j):
                    if self._replace(p, k) < 0:
                        improved = True
                        break
                if self.who[p] >= 0 and self._rebreak(p):
                    improved = True
            if self.short() > 0:
                self.fill()
                improved = True
            self.compact()
            if not improved:
                return


def round_shifts(layout: Layout, relaxed: np.ndarray, need: np.ndarray) -> Roster:
    """A whole schedule covering ``need`` from the relaxation's shifts ``relaxed``.

    Module notes.

    Parameters
    ----------
    layout : Layout
    relaxed : ndarray
        Shifts started per candidate in the linear relaxation.
    need : ndarray
        Agents needed per slot (whole numbers).

    Returns
    -------
    Roster
    """
    base = np.floor(np.asarray(relaxed) + 1e-6).astype(np.int64)
    base[~layout.allowed] = 0
    who = np.repeat(np.arange(base.size), base).tolist()
    roster = place_breaks(layout, who, need)
    roster = repair(layout, roster, need)
    return prune(layout, roster, need)
