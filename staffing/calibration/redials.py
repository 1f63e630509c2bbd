"""Callers who call back, measured: redial shares and delays from caller ids.

An ACD counts attempts. Where its per-call records name the caller (``caller_id``; the
Anonymous Bank's ``customer_id``), the calls of each caller can be followed: a call that
abandons is *redialled* when the same caller calls again within a window (10 minutes,
1 hour, 24 hours), the *delay* is the time from hanging up to that next call, and an
answered call is *reconnected* when its caller calls again within the window after it
ended. The redial share within the last window and the delays of those redials are what
the planner needs (:class:`~staffing.prepared.QueueModel`); the attempts that were
redials are what a forecast of fresh calls leaves out.

Estimates
---------
Per queue (of the abandoned call), over the calls with a caller id:

* ``share_<window>``: abandons followed by another call of the caller within the window
  after hanging up, over abandons, with an exact (Clopper-Pearson) interval;
* ``delay_curve``: for the redials within the last window, the share back within each
  delay (at most 200 points, the empirical distribution function thinned by quantiles);
* ``reconnect_share``: answered calls followed by another call of the caller within the
  last window after the call ended;
* ``attempts``, ``redial_calls``, ``reconnect_calls``, ``fresh_calls``: the queue's calls,
  those that followed an abandon (or an answered call) of the same caller within the last
  window, and the fresh calls: every attempt but the redials (a reconnect is new demand
  to a plan that does not model reconnects, so it counts as fresh too). Calls without a
  caller id count as fresh: nothing tells.

The next call may be to any queue; it is found among the calls given (for the
Anonymous Bank, those that reached the queue: a redial that hung up in the voice menu is
not seen, so the shares are lower bounds).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from staffing.errors import InputError
from staffing.frames import check_column

__all__ = [
    "REDIAL_SUMMARY_COLUMNS",
    "REDIAL_WINDOWS",
    "GivenRedials",
    "RedialFitter",
    "caller_ids",
]

#: Windows [s] within which a next call counts as a redial: 10 minutes, 1 hour, 24 hours.
REDIAL_WINDOWS: tuple[float, ...] = (600.0, 3600.0, 86400.0)
#: Columns of :attr:`RedialFitter.summary`.
REDIAL_SUMMARY_COLUMNS: tuple[str, ...] = (
    "queue",
    "calls",
    "identified",
    "abandons",
    "share_10min",
    "share_1h",
    "share_24h",
    "share_ci_low",
    "share_ci_high",
    "median_delay_s",
    "answered",
    "reconnect_share",
    "redial_calls",
    "reconnect_calls",
    "fresh_calls",
)
_CURVE_POINTS = 200


def _label(seconds: float) -> str:
    if seconds % 3600 == 0:
        return f"{int(seconds // 3600)}h"
    if seconds % 60 == 0:
        return f"{int(seconds // 60)}min"
    return f"{seconds:g}s"


def caller_ids(records: pd.DataFrame, *, source: str = "history") -> pd.Series:
    """The records' caller ids as text, missing where unknown (empty, ``0``, NaN).

    Raises
    ------
    InputError
        No ``caller_id`` column.

    Examples
    --------
    >>> caller_ids(pd.DataFrame({"caller_id": ["007", 0, None, 12.0]})).tolist()
    ['007', None, None, '12']
    >>> caller_ids(pd.DataFrame({"caller_id": ["a", "0.0"]})).tolist()
    ['a', None]
    """
    if "caller_id" not in records.columns:
        raise InputError("no 'caller_id' column: redials cannot be followed", source=source)

    def one(v: Any) -> str | None:
        if v is None or (isinstance(v, float) and np.isnan(v)):
            return None
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        text = str(v).strip()
        return None if text in ("", "0", "0.0", "nan", "None") else text

    values = records["caller_id"].to_numpy(dtype=object)
    return pd.Series([one(v) for v in values], index=records.index, dtype=object)


class RedialFitter:
    """Redial and reconnect shares per queue, and the delay curve, from caller ids.

    Parameters
    ----------
    windows : sequence of float, default (600, 3600, 86400)
        Windows [s] within which a next call counts as a redial; the last is the one the
        planner takes (its share and the curve of its delays).
    confidence : float, default 0.95
        Level of the interval of the last window's share.

    Attributes
    ----------
    summary : DataFrame
        One row per queue, columns :data:`REDIAL_SUMMARY_COLUMNS` (shares per window,
        named by the default windows' labels when those are the windows).
    delay_curves_ : dict of str to DataFrame
        Per queue, ``delay_s`` and ``share`` (redials back within each delay, among those
        back within the last window).
    calls_ : DataFrame
        The records with ``caller_id``, ``kind`` (``fresh``, ``redial``, ``reconnect``)
        and ``delay_s`` (from the caller's previous call, NaN for fresh calls).

    Examples
    --------
    Caller ``a`` hangs up after 60 s and calls again 5 minutes later; ``b`` is answered
    and calls again two days later (a fresh call):

    >>> calls = pd.DataFrame({
    ...     "arrival": pd.to_datetime(["2025-03-03 09:00", "2025-03-03 09:06",
    ...                                "2025-03-03 10:00", "2025-03-05 10:00"]),
    ...     "queue": "sales", "wait_s": [60.0, 10.0, 5.0, 5.0],
    ...     "outcome": ["abandoned", "answered", "answered", "answered"],
    ...     "handle_s": [np.nan, 200.0, 100.0, 100.0], "caller_id": ["a", "a", "b", "b"]})
    >>> fit = RedialFitter().fit(calls)
    >>> fit.summary[["abandons", "share_10min", "share_24h", "fresh_calls"]].to_dict("records")
    [{'abandons': 1, 'share_10min': 1.0, 'share_24h': 1.0, 'fresh_calls': 3}]
    >>> fit.calls_["kind"].tolist(), fit.calls_["delay_s"].tolist()[1]
    (['fresh', 'redial', 'fresh', 'fresh'], 300.0)
    """

    def __init__(
        self, *, windows: Sequence[float] = REDIAL_WINDOWS, confidence: float = 0.95
    ) -> None:
        self.windows = tuple(float(w) for w in windows)
        self.confidence = confidence

    def _check(self) -> None:
        if not self.windows or any(not (w > 0 and np.isfinite(w)) for w in self.windows):
            raise InputError(f"redial windows {self.windows!r} must be positive durations")
        if list(self.windows) != sorted(self.windows):
            raise InputError("redial windows must be given shortest first")
        if not 0.0 < self.confidence < 1.0:
            raise InputError(f"confidence must lie strictly between 0 and 1, not {self.confidence}")

    def fit(self, records: pd.DataFrame) -> RedialFitter:
        """Follow each caller's calls (validated records with ``caller_id``).

        Raises
        ------
        InputError
            No ``caller_id`` column, no ids at all, or ids that never repeat (a call id,
            not a caller's).
        """
        self._check()
        source = str(records.attrs.get("source", "history"))
        ids = caller_ids(records, source=source)
        known = ids.notna().to_numpy()
        if not known.any():
            raise InputError(
                "no caller ids: redials cannot be followed (give the share with --redial)",
                source=source,
                column="caller_id",
            )
        counts = ids[known].value_counts()
        if int(counts.max()) < 2:
            raise InputError(
                f"the {int(known.sum()):,} caller ids never repeat: no caller called twice, so "
                "these are not caller ids (a call id?); give the redial share with --redial",
                source=source,
                column="caller_id",
            )
        check_column(
            records,
            "arrival",
            records["arrival"].notna().to_numpy(),
            "missing arrival",
            source=source,
        )
        self.source_ = source
        self.calls_ = self._follow(records, ids)
        self.summary, self.delay_curves_ = self._estimate(self.calls_)
        return self

    def _follow(self, records: pd.DataFrame, ids: pd.Series) -> pd.DataFrame:
        """Each call's kind and delay from the caller's previous call."""
        r = records.reset_index(drop=True).copy()
        r["caller_id"] = ids.to_numpy()
        arrival = r["arrival"]
        if isinstance(arrival.dtype, pd.DatetimeTZDtype):
            arrival = arrival.dt.tz_convert("UTC").dt.tz_localize(None)
        t = arrival.to_numpy().astype("datetime64[ns]").astype(np.int64) / 1e9
        wait = r["wait_s"].to_numpy(dtype=float)
        handle = np.nan_to_num(r["handle_s"].to_numpy(dtype=float))
        abandoned = (r["outcome"] == "abandoned").to_numpy()
        # when the call left the queue: hung up, or the end of the answered call
        left = np.where(abandoned, t + wait, t + wait + handle)
        known = r["caller_id"].notna().to_numpy()
        order = np.lexsort((t, r["caller_id"].fillna("").to_numpy(dtype=str)))
        order = order[known[order]]
        ids_sorted = r["caller_id"].to_numpy(dtype=object)[order]
        same = np.zeros(order.size, dtype=bool)
        same[1:] = ids_sorted[1:] == ids_sorted[:-1]
        prev = np.full(len(r), -1, dtype=np.int64)
        prev[order[1:][same[1:]]] = order[:-1][same[1:]]
        has_prev = prev >= 0
        delay = np.full(len(r), np.nan)
        delay[has_prev] = t[has_prev] - left[prev[has_prev]]
        window = self.windows[-1]
        within = has_prev & (delay <= window)
        after_abandon = np.zeros(len(r), dtype=bool)
        after_abandon[has_prev] = abandoned[prev[has_prev]]
        kind = np.where(within & after_abandon, "redial", np.where(within, "reconnect", "fresh"))
        nxt = np.full(len(r), -1, dtype=np.int64)
        nxt[prev[has_prev]] = np.flatnonzero(has_prev)
        next_delay = np.full(len(r), np.nan)
        has_next = nxt >= 0
        next_delay[has_next] = delay[nxt[has_next]]
        r["kind"] = kind
        r["delay_s"] = np.where(kind == "fresh", np.nan, delay)
        r["next_delay_s"] = next_delay  # to the caller's next call (NaN: none)
        return r

    def _estimate(self, calls: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, pd.DataFrame]]:
        rows = []
        curves = {}
        alpha = 1.0 - self.confidence
        labels = [_label(w) for w in self.windows]
        for queue, part in calls.groupby("queue", sort=True):
            known = part["caller_id"].notna().to_numpy()
            abandoned = (part["outcome"] == "abandoned").to_numpy() & known
            answered = (part["outcome"] == "answered").to_numpy() & known
            nxt = part["next_delay_s"].to_numpy(dtype=float)
            n_ab = int(abandoned.sum())
            row: dict[str, Any] = {
                "queue": str(queue),
                "calls": len(part),
                "identified": int(known.sum()),
                "abandons": n_ab,
            }
            for w, label in zip(self.windows, labels, strict=True):
                back = int((abandoned & (nxt <= w)).sum())
                row[f"share_{label}"] = back / n_ab if n_ab else np.nan
            back = int((abandoned & (nxt <= self.windows[-1])).sum())
            lo = stats.beta.ppf(alpha / 2, back, n_ab - back + 1) if back > 0 else 0.0
            hi = stats.beta.ppf(1 - alpha / 2, back + 1, n_ab - back) if back < n_ab else 1.0
            row["share_ci_low"] = float(lo) if n_ab else np.nan
            row["share_ci_high"] = float(hi) if n_ab else np.nan
            delays = np.sort(nxt[abandoned & (nxt <= self.windows[-1])])
            delays = np.maximum(delays, 1.0)  # a next call within the second of hanging up
            row["median_delay_s"] = float(np.median(delays)) if delays.size else np.nan
            n_an = int(answered.sum())
            row["answered"] = n_an
            row["reconnect_share"] = (
                float((answered & (nxt <= self.windows[-1])).sum()) / n_an if n_an else np.nan
            )
            kind = part["kind"].to_numpy()
            row["redial_calls"] = int((kind == "redial").sum())
            row["reconnect_calls"] = int((kind == "reconnect").sum())
            row["fresh_calls"] = int((kind != "redial").sum())
            rows.append(row)
            if delays.size:
                curves[str(queue)] = _curve(delays)
        names = [
            "queue",
            "calls",
            "identified",
            "abandons",
            *(f"share_{label}" for label in labels),
            *REDIAL_SUMMARY_COLUMNS[REDIAL_SUMMARY_COLUMNS.index("share_ci_low") :],
        ]
        return pd.DataFrame(rows, columns=names), curves

    def shares(self) -> dict[str, float]:
        """The last window's redial share per queue (NaN without abandons)."""
        label = f"share_{_label(self.windows[-1])}"
        return dict(zip(self.summary["queue"], self.summary[label].astype(float), strict=True))

    def fresh_intervals(self, interval: str | float = "30min") -> pd.DataFrame:
        """Attempts, redials, reconnects and fresh calls per queue and interval.

        Parameters
        ----------
        interval : str or float, default "30min"
            Interval length (a duration).

        Returns
        -------
        DataFrame
            ``interval_start``, ``queue``, ``attempts``, ``redial_calls``,
            ``reconnect_calls``, ``fresh_calls`` (attempts but redials; module notes): the
            history of fresh demand a forecast of fresh calls is fitted on.
        """
        from staffing.vocabulary import interval_length

        length = interval_length(interval)
        c = self.calls_
        start = c["arrival"].dt.floor(pd.Timedelta(seconds=length))
        table = pd.DataFrame(
            {
                "interval_start": start,
                "queue": c["queue"],
                "attempts": 1,
                "redial_calls": (c["kind"] == "redial").astype(int),
                "reconnect_calls": (c["kind"] == "reconnect").astype(int),
                "fresh_calls": (c["kind"] != "redial").astype(int),
            }
        )
        return table.groupby(["interval_start", "queue"], as_index=False, sort=True).sum()

    def to_dict(self) -> dict[str, dict[str, Any]]:
        """Per queue, the ``redial`` entry of ``calibration.json``.

        ``share`` (the last window's), ``shares`` per window, ``share_ci``,
        ``reconnect_share``, ``delay_curve`` (``delay_s``, ``share``), ``window_s`` and the
        counts.
        """
        out: dict[str, dict[str, Any]] = {}
        labels = [_label(w) for w in self.windows]
        for row in self.summary.to_dict(orient="records"):
            q = str(row["queue"])
            share = row[f"share_{labels[-1]}"]
            entry: dict[str, Any] = {
                "share": None if not np.isfinite(share) else float(share),
                "shares": {label: _num(row[f"share_{label}"]) for label in labels},
                "share_ci": [_num(row["share_ci_low"]), _num(row["share_ci_high"])],
                "window_s": self.windows[-1],
                "reconnect_share": _num(row["reconnect_share"]),
                "median_delay_s": _num(row["median_delay_s"]),
                "abandons": int(row["abandons"]),
                "identified_calls": int(row["identified"]),
                "attempts": int(row["calls"]),
                "redial_calls": int(row["redial_calls"]),
                "reconnect_calls": int(row["reconnect_calls"]),
                "fresh_calls": int(row["fresh_calls"]),
            }
            curve = self.delay_curves_.get(q)
            if curve is not None:
                entry["delay_curve"] = {
                    "delay_s": [float(v) for v in curve["delay_s"]],
                    "share": [float(v) for v in curve["share"]],
                }
            out[q] = entry
        return out

    def report(self) -> str:
        """The estimates in a few lines."""
        labels = [_label(w) for w in self.windows]
        lines = ["Redials (callers followed by their ids):"]
        for row in self.summary.to_dict(orient="records"):
            shares = ", ".join(
                f"{100 * row[f'share_{label}']:.0f}% within {label}"
                for label in labels
                if np.isfinite(row[f"share_{label}"])
            )
            median = row["median_delay_s"]
            lines.append(
                f"  {row['queue']}: {row['abandons']:,} abandons with a caller id; called again "
                f"{shares or 'never'}"
                + (f" (median delay {median / 60:.0f} min)" if np.isfinite(median) else "")
                + (
                    f"; {100 * row['reconnect_share']:.0f}% of answered callers called again "
                    f"within {labels[-1]}"
                    if np.isfinite(row["reconnect_share"])
                    else ""
                )
                + f"; {row['fresh_calls']:,} of {row['calls']:,} calls fresh"
            )
        return "\n".join(lines)

    def __repr__(self) -> str:
        head = f"RedialFitter(windows={self.windows})"
        if not hasattr(self, "summary"):
            return head + ", not fitted"
        return f"{head}: fitted on {self.source_}, {len(self.calls_):,} calls"


def _num(x: Any) -> float | None:
    v = float(x)
    return v if np.isfinite(v) else None


def _curve(delays: np.ndarray) -> pd.DataFrame:
    """Share of the redials back within each delay, thinned to ``_CURVE_POINTS``."""
    values, counts = np.unique(delays, return_counts=True)
    share = np.cumsum(counts) / delays.size
    if values.size > _CURVE_POINTS:
        keep = np.unique(
            np.searchsorted(share, np.linspace(0.0, 1.0, _CURVE_POINTS + 1)[1:], side="left")
        )
        keep = np.minimum(keep, values.size - 1)
        values, share = values[keep], share[keep]
    share[-1] = 1.0
    return pd.DataFrame({"delay_s": values, "share": share})


class GivenRedials:
    """A redial share given by the user, for a history without caller ids.

    Without ids the redials cannot be followed; with a share ``r`` of abandoned callers
    calling again, the history's redial attempts are about ``r`` times its abandons and
    its fresh calls the rest (redials of the history's last abandons fall after it, so
    this slightly overstates them).

    Parameters
    ----------
    share : float
        Share of abandoned callers who call again, in ``[0, 1)``.

    Examples
    --------
    >>> h = pd.DataFrame({"queue": ["sales", "sales"], "offered": [100, 120],
    ...                   "abandoned": [10, 20]})
    >>> GivenRedials(0.4).fit(h).to_dict()["sales"]["fresh_calls"]
    208.0
    """

    def __init__(self, share: float) -> None:
        from staffing.queueing.redial import check_redial

        check_redial(share)
        self.share = float(share)

    def fit(self, history: pd.DataFrame) -> GivenRedials:
        """Attempts and abandons per queue of an interval history."""
        sums = history.groupby("queue", sort=True)[["offered", "abandoned"]].sum()
        redials = self.share * sums["abandoned"]
        self.summary = pd.DataFrame(
            {
                "queue": sums.index.astype(str),
                "calls": sums["offered"].to_numpy(dtype=float),
                "abandons": sums["abandoned"].to_numpy(dtype=float),
                "share": self.share,
                "redial_calls": redials.to_numpy(dtype=float),
                "fresh_calls": (sums["offered"] - redials).to_numpy(dtype=float),
            }
        )
        return self

    def to_dict(self) -> dict[str, dict[str, Any]]:
        """Per queue, the ``redial`` entry of ``calibration.json`` (``source: given``)."""
        return {
            str(row["queue"]): {
                "share": self.share,
                "source": "given",
                "attempts": float(row["calls"]),
                "abandons": float(row["abandons"]),
                "redial_calls": float(row["redial_calls"]),
                "fresh_calls": float(row["fresh_calls"]),
            }
            for row in self.summary.to_dict(orient="records")
        }

    def report(self) -> str:
        """The given share and the fresh calls it implies."""
        lines = [
            f"Redials (no caller ids; {100 * self.share:g}% of abandoned callers taken to "
            "call again):"
        ]
        for row in self.summary.to_dict(orient="records"):
            lines.append(
                f"  {row['queue']}: about {row['redial_calls']:,.0f} of {row['calls']:,.0f} "
                f"attempts were redials; {row['fresh_calls']:,.0f} fresh calls"
            )
        return "\n".join(lines)
