"""The calibration told for a planner: a plain-text report and its tables by name."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from staffing.calibration.backtest import BackTestFitter
    from staffing.calibration.calibrator import CalibrationFitter

__all__ = ["backtest_lines", "calibration_report", "calibration_tables"]


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
    if cal.effective_ is not None:
        out["effective_staffing"] = cal.effective_.summary
        if cal.effective_.periods_ is not None:
            out["effective_staffing_by_period"] = cal.effective_.periods_
    if cal.forms_ is not None:
        out["staffing_forms"] = cal.forms_
    if cal.backtest_ is not None:
        out["backtest"] = cal.backtest_.summary
    return out


def _points(x: float, signed: bool = False) -> str:
    if not math.isfinite(x):
        return "n/a"
    return f"{100 * x:+.1f}" if signed else f"{100 * x:.1f}"


def _effective_lines(cal: CalibrationFitter) -> list[str]:
    eff = cal.effective_
    if eff is None:
        return []
    level = f"{cal.confidence:.0%}"
    lines = [
        "",
        "Effective staffing (effective agents = factor x staffed agents, the factor at "
        "which Erlang A with the fitted patience gives the realised service level; "
        f"{level} interval, bias-corrected):",
    ]
    for row in eff.summary.to_dict(orient="records"):
        est = row["estimate"]
        if not math.isfinite(est):
            lines.append(f"  {row['queue']!s:<12} not fitted")
            continue
        ci = (
            f"{row['ci_low']:.3f}-{row['ci_high']:.3f}"
            if math.isfinite(row["ci_low"])
            else "interval n/a: one day"
        )
        lines.append(
            f"  {row['queue']!s:<12} x{est:.3f} ({ci}), "
            f"a measured shrinkage of {_pct(round(1.0 - est, 3) + 0.0)}, over "
            f"{row['intervals']:,} intervals; "
            f"realised service level {_pct(row['service_level'])}, Erlang A at the staffed "
            f"agents {_pct(row['predicted_as_reported'])}"
        )
    if eff.periods_ is not None and len(eff.periods_):
        for queue, part in eff.periods_.groupby("queue", sort=True):
            shown = ", ".join(
                f"{p} x{v:.3f}" if math.isfinite(v) else f"{p} n/a"
                for p, v in zip(part["period"], part["estimate"], strict=True)
            )
            drift = eff.drift_
            verdict = ""
            if drift is not None and not drift.empty and (drift["queue"] == queue).any():
                d = drift[drift["queue"] == queue].iloc[0]
                verdict = (
                    f": moved (p = {d['p_value']:.3g})"
                    if d["moved"]
                    else f": within chance (p = {d['p_value']:.3g})"
                )
            lines.append(f"  {queue!s:<12} by {eff.by}: {shown}{verdict}")
    forms = cal.forms_
    if forms is not None and not forms.empty:
        where = "the held-out part" if cal.holdout_ is not None else "the last quarter of the days"
        lines.append(
            f"  factor or after-call work added to the AHT, fitted before and tested on {where}:"
        )
        for row in forms.to_dict(orient="records"):
            name = "factor" if row["form"] == "factor" else "after-call work"
            lines.append(
                f"    {name:<16} {row['estimate']}: service-level error "
                f"{_points(row['sl_mae'])} pt per interval, {_points(row['sl_mae_day'])} pt per day"
            )
        if len(forms) > 1 and abs(forms["sl_mae"].iloc[1] - forms["sl_mae"].iloc[0]) < 5e-4:
            lines.append("    the two predict the later data alike (within 0.05 points)")
        elif len(forms) > 1:
            best = "the factor" if forms["form"].iloc[0] == "factor" else "the after-call work"
            lines.append(f"    {best} predicts the later data better")
        else:
            other = "after-call work" if forms["form"].iloc[0] == "factor" else "a factor"
            lines.append(f"    no {other} reproduces the fitted months: nothing to compare")
    return lines


def backtest_lines(bt: BackTestFitter, *, scope: str = "", verdict: bool = True) -> list[str]:
    """The back-test as a table a planner can read.

    Per queue and model, the service-level error per interval, hour and day beside its noise
    floor, the bias, and the abandon rate's error; the verdict when ``verdict``.
    """
    iv = bt.intervals_
    table = bt.table()
    floors = bool(np.isfinite(table["sl_noise_floor"]).any())
    lines = [
        (
            f"Back-test{' ' + scope if scope else ''}: {iv['interval_start'].min():%Y-%m-%d} "
            f"to {iv['interval_start'].max():%Y-%m-%d}, {len(iv):,} intervals, "
            f"{iv['offered'].sum():,.0f} calls, effective agents "
            "(staffed x factor); calls-weighted mean absolute error in points"
            + (
                ", its noise floor (the error of a model exactly right) in brackets:"
                if floors
                else " (no simulation, so no noise floors):"
            )
        ),
    ]
    names = {"erlang_c": "Erlang C", "erlang_a": "Erlang A", "simulation": "simulation"}
    for queue in pd.unique(table["queue"]):
        part = table[table["queue"] == queue]
        lines.append(f"  queue {queue}")
        lines.append(
            f"    {'':<11} {'SL interval':<13} {'SL hour':<13} {'SL day':<13} {'bias':>6}   "
            f"{'abandon':<11} {'bias':>6}"
        )
        for model in bt.models:
            rows = part[part["model"] == model].set_index("level")

            def cell(value: float, floor: float) -> str:
                return f"{_points(value):>5}" + (f" ({_points(floor)})" if floors else "")

            cells = [
                cell(rows.loc[lvl, "sl_mae"], rows.loc[lvl, "sl_noise_floor"])
                for lvl in ("interval", "hour", "day")
            ]
            iv_row = rows.loc["interval"]
            abandon = cell(iv_row["abandon_mae"], iv_row["abandon_noise_floor"])
            lines.append(
                f"    {names[model]:<11} {cells[0]:<13} {cells[1]:<13} {cells[2]:<13} "
                f"{_points(iv_row['sl_bias'], True):>6}   {abandon:<11} "
                f"{_points(iv_row['abandon_bias'], True):>6}"
            )
    if verdict and bt.better_:
        judged = ", ".join(bt.judged_)
        sl, ab = bt.better_["service_level"], bt.better_["abandon_rate"]
        lines.append(
            f"  verdict on {judged}: {names[sl]} is closer on service level by "
            f"{_points(bt.margin_['service_level'])} points per interval, {names[ab]} on "
            f"abandon rate by {_points(bt.margin_['abandon_rate'])} points"
        )
    return lines


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
    held = getattr(cal, "holdout_", None)
    lines.append(
        f"Calibration of {cal.source_} ({kind}): {len(h):,} intervals, "
        f"{h['offered'].sum():,.0f} calls, {h['abandoned'].sum():,.0f} abandoned "
        f"({_pct(h['abandoned'].sum() / max(h['offered'].sum(), 1))}), "
        f"{'fitted on ' if held is not None else ''}"
        f"{h['interval_start'].min():%Y-%m-%d} to {h['interval_start'].max():%Y-%m-%d}"
        + (
            f" (held out: {held['interval_start'].min():%Y-%m-%d} to "
            f"{held['interval_start'].max():%Y-%m-%d})"
            if held is not None
            else ""
        )
        + f", service level within {cal.threshold_s:g} s."
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
    lines.extend(_effective_lines(cal))
    if cal.backtest_ is not None:
        lines.append("")
        held_out = cal.holdout_ is not None
        lines.extend(
            backtest_lines(
                cal.backtest_,
                scope="on the held-out part" if held_out else "in-sample (on the fitted history)",
                verdict=held_out,
            )
        )
        if held_out and not cal.verdict_:
            lines.append(
                "  no verdict: no queue is a pool of its own (see the warnings), or no "
                "patience could be estimated"
            )
        if not held_out:
            lines.append(
                "  no verdict between the models in-sample: give a hold-out "
                "(`holdout` 2m) to judge them on data they were not fitted on"
            )
    if with_warnings and cal.warnings_:
        lines.append("")
        lines.append("Warnings:")
        lines.extend(f"  - {w}" for w in cal.warnings_)
    return "\n".join(lines)
