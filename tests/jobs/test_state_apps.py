"""The historical models of a migration state (`state_apps`) rendered once per state and
shared: the same state gives the same models, another state its own."""

from __future__ import annotations

import pytest
from django.db import connection

from taizhang.jobs.backups import models as backup_models
from taizhang.jobs.backups.models import applied_migrations, label, ordered_models, state_apps

pytestmark = pytest.mark.usefixtures("migrations_applied")

LAST = ("reporting", "0013_exportjob_selection")  # adds ExportJob.selection among others
BEFORE = ("reporting", "0012_export_job_progress_at")


def _fields(nodes: list[tuple[str, str]]) -> set[str]:
    job = state_apps(connection, nodes).get_model("reporting", "ExportJob")
    return {field.name for field in job._meta.concrete_fields}


def test_the_same_state_gives_the_same_models_rendered_once() -> None:
    applied = applied_migrations(connection)
    assert LAST in applied
    first = state_apps(connection, applied)
    assert state_apps(connection, list(reversed(applied))) is first  # the order is not the state
    assert state_apps(connection, applied) is first
    assert "reporting.exportjob" in {label(model) for model in ordered_models(first)}


def test_an_earlier_state_has_its_own_models() -> None:
    assert "selection" in _fields([LAST])
    assert "selection" not in _fields([BEFORE])  # the state up to and with 0012
    assert "selection" in _fields([LAST])  # the later state's models kept apart
    assert state_apps(connection, [BEFORE]) is not state_apps(connection, [LAST])


def test_only_the_last_few_states_are_kept() -> None:
    applied = applied_migrations(connection)
    kept = backup_models._STATES_KEPT
    states = [applied[: len(applied) - cut] for cut in range(kept + 1)]
    first = state_apps(connection, states[0])
    for nodes in states[1:]:
        state_apps(connection, nodes)
    assert len(backup_models._STATES) == kept
    assert state_apps(connection, states[0]) is not first  # the oldest was let go
    assert state_apps(connection, states[-1]) is state_apps(connection, states[-1])
