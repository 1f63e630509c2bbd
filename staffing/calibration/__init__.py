"""Calibration from an ACD history.

Patience, the abandon-rate/service-level relation, effective staffing, drift between
periods, and a back-test of Erlang C, Erlang A and a simulation beside their noise floors.

Everything here works on pandas tables; files are read by :mod:`staffing.io`
(:func:`~staffing.io.read_history`, :func:`~staffing.io.read_call_records`,
:func:`~staffing.io.read_bank_log`, :func:`~staffing.io.load_calibration`). Every
estimator is a ``...Fitter`` with ``fit(data) -> self`` and fitted attributes ending in
``_`` (``CalibrationFitter``, ``PatienceFitter``, ``RelationFitter``,
``KaplanMeierFitter``, ``EffectiveStaffingFitter``, ``BackTestFitter``).
"""

from __future__ import annotations

from staffing.calibration.backtest import (
    BACKTEST_COLUMNS,
    BACKTEST_LEVELS,
    BACKTEST_MODELS,
    BACKTEST_SUMMARY_COLUMNS,
    BackTest,
    BackTestFitter,
    backtest,
)
from staffing.calibration.bank import BANK_CALL_TYPES, BANK_FIELDS, BANK_MONTHS, bank_records
from staffing.calibration.calibrator import (
    CalibrationFitter,
    CalibrationWarning,
    Calibrator,
    calibrate,
)
from staffing.calibration.drift import (
    patience_changes,
    patience_drift,
    relation_by_period,
    relation_drift,
)
from staffing.calibration.effective import (
    EFFECTIVE_COLUMNS,
    STAFFING_FORMS,
    EffectiveStaffingFitter,
    EffectiveStaffingWarning,
    compare_forms,
)
from staffing.calibration.history import (
    AGENT_ESTIMATES,
    DEFAULT_QUEUE,
    HISTORY_COLUMNS,
    RECORD_COLUMNS,
    SL_DEFINITIONS,
    aggregate_records,
    history_kind,
    pool_queues,
    prepare_history,
    service_level_counts,
    shared_agents,
    staffed_agents,
    validate_intervals,
    validate_records,
    work_conserving_agents,
)
from staffing.calibration.patience import (
    PATIENCE_COLUMNS,
    KaplanMeier,
    KaplanMeierFitter,
    PatienceFitter,
    PatienceWarning,
    exponential_mean_ci,
    period_labels,
)
from staffing.calibration.relation import (
    RelationFitter,
    RelationWarning,
    erlang_a_service_level,
    relation_points,
)
from staffing.calibration.schema import (
    CALIBRATION_PERIODS,
    calibrated_patience,
    calibration_dict,
    check_calibration,
    patience_for,
)

__all__ = [
    "AGENT_ESTIMATES",
    "BACKTEST_COLUMNS",
    "BACKTEST_LEVELS",
    "BACKTEST_MODELS",
    "BACKTEST_SUMMARY_COLUMNS",
    "BANK_CALL_TYPES",
    "BANK_FIELDS",
    "BANK_MONTHS",
    "CALIBRATION_PERIODS",
    "DEFAULT_QUEUE",
    "EFFECTIVE_COLUMNS",
    "HISTORY_COLUMNS",
    "PATIENCE_COLUMNS",
    "RECORD_COLUMNS",
    "SL_DEFINITIONS",
    "STAFFING_FORMS",
    "BackTest",
    "BackTestFitter",
    "CalibrationFitter",
    "CalibrationWarning",
    "Calibrator",
    "EffectiveStaffingFitter",
    "EffectiveStaffingWarning",
    "KaplanMeier",
    "KaplanMeierFitter",
    "PatienceFitter",
    "PatienceWarning",
    "RelationFitter",
    "RelationWarning",
    "aggregate_records",
    "backtest",
    "bank_records",
    "calibrate",
    "calibrated_patience",
    "calibration_dict",
    "check_calibration",
    "compare_forms",
    "erlang_a_service_level",
    "exponential_mean_ci",
    "history_kind",
    "patience_changes",
    "patience_drift",
    "patience_for",
    "period_labels",
    "pool_queues",
    "prepare_history",
    "relation_by_period",
    "relation_drift",
    "relation_points",
    "service_level_counts",
    "shared_agents",
    "staffed_agents",
    "validate_intervals",
    "validate_records",
    "work_conserving_agents",
]
