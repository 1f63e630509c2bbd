"""Everything the calibration learns from one history, in one estimator.

:class:`CalibrationFitter` fits patience per queue (with the Kaplan–Meier view when call
records are available), the abandon-rate/service-level relation and the service level
for an abandon target, the same per month or quarter with drift tests, and the Erlang C
vs Erlang A back-test. :func:`calibrate` fits a history table in one call;
:meth:`CalibrationFitter.to_dict` is the content of ``calibration.json``
(:mod:`staffing.calibration.schema`).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from staffing.calibration.backtest import BACKTEST_MODELS, BackTestFitter
from staffing.calibration.drift import (
    patience_changes,
    patience_drift,
    relation_by_period,
    relation_drift,
)
from staffing.calibration.effective import (
    EffectiveStaffingFitter,
    EffectiveStaffingWarning,
    compare_forms,
)
from staffing.calibration.history import (
    aggregate_records,
    history_kind,
    normalise_history_columns,
    not_a_history,
    pool_queues,
    shared_agents,
    validate_intervals,
    validate_records,
)
from staffing.calibration.patience import (
    KaplanMeierFitter,
    PatienceFitter,
    PatienceWarning,
    period_labels,
)
from staffing.calibration.redials import GivenRedials, RedialFitter
from staffing.calibration.relation import (
    RelationFitter,
    RelationWarning,
    erlang_a_service_level,
)
from staffing.calibration.report import calibration_report, calibration_tables
from staffing.calibration.schema import calibration_dict
from staffing.errors import InputError, StaffingWarning
from staffing.frames.values import InconsistentPolicy
from staffing.vocabulary import AbandonPolicy, parse_rate, parse_span, span_start

__all__ = [
    "SHARED_AGENTS_LIMIT",
    "CalibrationFitter",
    "CalibrationWarning",
    "Calibrator",
    "calibrate",
]

#: A queue whose handle time comes more than this share from agents who served another
#: queue in the same interval is not a pool of its own (:func:`shared_agents`).
SHARED_AGENTS_LIMIT = 0.05


class CalibrationWarning(StaffingWarning):
    """Part of the calibration could not be done (the rest still stands)."""


class CalibrationFitter:
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
    holdout : str, optional
        Hold out the last calendar periods of the history (``"2m"``: two months, ``"8w"``,
        ``"30d"``, ``"1q"``; :func:`staffing.vocabulary.parse_span`): everything is fitted
        on the earlier part and the back-test runs on the held-out part only.
    holdout_from : str or Timestamp, optional
        The same, from this date on (instead of ``holdout``).
    replications : int, default 30
        Simulated copies of every back-tested day (simulation model, noise floors).
    bias_replications : int, default 6
        Simulated histories for the effective-staffing bias correction.
    seed : int, default 0
        Seed of every simulation.
    models : sequence of str, optional
        Models to back-test; default all of :data:`~staffing.calibration.BACKTEST_MODELS`
        with a hold-out (and their noise floors), Erlang C and Erlang A without (an
        in-sample back-test gives no verdict and is kept quick: no simulation, no noise
        floors).
    redial : float, optional
        Share of abandoned callers who call again, for a history without caller ids
        (:class:`~staffing.calibration.redials.GivenRedials`); call records with a
        ``caller_id`` column have theirs measured instead
        (:class:`~staffing.calibration.redials.RedialFitter`).

    Attributes
    ----------
    history_ : DataFrame
        The interval history fitted on (columns of ``HISTORY_COLUMNS``): with a hold-out,
        its earlier part.
    holdout_ : DataFrame or None
        The held-out part of the history.
    holdout_start_ : Timestamp or None
        First day held out.
    records_ : DataFrame or None
        Call records, when the history came as records (the fitted part).
    patience_ : PatienceFitter
        Patience per queue.
    kaplan_meier_ : dict of str to KaplanMeierFitter
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
    effective_ : EffectiveStaffingFitter or None
        Effective staffing (``effective = factor x staffed``) per queue and period,
        where the history knows staffed agents and a service level.
    forms_ : DataFrame or None
        With a hold-out: the factor against after-call work added to the AHT, fitted
        before and tested on the held-out part (:func:`~staffing.calibration.compare_forms`).
    shared_ : Series or None
        From call records naming agents: the share of each queue's handle time given by
        agents who served another queue in the same interval.
    backtest_ : BackTestFitter or None
        Erlang C, Erlang A and the simulation against what happened, with the effective
        staffing: on the held-out part (``backtest_scope_`` ``"held-out"``), else on the
        fitted history (``"in-sample"``, no verdict).
    verdict_ : dict
        Only with a hold-out: per measure the closer of Erlang C and Erlang A on the
        held-out intervals of the judged queues, and by how many points.
        Erlang C vs Erlang A, where the history knows staffed agents.
    redials_ : RedialFitter, GivenRedials or None
        Redial shares per queue: measured from caller ids, or the share given.
    warnings_ : list of str
        Everything that could not be estimated or should not be trusted.
    summary : DataFrame
        Patience per queue (:attr:`~staffing.calibration.PatienceFitter.summary`), with
        ``km_max_gap`` (largest distance between the Kaplan–Meier curve and the fitted exponential)
        when call records were given.

    Examples
    --------
    >>> from staffing.data import sample_frame
    >>> cal = calibrate(sample_frame("history.csv"), abandon_target=0.05, by=None)
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
        holdout: str | None = None,
        holdout_from: Any = None,
        replications: int = 30,
        bias_replications: int = 6,
        seed: int = 0,
        models: Any = None,
        redial: float | None = None,
    ) -> None:
        self.redial = redial
        self.threshold_s = threshold_s
        self.by = by
        self.abandon_target = abandon_target
        self.confidence = confidence
        self.min_abandons = min_abandons
        self.holdout = holdout
        self.holdout_from = holdout_from
        self.replications = replications
        self.bias_replications = bias_replications
        self.seed = seed
        self.models = models

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
        if self.redial is not None and not 0.0 <= self.redial < 1.0:
            raise InputError(
                f"redial share {self.redial!r} must be at least 0 and below 100% (write 40%)"
            )
        if self.holdout is not None and self.holdout_from is not None:
            raise InputError("give either `holdout` or `holdout_from`, not both")
        if self.holdout is not None:
            parse_span(self.holdout, what="`holdout`")

    def _split(
        self, history: pd.DataFrame, records: pd.DataFrame | None
    ) -> tuple[pd.DataFrame, pd.DataFrame | None, pd.DataFrame | None]:
        """The fitted part of the history (and records) and the held-out part."""
        self.holdout_start_: pd.Timestamp | None = None
        if self.holdout is None and self.holdout_from is None:
            return history, records, None
        t = history["interval_start"]
        if self.holdout is not None:
            count, period = parse_span(self.holdout, what="`holdout`")
            start = pd.Timestamp(span_start(t.max().to_datetime64(), count, period))
        else:
            try:
                start = pd.Timestamp(self.holdout_from)
            except (TypeError, ValueError):
                raise InputError(
                    f"`holdout_from` {self.holdout_from!r} is not a date (write 1999-05-01)"
                ) from None
        early = (t < start).to_numpy()
        if early.all() or not early.any():
            first, last = t.min(), t.max()
            raise InputError(
                f"the hold-out from {start:%Y-%m-%d} leaves nothing to "
                f"{'test' if early.all() else 'fit'} on: the history runs from "
                f"{first:%Y-%m-%d} to {last:%Y-%m-%d}",
                source=str(history.attrs.get("source", "history")),
            )
        fit = history[early].reset_index(drop=True)
        test = history[~early].reset_index(drop=True)
        fit.attrs = dict(history.attrs)
        test.attrs = dict(history.attrs)
        if records is not None:
            keep = (records["arrival"] < start).to_numpy()
            part = records[keep].reset_index(drop=True)
            part.attrs = dict(records.attrs)
            records = part
        self.holdout_start_ = start
        return fit, records, test

    def fit(self, history: pd.DataFrame, records: pd.DataFrame | None = None) -> CalibrationFitter:
        """Fit everything on an interval history (and its call records, if any).

        Parameters
        ----------
        history : DataFrame
            Output of :func:`~staffing.io.read_history` (or of
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
        self.source_ = str(history.attrs.get("source", "history"))
        history, records, held_out = self._split(history, records)
        self.history_ = history
        self.holdout_ = held_out
        self.records_ = records
        notes: list[str] = []

        self.redials_ = self._fit_redials(history, records, notes)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            self._fit_all(history, records, notes)
            self._fit_staffing(history, records, held_out, notes)
        quiet = PatienceWarning | RelationWarning | CalibrationWarning | EffectiveStaffingWarning
        for w in caught:
            if issubclass(w.category, quiet):
                notes.append(str(w.message))
            else:
                warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
        self.warnings_ = list(dict.fromkeys(notes))

        nothing = (
            not np.isfinite(self.patience_.summary["patience_s"]).any()
            and self.relation_ is None
            and self.effective_ is None
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
        self.kaplan_meier_: dict[str, KaplanMeierFitter] = {}
        if records is not None:
            gaps = []
            for queue, theta in zip(summary["queue"], summary["patience_s"], strict=True):
                r = records[records["queue"] == queue]
                km = KaplanMeierFitter(confidence=conf).fit(
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
            for row in self.patience_changes_.to_dict(orient="records"):
                if row["moved"]:
                    notes.append(
                        f"queue '{row['queue']}': patience moved from {row['period_from']} "
                        f"({row['patience_from_s']:.0f} s) to {row['period_to']} "
                        f"({row['patience_to_s']:.0f} s); plans use each queue's latest "
                        "period unless told otherwise (`calibration_period`)"
                    )
            if has_sl:
                self.relation_periods_ = relation_by_period(
                    history, self.by, abandon_target=self.abandon_target, confidence=conf
                )
                self.relation_drift_ = relation_drift(history, self.by, level=1.0 - conf)

    def _row_patience(self, history: pd.DataFrame) -> np.ndarray:
        """Each interval's patience.

        Its period's estimate where periods were fitted and it has one, else its queue's
        pooled estimate (NaN: none).
        """
        pooled = self.patience_map()
        queues = history["queue"].astype(str)
        theta = queues.map(pooled).to_numpy(dtype=float)
        if self.periods_ is not None and self.by is not None:
            s = self.periods_.summary
            by_period = {
                (str(q), str(p)): float(v)
                for q, p, v in zip(s["queue"], s["period"], s["patience_s"], strict=True)
            }
            labels = period_labels(history["interval_start"], self.by).astype(str)
            own = np.array(
                [by_period.get(k, np.nan) for k in zip(queues, labels, strict=True)], dtype=float
            )
            theta = np.where(np.isfinite(own), own, theta)
        return theta

    def latest(self, name: str) -> dict[str, float]:
        """Per queue, the latest period's estimate of ``"patience"`` or ``"factor"``.

        The latest period's where one was fitted, else the pooled one: what a plan uses by
        default.
        """
        if name == "patience":
            out = self.patience_map()
            table = self.periods_.summary if self.periods_ is not None else None
            column = "patience_s"
        else:
            if self.effective_ is None:
                return {}
            out = self.effective_.factor_map()
            table = self.effective_.periods_
            column = "estimate"
        if table is not None:
            for queue, part in table.sort_values("period").groupby("queue"):
                values = part[column].to_numpy(dtype=float)
                known = values[np.isfinite(values)]
                if known.size:
                    out[str(queue)] = float(known[-1])
        return out

    def _fit_staffing(
        self,
        history: pd.DataFrame,
        records: pd.DataFrame | None,
        held_out: pd.DataFrame | None,
        notes: list[str],
    ) -> None:
        """Effective staffing, the shared-agents check and the back-test."""
        self.effective_: EffectiveStaffingFitter | None = None
        self.forms_: pd.DataFrame | None = None
        self.backtest_: BackTestFitter | None = None
        self.backtest_scope_ = "held-out" if held_out is not None else "in-sample"
        self.verdict_: dict[str, Any] = {}
        self.shared_: pd.Series | None = None
        has_sl = history["answered_within"].notna().any()
        if not history["agents"].notna().any():
            notes.append(
                "the history has no staffed agents: effective staffing and the back-test "
                "are skipped"
            )
            return
        if not has_sl:
            return
        if records is not None and records["agent"].notna().any():
            interval = float(history["interval_s"].median())
            self.shared_ = shared_agents(records, interval_s=interval)
        judged = sorted(history["queue"].astype(str).unique())
        if self.shared_ is not None:
            mixed = self.shared_[self.shared_ > SHARED_AGENTS_LIMIT]
            if len(mixed):
                judged = [q for q in judged if q not in mixed.index]
                named = ", ".join(f"{q} ({v:.0%})" for q, v in mixed.items())
                notes.append(
                    f"agents serve several queues: part of the handle time of {named} came "
                    "from agents who served another queue in the same interval; each queue "
                    "counts them as staffed, so the models see more agents than callers had "
                    "and none is judged on these queues (pool them: `pools` all, or their "
                    "names joined by +)"
                )
        elif len(judged) > 1 and held_out is not None:
            notes.append(
                "the history has staffed agents per queue for "
                f"{history['queue'].nunique()} queues: the verdict takes them as separate "
                "people; if agents serve several queues, each queue counts them, and the "
                "queues should be pooled (`pools`)"
            )
        data = history.assign(patience_s=self._row_patience(history))
        data.attrs = dict(history.attrs)
        try:
            self.effective_ = EffectiveStaffingFitter(
                threshold_s=self.threshold_s,
                by=self.by,
                confidence=self.confidence,
                bias_replications=self.bias_replications,
                seed=self.seed,
            ).fit(data)
        except InputError as exc:
            notes.append(f"effective staffing not fitted: {exc}")
            return
        latest_patience = self.latest("patience")
        factor = self.latest("factor")
        # the two forms, compared out of sample: fitted before the hold-out, tested on it
        if held_out is not None:
            test = held_out.assign(
                patience_s=held_out["queue"].astype(str).map(latest_patience).astype(float)
            )
            test.attrs = dict(history.attrs)
            try:
                self.forms_ = compare_forms(
                    data,
                    test,
                    threshold_s=self.threshold_s,
                    bias_replications=self.bias_replications,
                    seed=self.seed,
                    fitted={"factor": self.effective_},
                )
            except InputError as exc:
                notes.append(f"the forms of effective staffing were not compared: {exc}")
        curves = {
            q: (
                km.survival_["time_s"].to_numpy(dtype=float),
                km.survival_["survival"].to_numpy(dtype=float),
            )
            for q, km in self.kaplan_meier_.items()
            if not km.survival_.empty
        }
        target = held_out if held_out is not None else history
        try:
            models = self.models
            if models is None:
                models = BACKTEST_MODELS if held_out is not None else ("erlang_c", "erlang_a")
            # in-sample, a quick look: no simulation unless asked for
            quick = held_out is None and "simulation" not in models and self.models is None
            self.backtest_ = BackTestFitter(
                threshold_s=self.threshold_s,
                models=tuple(models),
                replications=0 if quick else self.replications,
                seed=self.seed,
            ).fit(
                target,
                latest_patience,
                staffing_factor={q: v for q, v in factor.items() if math.isfinite(v)},
                patience_curves=curves or None,
                judged=judged,
            )
        except InputError as exc:
            notes.append(f"back-test skipped: {exc}")
            return
        if held_out is not None and self.backtest_.better_:
            self.verdict_ = {
                m: {"closer": self.backtest_.better_[m], "margin": self.backtest_.margin_[m]}
                for m in self.backtest_.better_
            }

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

    def _fit_redials(
        self, history: pd.DataFrame, records: pd.DataFrame | None, notes: list[str]
    ) -> RedialFitter | GivenRedials | None:
        """Redial shares from caller ids, else the share given, else none (said so)."""
        if records is not None and "caller_id" in records.columns:
            if self.redial is not None:
                notes.append(
                    "the records' caller ids measure the redial shares: the redial share "
                    "given is not used"
                )
            return RedialFitter(confidence=self.confidence).fit(records)
        if self.redial is not None:
            return GivenRedials(self.redial).fit(history)
        return None

    def patience_map(self) -> dict[str, float]:
        """Fitted patience per queue [s] (NaN where it could not be estimated)."""
        s = self.patience_.summary
        return {str(q): float(p) for q, p in zip(s["queue"], s["patience_s"], strict=True)}

    def to_dict(self) -> dict[str, Any]:
        """The content of ``calibration.json`` (see :mod:`staffing.calibration.schema`)."""
        return calibration_dict(self)

    def tables(self) -> dict[str, pd.DataFrame]:
        """The fitted tables by name (for reports and spreadsheets)."""
        return calibration_tables(self)

    def report(self, *, with_warnings: bool = True) -> str:
        """A plain-text summary a planner can read (ending with the warnings)."""
        text = calibration_report(self, with_warnings=with_warnings)
        redials = getattr(self, "redials_", None)
        if redials is not None:
            return text.rstrip("\n") + "\n\n" + redials.report()
        if getattr(self, "records_", None) is not None:
            return text.rstrip("\n") + (
                "\n\nRedials: the records have no caller ids, so the shares of callers who "
                "call again are not estimated (the calls are attempts; give the share with "
                "--redial)."
            )
        return text

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


def calibrate(
    history: pd.DataFrame,
    *,
    threshold_s: float = 20.0,
    interval: str | float = "30min",
    by: str | None = "quarter",
    abandon_target: float | str | None = None,
    confidence: float = 0.95,
    min_abandons: int = 30,
    max_idle_s: float = 900.0,
    on_inconsistent: InconsistentPolicy = "repair",
    history_sl: AbandonPolicy | None = None,
    agents_estimate: str = "idle_gap",
    pools: Sequence[str] = (),
    holdout: str | None = None,
    holdout_from: Any = None,
    replications: int = 30,
    bias_replications: int = 6,
    seed: int = 0,
    models: Sequence[str] | None = None,
    redial: float | str | None = None,
) -> CalibrationFitter:
    """Calibrate on a history table: an interval report or per-call records.

    Parameters
    ----------
    history : DataFrame
        An ACD interval report or call records with our column names (see
        :mod:`staffing.calibration.history`; :func:`staffing.io.read_table` maps a file's
        own names). ``attrs["source"]`` names it in messages.
    threshold_s : float, default 20
        Service-level threshold [s].
    interval : str or float, default "30min"
        Interval for aggregating call records (a duration: ``"15min"``, ``1800``).
    by : {"quarter", "month", None}, default "quarter"
        Periods for the drift analysis.
    abandon_target : float or str, optional
        Abandon-rate goal (``0.05`` or ``"5%"``).
    confidence : float, default 0.95
    min_abandons : int, default 30
    max_idle_s : float, default 900
        Call records only: longest idle gap between two calls of one agent still counted
        as staffed [s] (see :func:`~staffing.calibration.staffed_agents`).
    on_inconsistent : {"repair", "drop", "fail"}, default "repair"
        Interval reports: rows whose answered + abandoned exceeds offered (see
        :func:`~staffing.calibration.validate_intervals`).
    history_sl : {"fail", "exclude", "exclude_within", "count_within"}, optional
        Interval reports: what their ``service_level`` divides (default answered within
        t / offered; see :func:`~staffing.calibration.validate_intervals`).
    agents_estimate : {"idle_gap", "work_conserving"}, default "idle_gap"
        Call records: how staffed agents are estimated (see
        :func:`~staffing.calibration.aggregate_records`).
    pools : sequence of str
        Queues served by one pool of agents, calibrated as one queue (``"all"``, or
        ``"PS+PE+NE"``; see :func:`~staffing.calibration.pool_queues`).
    holdout, holdout_from, replications, bias_replications, seed, models
        See :class:`CalibrationFitter`.
    redial : float or str, optional
        Share of abandoned callers who call again (``"40%"``), for a history without
        caller ids; records with ``caller_id`` have theirs measured.

    Returns
    -------
    CalibrationFitter
        Fitted; ``history_.attrs`` also records ``history_sl``, ``agents_estimate``,
        ``max_idle_s`` and ``pools`` for ``calibration.json``.

    Examples
    --------
    >>> from staffing.data import sample_frame
    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     cal = calibrate(sample_frame("history.csv"), by=None, holdout="1m",
    ...                     models=("erlang_c", "erlang_a"), bias_replications=0)
    >>> cal.backtest_scope_, cal.verdict_["service_level"]["closer"]
    ('held-out', 'erlang_a')
    """
    df = normalise_history_columns(history)
    name = str(history.attrs.get("source", "history"))
    kind = history_kind(df.columns)
    records = None
    if kind == "records":
        records = pool_queues(validate_records(df, source=name), pools)
        table = aggregate_records(
            records,
            interval=interval,
            threshold_s=threshold_s,
            max_gap_s=max_idle_s,
            agents_estimate=agents_estimate,
        )
    elif kind == "intervals":
        table = pool_queues(
            validate_intervals(
                df,
                threshold_s=threshold_s,
                interval=interval,
                source=name,
                on_inconsistent=on_inconsistent,
                history_sl=history_sl,
            ),
            pools,
        )
    else:
        raise not_a_history(df, name)
    table.attrs["pools"] = list(pools)
    return CalibrationFitter(
        threshold_s=threshold_s,
        by=by,
        abandon_target=None
        if abandon_target is None
        else parse_rate(abandon_target, what="`abandon_target`", allow_zero=False, allow_one=False),
        confidence=confidence,
        min_abandons=min_abandons,
        holdout=holdout,
        holdout_from=holdout_from,
        replications=replications,
        bias_replications=bias_replications,
        seed=seed,
        models=models,
        redial=None if redial is None else parse_rate(redial, what="`redial`", allow_one=False),
    ).fit(table, records)


#: The name this estimator had before the fitters were named alike.
Calibrator = CalibrationFitter
