"""Which tables a backup holds and in what order: every concrete model (with many-to-many
tables) of the database's migration state, as that state's historical models, so that an
archive is read and restored with the columns it was written with, whatever the code's
current models are."""

from __future__ import annotations

import datetime
import decimal
import threading
import uuid
from base64 import b64encode
from collections.abc import Callable, Iterable
from typing import Any

from django.apps.registry import Apps
from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.graph import MigrationGraph
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils.duration import duration_iso_string

Node = tuple[str, str]
# Rows that `migrate` itself writes into an empty database (post_migrate): not data.
MIGRATE_WRITES = {"contenttypes.contenttype", "auth.permission"}


def applied_migrations(connection: BaseDatabaseWrapper) -> list[Node]:
    """The migrations applied to the database of `connection`, sorted."""
    recorder = MigrationRecorder(connection)
    if not recorder.has_table():
        return []
    return sorted(recorder.applied_migrations())


# The last few migration states' models (`state_apps`), by what makes them. Rendering a
# state's 60-odd migrations costs 0.1-0.3 s of CPU, and one restore asks for its archive's
# state four or five times (the checks, the schema, the rows).
_STATES: dict[tuple[Any, ...], Apps] = {}
_STATES_KEPT = 4
_STATES_LOCK = threading.Lock()  # a server's threads may back up and check at once


def state_apps(connection: BaseDatabaseWrapper, nodes: Iterable[Node]) -> Apps:
    """The historical models of the migration state made of `nodes`. The models are read,
    never changed, by their users, so the same state's are rendered once and shared: a state
    is known by its nodes, each node's migration class, the graph's other nodes (a node
    added or gone changes what the nodes mean) and the apps without migrations."""
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    graph = loader.graph
    chosen = tuple(node for node in nodes if node in graph.nodes)
    key = (
        frozenset(chosen),  # a state is its nodes, in whatever order they are given
        frozenset((node, type(migration)) for node, migration in graph.nodes.items()),
        frozenset(loader.unmigrated_apps),
    )
    with _STATES_LOCK:
        apps = _STATES.pop(key, None)
    if apps is None:
        apps = loader.project_state(list(chosen), at_end=True).apps
    with _STATES_LOCK:
        _STATES[key] = apps  # last, as the most recently used
        while len(_STATES) > _STATES_KEPT:
            del _STATES[next(iter(_STATES))]
    return apps


def label(model: type[models.Model]) -> str:
    return model._meta.label_lower


def ordered_models(apps: Apps) -> list[type[models.Model]]:
    """Every table's model of `apps` (many-to-many tables too), each after the models its
    foreign keys point to where no cycle prevents it (constraints are deferred to the end
    of the restoring transaction on both engines, so a cycle still loads)."""
    chosen = [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    ]
    chosen.sort(key=label)
    by_label = {label(model): model for model in chosen}
    done: dict[str, type[models.Model]] = {}

    def visit(model: type[models.Model], path: set[str]) -> None:
        name = label(model)
        if name in done or name in path:
            return
        for field in model._meta.concrete_fields:
            target = field.related_model if field.is_relation else None
            if isinstance(target, type) and label(target) in by_label:
                visit(by_label[label(target)], path | {name})
        done[name] = model

    for model in chosen:
        visit(model, set())
    return list(done.values())


def columns(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    return list(model._meta.concrete_fields)


def json_value(value: Any) -> Any:
    """A column's value as JSON can hold it (json.dumps's `default`); `decoder` turns it
    back with the field's own `to_python`."""
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return duration_iso_string(value)
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return b64encode(bytes(value)).decode("ascii")
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def decoder(field: models.Field[Any, Any]) -> Callable[[Any], Any]:
    """The function turning a column's JSON value back into the field's Python value."""
    if isinstance(field, models.JSONField):
        return lambda value: value
    return lambda value: None if value is None else field.to_python(value)


def graph_leaves(graph: MigrationGraph, nodes: set[Node]) -> dict[str, str | None]:
    """Per app of the graph: the last of `nodes` (None: none of its migrations)."""
    leaves: dict[str, str | None] = {app: None for app, _ in graph.nodes}
    for node in nodes:
        children = graph.node_map[node].children
        if not any(child in nodes and child[0] == node[0] for child in children):
            leaves[node[0]] = node[1]
    return leaves
