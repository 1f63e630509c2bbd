"""The calibration told for a planner: a plain-text report and its tables by name."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from staffing.calibration.calibrator import CalibrationFitter

__all__ = ["calibration_report", "calibration_tables"]


def _pct(x: float | None, digits: int = 1) -> str:
    return "n/a" if x is None or not math.isfinite(x) else f"{100 * x:.{digits}f}%"


def calibration_tables(cal: CalibrationFitter) -> dict[str, pd.DataFrame]:
    """The fitted tables by name (for reports and spreadsheets)."""
    out: dict[str, pd.DataFrame] = {"patience": cal.summary}
    if cal.relation_ is not None:
        out["relation"] = cal.relation_.summary.reset_index(names="coefficient")
    if cal.periods_ is not None:
        out["patience_by_period"] = cal.periods_.summary
        if cal.patience_changes_ is not None and not cal.patience_changes_.empty:
            out["patience_changes"] = cal.patience_changes_
        if cal.patience_drift_ is not None and not cal.patience_drift_.empty:
            out["patience_drift"] = cal.patience_drift_
        if cal.relation_periods_ is not None and not cal.relation_periods_.empty:
            out["relation_by_period"] = cal.relation_periods_
    if cal.backtest_ is not None:
        out["backtest"] = cal.backtest_.summary
    return out


def calibration_report(cal: CalibrationFitter, *, with_warnings: bool = True) -> str:
    """A plain-text summary a planner can read.

    Parameters
    ----------
    with_warnings : bool, default True
        End with the list of warnings.
    """
    h = cal.history_
    lines = []
    kind = "call records" if cal.records_ is not None else "interval report"
    lines.append(
        f"Calibration of {cal.source_} ({kind}): {len(h):,} intervals, "
        f"{h['offered'].sum():,.0f} calls, {h['abandoned'].sum():,.0f} abandoned "
        f"({_pct(h['abandoned'].sum() / max(h['offered'].sum(), 1))}), "
        f"{h['interval_start'].min():%Y-%m-%d} to {h['interval_start'].max():%Y-%m-%d}, "
        f"service level within {cal.threshold_s:g} s."
    )
    level = f"{cal.confidence:.0%}"
    lines.append("")
    lines.append(f"Patience per queue (censored-exponential estimate, {level} interval):")
    for row in cal.summary.to_dict(orient="records"):
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
    if cal.relation_ is not None:
        r = cal.relation_
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
    if cal.target_:
        t = cal.target_
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
    if cal.periods_ is not None:
        lines.append("")
        lines.append(f"Drift by {cal.by}:")
        ch = cal.patience_changes_
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
        rd = cal.relation_drift_
        if rd:
            verdict = "moved" if rd["moved"] else "within chance"
            lines.append(
                f"  relation over {rd['periods']:.0f} periods: F = {rd['statistic']:.2f}, "
                f"p = {rd['p_value']:.3g}: {verdict}"
            )
        rp = cal.relation_periods_
        if cal.target_ and rp is not None and not rp.empty:
            for row in rp.to_dict(orient="records"):
                lines.append(
                    f"  {row['period']}: service level for the target "
                    f"{_pct(row['sl_for_abandon_target'])} "
                    f"({_pct(row['sl_ci_low'])}-{_pct(row['sl_ci_high'])})"
                )
    if cal.backtest_ is not None:
        bt = cal.backtest_
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
        models = [("erlang_c", "Erlang C"), ("erlang_a", "Erlang A")][: 2 if bt.erlang_a_ else 1]
        for model, name in models:
            e_sl, e_ab = err[(model, "service_level")], err[(model, "abandon_rate")]
            lines.append(
                f"  {name:<9} {100 * e_sl[0]:7.1f} pt {100 * e_sl[1]:+6.1f} pt"
                f" {100 * e_ab[0]:10.1f} pt {100 * e_ab[1]:+9.1f} pt"
            )
        best = bt.better_
        names = {"erlang_a": "Erlang A", "erlang_c": "Erlang C"}
        if best:
            lines.append(
                f"  closer: {names[best['service_level']]} on service level, "
                f"{names[best['abandon_rate']]} on abandon rate"
            )
        else:
            lines.append("  no patience could be estimated: Erlang A is not back-tested")
    if with_warnings and cal.warnings_:
        lines.append("")
        lines.append("Warnings:")
        lines.extend(f"  - {w}" for w in cal.warnings_)
    return "\n".join(lines)
