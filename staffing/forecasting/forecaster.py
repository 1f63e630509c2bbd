"""``forecast``: calls and handle time per interval from history, with its own back-test.

The steps, in order:

1. The history becomes calls per interval and queue (:func:`call_counts`), summed into
   the forecast's interval, and a panel of days (:class:`CountPanel`); days without a
   call and ``holidays`` are not data. A last day cut short (the history ends before the
   weekday's usual closing) is left out of the fit too.
2. Every method is back-tested from every day of the last ``backtest_weeks`` weeks
   (:func:`run_backtest`); ``method="auto"`` takes per queue the one with the lowest WAPE
   over leads 1-14 days. A named method is back-tested beside the ``naive`` benchmark.
3. The chosen method forecasts from the day after the history (or ``start``) over the
   ``horizon``. Open intervals are those with calls on any of the last ``weeks`` same
   weekdays; holidays in the horizon are closed or scaled by their factor.
4. ``calls_lo`` / ``calls_hi`` are the central ``coverage`` interval from the chosen
   method's back-test errors at the lead (days 1, 2-7, 8-14; later days take the 8-14
   errors), never narrower than Poisson noise (:class:`RatioBands`), widened where the
   back-test's later origins show that bands fitted on earlier days miss more than
   ``1 - coverage`` (:func:`~staffing.forecasting.bands.conformal_excess`).
5. ``aht_s`` is the calls-weighted handle time of the same ``weeks`` same weekdays, per
   interval of the week, or ``aht`` when given.

The table's columns are :data:`FORECAST_COLUMNS`, which :func:`staffing.plan` reads as
they are (``calls_lo``, ``calls_hi`` and ``method`` are carried along).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from staffing.errors import InputError, StaffingError, StaffingWarning
from staffing.forecasting.backtest import LEAD_BUCKETS, Backtest, bucket_of, run_backtest
from staffing.forecasting.bands import RatioBands
from staffing.forecasting.counts import (
    CountPanel,
    call_counts,
    holiday_factors,
    pool_queues,
)
from staffing.forecasting.methods import (
    METHODS,
    PROFILE_METHODS,
    ets_available,
    method_forecasts,
    recent_profiles,
)
from staffing.vocabulary import WEEKDAYS, parse_duration, parse_rate

__all__ = [
    "FORECAST_COLUMNS",
    "MAX_HORIZON_DAYS",
    "ForecastResult",
    "ForecastWarning",
    "forecast",
]

#: Columns of a forecast table, in order.
FORECAST_COLUMNS: tuple[str, ...] = (
    "interval_start",
    "queue",
    "calls",
    "aht_s",
    "calls_lo",
    "calls_hi",
    "method",
)
#: Longest horizon accepted [days]: two years.
MAX_HORIZON_DAYS = 731
_ETS_MISSING = "method 'ets' needs statsmodels: pip install 'staffing[forecast]'"


class ForecastWarning(StaffingWarning):
    """What a forecast assumed or left out.

    Fewer weeks than asked, a day cut short, history after the start not used, a method
    that could not run. Each is also in ``.notes``.
    """


@dataclass
class ForecastResult:
    """A forecast with the back-test it was chosen by.

    Attributes
    ----------
    table : DataFrame
        :data:`FORECAST_COLUMNS`, one row per open interval and queue.
    backtest : DataFrame
        Rolling-origin errors: ``origin, lead, queue, method, calls, forecast, wape, bias``
        (one row per origin day, lead [days], queue and method).
    accuracy : DataFrame
        WAPE by lead bucket per queue and method (``wape_1``, ``wape_2_7``,
        ``wape_8_14``, ``wape``), ``bias``, ``days`` scored and ``chosen``.
    choice : dict
        Queue -> method used.
    counts : DataFrame
        The history as calls per interval (:func:`call_counts`).
    notes : list of str
        What was assumed or left out (fewer weeks than asked, a day cut short, ...), each
        also given as a :class:`ForecastWarning`.
    intraday : DataFrame or None
        The rest-of-day back-test of the reforecast (:func:`reforecast_backtest`), when
        asked for.
    """

    table: pd.DataFrame
    backtest: pd.DataFrame
    accuracy: pd.DataFrame
    choice: dict[str, str]
    counts: pd.DataFrame
    interval_s: float
    start: pd.Timestamp
    end: pd.Timestamp
    coverage: float
    weeks: int
    origins: tuple[pd.Timestamp, pd.Timestamp] | None
    notes: list[str] = field(default_factory=list)
    intraday: pd.DataFrame | None = None

    def __repr__(self) -> str:
        q = self.table["queue"].nunique()
        methods = ", ".join(f"{k}: {v}" for k, v in self.choice.items())
        return (
            f"ForecastResult({len(self.table)} intervals, {q} queue{'s' * (q != 1)}, "
            f"{self.start} to {self.end}; {methods})"
        )

    def summary(self, *, notes: bool = True) -> str:
        """The back-test and the forecast in a few lines, as the command prints them.

        The notes come too unless ``notes=False``.
        """
        lines = []
        if self.origins is not None:
            a, b = self.origins
            lines.append(
                f"Back-test: forecasts from every day {a.date()} to {b.date()}, leads 1-14 "
                f"days, {self.interval_s / 60:g}-min intervals; WAPE = sum |forecast - "
                "actual| / sum actual."
            )
            lines.append(format_accuracy(self.accuracy))
        for note in self.notes if notes else ():
            lines.append(f"Note: {note}")
        total = self.table["calls"].sum()
        lines.append(
            f"Forecast: {self.start} to {self.end}, {len(self.table):,} intervals, "
            f"{total:,.0f} calls; calls_lo-calls_hi is the central {self.coverage:.0%} "
            "interval from the back-test's errors at each lead."
        )
        return "\n".join(lines)


def format_accuracy(accuracy: pd.DataFrame) -> str:
    """The back-test table as text: WAPE by lead bucket, bias, and the choice marked.

    Examples
    --------
    >>> t = pd.DataFrame({"queue": ["all"], "method": ["average"], "wape_1": [0.071],
    ...                   "wape_2_7": [0.08], "wape_8_14": [0.09], "wape": [0.082],
    ...                   "bias": [-0.004], "days": [700], "chosen": [True]})
    >>> print(format_accuracy(t))
    queue  method lead 1 lead 2-7 lead 8-14 leads 1-14  bias  days
      all average   7.1%     8.0%      9.0%       8.2% -0.4%   700  <- chosen
    """
    if accuracy.empty:
        return "(nothing to score)"

    def pct(v: float) -> str:
        return "" if not np.isfinite(v) else f"{v:.1%}"

    def signed(v: float) -> str:
        return "" if not np.isfinite(v) else f"{v:+.1%}"

    shown = pd.DataFrame(
        {
            "queue": accuracy["queue"],
            "method": accuracy["method"],
            "lead 1": accuracy["wape_1"].map(pct),
            "lead 2-7": accuracy["wape_2_7"].map(pct),
            "lead 8-14": accuracy["wape_8_14"].map(pct),
            "leads 1-14": accuracy["wape"].map(pct),
            "bias": accuracy["bias"].map(signed),
            "days": accuracy["days"],
        }
    )
    lines = shown.to_string(index=False).splitlines()
    marks = ["  <- chosen" if c else "" for c in accuracy["chosen"]]
    return "\n".join([lines[0]] + [a + m for a, m in zip(lines[1:], marks, strict=True)])


def _check_method(method: str) -> str:
    if method != "auto" and method not in METHODS:
        raise StaffingError(f"`method` {method!r} is not one of auto, {', '.join(METHODS)}")
    if method == "ets" and not ets_available():
        raise StaffingError(_ETS_MISSING)
    return method


def _horizon_days(horizon: str | float) -> float:
    seconds = parse_duration(horizon, what="`horizon`", allow_zero=True)
    days = seconds / 86400.0
    if days <= 0:
        raise StaffingError(f"`horizon` {horizon!r} is zero: give a horizon such as 6w or 42d")
    if days > MAX_HORIZON_DAYS:
        raise StaffingError(
            f"`horizon` {horizon!r} is {days:,.0f} days, more than two years: forecasts from "
            "history do not reach that far; give at most 104w"
        )
    return days


def _aht_table(aht: Any, queues: Sequence[str]) -> dict[str, float] | None:
    """``aht`` as seconds per queue (a number for every queue, or a mapping / table)."""
    if aht is None:
        return None
    if isinstance(aht, pd.DataFrame):
        if not {"queue", "aht_s"} <= set(aht.columns):
            raise InputError(
                "the handle-time table needs columns queue and aht_s",
                source=str(aht.attrs.get("source", "aht")),
            )
        aht = dict(zip(aht["queue"].astype(str).str.strip(), aht["aht_s"], strict=True))
    if isinstance(aht, Mapping):
        out = {
            str(k): parse_duration(v, what=f"`aht` of {k}", allow_zero=False)
            for k, v in aht.items()
        }
        missing = [q for q in queues if q not in out]
        if missing:
            raise StaffingError(
                f"`aht` has no handle time for queue {', '.join(repr(m) for m in missing)}"
            )
        return out
    seconds = parse_duration(aht, what="`aht`", allow_zero=False)
    return dict.fromkeys(queues, seconds)


def forecast(
    history: pd.DataFrame,
    horizon: str | float = "6w",
    *,
    method: str = "auto",
    weeks: int = 4,
    interval: str | float = "30min",
    holidays: Any = None,
    coverage: str | float = 0.8,
    start: Any = None,
    aht: Any = None,
    queues: Iterable[str] | None = None,
    backtest_weeks: int = 8,
    intraday: Iterable[str | float] = (),
) -> ForecastResult:
    """Forecast calls and handle time per interval from history, judged by its back-test.

    Parameters
    ----------
    history : DataFrame
        An ACD interval report, per-call records or a count table (``interval_start``,
        optional ``queue``, ``calls``, optional ``aht_s``) at ``interval`` or finer; see
        :func:`call_counts`.
    horizon : str or float, default "6w"
        How far to forecast: ``6w``, ``42d`` or seconds; more than zero, at most two years.
    method : {"auto", "average", "median", "naive", "ets"}, default "auto"
        ``auto`` picks per queue the method with the lowest back-test WAPE (``ets`` among
        them when statsmodels is installed).
    weeks : int, default 4
        Same weekdays the ``average`` and ``median`` take, and the weeks opening hours
        and handle times are learned from.
    interval : str or float, default "30min"
        Interval of the forecast; finer history is summed into it.
    holidays : DataFrame, mapping or iterable of dates, optional
        Days left out of the fit and, in the horizon, closed (factor 0) or scaled
        (``date``, optional ``factor``; see :func:`holiday_factors`).
    coverage : str or float, default 0.8
        Central coverage of ``calls_lo`` - ``calls_hi`` (``80%``, ``0.8``).
    start : timestamp-like, optional
        First interval of the forecast; default the one after the history. History from
        ``start`` on is not used (forecast as of ``start``).
    aht : float, str, mapping or DataFrame, optional
        Handle time [s] of every queue, or per queue (a mapping or a table with ``queue``
        and ``aht_s``); needed when the history has none, and used instead of it if given.
    queues : iterable of str, optional
        Queues to forecast; ``"A+B"`` pools queues into one (default every queue alone).
    backtest_weeks : int, default 8
        Weeks of daily origins in the back-test.
    intraday : iterable of times, optional
        Clock times (``"10:00"``) at which to back-test the reforecast of the rest of the
        day (:func:`staffing.forecasting.reforecast_backtest`), into ``.intraday``.

    Returns
    -------
    ForecastResult

    Raises
    ------
    InputError
        A bad history (see :func:`call_counts`), or one shorter than ``weeks`` weeks.
    StaffingError
        A horizon of zero or over two years; an unknown method; ``ets`` without
        statsmodels; no handle time in the history and no ``aht``.

    Notes
    -----
    The ``average`` of recent same weekdays is the method Taylor (2008) found hard to beat
    beyond two or three days ahead on call-centre arrivals; ``naive`` (the same interval a
    week before) is the benchmark every method is shown beside. The back-test is the
    rolling origin of Hyndman and Athanasopoulos (2021, 5.10): each origin's forecast
    uses only the days before it. See :mod:`staffing.forecasting.backtest` and
    :mod:`staffing.forecasting.bands`.

    References
    ----------
    .. [1] J. W. Taylor, "A comparison of univariate time series methods for forecasting
       intraday arrivals at a call center", Management Science 54(2), 2008, 253-265.
       doi:10.1287/mnsc.1070.0786
    .. [2] R. J. Hyndman and G. Athanasopoulos, *Forecasting: Principles and Practice*,
       3rd ed., OTexts, 2021. https://otexts.com/fpp3/

    Examples
    --------
    >>> import staffing
    >>> from staffing.data import sample_path
    >>> history = pd.read_csv(sample_path("history.csv"))
    >>> f = staffing.forecast(history, horizon="1w", method="average")
    >>> f.table.groupby("queue")["calls"].sum().round(-1).to_dict()
    {'sales': 10510.0, 'service': 5470.0}
    >>> f.accuracy[["queue", "method", "wape", "chosen"]].round(3)
         queue   method   wape  chosen
    0    sales  average  0.105    True
    1    sales    naive  0.140   False
    2  service  average  0.136    True
    3  service    naive  0.173   False
    """
    method = _check_method(method)
    weeks = int(weeks)
    if weeks < 1:
        raise StaffingError(f"`weeks` {weeks} must be 1 or more")
    horizon_days = _horizon_days(horizon)
    cover = parse_rate(coverage, what="`coverage`", allow_zero=False, allow_one=False)
    factors = holiday_factors(holidays)
    counts = call_counts(history, interval=interval)
    if queues is not None:
        counts = pool_queues(counts, list(queues))
    interval_s = float(counts.attrs["interval_s"])
    source = str(counts.attrs.get("source", "history"))
    notes: list[str] = []
    before = None
    if start is not None:
        before = pd.Timestamp(start)
        if before.tzinfo is not None:
            before = before.tz_localize(None)
        offset = (before - before.normalize()).total_seconds()
        if offset % interval_s:
            raise StaffingError(
                f"`start` {start} is not on a {interval_s / 60:g}-min interval boundary"
            )
        later = int((counts["interval_start"] >= before).sum())
        if later:
            notes.append(
                f"{later:,} history intervals from {before} on are not used: the forecast is "
                f"made as of {before}"
            )
    panel = CountPanel.from_counts(counts, holidays=factors, before=before)
    if panel.days < 7 * weeks:
        first = pd.Timestamp(panel.first_day)
        raise InputError(
            f"the history covers {panel.days} days ({first.date()} to {panel.last.date()}), "
            f"fewer than `weeks` {weeks} of same weekdays ({7 * weeks} days): give a longer "
            "history or fewer `weeks`",
            source=source,
            column="interval_start",
        )
    start_ts = before if before is not None else panel.last + pd.Timedelta(seconds=interval_s)
    last_day = panel.days - 1
    end = panel.days
    last_slot = int((panel.last - panel.last.normalize()).total_seconds() // interval_s)
    seen = recent_profiles(panel, np.array([last_day]), "average", weeks)
    wd = int(panel.weekday(last_day))
    later_open = seen["open"][:, 0, wd, last_slot + 1 :].any(axis=-1)
    if later_open.any():
        panel = panel.without_day(last_day)
        end = last_day
        notes.append(
            f"the history's last day, {pd.Timestamp(panel.date(last_day)).date()}, ends at "
            f"{(panel.last + pd.Timedelta(seconds=interval_s)).time():%H:%M}, before its "
            "usual closing: it is left out of the fit and forecast whole"
        )

    methods: tuple[str, ...]
    if method == "auto":
        methods = PROFILE_METHODS + (("ets",) if ets_available() else ())
        if not ets_available():
            notes.append(
                "ets not compared: statsmodels is not installed (pip install 'staffing[forecast]')"
            )
    else:
        methods = (method,) if method == "naive" else (method, "naive")
    fitted: dict[int, object] = {}
    bt: Backtest = run_backtest(
        panel,
        methods,
        weeks=weeks,
        end=end,
        window_weeks=backtest_weeks,
        coverage=cover,
        fitted=fitted,
    )
    notes += bt.notes
    if bt.origins.size == 0:
        notes.append(
            f"no back-test: the history has no day with {weeks} weeks behind it; the "
            "intervals are Poisson noise only"
        )
    choice = dict(bt.choice) if method == "auto" else dict.fromkeys(panel.queues, method)
    if method != "auto":
        bt.table["chosen"] = bt.table["method"] == method
        if method not in bt.table["method"].to_numpy() and bt.origins.size:
            notes.append(f"method {method!r} could not be back-tested on this history")

    stop_ts = start_ts + pd.Timedelta(days=horizon_days)
    stop_day = panel.index_of((stop_ts - pd.Timedelta(seconds=1)).normalize())
    origin = np.array([end])
    leads = stop_day - end + 1
    profiles = recent_profiles(panel, origin, "average", weeks)
    calls = np.full((len(panel.queues), leads, panel.slots), np.nan)
    for m in sorted(set(choice.values())):
        rows = [i for i, q in enumerate(panel.queues) if choice[q] == m]
        f, said = method_forecasts(
            panel,
            m,
            origin,
            leads,
            weeks=weeks,
            fit_before=int(bt.origins[0]) if bt.origins.size else end,
            profiles=profiles,
            fitted=fitted,
        )
        notes += [n for n in said if n not in notes]
        calls[rows] = f[rows, 0]
        if m == "ets" and np.isnan(f[rows, 0]).all(axis=(1, 2)).any():
            raise StaffingError(
                "method 'ets' cannot forecast this history (too short before the back-test "
                "window); give `method` average"
            )
    table = _table(
        panel,
        profiles,
        calls,
        choice,
        start_ts,
        stop_ts,
        end,
        factors,
        bt,
        cover,
        _aht_table(aht, panel.queues),
        source,
    )
    used = profiles["used"][:, 0]  # (Q, 7)
    for q, name in enumerate(panel.queues):
        short = [WEEKDAYS[w].capitalize() for w in range(7) if 0 < used[q, w] < weeks]
        if short:
            notes.append(
                f"queue '{name}': {', '.join(short)} from fewer than {weeks} weeks of data "
                f"(the last {2 * weeks} weeks have holidays or gaps on that weekday)"
            )
    intraday_table = None
    times = list(intraday)
    if times:
        from staffing.forecasting.intraday import reforecast_backtest

        intraday_table = reforecast_backtest(panel, times, bt, weeks=weeks, method_of=choice)
    for note in notes:
        warnings.warn(note, ForecastWarning, stacklevel=2)
    origins = None
    if bt.origins.size:
        origins = (
            pd.Timestamp(panel.date(int(bt.origins[0]))),
            pd.Timestamp(panel.date(int(bt.origins[-1]))),
        )
    return ForecastResult(
        table=table,
        backtest=bt.errors,
        accuracy=bt.table,
        choice=choice,
        counts=counts,
        interval_s=interval_s,
        start=start_ts,
        end=stop_ts,
        coverage=cover,
        weeks=weeks,
        origins=origins,
        notes=notes,
        intraday=intraday_table,
    )


def _table(
    panel: CountPanel,
    profiles: dict[str, np.ndarray],
    calls: np.ndarray,
    choice: dict[str, str],
    start: pd.Timestamp,
    stop: pd.Timestamp,
    end: int,
    factors: Mapping[np.datetime64, float],
    bt: Backtest,
    coverage: float,
    aht: dict[str, float] | None,
    source: str,
) -> pd.DataFrame:
    """The forecast's rows: open intervals of the horizon, with handle time and band."""
    _, leads, n_s = calls.shape
    days = end + np.arange(leads)
    wd = panel.weekday(days)
    is_open = profiles["open"][:, 0][:, wd]  # (Q, L, S)
    factor = np.array([factors.get(d, 1.0) for d in panel.date(days)])
    stamps = (
        panel.date(days).astype("datetime64[ns]")[:, None]
        + (np.arange(n_s) * int(panel.interval_s * 1e9)).astype("timedelta64[ns]")[None, :]
    )
    inside = (stamps >= np.datetime64(start.to_datetime64())) & (
        stamps < np.datetime64(stop.to_datetime64())
    )
    keep = is_open & inside[None] & (factor > 0)[None, :, None] & np.isfinite(calls)
    if aht is None:
        aht_prof = profiles["aht_s"][:, 0]  # (Q, 7, S)
        known_slots = np.isfinite(aht_prof)
        with np.errstate(invalid="ignore", divide="ignore"):
            per_day = np.where(known_slots, aht_prof, 0.0).sum(-1) / known_slots.sum(-1)
        for q, name in enumerate(panel.queues):
            known = panel.weight[q].sum()
            if known <= 0:
                raise StaffingError(
                    f"queue '{name}': the history has no handle times; give `aht` (seconds, "
                    "or a table of queue and aht_s)"
                )
            overall = panel.handle[q].sum() / known
            fill = np.where(np.isfinite(per_day[q]), per_day[q], overall)
            aht_prof[q] = np.where(np.isfinite(aht_prof[q]), aht_prof[q], fill[:, None])
        aht_q = aht_prof[:, wd]  # (Q, L, S)
    else:
        aht_q = np.broadcast_to(
            np.array([aht[q] for q in panel.queues])[:, None, None], calls.shape
        )
    value = calls * factor[None, :, None]
    lo = np.zeros_like(value)
    hi = np.zeros_like(value)
    lead_bucket = bucket_of(np.arange(1, leads + 1))
    for q, name in enumerate(panel.queues):
        for b in range(len(LEAD_BUCKETS)):
            sel = lead_bucket == b
            if not sel.any():
                continue
            band = bt.bands.get((name, b)) or RatioBands.fit(np.array([]), np.array([]), coverage)
            v = np.nan_to_num(value[q, sel])
            lo[q, sel], hi[q, sel] = band.interval(v)
    qi, li, si = np.nonzero(keep)
    queue_names = np.array(panel.queues, dtype=object)
    table = pd.DataFrame(
        {
            "interval_start": stamps[li, si],
            "queue": queue_names[qi],
            "calls": value[qi, li, si],
            "aht_s": np.asarray(aht_q)[qi, li, si],
            "calls_lo": lo[qi, li, si],
            "calls_hi": hi[qi, li, si],
            "method": np.array([choice[q] for q in panel.queues], dtype=object)[qi],
        }
    )
    table = table.sort_values(["queue", "interval_start"], kind="stable").reset_index(drop=True)
    table.attrs = {"source": source, "interval_s": panel.interval_s}
    return table
