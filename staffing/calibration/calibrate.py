"""Everything the calibration learns from one history, in one estimator.

:class:`Calibrator` fits patience per queue (with the Kaplan–Meier view when call records
are available), the abandon-rate/service-level relation and the service level for an
abandon target, the same per month or quarter with drift tests, and the Erlang C vs
Erlang A back-test. :func:`calibrate` reads a file and fits it; :meth:`Calibrator.to_dict`
is the content of ``calibration.json``, which :func:`load_calibration` reads back and
:func:`patience_for` turns into patience per queue for the planner.
"""

from __future__ import annotations

import json
import math
import os
import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from staffing.calibration.backtest import BackTest
from staffing.calibration.drift import (
    patience_changes,
    patience_drift,
    relation_by_period,
    relation_drift,
)
from staffing.calibration.history import (
    PathOrFrame,
    _load,
    aggregate_records,
    history_kind,
    validate_intervals,
    validate_records,
)
from staffing.calibration.patience import KaplanMeier, PatienceFitter, PatienceWarning
from staffing.calibration.relation import (
    RelationFitter,
    RelationWarning,
    erlang_a_service_level,
)
from staffing.errors import InputError

__all__ = [
    "CalibrationWarning",
    "Calibrator",
    "calibrate",
    "load_calibration",
    "patience_for",
]


class CalibrationWarning(UserWarning):
    """Part of the calibration could not be done (the rest still stands)."""


def _num(x: Any) -> float | None:
    """A JSON-safe number: NaN and infinities become ``None``."""
    if x is None:
        return None
    v = float(x)
    return v if math.isfinite(v) else None


def _records(df: pd.DataFrame) -> list[dict[str, Any]]:
    out = []
    for row in df.to_dict(orient="records"):
        clean: dict[str, Any] = {}
        for k, v in row.items():
            if isinstance(v, bool | np.bool_):
                clean[str(k)] = bool(v)
            elif isinstance(v, int | float | np.integer | np.floating):
                clean[str(k)] = _num(v)
            else:
                clean[str(k)] = None if v is None else str(v)
        out.append(clean)
    return out


def _pct(x: float | None, digits: int = 1) -> str:
    return "n/a" if x is None or not math.isfinite(x) else f"{100 * x:.{digits}f}%"


class Calibrator:
    """Calibrate a queue model from an ACD history.

    Parameters
    ----------
    threshold_s : float, default 20
        Service-level threshold of the history [s].
    by : {"quarter", "month", None}, default "quarter"
        Calendar periods for the drift analysis (``None``: no per-period fits).
    abandon_target : float, optional
        Abandon-rate goal (fraction, e.g. 0.05): derive the service level that keeps
        abandons at it, from history and from Erlang A.
    confidence : float, default 0.95
        Confidence level of every interval.
    min_abandons : int, default 30
        Fewer abandons than this in a queue (or period) give a warning.

    Attributes
    ----------
    history_ : DataFrame
        The interval history fitted on (columns of ``HISTORY_COLUMNS``).
    records_ : DataFrame or None
        Call records, when the history came as records.
    patience_ : PatienceFitter
        Patience per queue.
    kaplan_meier_ : dict of str to KaplanMeier
        Per queue, from call records only (empty otherwise).
    relation_ : RelationFitter or None
        Abandon rate vs service level over all queues (None if it cannot be fitted).
    relation_by_queue_ : dict of str to RelationFitter
        The same per queue when there are several.
    target_ : dict
        With an abandon target: ``abandon_target``, ``sl_for_abandon_target`` and
        ``sl_for_abandon_target_ci`` (historical relation), ``erlang_a_sl_for_abandon_target``
        and its ``_ci`` (Erlang A with the fitted patience and its limits).
    periods_ : PatienceFitter or None
        Patience per queue and period.
    patience_drift_, patience_changes_, relation_periods_ : DataFrame or None
        Drift tables (see :mod:`staffing.calibration.drift`).
    relation_drift_ : dict
        The F test of one relation for all periods.
    backtest_ : BackTest or None
        Erlang C vs Erlang A, where the history knows staffed agents.
    warnings_ : list of str
        Everything that could not be estimated or should not be trusted.
    summary : DataFrame
        Patience per queue (:attr:`PatienceFitter.summary`), with ``km_max_gap`` (largest
        distance between the Kaplan–Meier curve and the fitted exponential) when call
        records were given.

    Examples
    --------
    >>> from staffing.data import sample_path
    >>> cal = calibrate(sample_path("history.csv"), abandon_target=0.05)
    >>> sorted(cal.to_dict()["queues"])
    ['sales', 'service']
    """

    def __init__(
        self,
        *,
        threshold_s: float = 20.0,
        by: str | None = "quarter",
        abandon_target: float | None = None,
        confidence: float = 0.95,
        min_abandons: int = 30,
    ) -> None:
        self.threshold_s = threshold_s
        self.by = by
        self.abandon_target = abandon_target
        self.confidence = confidence
        self.min_abandons = min_abandons

    def _check_options(self) -> None:
        if self.by not in (None, "month", "quarter"):
            raise InputError(f"by must be month or quarter, not {self.by!r}")
        if self.abandon_target is not None and not 0.0 < self.abandon_target < 1.0:
            raise InputError(
                f"abandon target {self.abandon_target!r} must lie strictly between 0 and 1 "
                "(write 5% or 0.05)"
            )
        if not 0.0 < self.confidence < 1.0:
            raise InputError(f"confidence must lie strictly between 0 and 1, not {self.confidence}")
        if not (math.isfinite(self.threshold_s) and self.threshold_s >= 0):
            raise InputError(f"threshold {self.threshold_s!r} s must be zero or more")

    def fit(self, history: pd.DataFrame, records: pd.DataFrame | None = None) -> Calibrator:
        """Fit everything on an interval history (and its call records, if any).

        Parameters
        ----------
        history : DataFrame
            Output of :func:`~staffing.calibration.read_history` (or of
            :func:`~staffing.calibration.aggregate_records`).
        records : DataFrame, optional
            The call records the history was aggregated from: adds the Kaplan–Meier
            view and estimates patience from every single wait.

        Returns
        -------
        Calibrator
            ``self``, fitted.

        Raises
        ------
        InputError
            Bad options, or nothing at all can be calibrated from the history.
        """
        self._check_options()
        self.history_ = history
        self.records_ = records
        self.source_ = str(history.attrs.get("source", "history"))
        notes: list[str] = []

        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            self._fit_all(history, records, notes)
        for w in caught:
            if issubclass(w.category, PatienceWarning | RelationWarning | CalibrationWarning):
                notes.append(str(w.message))
            else:
                warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
        self.warnings_ = list(dict.fromkeys(notes))

        nothing = (
            not np.isfinite(self.patience_.summary["patience_s"]).any()
            and self.relation_ is None
            and self.backtest_ is None
        )
        if nothing:
            raise InputError(
                "nothing can be calibrated: patience needs abandons and wait totals "
                "(wait_answered_s or asa_s, wait_abandoned_s or avg_abandon_s); the "
                "abandon/service-level relation needs answered_within or service_level and "
                "abandons; the back-test needs agents",
                source=self.source_,
            )
        for text in self.warnings_:
            warnings.warn(text, CalibrationWarning, stacklevel=2)
        return self

    def _fit_all(
        self, history: pd.DataFrame, records: pd.DataFrame | None, notes: list[str]
    ) -> None:
        conf = self.confidence
        data = records if records is not None else history
        self.patience_ = PatienceFitter(confidence=conf, min_abandons=self.min_abandons).fit(data)
        summary = self.patience_.summary.copy()
        self.kaplan_meier_: dict[str, KaplanMeier] = {}
        if records is not None:
            gaps = []
            for queue, theta in zip(summary["queue"], summary["patience_s"], strict=True):
                r = records[records["queue"] == queue]
                km = KaplanMeier(confidence=conf).fit(
                    r["wait_s"].to_numpy(), (r["outcome"] == "abandoned").to_numpy()
                )
                self.kaplan_meier_[str(queue)] = km
                gaps.append(km.max_gap(theta))
            summary["km_max_gap"] = gaps
        self.summary = summary

        patience = self.patience_map()
        self.relation_: RelationFitter | None = None
        self.relation_by_queue_: dict[str, RelationFitter] = {}
        has_sl = history["answered_within"].notna().any()
        if not has_sl:
            notes.append(
                "the history has no answered_within or service_level: the abandon/service-level "
                "relation and the service-level back-test are skipped"
            )
        else:
            try:
                self.relation_ = RelationFitter(confidence=conf).fit(history)
            except InputError as exc:
                notes.append(f"abandon/service-level relation not fitted: {exc}")
            queues = sorted(history["queue"].unique())
            if len(queues) > 1:
                for q in queues:
                    part = history[history["queue"] == q]
                    part.attrs = dict(history.attrs)
                    part.attrs["source"] = f"{self.source_} (queue '{q}')"
                    try:
                        self.relation_by_queue_[str(q)] = RelationFitter(confidence=conf).fit(part)
                    except InputError as exc:
                        notes.append(f"queue '{q}': relation not fitted: {exc}")

        self.target_: dict[str, Any] = {}
        if self.abandon_target is not None:
            self.target_ = self._target(history, patience, notes)

        self.periods_: PatienceFitter | None = None
        self.patience_drift_: pd.DataFrame | None = None
        self.patience_changes_: pd.DataFrame | None = None
        self.relation_periods_: pd.DataFrame | None = None
        self.relation_drift_: dict[str, float] = {}
        if self.by is not None:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", PatienceWarning)
                self.periods_ = PatienceFitter(
                    confidence=conf, min_abandons=self.min_abandons, by=self.by
                ).fit(data)
            by_period = self.periods_.summary
            # A period's warning adds nothing when the queue has only that one period.
            counts = by_period["queue"].astype(str).value_counts()
            several = [q for q, n in counts.items() if n > 1]
            for w in caught:
                text = str(w.message)
                if any(text.startswith(f"queue '{q}', ") for q in several):
                    notes.append(text)
            self.patience_drift_ = patience_drift(by_period, level=1.0 - conf)
            self.patience_changes_ = patience_changes(by_period, confidence=conf, level=1.0 - conf)
            if has_sl:
                self.relation_periods_ = relation_by_period(
                    history, self.by, abandon_target=self.abandon_target, confidence=conf
                )
                self.relation_drift_ = relation_drift(history, self.by, level=1.0 - conf)

        self.backtest_: BackTest | None = None
        if history["agents"].notna().any() and has_sl:
            try:
                self.backtest_ = BackTest(threshold_s=self.threshold_s).fit(history, patience)
            except InputError as exc:
                notes.append(f"back-test skipped: {exc}")
        elif not history["agents"].notna().any():
            notes.append("the history has no staffed agents: the back-test is skipped")

    def _target(
        self, history: pd.DataFrame, patience: dict[str, float], notes: list[str]
    ) -> dict[str, Any]:
        target = float(self.abandon_target)  # type: ignore[arg-type]
        out: dict[str, Any] = {"abandon_target": target}
        sl = lo = hi = float("nan")
        if self.relation_ is not None:
            sl, lo, hi = self.relation_.service_level_for(target)
            s_min, s_max = self.relation_.sl_range_
            if not math.isfinite(sl):
                notes.append(
                    f"no service level in [0, 1] keeps abandons at {target:.1%} on the "
                    "historical relation"
                )
            elif not s_min <= sl <= s_max:
                notes.append(
                    f"the service level for {target:.1%} abandons ({sl:.1%}) lies outside the "
                    f"service levels seen in history ({s_min:.1%}-{s_max:.1%}): an extrapolation"
                )
            if (lo, hi) == (0.0, 1.0):
                notes.append(
                    "the historical relation is too weak to pin down the service level for "
                    "the abandon target (its interval is all of 0-100%)"
                )
        out["sl_for_abandon_target"] = sl
        out["sl_for_abandon_target_ci"] = [lo, hi]
        s = self.patience_.summary
        names = s["queue"].astype(str).to_numpy()
        # Limits only where there is an estimate: a queue without one (no abandons) is left
        # out of the estimate, so it must be left out of its limits too.
        fitted = np.isfinite(s["patience_s"].to_numpy(dtype=float))
        ci_low = np.where(fitted, s["ci_low_s"].to_numpy(dtype=float), np.nan)
        ci_high = np.where(fitted, s["ci_high_s"].to_numpy(dtype=float), np.nan)
        lows = dict(zip(names, ci_low, strict=True))
        highs = dict(zip(names, ci_high, strict=True))
        if history["aht_s"].notna().any() and any(np.isfinite(v) for v in patience.values()):
            t = self.threshold_s
            model = erlang_a_service_level(history, patience, target, threshold_s=t)
            # Less patience means more abandons at a given service level, so a higher one.
            m_hi = erlang_a_service_level(history, lows, target, threshold_s=t)
            m_lo = erlang_a_service_level(history, highs, target, threshold_s=t)
        else:
            model = m_lo = m_hi = float("nan")
            notes.append(
                "Erlang A's service level for the abandon target needs aht_s and a fitted "
                "patience: not computed"
            )
        out["erlang_a_sl_for_abandon_target"] = model
        out["erlang_a_sl_for_abandon_target_ci"] = [m_lo, m_hi]
        if self.relation_by_queue_:
            by_queue: dict[str, dict[str, float]] = {}
            for q, f in self.relation_by_queue_.items():
                entry = dict(
                    zip(("sl", "ci_low", "ci_high"), f.service_level_for(target), strict=True)
                )
                part = history[history["queue"].astype(str) == q]
                entry["erlang_a"] = (
                    erlang_a_service_level(part, patience, target, threshold_s=self.threshold_s)
                    if part["aht_s"].notna().any()
                    else float("nan")
                )
                by_queue[q] = entry
            out["by_queue"] = by_queue
        return out

    def patience_map(self) -> dict[str, float]:
        """Fitted patience per queue [s] (NaN where it could not be estimated)."""
        s = self.patience_.summary
        return {str(q): float(p) for q, p in zip(s["queue"], s["patience_s"], strict=True)}

    def to_dict(self) -> dict[str, Any]:
        """The content of ``calibration.json`` (JSON-safe: NaN and inf become ``None``).

        Returns
        -------
        dict
            Keys ``source``, ``kind``, ``threshold_s``, ``confidence``, ``history``,
            ``queues`` (queue -> ``patience_s``, ``patience_ci_s``, ``abandons``,
            ``calls``, ...), ``relation``, ``periods``, ``backtest`` (``None`` without
            staffed agents) and ``warnings``.
        """
        h = self.history_
        out: dict[str, Any] = {
            "source": self.source_,
            "kind": str(h.attrs.get("kind", "intervals")),
            "threshold_s": float(self.threshold_s),
            "confidence": float(self.confidence),
            "history": {
                "intervals": len(h),
                "interval_s": _num(h["interval_s"].median()) if len(h) else None,
                "start": str(h["interval_start"].min()),
                "end": str(h["interval_start"].max()),
                "calls": _num(h["offered"].sum()),
                "abandons": _num(h["abandoned"].sum()),
            },
        }
        queues: dict[str, Any] = {}
        for row in self.summary.to_dict(orient="records"):
            entry = {
                "patience_s": _num(row["patience_s"]),
                "patience_ci_s": [_num(row["ci_low_s"]), _num(row["ci_high_s"])],
                "patience_se_s": _num(row["se_s"]),
                "abandons": _num(row["abandons"]),
                "calls": _num(row["calls"]),
                "abandon_rate": _num(row["abandon_rate"]),
                "exposure_s": _num(row["exposure_s"]),
                "method": str(row["method"]),
                "enough_abandons": bool(row["enough_abandons"]),
            }
            if "km_max_gap" in row:
                entry["kaplan_meier_max_gap"] = _num(row["km_max_gap"])
            queues[str(row["queue"])] = entry
        out["queues"] = queues

        relation: dict[str, Any] = {}
        if self.relation_ is not None:
            r = self.relation_
            relation = {
                "model": "logit(abandon_rate) = intercept + slope * log(-log(service_level))",
                "intercept": r.intercept_,
                "slope": r.slope_,
                "covariance": [[float(v) for v in row] for row in r.cov_],
                "dispersion": r.dispersion_,
                "intervals": r.intervals_,
                "calls": r.calls_,
                "abandons": r.abandons_,
                "service_level_range": list(r.sl_range_),
            }
            if self.relation_by_queue_:
                relation["by_queue"] = {
                    q: {"intercept": f.intercept_, "slope": f.slope_, "intervals": f.intervals_}
                    for q, f in self.relation_by_queue_.items()
                }
        if self.target_:
            t = self.target_
            relation["abandon_target"] = t["abandon_target"]
            relation["sl_for_abandon_target"] = _num(t["sl_for_abandon_target"])
            relation["sl_for_abandon_target_ci"] = [_num(v) for v in t["sl_for_abandon_target_ci"]]
            relation["erlang_a_sl_for_abandon_target"] = _num(t["erlang_a_sl_for_abandon_target"])
            relation["erlang_a_sl_for_abandon_target_ci"] = [
                _num(v) for v in t["erlang_a_sl_for_abandon_target_ci"]
            ]
            if "by_queue" in t:
                for q, v in t["by_queue"].items():
                    relation.setdefault("by_queue", {}).setdefault(q, {}).update(
                        {
                            "sl_for_abandon_target": _num(v["sl"]),
                            "sl_for_abandon_target_ci": [_num(v["ci_low"]), _num(v["ci_high"])],
                            "erlang_a_sl_for_abandon_target": _num(v["erlang_a"]),
                        }
                    )
        out["relation"] = _jsonable(relation)

        periods: dict[str, Any] = {"by": self.by}
        if self.periods_ is not None:
            periods["patience"] = _records(self.periods_.summary)
            assert self.patience_drift_ is not None and self.patience_changes_ is not None
            periods["patience_drift"] = _records(self.patience_drift_)
            periods["patience_changes"] = _records(self.patience_changes_)
            if self.relation_periods_ is not None:
                periods["relation"] = _records(self.relation_periods_)
            periods["relation_drift"] = _jsonable(self.relation_drift_)
        out["periods"] = periods

        if self.backtest_ is not None:
            bt = self.backtest_
            models: dict[str, Any] = {}
            for row in bt.summary.to_dict(orient="records"):
                models.setdefault(row["model"], {})[row["measure"]] = {
                    "mae": _num(row["mae"]),
                    "bias": _num(row["bias"]),
                    "rmse": _num(row["rmse"]),
                }
            out["backtest"] = {
                "intervals": len(bt.intervals_),
                "calls": _num(bt.intervals_["offered"].sum()),
                **models,
                "better": dict(bt.better_),
            }
        else:
            out["backtest"] = None
        out["warnings"] = list(self.warnings_)
        return out

    def to_json(self, path: str | os.PathLike[str]) -> None:
        """Write :meth:`to_dict` as indented JSON, atomically (``"-"``: stdout)."""
        text = json.dumps(self.to_dict(), indent=2, allow_nan=False) + "\n"
        if os.fspath(path) == "-":
            import sys

            sys.stdout.write(text)
            return
        from staffing.io import atomic_write

        with atomic_write(path) as tmp:
            tmp.write_text(text, encoding="utf-8")

    def tables(self) -> dict[str, pd.DataFrame]:
        """The fitted tables by name (for reports and spreadsheets)."""
        out: dict[str, pd.DataFrame] = {"patience": self.summary}
        if self.relation_ is not None:
            out["relation"] = self.relation_.summary.reset_index(names="coefficient")
        if self.periods_ is not None:
            out["patience_by_period"] = self.periods_.summary
            if self.patience_changes_ is not None and not self.patience_changes_.empty:
                out["patience_changes"] = self.patience_changes_
            if self.patience_drift_ is not None and not self.patience_drift_.empty:
                out["patience_drift"] = self.patience_drift_
            if self.relation_periods_ is not None and not self.relation_periods_.empty:
                out["relation_by_period"] = self.relation_periods_
        if self.backtest_ is not None:
            out["backtest"] = self.backtest_.summary
        return out

    def report(self, *, with_warnings: bool = True) -> str:
        """A plain-text summary a planner can read.

        Parameters
        ----------
        with_warnings : bool, default True
            End with the list of warnings.
        """
        h = self.history_
        lines = []
        kind = "call records" if self.records_ is not None else "interval report"
        lines.append(
            f"Calibration of {self.source_} ({kind}): {len(h):,} intervals, "
            f"{h['offered'].sum():,.0f} calls, {h['abandoned'].sum():,.0f} abandoned "
            f"({_pct(h['abandoned'].sum() / max(h['offered'].sum(), 1))}), "
            f"{h['interval_start'].min():%Y-%m-%d} to {h['interval_start'].max():%Y-%m-%d}, "
            f"service level within {self.threshold_s:g} s."
        )
        level = f"{self.confidence:.0%}"
        lines.append("")
        lines.append(f"Patience per queue (censored-exponential estimate, {level} interval):")
        for row in self.summary.to_dict(orient="records"):
            p = row["patience_s"]
            if math.isfinite(p):
                text = f"{p:7.0f} s  ({row['ci_low_s']:.0f}-{row['ci_high_s']:.0f} s)"
            else:
                text = "   none  (cannot be estimated: plan with Erlang C)"
            km = row.get("km_max_gap")
            extra = (
                f"; Kaplan-Meier vs exponential: max gap {km:.3f}"
                if km is not None and math.isfinite(km)
                else ""
            )
            lines.append(
                f"  {row['queue']!s:<12} {text}  from {row['abandons']:,.0f} abandons in "
                f"{row['calls']:,.0f} calls ({_pct(row['abandon_rate'])}){extra}"
            )
        if self.relation_ is not None:
            r = self.relation_
            lines.append("")
            lines.append(
                f"Abandon rate vs service level ({r.intervals_:,} intervals, volume-weighted "
                f"logistic fit, dispersion {r.dispersion_:.2f}):"
            )
            for sl in (0.6, 0.7, 0.8, 0.9):
                lo, hi = r.band(sl)
                lines.append(
                    f"  at {sl:.0%} service level: {_pct(float(r.predict(sl)))} abandons "
                    f"({_pct(float(lo))}-{_pct(float(hi))})"
                )
        if self.target_:
            t = self.target_
            lo, hi = t["sl_for_abandon_target_ci"]
            mlo, mhi = t["erlang_a_sl_for_abandon_target_ci"]
            lines.append("")
            lines.append(f"Service level for {_pct(t['abandon_target'])} abandons:")
            lines.append(
                f"  from history:                 {_pct(t['sl_for_abandon_target'])} "
                f"({level}: {_pct(lo)}-{_pct(hi)})"
            )
            lines.append(
                f"  Erlang A with fitted patience: {_pct(t['erlang_a_sl_for_abandon_target'])} "
                f"(patience limits: {_pct(mlo)}-{_pct(mhi)})"
            )
            for q, v in t.get("by_queue", {}).items():
                lines.append(
                    f"  queue {q}: history {_pct(v['sl'])} "
                    f"({_pct(v['ci_low'])}-{_pct(v['ci_high'])}), Erlang A {_pct(v['erlang_a'])}"
                )
        if self.periods_ is not None:
            lines.append("")
            lines.append(f"Drift by {self.by}:")
            ch = self.patience_changes_
            if ch is not None and not ch.empty:
                for row in ch.to_dict(orient="records"):
                    verdict = "moved" if row["moved"] else "within chance"
                    lines.append(
                        f"  patience {row['queue']}: {row['period_from']} "
                        f"{row['patience_from_s']:.0f} s -> {row['period_to']} "
                        f"{row['patience_to_s']:.0f} s (x{row['ratio']:.2f}, "
                        f"{row['ratio_ci_low']:.2f}-{row['ratio_ci_high']:.2f}; "
                        f"p = {row['p_value']:.3g}): {verdict}"
                    )
            else:
                lines.append("  patience: one period only, nothing to compare")
            rd = self.relation_drift_
            if rd:
                verdict = "moved" if rd["moved"] else "within chance"
                lines.append(
                    f"  relation over {rd['periods']:.0f} periods: F = {rd['statistic']:.2f}, "
                    f"p = {rd['p_value']:.3g}: {verdict}"
                )
            rp = self.relation_periods_
            if self.target_ and rp is not None and not rp.empty:
                for row in rp.to_dict(orient="records"):
                    lines.append(
                        f"  {row['period']}: service level for the target "
                        f"{_pct(row['sl_for_abandon_target'])} "
                        f"({_pct(row['sl_ci_low'])}-{_pct(row['sl_ci_high'])})"
                    )
        if self.backtest_ is not None:
            bt = self.backtest_
            err = {
                (str(r["model"]), str(r["measure"])): (float(r["mae"]), float(r["bias"]))
                for r in bt.summary.to_dict(orient="records")
            }
            lines.append("")
            lines.append(
                f"Back-test on {len(bt.intervals_):,} intervals with staffed agents "
                "(call-weighted; bias = predicted - observed):"
            )
            lines.append("  model      SL error  SL bias  abandon error  abandon bias")
            for model, name in (("erlang_c", "Erlang C"), ("erlang_a", "Erlang A")):
                e_sl, e_ab = err[(model, "service_level")], err[(model, "abandon_rate")]
                lines.append(
                    f"  {name:<9} {100 * e_sl[0]:7.1f} pt {100 * e_sl[1]:+6.1f} pt"
                    f" {100 * e_ab[0]:10.1f} pt {100 * e_ab[1]:+9.1f} pt"
                )
            best = bt.better_
            names = {"erlang_a": "Erlang A", "erlang_c": "Erlang C"}
            lines.append(
                f"  closer: {names[best['service_level']]} on service level, "
                f"{names[best['abandon_rate']]} on abandon rate"
            )
        if with_warnings and self.warnings_:
            lines.append("")
            lines.append("Warnings:")
            lines.extend(f"  - {w}" for w in self.warnings_)
        return "\n".join(lines)

    def __repr__(self) -> str:
        head = (
            f"Calibrator(threshold_s={self.threshold_s}, by={self.by!r}, "
            f"abandon_target={self.abandon_target})"
        )
        if not hasattr(self, "history_"):
            return head + ", not fitted"
        return (
            f"{head}: fitted on {self.source_}, {len(self.history_):,} intervals, "
            f"{self.history_['queue'].nunique()} queue(s)"
        )


def _jsonable(obj: Any) -> Any:
    if isinstance(obj, Mapping):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, bool | np.bool_):
        return bool(obj)
    if isinstance(obj, int | np.integer):
        return int(obj)
    if isinstance(obj, float | np.floating):
        return _num(obj)
    return obj


def calibrate(
    history: PathOrFrame,
    *,
    columns: Mapping[str, str] | None = None,
    threshold_s: float = 20.0,
    interval: str | float = "30min",
    by: str | None = "quarter",
    abandon_target: float | None = None,
    confidence: float = 0.95,
    min_abandons: int = 30,
    max_idle_s: float = 900.0,
    source: str | None = None,
) -> Calibrator:
    """Read a history file (interval report or call records) and calibrate on it.

    Parameters
    ----------
    history : str, path or DataFrame
        The ACD history (see :func:`~staffing.calibration.read_history`).
    columns : mapping, optional
        Our column name -> the file's column name.
    threshold_s : float, default 20
        Service-level threshold [s].
    interval : str or float, default "30min"
        Interval for aggregating call records.
    by : {"quarter", "month", None}, default "quarter"
        Periods for the drift analysis.
    abandon_target : float, optional
        Abandon-rate goal (fraction).
    confidence : float, default 0.95
    min_abandons : int, default 30
    max_idle_s : float, default 900
        Call records only: longest idle gap between two calls of one agent still counted
        as staffed [s] (see :func:`~staffing.calibration.staffed_agents`).
    source : str, optional
        Name used in messages.

    Returns
    -------
    Calibrator
        Fitted.
    """
    df, name = _load(history, columns, source)
    kind = history_kind(df.columns)
    records = None
    if kind == "records":
        records = validate_records(df, source=name)
        table = aggregate_records(
            records, interval=interval, threshold_s=threshold_s, max_gap_s=max_idle_s
        )
    elif kind == "intervals":
        table = validate_intervals(df, threshold_s=threshold_s, interval=interval, source=name)
    else:
        from staffing.calibration.history import read_history

        table = read_history(df, source=name)  # raises the "not a history" message
    return Calibrator(
        threshold_s=threshold_s,
        by=by,
        abandon_target=abandon_target,
        confidence=confidence,
        min_abandons=min_abandons,
    ).fit(table, records)


def load_calibration(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read ``calibration.json`` written by ``staffing calibrate --out``.

    Parameters
    ----------
    path : str or path-like

    Returns
    -------
    dict
        The parsed file, checked to hold ``queues`` with a positive ``patience_s`` (or
        ``null``) for each queue.

    Raises
    ------
    InputError
        Missing or unreadable file, not JSON, or no usable ``queues``.
    """
    source = os.fspath(path)
    try:
        with open(source, encoding="utf-8") as fh:
            data = json.load(fh)
    except FileNotFoundError:
        raise InputError("no such file", source=source) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"not a calibration JSON file ({exc})", source=source) from None
    queues = data.get("queues") if isinstance(data, dict) else None
    if not isinstance(queues, dict) or not queues:
        raise InputError("no 'queues' in the calibration", source=source)
    for name, entry in queues.items():
        value = entry.get("patience_s") if isinstance(entry, dict) else "missing"
        if value is not None and not (isinstance(value, int | float) and value > 0):
            raise InputError(
                f"queue '{name}': patience_s {value!r} is not a positive number or null",
                source=source,
            )
    return data


def patience_for(calibration: Mapping[str, Any], queues: Any) -> Any:
    """Mean patience [s] for each queue of a forecast, from a loaded calibration.

    Parameters
    ----------
    calibration : mapping
        :func:`load_calibration`'s result (or :meth:`Calibrator.to_dict`).
    queues : str, sequence of str or Series
        Queue names. A calibration of a single queue applies to every queue.

    Returns
    -------
    float, ndarray or Series
        Patience [s] in the shape of ``queues`` (a Series keeps its index); ``inf`` where
        the calibration has no patience (plan that queue with Erlang C).

    Raises
    ------
    InputError
        A queue the calibration does not know (when it knows more than one).

    Examples
    --------
    >>> cal = {"queues": {"sales": {"patience_s": 95.0}, "care": {"patience_s": None}}}
    >>> patience_for(cal, ["sales", "care"]).tolist()
    [95.0, inf]
    >>> patience_for({"queues": {"all": {"patience_s": 120.0}}}, "anything")
    120.0
    """
    table: dict[str, float] = {}
    for name, entry in calibration["queues"].items():
        value = entry.get("patience_s") if isinstance(entry, Mapping) else None
        table[str(name)] = float("inf") if value is None else float(value)
    single = next(iter(table.values())) if len(table) == 1 else None

    def one(q: Any) -> float:
        key = str(q)
        if key in table:
            return table[key]
        if single is not None:
            return single
        raise InputError(
            f"the calibration has no patience for queue '{key}' (it has {', '.join(sorted(table))})"
        )

    if isinstance(queues, str):
        return one(queues)
    if isinstance(queues, pd.Series):
        lookup = {q: one(q) for q in pd.unique(queues)}
        return queues.map(lookup).astype(float)
    if isinstance(queues, Sequence | np.ndarray):
        return np.array([one(q) for q in queues], dtype=float)
    return one(queues)
