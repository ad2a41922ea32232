"""Django's PostgreSQL backend whose bulk operations stay within the 65,535 parameters a
statement may have when the values are bound on the server (`server_side_binding`, which
settings turn on for prepared statements: the protocol counts a statement's parameters in 16
bits). Django sizes PostgreSQL's batches without a limit, as with values bound into the SQL
on the client there is none: a `bulk_create` of 5,000 tasks (about 100,000 values) or the
deletion of a ledger's 100,000 reports (an `IN` of as many ids) failed with "number of
parameters must be between 0 and 65535". Django splits `bulk_create`, `bulk_update` and the
deletion collector's `IN` lists by `bulk_batch_size`; any other statement with more values
than that (an `IN` list of the tasks of a ledger over 65,535, as closing its round writes) is
bound on the client, as Django binds every statement by default (`LargeBindingCursor`)."""

from __future__ import annotations

from typing import Any

from django.db.backends.postgresql import base, operations
from psycopg import ClientCursor

# The most parameters a statement bound on the server may have.
MAX_PARAMETERS = 65535


class DatabaseOperations(operations.DatabaseOperations):
    def bulk_batch_size(self, fields: Any, objs: Any) -> int:
        if not self.connection.settings_dict["OPTIONS"].get("server_side_binding"):
            return int(super().bulk_batch_size(fields, objs))
        return max(1, MAX_PARAMETERS // max(1, len(fields)))


# django-stubs leave out Django's psycopg 3 cursors.
_django_base: Any = base


class LargeBindingCursor(_django_base.ServerBindingCursor):  # type: ignore[misc]
    """Django's cursor for server-side binding, which binds a statement with more values than
    the server takes into its text on the client (psycopg's `ClientCursor.mogrify`, what
    Django does without server-side binding), unprepared."""

    def execute(self, query: Any, params: Any = None, **options: Any) -> Any:
        if params is not None and len(params) > MAX_PARAMETERS:
            query = ClientCursor(self.connection).mogrify(query, params)
            params = None
            options["prepare"] = False
        return super().execute(query, params, **options)


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations

    def get_connection_params(self) -> dict[str, Any]:
        params: dict[str, Any] = super().get_connection_params()
        if params.get("cursor_factory") is _django_base.ServerBindingCursor:
            params["cursor_factory"] = LargeBindingCursor
        return params
