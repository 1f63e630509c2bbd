"""Write the export-shaped fixtures of this directory, each beside its clean twin.

Every export holds the same data as its ``*_clean.csv`` twin, which is written in the
project's own format (ISO timestamps, the column vocabulary of ``DESIGN.md``, seconds and
fractions); the export is written the way a real ACD or WFM tool writes it. The data
comes from the package's sample files (``staffing/data``), with the dates moved where a
fixture needs them, and from a seeded generator for the daily report.

=============================  ============================================================
export                         shape
=============================  ============================================================
``uk_forecast.csv``            semicolon-delimited, UTF-8 byte-order mark, ``dd/mm/yyyy``
                               in a ``Date`` column and ``HH:MM`` in a ``Time`` column,
                               decimal commas, AHT as ``h:mm:ss``, skill ids ``007``
``forecast_second_sheet.xlsx`` a notes sheet first; on the second sheet Excel date cells,
                               interval labels ``07:00 - 07:30``, AHT as Excel time cells,
                               skill ids as text (``007``) and as numbers (``101``)
``interval_report.csv``        US interval report: ``03/13/2024 08:30 AM``, service level
                               in percent rounded to one decimal, ASA, average abandon
                               time and AHT as ``h:mm:ss`` rounded to the second
``daily_report.csv``           daily counts where answered + abandoned exceeds offered by
                               1 to 16 calls on four days (the twin holds them repaired)
``ambiguous_forecast.csv``     ``dd/mm/yyyy HH:MM`` timestamps whose days are all <= 12
=============================  ============================================================

Run from the repository root: ``.venv/bin/python tests/data/exports/make_exports.py``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook

from staffing.data import sample_path

HERE = Path(__file__).resolve().parent
FIXED_TIME = dt.datetime(2025, 3, 1, 12, 0, 0)  # workbook metadata, so reruns match


def clock(seconds: float) -> str:
    """``h:mm:ss`` of a duration rounded to the second, as ACD reports print it."""
    s = round(seconds)
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}"


def forecast_days(first: str, days: int) -> pd.DataFrame:
    """The sample forecast's first ``days`` days, moved to start on ``first``."""
    df = pd.read_csv(sample_path("forecast.csv"), dtype={"queue": str})
    start = pd.to_datetime(df["interval_start"])
    keep = start < start.min().normalize() + pd.Timedelta(days=days)
    df = df[keep].copy()
    shift = pd.Timestamp(first) - start.min().normalize()
    df["interval_start"] = (start[keep] + shift).dt.strftime("%Y-%m-%d %H:%M")
    return df.reset_index(drop=True)


def uk_forecast() -> None:
    clean = forecast_days("2025-03-11", 3)  # 11 and 12 March are ambiguous, 13 is not
    clean["queue"] = clean["queue"].map({"premium": "007", "sales": "012", "service": "101"})
    clean.to_csv(HERE / "uk_forecast_clean.csv", index=False)
    start = pd.to_datetime(clean["interval_start"])
    export = pd.DataFrame(
        {
            "Date": start.dt.strftime("%d/%m/%Y"),
            "Time": start.dt.strftime("%H:%M"),
            "Skill": clean["queue"],
            "Forecast Calls": clean["calls"].map(lambda v: f"{v:.1f}".replace(".", ",")),
            "Forecast AHT": clean["aht_s"].map(clock),
            "Patience (s)": clean["patience_s"],
        }
    )
    text = export.to_csv(sep=";", index=False, lineterminator="\r\n")
    (HERE / "uk_forecast.csv").write_bytes("\ufeff".encode() + text.encode("utf-8"))


def excel_forecast() -> None:
    clean = forecast_days("2025-03-17", 2)
    clean["queue"] = clean["queue"].map({"premium": "007", "sales": "008", "service": "101"})
    clean.to_csv(HERE / "forecast_second_sheet_clean.csv", index=False)
    start = pd.to_datetime(clean["interval_start"])
    book = Workbook()
    notes = book.active
    notes.title = "Read me"
    notes["A1"] = "Forecast export, week 12. The forecast is on the next sheet."
    sheet = book.create_sheet("Forecast")
    sheet.append(["Date", "Interval", "Skill", "Calls", "AHT", "Patience"])
    for when, queue, calls, aht, patience in zip(
        start, clean["queue"], clean["calls"], clean["aht_s"], clean["patience_s"], strict=True
    ):
        end = when + pd.Timedelta(minutes=30)
        sheet.append(
            [
                when.to_pydatetime().replace(hour=0, minute=0),
                f"{when:%H:%M} - {end:%H:%M}",
                int(queue) if queue == "101" else queue,  # the tool wrote one id as a number
                float(calls),
                (dt.datetime(2000, 1, 1) + dt.timedelta(seconds=int(aht))).time(),
                int(patience),
            ]
        )
        row = sheet.max_row
        sheet.cell(row, 1).number_format = "dd/mm/yyyy"
        sheet.cell(row, 3).number_format = "@" if queue != "101" else "0"
        sheet.cell(row, 5).number_format = "h:mm:ss"
    book.properties.created = FIXED_TIME
    book.properties.modified = FIXED_TIME
    book.save(HERE / "forecast_second_sheet.xlsx")


def interval_report() -> None:
    hist = pd.read_csv(sample_path("history.csv"), dtype={"queue": str})
    start = pd.to_datetime(hist["interval_start"])
    day0 = start.min().normalize()
    keep = (start < day0 + pd.Timedelta(days=3)) & (start.dt.hour < 12)
    hist = hist[keep].reset_index(drop=True)
    start = start[keep].reset_index(drop=True) + (pd.Timestamp("2024-03-11") - day0)
    # An interval where every answered call was answered in time and two abandoned: the
    # ACD's 96.2% (50 / 52 = 96.15%) times 52 offered is 50.02, above the 50 answered.
    hist.loc[3, ["offered", "answered", "abandoned", "answered_within"]] = [52, 50, 2, 50]
    clean = pd.DataFrame(
        {
            "interval_start": start.dt.strftime("%Y-%m-%d %H:%M"),
            "queue": hist["queue"],
            "offered": hist["offered"],
            "answered": hist["answered"],
            "abandoned": hist["abandoned"],
            "answered_within": hist["answered_within"],
            "asa_s": (hist["wait_answered_s"] / hist["answered"]).round(6),
            "avg_abandon_s": (
                hist["wait_abandoned_s"] / hist["abandoned"].where(hist["abandoned"] > 0)
            )
            .fillna(0.0)
            .round(6),
            "aht_s": hist["aht_s"],
            "agents": hist["agents"],
        }
    )
    clean.to_csv(HERE / "interval_report_clean.csv", index=False)
    export = pd.DataFrame(
        {
            "Interval": start.dt.strftime("%m/%d/%Y %I:%M %p"),
            "Queue": clean["queue"],
            "Offered": clean["offered"],
            "Answered": clean["answered"],
            "Abandoned": clean["abandoned"],
            "Service Level %": (100 * clean["answered_within"] / clean["offered"]).map(
                lambda v: f"{v:.1f}"
            ),
            "ASA": clean["asa_s"].map(clock),
            "Avg Abandon Time": clean["avg_abandon_s"].map(clock),
            "AHT": clean["aht_s"].map(clock),
            "Agents": clean["agents"],
        }
    )
    export.to_csv(HERE / "interval_report.csv", index=False)


def daily_report() -> None:
    rng = np.random.default_rng(311)
    days = pd.date_range("2024-01-01", periods=60, freq="D")
    offered = rng.poisson(1500, days.size)
    abandoned = rng.binomial(offered, 0.06)
    answered = offered - abandoned
    export = pd.DataFrame(
        {
            "Date": days.strftime("%Y-%m-%d"),
            "Calls Offered": offered,
            "Calls Answered": answered,
            "Calls Abandoned": abandoned,
        }
    )
    off_by = {4: 1, 17: 3, 33: 9, 51: 16}  # calls spanning midnight, counted twice
    for row, extra in off_by.items():
        export.loc[row, "Calls Answered"] += extra
    export.to_csv(HERE / "daily_report.csv", index=False)
    clean = pd.DataFrame(
        {
            "interval_start": export["Date"],
            "offered": np.maximum(
                export["Calls Offered"], export["Calls Answered"] + export["Calls Abandoned"]
            ),
            "answered": export["Calls Answered"],
            "abandoned": export["Calls Abandoned"],
        }
    )
    clean.to_csv(HERE / "daily_report_clean.csv", index=False)


def ambiguous_forecast() -> None:
    clean = forecast_days("2025-03-03", 3)  # 3, 4 and 5 March: every day <= 12
    clean.to_csv(HERE / "ambiguous_forecast_clean.csv", index=False)
    export = clean.copy()
    export["interval_start"] = pd.to_datetime(clean["interval_start"]).dt.strftime("%d/%m/%Y %H:%M")
    export.to_csv(HERE / "ambiguous_forecast.csv", index=False)


def main() -> None:
    uk_forecast()
    excel_forecast()
    interval_report()
    daily_report()
    ambiguous_forecast()


if __name__ == "__main__":
    main()
