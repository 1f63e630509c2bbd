"""A continuous simulation of one queue-day, vectorised across replications.

The model, in words
-------------------
* **Intervals.** The day is ``K`` consecutive intervals of lengths ``interval_s`` starting
  at time 0. Interval ``k`` has a Poisson arrival rate ``calls_k / interval_s_k``, constant
  within it. Optionally the whole day is over-dispersed: each replication draws one gamma
  factor with mean 1 and coefficient of variation ``volume_cv`` that multiplies every rate
  of that day (forecast error). Arrival times within an interval are uniform given their
  number, which is the same Poisson process.
* **Service.** First come, first served, one queue. A call's service time has the mean
  ``aht_s`` of the interval it *arrives* in: exponential, or lognormal with coefficient of
  variation ``service_cv``.
* **Patience.** Each call has a patience; it abandons if its wait would exceed it, and an
  abandoning call takes no agent. Patience is exponential with the mean ``patience_s`` of
  its arrival interval, or is drawn from an empirical survival curve (a Kaplan-Meier step
  function given as times and survival probabilities; beyond its last time ``t_m`` the tail
  is exponential with the curve's average hazard ``-log S(t_m) / t_m``, so the survival
  stays continuous there), or is infinite (nobody abandons: the Erlang C model).
* **Agents.** The staffing ``agents_k`` holds on interval ``k``. Agents change at interval
  boundaries and a call in service is finished (no pre-emption): a call may *start* at time
  ``t`` only while the number of calls in service is below the staffing at ``t``. After a
  drop, new calls therefore wait until enough calls in service have ended. Each day starts
  empty; after the last interval its staffing (at least one agent) stays until every
  waiting call is answered or has abandoned.
* **Fractional agents.** A plan may carry averages such as 12.4 agents. With
  ``fractional_agents="random"`` (default) each replication staffs each interval with the
  floor or the ceiling, the ceiling with probability equal to the fraction, so the mean
  capacity is the plan's; ``"round"`` rounds half up. Whole numbers are used as they are.
* **Counting.** Every call counts in the interval it arrives in, whenever it is answered or
  abandons. Busy agent-seconds are counted in the interval where the work is done.
* **Redials** (optional). A caller who abandons calls again with probability ``redial``
  (of the interval its attempt arrived in), a delay after hanging up; one whose call was
  answered calls again with probability ``reconnect``, a delay after the call ended. The
  delay is exponential with mean ``redial_delay_s`` or drawn from an empirical curve
  (:class:`~staffing.queueing.redial.RedialDelay`). The new attempt is the same caller
  calling again, with a patience and a handle time drawn afresh for the interval it
  arrives in; an attempt that would arrive after the day's last interval is not made.
  Each attempt counts in the interval it arrives in; an abandon that is not followed by
  another attempt is a customer lost (counted in the interval of that last attempt).

How it is computed
------------------
Under FCFS a caller's start depends only on earlier callers. With ``n(t)`` agents, a call
can start at ``t`` when ``busy(t) < n(t)``, i.e. when the ``n(t)``-th largest end time of the
calls in service is ``<= t``. So the *virtual start* of caller ``i`` is the first
``t >= max(arrival_i, start_{i-1})`` at which that holds, searched interval by interval
(``max(arrival, b_j, e_(n_j))`` in interval ``j``, accepted if before its end). A caller
whose patience is shorter than its wait abandons and leaves the end times as they were; the
next caller still cannot start before this virtual start (no agent was free earlier). End
times are kept sorted per replication; inserting a new end ``x`` after removing the
smallest is one min/max sweep, ``new_r = min(old_{r+1}, max(old_r, x))``. The loop runs
over callers in arrival order and handles every replication at once (numpy only).

With redials the callers are not known in advance: the attempts are placed in arrival
order by merging the fresh callers with a per-replication buffer of the redials already
decided (the next attempt is the earlier of the two), with the same FCFS recursion.

Random numbers: ``seed`` gives a :class:`numpy.random.SeedSequence` that spawns one child
per replication, so replication ``r`` draws the same numbers however replications are
batched. With redials each replication has a second stream (a child of its seed) whose
``i``-th draws decide what the ``i``-th attempt of the day does next (call again, after
what delay, with what patience and handle time). Within a replication the draws are
made in a fixed order, independent of the staffing: the same seed gives the same
arrivals, service and patience to every plan simulated with it (common random numbers;
with redials, the same fresh callers and the same draws for the ``i``-th attempt).

The building blocks are public for the simulation-based staffing search
(:mod:`staffing.simulation.staffing`), which draws the callers once and re-runs the day
from checkpoints: :func:`make_day` (the day's arrays, checked), :func:`replication_seeds`,
:func:`draw_callers` (:class:`Callers`), :func:`advance` (place callers on the agents of
an :class:`AgentState`) and :func:`tally_intervals` (count them into a :class:`Tally`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

import numpy as np

from staffing.errors import StaffingError
from staffing.queueing.redial import RedialDelay, check_redial

__all__ = [
    "AgentState",
    "Callers",
    "DayModel",
    "SimulatedDay",
    "Tally",
    "advance",
    "curve_mean_s",
    "draw_callers",
    "make_day",
    "replication_seeds",
    "simulate_day",
    "tally_intervals",
]

FractionalAgents = Literal["random", "round"]
SeedLike = int | np.random.SeedSequence | None

_BATCH_CALLERS = 1_500_000  # callers per batch when ``batch_size`` is not given
_NEVER = 1e300  # arrival time of padding callers: later than any real event, still finite


# --------------------------------------------------------------------------- the day


@dataclass(frozen=True)
class DayModel:
    """A validated queue-day: arrays of length ``K`` and the shared options."""

    calls: np.ndarray
    aht_s: np.ndarray
    interval_s: np.ndarray
    bounds: np.ndarray  # K + 1 interval boundaries from 0 [s]
    patience_s: np.ndarray | None  # mean patience per interval, None: no exponential patience
    curve: tuple[np.ndarray, np.ndarray, float] | None  # times, survival, tail hazard
    service_cv: float | None
    volume_cv: float
    thresholds_s: tuple[float, ...]
    redial: np.ndarray | None = None  # share of abandons calling again, per interval
    reconnect: np.ndarray | None = None  # share of answered calls calling again
    delay: RedialDelay | None = None

    @property
    def size(self) -> int:
        """Number of intervals ``K``."""
        return int(self.calls.size)

    @property
    def redials(self) -> bool:
        """Whether callers call again (redials or reconnects)."""
        return self.delay is not None


def _vector(value: Any, size: int | None, name: str) -> np.ndarray:
    arr = np.asarray(getattr(value, "to_numpy", lambda: value)(), dtype=float)
    if arr.ndim > 1:
        raise StaffingError(f"give `{name}` as a number or a 1-d sequence (one per interval)")
    if size is not None:
        if arr.ndim == 1 and arr.size != size:
            raise StaffingError(f"`{name}` has {arr.size} values for {size} intervals")
        arr = np.broadcast_to(arr, (size,)).astype(float)
    return arr


def _check(name: str, values: np.ndarray, ok: np.ndarray, what: str) -> None:
    if not np.all(ok):
        bad = values[~ok].reshape(-1)[0]
        raise StaffingError(f"`{name}` must be {what} (got {bad:g})")


def _curve(patience_curve: Any) -> tuple[np.ndarray, np.ndarray, float]:
    try:
        times, survival = patience_curve
    except (TypeError, ValueError):
        raise StaffingError(
            "give `patience_curve` as (times_s, survival), e.g. a Kaplan-Meier curve"
        ) from None
    t = _vector(times, None, "patience_curve times").reshape(-1)
    s = _vector(survival, None, "patience_curve survival").reshape(-1)
    if t.size == 0 or t.size != s.size:
        raise StaffingError("`patience_curve` needs as many survival values as times (>= 1)")
    if not (np.all(np.isfinite(t)) and t[0] >= 0 and np.all(np.diff(t) > 0)):
        raise StaffingError("`patience_curve` times must be finite, >= 0 and increasing")
    if not (np.all((s >= 0) & (s <= 1)) and np.all(np.diff(s) <= 0)):
        raise StaffingError("`patience_curve` survival must lie in [0, 1] and not increase")
    last_t, last_s = float(t[-1]), float(s[-1])
    # No tail when S ends at 0 (not needed) or never drops (nobody seen to abandon).
    hazard = -np.log(last_s) / last_t if 0.0 < last_s < 1.0 and last_t > 0.0 else 0.0
    return t, s, float(hazard)


def curve_mean_s(patience_curve: Any) -> float:
    """Mean patience [s] of an empirical survival curve with the engine's exponential tail.

    Examples
    --------
    >>> round(curve_mean_s(([60.0, 120.0], [0.5, 0.25])), 6)  # 60 + 30 + 0.25 * 120 / log 4
    111.640426
    """
    t, s, hazard = _curve(patience_curve)
    before = np.concatenate([[1.0], s[:-1]])
    steps = np.diff(np.concatenate([[0.0], t]))
    body = float(np.sum(before * steps))
    if s[-1] == 0.0:
        return body
    return body + float(s[-1]) / hazard if hazard > 0 else float("inf")


def make_day(
    calls: Any,
    aht_s: Any,
    interval_s: Any,
    threshold_s: Any,
    patience_s: Any,
    patience_curve: Any,
    service_cv: float | None,
    volume_cv: float,
    *,
    redial: Any = None,
    reconnect: Any = None,
    redial_delay_s: Any = None,
    redial_delay: RedialDelay | None = None,
) -> DayModel:
    """Validate one queue-day's inputs into a :class:`DayModel`.

    Parameters
    ----------
    calls, aht_s, interval_s : array_like
        Calls offered, mean handle time [s] and length [s] of each interval (``calls``
        fixes the number of intervals; the others broadcast to it).
    threshold_s : float or sequence of float
        Service-level thresholds [s] to count.
    patience_s : array_like or None
        Mean exponential patience [s] per interval (inf or NaN: nobody abandons).
    patience_curve : tuple of arrays or None
        A Kaplan-Meier survival curve of patience instead (not with ``patience_s``).
    service_cv : float or None
        Coefficient of variation of lognormal handle times; ``None`` is exponential.
    volume_cv : float
        Coefficient of variation of the day's gamma volume factor (0: none).

    redial, reconnect : array_like, optional
        Shares of abandoned and of answered attempts whose caller calls again.
    redial_delay_s : float, optional
        Mean of an exponential delay before calling again [s].
    redial_delay : RedialDelay, optional
        The delay's distribution instead.

    Returns
    -------
    DayModel

    Raises
    ------
    StaffingError
        Naming the input that is out of range.
    """
    c = _vector(calls, None, "calls")
    if c.ndim != 1 or c.size == 0:
        raise StaffingError("give `calls` as a 1-d sequence with one value per interval")
    k = c.size
    h = _vector(aht_s, k, "aht_s")
    iv = _vector(interval_s, k, "interval_s")
    with np.errstate(invalid="ignore"):
        _check("calls", c, np.isfinite(c) & (c >= 0), "finite and >= 0")
        _check("aht_s", h, np.isfinite(h) & (h > 0), "finite and > 0")
        _check("interval_s", iv, np.isfinite(iv) & (iv > 0), "finite and > 0")
    p: np.ndarray | None = None
    if patience_s is not None:
        p = _vector(patience_s, k, "patience_s")
        with np.errstate(invalid="ignore"):
            _check("patience_s", p, np.isnan(p) | (p > 0), "> 0 (inf or NaN: no abandons)")
        p = np.where(np.isnan(p), np.inf, p)
        if np.all(np.isinf(p)):
            p = None
    curve = None
    if patience_curve is not None:
        if p is not None:
            raise StaffingError("give either `patience_s` or `patience_curve`, not both")
        curve = _curve(patience_curve)
    if service_cv is not None and not (np.isfinite(service_cv) and service_cv >= 0):
        raise StaffingError(f"`service_cv` must be a number >= 0 or None (got {service_cv!r})")
    if not (np.isfinite(volume_cv) and volume_cv >= 0):
        raise StaffingError(f"`volume_cv` must be a number >= 0 (got {volume_cv!r})")
    thr = np.atleast_1d(np.asarray(threshold_s, dtype=float)).reshape(-1)
    if thr.size == 0 or not np.all(np.isfinite(thr) & (thr >= 0)):
        raise StaffingError("`threshold_s` must be one or more finite numbers of seconds >= 0")
    bounds = np.concatenate([[0.0], np.cumsum(iv)])
    shares: dict[str, np.ndarray | None] = {"redial": None, "reconnect": None}
    delay = None
    if redial is not None or reconnect is not None:
        check_redial(redial, reconnect, redial_delay_s)
        for name, value in (("redial", redial), ("reconnect", reconnect)):
            if value is not None:
                shares[name] = _vector(value, k, name)
        if redial_delay is not None:
            delay = redial_delay
        elif redial_delay_s is not None:
            delay = RedialDelay.exponential(float(redial_delay_s))
        else:
            raise StaffingError(
                "callers who call again need a delay: give `redial_delay_s` (e.g. 600) or "
                "`redial_delay` (a calibrated curve)"
            )
    return DayModel(
        calls=c,
        aht_s=h,
        interval_s=iv,
        bounds=bounds,
        patience_s=p,
        curve=curve,
        service_cv=None if service_cv is None else float(service_cv),
        volume_cv=float(volume_cv),
        thresholds_s=tuple(dict.fromkeys(float(x) for x in thr)),
        redial=shares["redial"],
        reconnect=shares["reconnect"],
        delay=delay,
    )


# --------------------------------------------------------------------------- random draws


@dataclass
class Callers:
    """Callers of a batch of replications, one row each in arrival order, padded to ``M``.

    Padding arrives at ``_NEVER`` with patience ``-inf``: it never takes an agent.
    ``before[k, r]`` is how many callers of replication ``r`` arrive before boundary ``k``
    (``before[K]`` the day's total).
    """

    arrival: np.ndarray  # (B, M)
    patience: np.ndarray  # (B, M)
    service: np.ndarray  # (B, M)
    before: np.ndarray  # (K + 1, B) int64
    unit: np.ndarray  # (K, B) uniforms for fractional agents

    @property
    def offered(self) -> np.ndarray:
        """Callers arriving in each interval, per replication ``(K, B)``."""
        return np.diff(self.before, axis=0)


def replication_seeds(seed: SeedLike, replications: int) -> list[np.random.SeedSequence]:
    """One independent seed sequence per replication, spawned from ``seed``.

    The same ``seed`` (a whole number, ``None`` or a :class:`numpy.random.SeedSequence`,
    copied so that spawning twice gives the same children) gives the same sequences.

    Examples
    --------
    >>> a, b = replication_seeds(7, 2)
    >>> a.entropy == b.entropy == 7, a.spawn_key, b.spawn_key
    (True, (0,), (1,))
    """
    if isinstance(seed, np.random.SeedSequence):
        # A copy, so that spawning twice from the same object gives the same children.
        root = np.random.SeedSequence(seed.entropy, spawn_key=seed.spawn_key)
    else:
        if seed is not None and (isinstance(seed, bool) or int(seed) != seed or seed < 0):
            raise StaffingError(f"`seed` must be a whole number >= 0 (got {seed!r})")
        root = np.random.SeedSequence(seed)
    return root.spawn(replications)


def draw_callers(
    day: DayModel,
    seeds: Sequence[np.random.SeedSequence],
    volume_factors: np.ndarray | None = None,
    aht_factors: np.ndarray | None = None,
) -> Callers:
    """One replication per seed; draws in a fixed order independent of any staffing.

    Each replication's stream gives, in order: the day factor (if ``volume_cv > 0``), the
    Poisson count per interval, one uniform per interval (fractional agents), then one
    number per caller for its arrival time, its service time and its patience.

    ``volume_factors`` (``(B, K)``) and ``aht_factors`` (``(B,)``), drawn by the caller
    from streams of its own, multiply the rates of each replication and interval and the
    handle times of each replication; they take no numbers from the replications' streams,
    so factors of 1 give the very same callers as none.
    """
    k, b = day.size, len(seeds)
    cv = day.volume_cv
    gens = [np.random.default_rng(seq) for seq in seeds]
    counts = np.empty((b, k), dtype=np.int64)
    unit = np.empty((k, b))
    for row, rng in enumerate(gens):
        factor = rng.standard_gamma(1.0 / (cv * cv)) * cv * cv if cv > 0 else 1.0
        if volume_factors is not None:
            factor = factor * volume_factors[row]
        counts[row] = rng.poisson(day.calls * factor)
        unit[:, row] = rng.random(k)
    total = counts.sum(axis=1)
    width = max(1, int(total.max()))
    u = np.zeros((b, width))
    x = np.zeros((b, width))
    z = np.zeros((b, width))
    lognormal = day.service_cv is not None
    for row, rng in enumerate(gens):
        n = int(total[row])
        rng.random(out=u[row, :n])
        if lognormal:
            rng.standard_normal(out=x[row, :n])
        else:
            rng.standard_exponential(out=x[row, :n])
        if day.curve is not None:
            rng.random(out=z[row, :n])
        elif day.patience_s is not None:
            rng.standard_exponential(out=z[row, :n])
    # The rest is vectorised over the batch; position m of row r is caller m of the day.
    # Padding is an extra interval K at ``_NEVER`` with no length.
    pad = np.concatenate([counts, (width - total)[:, None]], axis=1)
    kidx = np.repeat(np.tile(np.arange(k + 1), b), pad.ravel()).reshape(b, width)
    real = kidx < k
    begin = np.append(day.bounds[:-1], _NEVER)
    length = np.append(day.interval_s, 0.0)
    arrival = np.sort(begin[kidx] + length[kidx] * u, axis=1)  # intervals do not overlap
    mean = np.append(day.aht_s, 0.0)[kidx]
    if lognormal:
        assert day.service_cv is not None
        s2 = np.log1p(day.service_cv**2)
        service = mean * np.exp(np.sqrt(s2) * x - 0.5 * s2)
    else:
        service = mean * x
    if aht_factors is not None:
        service = service * np.asarray(aht_factors, dtype=float)[:, None]
    if day.curve is not None:
        patience = _curve_patience(day.curve, 1.0 - z)  # level in (0, 1]
    elif day.patience_s is not None:
        patience = np.append(day.patience_s, 0.0)[kidx] * z
    else:
        patience = np.full((b, width), np.inf)
    patience[~real] = -np.inf
    before = np.zeros((k + 1, b), dtype=np.int64)
    before[1:] = np.cumsum(counts, axis=1).T
    return Callers(arrival, patience, service, before, unit)


def _curve_patience(curve: tuple[np.ndarray, np.ndarray, float], level: np.ndarray) -> np.ndarray:
    """Inverse of the step survival curve: the first time where ``S(t) < level``.

    With ``level`` uniform on (0, 1], ``P(patience > t) = P(level <= S(t)) = S(t)``.
    """
    times, survival, hazard = curve
    idx = np.searchsorted(-survival, -level, side="right")
    inside = idx < times.size
    out = times[np.minimum(idx, times.size - 1)]
    tail = ~inside
    if np.any(tail):
        last_t, last_s = times[-1], survival[-1]
        with np.errstate(divide="ignore"):
            extra = np.log(last_s / level[tail]) / hazard if hazard > 0 else np.inf
        out = out.copy()
        out[tail] = last_t + extra
    return out


def _columns_staffing(
    agents: np.ndarray, unit: np.ndarray, fractional_agents: FractionalAgents
) -> np.ndarray:
    """Whole agents per interval and replication, ``(K + 1, B)``.

    The last row is after closing (the last interval's staffing, at least one agent).
    """
    a = agents[:, None]
    if fractional_agents == "round":
        whole = np.floor(a + 0.5) + 0.0 * unit
    else:
        low = np.floor(a)
        whole = low + (unit < (a - low))
    whole = whole.astype(np.int64)
    return np.vstack([whole, np.maximum(whole[-1:], 1)])


# --------------------------------------------------------------------------- the kernel


@dataclass
class AgentState:
    """Where each column (replication) is: sorted end times, last virtual start, next caller."""

    slots: np.ndarray  # (N + 1, C): ascending end times of the last N starts; row N is +inf
    last_start: np.ndarray  # (C,)
    pointer: np.ndarray  # (C,) int64: next caller to place

    @classmethod
    def empty(cls, slots: int, columns: int) -> AgentState:
        """Every agent free, ``slots`` end-time slots for each of ``columns`` columns."""
        s = np.full((slots + 1, columns), -np.inf)
        s[slots] = np.inf
        return cls(s, np.full(columns, -np.inf), np.zeros(columns, dtype=np.int64))

    def widened(self, slots: int) -> AgentState:
        """The same state with at least ``slots`` end-time slots (free ones added below)."""
        have = self.slots.shape[0] - 1
        if slots <= have:
            return self
        extra = np.full((slots - have, self.slots.shape[1]), -np.inf)
        return AgentState(np.vstack([extra, self.slots]), self.last_start, self.pointer)

    def tiled(self, copies: int) -> AgentState:
        """The columns repeated ``copies`` times (side by side)."""
        return AgentState(
            np.tile(self.slots, (1, copies)),
            np.tile(self.last_start, copies),
            np.tile(self.pointer, copies),
        )


def advance(
    callers: Callers,
    replica: np.ndarray,
    state: AgentState,
    staff: np.ndarray,
    bounds: np.ndarray,
    stop: np.ndarray,
    until_s: float = np.inf,
    starts: np.ndarray | None = None,
    base: np.ndarray | None = None,
) -> None:
    """Place callers in arrival order, every column at once, updating ``state`` in place.

    Column ``c`` simulates replication ``replica[c]`` with staffing ``staff[:, c]`` and
    places its callers ``pointer[c] .. stop[c] - 1``, halting earlier at the first caller
    whose virtual start is at or after ``until_s`` (left unplaced). Starts are written to
    ``starts[c, pointer - base[c]]``.
    """
    slots = state.slots
    n_slots = slots.shape[0] - 1
    columns = slots.shape[1]
    k_last = staff.shape[0] - 1  # the row after closing
    width = callers.arrival.shape[1]
    cols = np.arange(columns)
    arr_f = callers.arrival.ravel()
    pat_f = callers.patience.ravel()
    svc_f = callers.service.ravel()
    staff_f = np.ascontiguousarray(staff).ravel()
    ends_of = bounds[1:]  # end of interval j (j < K)
    b_start = bounds  # start of interval j, j <= K (K: closing time)
    b_end = np.concatenate([bounds[1:], [np.inf]])
    spare = np.empty_like(slots)
    spare[n_slots] = np.inf
    last = state.last_start
    pointer = state.pointer
    bounded = np.isfinite(until_s)
    record = starts is not None
    if record:
        assert starts is not None and base is not None
        rec_f = starts.ravel()
        rec_w = starts.shape[1]
        rec_row = cols * rec_w - base
    row_of = replica * width
    minus_inf = np.full(columns, -np.inf)
    with np.errstate(invalid="ignore"):
        while True:
            live = pointer < stop
            if not live.any():
                break
            at = row_of + np.minimum(pointer, width - 1)
            arrive = arr_f[at]
            low = np.maximum(arrive, last)
            j = np.searchsorted(ends_of, low, side="right")
            need = staff_f[j * columns + cols]
            slots_f = slots.ravel()
            start = np.maximum(low, slots_f[(n_slots - need) * columns + cols])
            ok = (start < b_end[j]) | (j == k_last)
            if not ok.all():
                idx = np.flatnonzero(~ok)
                jj = j[idx]
                while idx.size:
                    jj = jj + 1
                    nn = staff_f[jj * columns + idx]
                    cand = np.maximum(
                        np.maximum(low[idx], b_start[jj]),
                        slots_f[(n_slots - nn) * columns + idx],
                    )
                    good = (cand < b_end[jj]) | (jj == k_last)
                    start[idx[good]] = cand[good]
                    idx, jj = idx[~good], jj[~good]
            answered = start <= arrive + pat_f[at]  # as in _place_all and tally_intervals
            commit = live & (start < until_s) if bounded else live
            if bounded and not commit.any():
                break
            end = np.where(commit & answered, start + svc_f[at], minus_inf)
            # Remove the smallest end time (over by ``start``) and insert ``end`` in order.
            np.maximum(slots[:n_slots], end, out=spare[:n_slots])
            np.minimum(spare[:n_slots], slots[1:], out=spare[:n_slots])
            slots, spare = spare, slots
            if commit.all():
                last[:] = start
                if record:
                    rec_f[rec_row + pointer] = start
                pointer += 1
            else:
                idx = np.flatnonzero(commit)
                last[idx] = start[idx]
                if record:
                    rec_f[rec_row[idx] + pointer[idx]] = start[idx]
                pointer[idx] += 1
    state.slots = slots


# --------------------------------------------------------------------------- tallies


@dataclass
class Tally:
    """Per interval and column sums, ``(K, C)`` (``(T, K, C)`` for the thresholds)."""

    answered: np.ndarray
    answered_within: np.ndarray
    abandoned: np.ndarray
    abandoned_within: np.ndarray
    wait_answered_s: np.ndarray
    wait_abandoned_s: np.ndarray
    busy_s: np.ndarray

    @classmethod
    def zeros(cls, k: int, t: int, c: int) -> Tally:
        """Zero sums for ``k`` intervals, ``t`` thresholds and ``c`` columns."""
        z = np.zeros((k, c))
        return cls(
            z.copy(),
            np.zeros((t, k, c)),
            z.copy(),
            np.zeros((t, k, c)),
            z.copy(),
            z.copy(),
            z.copy(),
        )

    def add(self, other: Tally) -> Tally:
        """The sums of both tallies, field by field."""
        return Tally(*(getattr(self, f) + getattr(other, f) for f in self.__dataclass_fields__))

    def tiled(self, copies: int) -> Tally:
        """The columns repeated ``copies`` times (side by side)."""
        return Tally(*(np.tile(getattr(self, f), copies) for f in self.__dataclass_fields__))


def _segment_sums(values: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """``out[k, c] = values[c, edges[k, c] : edges[k + 1, c]].sum()`` for ``(C, W)`` values."""
    columns, width = values.shape
    k = edges.shape[0] - 1
    flat = np.ascontiguousarray(values, dtype=float).ravel()
    idx = (edges + np.arange(columns)[None, :] * width).T.ravel()  # ascending
    out = np.zeros(idx.size)
    inside = idx < flat.size  # only the very last end can be past the data
    if flat.size:
        out[inside] = np.add.reduceat(flat, idx[inside])
    out = out.reshape(columns, k + 1)[:, :k].T
    out[edges[1:] == edges[:-1]] = 0.0  # reduceat gives values[i], not 0, when empty
    return out


_TALLY_ROWS = 64  # rows tallied at a time, so that temporaries stay in cache


def tally_intervals(
    day: DayModel,
    arrival: np.ndarray,
    patience: np.ndarray,
    service: np.ndarray,
    start: np.ndarray,
    edges: np.ndarray,
) -> Tally:
    """Sums per arrival interval of callers in ``(C, W)`` arrays, in arrival order by row.

    Row ``c`` holds the callers of interval ``k`` at positions ``edges[k, c]`` to
    ``edges[k + 1, c] - 1``; positions outside ``edges[0] .. edges[K]`` must be padding
    (patience ``-inf``) or unplaced (start NaN). A call is answered when it starts by
    ``arrival + patience`` (the same test as the kernels).
    """
    parts = [
        _tally_rows(
            day,
            arrival[lo : lo + _TALLY_ROWS],
            patience[lo : lo + _TALLY_ROWS],
            service[lo : lo + _TALLY_ROWS],
            start[lo : lo + _TALLY_ROWS],
            edges[:, lo : lo + _TALLY_ROWS],
        )
        for lo in range(0, arrival.shape[0], _TALLY_ROWS)
    ]
    return Tally(
        *(
            np.concatenate([getattr(p, f) for p in parts], axis=-1)
            for f in Tally.__dataclass_fields__
        )
    )


def _tally_rows(
    day: DayModel,
    arrival: np.ndarray,
    patience: np.ndarray,
    service: np.ndarray,
    start: np.ndarray,
    edges: np.ndarray,
) -> Tally:
    k = day.size
    columns = arrival.shape[0]
    with np.errstate(invalid="ignore"):
        wait = start - arrival
        answered = start <= arrival + patience  # False for padding (-inf) and unplaced (NaN)
    # Only summed within ``edges``; the finite check keeps padding (-inf) out of the sums.
    abandoned = ~answered & np.isfinite(patience)

    def total(values: np.ndarray) -> np.ndarray:
        return _segment_sums(values, edges)

    thresholds = day.thresholds_s
    answered_within = np.stack([total(answered & (wait <= t)) for t in thresholds])
    abandoned_within = np.stack([total(abandoned & (patience <= t)) for t in thresholds])
    # Busy agent-seconds in each interval: with F(b) = sum over answered calls of
    # min(b, end) - min(b, start), interval k gets F(b_{k+1}) - F(b_k).
    bounds = day.bounds
    s = np.where(answered, start, 0.0)
    e = s + np.where(answered, service, 0.0)
    weight = answered.ravel().astype(float)
    row = (np.arange(columns) * (k + 2))[:, None]
    uniform = np.all(day.interval_s == day.interval_s[0])
    size = (k + 2) * columns
    f = np.zeros((k + 1, columns))
    for values, sign in ((e, 1.0), (s, -1.0)):
        if uniform:  # boundaries <= value, by division (a tie at a boundary counts either way)
            q = np.minimum(np.floor(values * (1.0 / day.interval_s[0])), k).astype(np.intp) + 1
        else:
            q = np.searchsorted(bounds, values, side="right")
        flat = (q + row).ravel()
        sums = np.bincount(flat, values.ravel(), minlength=size).reshape(columns, k + 2).T
        counts = np.bincount(flat, weight, minlength=size).reshape(columns, k + 2).T
        below = np.cumsum(sums, axis=0)[: k + 1]  # sum of values < b_m
        n_below = np.cumsum(counts, axis=0)[: k + 1]
        f += sign * (below + bounds[:, None] * (counts.sum(axis=0) - n_below))
    return Tally(
        answered=total(answered),
        answered_within=answered_within,
        abandoned=total(abandoned),
        abandoned_within=abandoned_within,
        wait_answered_s=total(np.where(answered, wait, 0.0)),
        wait_abandoned_s=total(np.where(abandoned, patience, 0.0)),
        busy_s=np.diff(f, axis=0),
    )


# --------------------------------------------------------------------------- redials

_POOL = 4096  # attempts' worth of redial draws added to a replication's pool at a time


class _RedialDraws:
    """Per replication, the numbers deciding what its ``i``-th attempt does next.

    A uniform for calling again, one for the delay, and the next attempt's patience and
    handle-time draws; drawn from a stream of its own, ``_POOL`` attempts at a time.
    """

    def __init__(self, day: DayModel, seeds: Sequence[np.random.SeedSequence]) -> None:
        self.day = day
        self.gens = [
            np.random.default_rng(
                np.random.SeedSequence(seq.entropy, spawn_key=(*seq.spawn_key, 0x5ED1A1))
            )
            for seq in seeds
        ]
        self.blocks: list[np.ndarray] = []  # (4, _POOL, B) each

    def row(self, i: int) -> np.ndarray:
        """``(4, B)``: again, delay, patience and service draws of attempt ``i``."""
        block, at = divmod(i, _POOL)
        while block >= len(self.blocks):
            self._extend()
        return self.blocks[block][:, at]

    def _extend(self) -> None:
        b = len(self.gens)
        block = np.empty((4, _POOL, b))
        lognormal = self.day.service_cv is not None
        for col, rng in enumerate(self.gens):
            block[0, :, col] = rng.random(_POOL)
            block[1, :, col] = 1.0 - rng.random(_POOL)  # in (0, 1]
            block[2, :, col] = 1.0 - rng.random(_POOL)
            block[3, :, col] = (
                rng.standard_normal(_POOL) if lognormal else rng.standard_exponential(_POOL)
            )
        self.blocks.append(block)


def _attempt_draws(
    day: DayModel, k: np.ndarray, level: np.ndarray, x: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Patience and handle time of new attempts arriving in intervals ``k``.

    From a uniform ``level`` in (0, 1] and a service draw ``x`` (standard exponential or
    normal).
    """
    if day.curve is not None:
        patience = _curve_patience(day.curve, level)
    elif day.patience_s is not None:
        patience = day.patience_s[k] * -np.log(level)
    else:
        patience = np.full(k.shape, np.inf)
    mean = day.aht_s[k]
    if day.service_cv is not None:
        s2 = np.log1p(day.service_cv**2)
        service = mean * np.exp(np.sqrt(s2) * x - 0.5 * s2)
    else:
        service = mean * x
    return patience, service


def _run_redials(
    day: DayModel,
    callers: Callers,
    staff: np.ndarray,
    seeds: Sequence[np.random.SeedSequence],
) -> tuple[np.ndarray, Tally, np.ndarray, np.ndarray]:
    """Simulate a batch with callers calling again (module notes).

    Each step places the next attempt of every replication: the earlier of its next
    fresh caller and its earliest pending redial, by the FCFS recursion of
    :func:`_place_all`. Returns the attempts offered, the tally, the redials and the lost
    customers per interval, ``(K, B)`` each.
    """
    assert day.delay is not None
    k_count = day.size
    rows, width = callers.arrival.shape
    cols = np.arange(rows)
    n_slots = int(staff.max())
    slots = np.full((n_slots + 1, rows), -np.inf)
    slots[n_slots] = np.inf
    spare = np.empty_like(slots)
    spare[n_slots] = np.inf
    k1 = staff.shape[0]
    slot_at = ((n_slots - staff) * rows + cols[None, :]).T.ravel()
    row_slot = cols * k1
    ends_of = day.bounds[1:]
    b_start = day.bounds
    b_end = np.concatenate([day.bounds[1:], [np.inf]])
    close = day.bounds[-1]
    redial = day.redial if day.redial is not None else np.zeros(k_count)
    reconnect = day.reconnect if day.reconnect is not None else np.zeros(k_count)
    draws = _RedialDraws(day, seeds)
    idx_none = np.zeros(0, dtype=np.int64)

    # the fresh callers, each row ending with a padding caller that never arrives
    pad = np.full((rows, 1), _NEVER)
    arr_f = np.hstack([callers.arrival, pad]).ravel()
    pat_f = np.hstack([callers.patience, np.full((rows, 1), -np.inf)]).ravel()
    svc_f = np.hstack([callers.service, np.zeros((rows, 1))]).ravel()
    row_off = cols * (width + 1)
    pend_t = np.full((8, rows), np.inf)  # pending redials: arrival, patience, handle time
    pend_p = np.zeros((8, rows))
    pend_s = np.zeros((8, rows))
    pointer = np.zeros(rows, dtype=np.int64)
    last = np.full(rows, -np.inf)
    minus_inf = np.full(rows, -np.inf)
    last_k = k_count - 1
    cap = max(16, int(width * 1.5))
    rec = {
        name: np.empty((cap, rows))
        for name in ("arrival", "patience", "service", "start", "again", "lost")
    }
    i = 0
    while True:
        at = row_off + pointer
        fresh_t = arr_f[at]
        j = pend_t.argmin(axis=0)
        flat_j = j * rows + cols
        red_t = pend_t.ravel()[flat_j]
        use = red_t < fresh_t
        arrive = np.where(use, red_t, fresh_t)
        if arrive.min() >= _NEVER:
            break
        patience = np.where(use, pend_p.ravel()[flat_j], pat_f[at])
        service = np.where(use, pend_s.ravel()[flat_j], svc_f[at])
        if use.any():
            pend_t.ravel()[flat_j[use]] = np.inf
        pointer += ~use & (fresh_t < _NEVER)

        low = np.maximum(arrive, last)
        jj = np.searchsorted(ends_of, low, side="right")
        flat = slots.ravel()
        start = np.maximum(low, flat[slot_at[row_slot + jj]])
        ok = start < b_end[jj]
        if not ok.all():
            idx = np.flatnonzero(~ok)
            jx = jj[idx]
            while idx.size:
                jx = jx + 1
                cand = np.maximum(
                    np.maximum(low[idx], b_start[jx]), flat[slot_at[row_slot[idx] + jx]]
                )
                good = cand < b_end[jx]
                start[idx[good]] = cand[good]
                idx, jx = idx[~good], jx[~good]
        real = arrive < _NEVER
        answered = start <= arrive + patience
        end = np.where(answered, start + service, minus_inf)
        np.maximum(slots[:n_slots], end, out=spare[:n_slots])
        np.minimum(spare[:n_slots], slots[1:], out=spare[:n_slots])
        slots, spare = spare, slots
        last = np.where(real, start, last)

        # what the attempt's caller does next
        u, dz, pz, sz = draws.row(i)
        k = np.minimum(ends_of.searchsorted(arrive, side="right"), last_k)
        abandoned = ~answered & (patience > -np.inf) & (patience < np.inf)
        back_ab = abandoned & (u < redial[k])
        back_an = answered & (u < reconnect[k])
        new = back_ab | back_an
        if new.any():
            idx = np.flatnonzero(new)
            when = np.where(back_ab[idx], arrive[idx] + patience[idx], end[idx])
            when = when + day.delay.sample(dz[idx])
            keep = when < close
            idx, when = idx[keep], when[keep]
        else:
            idx = idx_none
        if idx.size:
            free = pend_t[:, idx] == np.inf
            if not free.any(axis=0).all():
                grow = pend_t.shape[0]
                pend_t = np.vstack([pend_t, np.full((grow, rows), np.inf)])
                pend_p = np.vstack([pend_p, np.zeros((grow, rows))])
                pend_s = np.vstack([pend_s, np.zeros((grow, rows))])
                free = pend_t[:, idx] == np.inf
            slot = free.argmax(axis=0)
            k_new = np.minimum(ends_of.searchsorted(when, side="right"), last_k)
            p_new, s_new = _attempt_draws(day, k_new, pz[idx], sz[idx])
            pend_t[slot, idx] = when
            pend_p[slot, idx] = p_new
            pend_s[slot, idx] = s_new

        if i >= cap:
            cap *= 2
            for name, values in rec.items():
                grown = np.empty((cap, rows))
                grown[:i] = values[:i]
                rec[name] = grown
        rec["arrival"][i] = arrive
        rec["patience"][i] = patience
        rec["service"][i] = service
        rec["start"][i] = start
        rec["again"][i] = use & real
        rec["lost"][i] = abandoned & ~back_ab
        i += 1

    arrival = np.ascontiguousarray(rec["arrival"][:i].T)
    edges = np.stack([(arrival < b).sum(axis=1) for b in day.bounds]).astype(np.int64)
    tally = tally_intervals(
        day,
        arrival,
        np.ascontiguousarray(rec["patience"][:i].T),
        np.ascontiguousarray(rec["service"][:i].T),
        np.ascontiguousarray(rec["start"][:i].T),
        edges,
    )
    offered = np.diff(edges, axis=0)
    redials = _segment_sums(np.ascontiguousarray(rec["again"][:i].T), edges)
    lost = _segment_sums(np.ascontiguousarray(rec["lost"][:i].T), edges)
    return offered, tally, redials, lost


# --------------------------------------------------------------------------- public API


@dataclass(frozen=True)
class SimulatedDay:
    """What each replication of a simulated queue-day counted, per interval.

    Arrays are ``(replications, K)``; ``answered_within`` and ``abandoned_within`` are
    ``(replications, K, T)``, one slice per threshold in ``thresholds_s``. Calls count in
    the interval they arrive in; busy agent-seconds in the interval the work is done.

    Attributes
    ----------
    offered : calls arriving [count].
    answered, abandoned : their fates [count].
    answered_within : answered with a wait <= each threshold [count].
    abandoned_within : abandoned with a wait <= each threshold [count].
    wait_answered_s : total wait of answered calls [s].
    wait_abandoned_s : total wait of abandoned calls [s].
    busy_s : agent-seconds spent serving calls within the interval [s].
    agents : whole agents staffed (after the fractional rule) [count].
    interval_s : interval lengths, ``(K,)`` [s].
    thresholds_s : the service-level thresholds counted [s].
    redials : with redials, the attempts that were a caller calling again [count];
        ``offered - redials`` are fresh calls. ``None`` without redials.
    lost : with redials, abandoned attempts not followed by another: customers who gave
        up for good [count]. ``None`` without redials.
    """

    offered: np.ndarray
    answered: np.ndarray
    answered_within: np.ndarray
    abandoned: np.ndarray
    abandoned_within: np.ndarray
    wait_answered_s: np.ndarray
    wait_abandoned_s: np.ndarray
    busy_s: np.ndarray
    agents: np.ndarray
    interval_s: np.ndarray
    thresholds_s: tuple[float, ...]
    redials: np.ndarray | None = None
    lost: np.ndarray | None = None

    @classmethod
    def joined(cls, parts: Sequence[SimulatedDay]) -> SimulatedDay:
        """Stretches of one day simulated one after another, as one day.

        Replication ``r`` of each part is part of replication ``r`` of the day; the
        intervals follow in the parts' order.
        """
        if len(parts) == 1:
            return parts[0]

        def cat(name: str) -> np.ndarray:
            return np.concatenate([getattr(p, name) for p in parts], axis=1)

        return cls(
            offered=cat("offered"),
            answered=cat("answered"),
            answered_within=cat("answered_within"),
            abandoned=cat("abandoned"),
            abandoned_within=cat("abandoned_within"),
            wait_answered_s=cat("wait_answered_s"),
            wait_abandoned_s=cat("wait_abandoned_s"),
            busy_s=cat("busy_s"),
            agents=cat("agents"),
            interval_s=np.concatenate([p.interval_s for p in parts]),
            thresholds_s=parts[0].thresholds_s,
            redials=cat("redials") if parts[0].redials is not None else None,
            lost=cat("lost") if parts[0].lost is not None else None,
        )

    @property
    def fresh(self) -> np.ndarray:
        """Fresh calls arriving [count] (all of ``offered`` without redials)."""
        return self.offered if self.redials is None else self.offered - self.redials

    @property
    def replications(self) -> int:
        """Number of replications simulated."""
        return int(self.offered.shape[0])

    @property
    def callers(self) -> int:
        """Callers simulated in all replications."""
        return int(self.offered.sum())


def _check_agents(agents: Any, size: int) -> np.ndarray:
    n = _vector(agents, size, "agents")
    with np.errstate(invalid="ignore"):
        _check("agents", n, np.isfinite(n) & (n >= 0), "finite and >= 0")
    return n


def simulate_day(
    calls: Any,
    aht_s: Any,
    agents: Any,
    *,
    interval_s: Any = 1800,
    threshold_s: float | Sequence[float] = 20,
    patience_s: Any = None,
    patience_curve: tuple[Any, Any] | None = None,
    service_cv: float | None = None,
    volume_cv: float = 0.0,
    replications: int = 1000,
    seed: SeedLike = 0,
    fractional_agents: FractionalAgents = "random",
    batch_size: int | None = None,
    volume_factors: Any = None,
    aht_factors: Any = None,
    redial: Any = None,
    reconnect: Any = None,
    redial_delay_s: float | None = None,
    redial_delay: RedialDelay | None = None,
) -> SimulatedDay:
    """Simulate one queue-day continuously, interval after interval, many times over.

    Parameters
    ----------
    calls : 1-d array or Series
        Expected calls offered per interval [count]; the Poisson mean.
    aht_s : float or 1-d array
        Mean handle time of calls arriving in each interval [s].
    agents : float or 1-d array
        Agents on the phones per interval [count]; fractions follow ``fractional_agents``.
    interval_s : float or 1-d array, default 1800
        Interval lengths [s]; the day starts at 0.
    threshold_s : float or sequence of float, default 20
        Service-level threshold(s) counted [s].
    patience_s : float, 1-d array or None
        Mean exponential patience of calls arriving in each interval [s]; ``None``, ``inf``
        or ``NaN``: nobody abandons (Erlang C).
    patience_curve : (times_s, survival), optional
        Empirical patience survival curve instead of ``patience_s`` (a Kaplan-Meier step
        function: P(patience > t) = ``survival[i]`` from ``times_s[i]`` on).
    service_cv : float or None, default None
        ``None``: exponential service; a number: lognormal with this coefficient of
        variation.
    volume_cv : float, default 0
        Coefficient of variation of a day-level gamma factor on the arrival rates.
    replications : int, default 1000
        Independent days simulated.
    seed : int, SeedSequence or None, default 0
        Seed of the random streams (one per replication); ``None`` draws fresh entropy.
    fractional_agents : {"random", "round"}, default "random"
        How a fractional staffing is made whole (see the module notes).
    batch_size : int, optional
        Replications simulated together (memory vs speed; results do not depend on it).
        Default: about 1.5 million expected callers per batch (at most 1,000 replications),
        some 200 MB of working memory.
    volume_factors : 2-d array, optional
        ``(replications, K)`` multipliers of each replication's arrival rates (forecast
        error drawn by the caller, e.g. per interval); on top of ``volume_cv``.
    aht_factors : 1-d array, optional
        ``(replications,)`` multipliers of each replication's handle times (handle-time
        forecast error drawn by the caller).
    redial : float or 1-d array, optional
        Share of abandoned attempts (arriving in each interval) whose caller calls again,
        in ``[0, 1)``; ``calls`` are then fresh calls (see the module notes).
    reconnect : float or 1-d array, optional
        Share of answered attempts whose caller calls again, in ``[0, 1)``.
    redial_delay_s : float, optional
        Mean of an exponential delay before calling again [s].
    redial_delay : RedialDelay, optional
        The delay's distribution instead (an empirical curve from a calibration).

    Returns
    -------
    SimulatedDay
        Counts and sums per replication and interval;
        :func:`~staffing.simulation.estimates.interval_estimates` and
        :func:`~staffing.simulation.estimates.day_estimates` turn them into estimates with
        confidence intervals.

    Notes
    -----
    The model is stated in the module notes (:mod:`staffing.simulation.engine`). The work
    is a loop over callers in arrival order; each step handles every replication of a batch
    with a few numpy operations on arrays of ``batch_size x max(agents)``.

    Examples
    --------
    >>> sim = simulate_day([100, 150, 120], 180, [12, 16, 13], replications=200, seed=1)
    >>> sim.offered.shape, sim.answered_within.shape
    ((200, 3), (200, 3, 1))
    >>> from staffing.simulation import interval_estimates
    >>> est = interval_estimates(sim, "80/20")
    >>> bool(est["service_level_lo"][1] < est["service_level"][1] < est["service_level_hi"][1])
    True
    """
    day = make_day(
        calls,
        aht_s,
        interval_s,
        threshold_s,
        patience_s,
        patience_curve,
        service_cv,
        volume_cv,
        redial=redial,
        reconnect=reconnect,
        redial_delay_s=redial_delay_s,
        redial_delay=redial_delay,
    )
    n = _check_agents(agents, day.size)
    if fractional_agents not in ("random", "round"):
        raise StaffingError("`fractional_agents` must be 'random' or 'round'")
    if int(replications) != replications or replications < 1:
        raise StaffingError(f"`replications` must be a whole number >= 1 (got {replications!r})")
    if batch_size is None:
        batch_size = int(np.clip(_BATCH_CALLERS / max(day.calls.sum(), 1.0), 16, 1000))
    if int(batch_size) != batch_size or batch_size < 1:
        raise StaffingError(f"`batch_size` must be a whole number >= 1 (got {batch_size!r})")
    seeds = replication_seeds(seed, int(replications))
    vf, af = _factors(volume_factors, aht_factors, int(replications), day.size)
    if day.redials and (vf is not None or af is not None):
        raise StaffingError(
            "forecast-error draws (`volume_factors`, `aht_factors`) are not simulated with "
            "redials: give one or the other"
        )
    parts: list[tuple[np.ndarray, Tally, np.ndarray]] = []
    again: list[tuple[np.ndarray, np.ndarray]] = []
    for first in range(0, len(seeds), int(batch_size)):
        batch = slice(first, first + int(batch_size))
        callers = draw_callers(
            day,
            seeds[batch],
            None if vf is None else vf[batch],
            None if af is None else af[batch],
        )
        staff = _columns_staffing(n, callers.unit, fractional_agents)
        if day.redials:
            offered, tally, redials, lost = _run_redials(day, callers, staff, seeds[batch])
            parts.append((offered, tally, staff))
            again.append((redials, lost))
        else:
            tally = _run_full(day, callers, staff)
            parts.append((callers.offered, tally, staff))
        del callers
    sim = _assemble(day, parts)
    if not again:
        return sim
    return replace(
        sim,
        redials=np.concatenate([r for r, _ in again], axis=-1).T.astype(np.int64),
        lost=np.concatenate([lo for _, lo in again], axis=-1).T.astype(np.int64),
    )


def _factors(
    volume_factors: Any, aht_factors: Any, replications: int, size: int
) -> tuple[np.ndarray | None, np.ndarray | None]:
    vf = af = None
    if volume_factors is not None:
        vf = np.asarray(volume_factors, dtype=float)
        if vf.shape != (replications, size):
            raise StaffingError(
                f"`volume_factors` must have shape (replications, intervals) = "
                f"({replications}, {size}) (got {vf.shape})"
            )
        with np.errstate(invalid="ignore"):
            _check("volume_factors", vf, np.isfinite(vf) & (vf >= 0), "finite and >= 0")
    if aht_factors is not None:
        af = np.asarray(aht_factors, dtype=float).reshape(-1)
        if af.size != replications:
            raise StaffingError(
                f"`aht_factors` needs one value per replication ({replications}, got {af.size})"
            )
        with np.errstate(invalid="ignore"):
            _check("aht_factors", af, np.isfinite(af) & (af > 0), "finite and > 0")
    return vf, af


def _run_full(day: DayModel, callers: Callers, staff: np.ndarray) -> Tally:
    """Simulate every caller of a batch with per-replication staffing ``(K + 1, B)``.

    The same recursion as :func:`advance`, specialised to every row placing its caller
    ``i`` at step ``i`` (padding callers never take an agent), so a step needs no masks.
    """
    starts = _place_all(day, callers, staff)
    return tally_intervals(
        day, callers.arrival, callers.patience, callers.service, starts.T, callers.before
    )


def _place_all(day: DayModel, callers: Callers, staff: np.ndarray) -> np.ndarray:
    """Virtual starts ``(M, B)`` of every caller (see :func:`_run_full`)."""
    rows, width = callers.arrival.shape
    n_slots = int(staff.max())
    slots = np.full((n_slots + 1, rows), -np.inf)
    slots[n_slots] = np.inf
    spare = np.empty_like(slots)
    spare[n_slots] = np.inf
    k1 = staff.shape[0]
    # Flat position in ``slots`` of the n-th largest end time, per row and interval.
    slot_at = ((n_slots - staff) * rows + np.arange(rows)[None, :]).T.ravel()
    row_slot = np.arange(rows) * k1
    # Step i reads row i of these: contiguous across replications.
    arrival = np.ascontiguousarray(callers.arrival.T)
    deadline = arrival + callers.patience.T  # the latest start at which a call is answered
    service = np.ascontiguousarray(callers.service.T)
    ends_of = day.bounds[1:]
    b_start = day.bounds
    b_end = np.concatenate([day.bounds[1:], [np.inf]])
    starts = np.empty((width, rows))
    last = np.full(rows, -np.inf)
    minus_inf = np.full(rows, -np.inf)
    flat = slots.ravel()
    for i in range(width):
        low = np.maximum(arrival[i], last)
        j = np.searchsorted(ends_of, low, side="right")
        start = starts[i]
        np.maximum(low, flat[slot_at[row_slot + j]], out=start)
        ok = start < b_end[j]
        if not ok.all():  # no agent free before the interval ends: look further
            idx = np.flatnonzero(~ok)
            jj = j[idx]
            while idx.size:
                jj = jj + 1
                cand = np.maximum(
                    np.maximum(low[idx], b_start[jj]), flat[slot_at[row_slot[idx] + jj]]
                )
                good = cand < b_end[jj]
                start[idx[good]] = cand[good]
                idx, jj = idx[~good], jj[~good]
        end = np.where(start <= deadline[i], start + service[i], minus_inf)
        np.maximum(slots[:n_slots], end, out=spare[:n_slots])
        np.minimum(spare[:n_slots], slots[1:], out=spare[:n_slots])
        slots, spare = spare, slots
        flat = slots.ravel()
        last = start
    return starts


def _assemble(day: DayModel, parts: Sequence[tuple[np.ndarray, Tally, np.ndarray]]) -> SimulatedDay:
    def cat(get: Any) -> np.ndarray:
        return np.concatenate([get(p) for p in parts], axis=-1)

    def rk(x: np.ndarray) -> np.ndarray:  # (K, R) -> (R, K); (T, K, R) -> (R, K, T)
        return np.ascontiguousarray(np.moveaxis(x, -1, 0) if x.ndim == 2 else x.transpose(2, 1, 0))

    return SimulatedDay(
        offered=rk(cat(lambda p: p[0])),
        answered=rk(cat(lambda p: p[1].answered)).astype(np.int64),
        answered_within=rk(cat(lambda p: p[1].answered_within)).astype(np.int64),
        abandoned=rk(cat(lambda p: p[1].abandoned)).astype(np.int64),
        abandoned_within=rk(cat(lambda p: p[1].abandoned_within)).astype(np.int64),
        wait_answered_s=rk(cat(lambda p: p[1].wait_answered_s)),
        wait_abandoned_s=rk(cat(lambda p: p[1].wait_abandoned_s)),
        busy_s=rk(cat(lambda p: p[1].busy_s)),
        agents=rk(cat(lambda p: p[2][:-1])),
        interval_s=day.interval_s.copy(),
        thresholds_s=day.thresholds_s,
    )
