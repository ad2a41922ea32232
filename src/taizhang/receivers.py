"""Signal receivers named by their dotted path and imported when their signal is first sent.

The apps' ready() connects the receivers in every process, but most processes never send
the signals: a `taizhang backup` from cron, a `taizhang shell`, the worker between jobs.
Importing the modules that answer at start-up (notify's events pull in the indicators, the
bulletin and python-docx; supervision's history the dashboard) made every `taizhang` command
pay about a third of its start-up for them. The receiver is the same function, called with
the same arguments, from the first send on."""

from __future__ import annotations

from importlib import import_module
from types import ModuleType
from typing import Any

from django.dispatch import Signal


class Deferred:
    """A receiver that imports the function at `path` when first called, then calls it."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._module_path, _, self._name = path.rpartition(".")
        self._module: ModuleType | None = None

    def __call__(self, sender: object, **kwargs: Any) -> Any:
        return self.load()(sender, **kwargs)

    def load(self) -> Any:
        """The function, its module imported now if it was not yet. The module is kept, the
        function looked up in it at every call: a `mock.patch` of the function answers while
        it is active, and only then, whenever the first send was."""
        if self._module is None:
            self._module = import_module(self._module_path)
        try:
            return getattr(self._module, self._name)
        except AttributeError:
            raise ImportError(f"{self._module_path} has no receiver {self._name!r}") from None

    def __repr__(self) -> str:
        return f"Deferred({self.path!r})"


_CONNECTED: list[Deferred] = []


def connect_deferred(signal: Signal, path: str, *, dispatch_uid: str) -> None:
    """Connect the function at `path` to `signal`, imported at the first send. Held strongly:
    nothing else refers to the wrapper."""
    receiver = Deferred(path)
    _CONNECTED.append(receiver)
    signal.connect(receiver, weak=False, dispatch_uid=dispatch_uid)


def load_all() -> None:
    """Import every connected receiver now: the web server does, before its workers fork, so
    a request never pays for the import (inside its transaction, on SQLite inside the write
    turn), the modules are shared by the workers, and a bad path stops the server at start."""
    for receiver in _CONNECTED:
        receiver.load()
