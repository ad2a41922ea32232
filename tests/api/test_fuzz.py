"""Schemathesis against the API's own OpenAPI document (/api/openapi.json), through Django's
WSGI app, with a token of the office and of a reporter, on the seed ledger with an open round
and reports waiting. Every operation gets generated requests (valid ones and, for the checks of
what clients send, invalid ones), once with any ids and once with ids that exist; every answer
must be no server error, a documented status, and fit its documented schema.

The requests are generated once and sent by each role in turn, each from the world as built
(what one role's requests change is rolled back before the next role's): drawing a request
from the schema costs about as much as answering it, and the draw does not depend on the role.

Bounded for `make test`: FUZZ_EXAMPLES examples an operation and a mode (about a minute on
SQLite in all); `TAIZHANG_FUZZ_EXAMPLES=200 make api-fuzz` searches longer."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, Phase, given, settings

from taizhang.accounts.services import token_create
from taizhang.reporting.models import Report
from tests.api import open_cycle
from tests.factories import World

pytestmark = pytest.mark.fuzz

# schemathesis is imported by the functions that use it, not when the module is collected:
# every test process collects every file, and only the one that runs this test needs it
# (0.3-0.4 s of CPU a process; its pytest plugin is off too, see pyproject.toml).
FUZZ_EXAMPLES = int(os.environ.get("TAIZHANG_FUZZ_EXAMPLES", "4"))
ROLES = ("office", "water")  # the office and a reporter of 水利局


@pytest.fixture
def app(settings: Any) -> Iterator[WSGIHandler]:
    """Django's WSGI app in the test's transaction: like Django's test client, it must not
    close the connection when a request finishes. The web's bad-input filter leaves the
    API's path, query and body to the API's own validation, which is what is fuzzed."""
    settings.ALLOWED_HOSTS = ["*"]
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def real_ids(world: World) -> dict[str, int]:
    """Path ids that exist: the seed ledger, task 3 (水利局's), the open round, a report."""
    cycle = open_cycle(world)
    return {
        "ledger_id": world.ledger.pk,
        "task_id": world.task(3).pk,
        "round_id": cycle.round.pk,
        "report_id": cycle.water_report.pk,
    }


def generate(schema: Any, ids: dict[str, int]) -> list[tuple[str, Any]]:
    """Requests for every operation, each with its label: FUZZ_EXAMPLES a mode and set of
    path ids."""
    from schemathesis.generation import GenerationMode

    cases: list[tuple[str, Any]] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        known = {name: ids[name] for name in ids if "{" + name + "}" in operation.path}
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            for path_parameters in ({}, known) if known else ({},):
                strategy = operation.as_strategy(mode, path_parameters=path_parameters or None)
                label = f"{operation.label} {mode.value}"
                cases += [(label, case) for case in draw(strategy)]
    return cases


def draw(strategy: Any) -> list[Any]:
    drawn: list[Any] = []

    @given(case=strategy)
    @settings(
        max_examples=FUZZ_EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def keep(case: Any) -> None:
        drawn.append(case)

    keep()
    return drawn


def send(cases: list[tuple[str, Any]], headers: dict[str, str]) -> list[str]:
    """Send every request with the headers, in a savepoint rolled back after the last: the
    failures found, one line each."""
    from schemathesis.checks import not_a_server_error
    from schemathesis.core.failures import Failure, FailureGroup
    from schemathesis.specs.openapi.checks import (
        response_schema_conformance,
        status_code_conformance,
    )

    checks = [not_a_server_error, status_code_conformance, response_schema_conformance]
    found: list[str] = []
    with transaction.atomic():
        for label, case in cases:
            try:
                case.call_and_validate(headers=headers, checks=checks)
            except FailureGroup as group:
                found.extend(f"{label}: {describe(failure, case)}" for failure in group.exceptions)
            except Failure as failure:
                found.append(f"{label}: {describe(failure, case)}")
        transaction.set_rollback(True)
    return found


def describe(failure: Any, case: Any) -> str:
    """A failure in one line, with the request that found it."""
    first = failure.message.splitlines()[0] if failure.message else ""
    return f"{failure.title}: {first} ({case.method} {case.formatted_path} {case.query or ''})"


def test_fuzzing_the_api_finds_no_server_error_and_no_undocumented_answer(
    world: World, app: WSGIHandler
) -> None:
    import schemathesis

    ids = real_ids(world)
    tokens = {role: token_create(user=getattr(world, role), name="fuzz") for role in ROLES}
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    cases = generate(schema, ids)
    failures = [
        f"as {role}: {failure}"
        for role, token in tokens.items()
        for failure in send(cases, {"Authorization": f"Bearer {token}"})
    ]
    assert not failures, "\n".join(sorted(set(failures)))
    assert Report.objects.exists()
