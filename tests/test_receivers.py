"""The receivers the apps connect by name (taizhang.receivers) are the functions named, found
at the first send: a misspelt path would otherwise fail only when its signal is sent."""

from __future__ import annotations

import subprocess
import sys
from unittest import mock

import pytest
from django.dispatch import Signal
from django.utils.module_loading import import_string

from taizhang.accounts.signals import unit_merged
from taizhang.ledger.signals import tasks_changed
from taizhang.receivers import _CONNECTED, Deferred, connect_deferred, load_all
from taizhang.reporting.signals import comment_added, report_reviewed, round_closed, round_opened
from taizhang.supervision.signals import bulletin_issued, tasks_turned_red

SIGNALS = (
    tasks_changed, round_opened, round_closed, report_reviewed, comment_added, bulletin_issued,
    tasks_turned_red, unit_merged,
)  # fmt: skip


def test_every_deferred_receiver_names_a_function() -> None:
    deferred = [
        entry[1]  # (key, receiver, is_async); held strongly, so the receiver itself
        for signal in SIGNALS
        for entry in signal.receivers
        if isinstance(entry[1], Deferred)
    ]
    assert len(deferred) == 8
    for receiver in deferred:
        assert callable(import_string(receiver.path)), receiver


SEEN: list[tuple[object, dict[str, object]]] = []


def seen(sender: object, **kwargs: object) -> str:
    SEEN.append((sender, kwargs))
    return "answered"


def test_a_deferred_receiver_is_called_with_the_senders_arguments() -> None:
    signal = Signal()
    connect_deferred(signal, "tests.test_receivers.seen", dispatch_uid="seen")
    SEEN.clear()
    assert signal.send(sender="office", round_id=3)[0][1] == "answered"
    signal.send(sender="again")
    assert [("office", {"signal": signal, "round_id": 3}), ("again", {"signal": signal})] == SEEN


def test_the_web_server_imports_every_receiver_before_its_workers_fork() -> None:
    # In a process of its own: this one has imported them all long since.
    code = (
        "import sys, taizhang.wsgi; "
        "print(all(m in sys.modules for m in ("
        "'taizhang.notify.events', 'taizhang.notify.delivery', 'taizhang.supervision.history',"
        " 'taizhang.supervision.state')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "True"


def test_load_all_imports_a_receiver_not_yet_sent() -> None:
    signal = Signal()
    connect_deferred(signal, "tests.test_receivers.seen", dispatch_uid="loaded")
    (receiver,) = [entry[1] for entry in signal.receivers]
    assert receiver._module is None
    load_all()
    assert receiver._module is sys.modules[__name__]
    assert receiver.load() is seen


def test_a_patch_of_the_function_answers_only_while_it_is_active() -> None:
    signal = Signal()
    connect_deferred(signal, "tests.test_receivers.seen", dispatch_uid="patched")
    SEEN.clear()
    with mock.patch(f"{__name__}.seen", return_value="patched") as patched:
        assert signal.send(sender="first")[0][1] == "patched"  # the first send, patched
    assert signal.send(sender="after")[0][1] == "answered"
    assert patched.call_count == 1
    assert [("after", {"signal": signal})] == SEEN


def test_a_misspelt_receiver_stops_load_all_naming_it() -> None:
    signal = Signal()
    connect_deferred(signal, "tests.test_receivers.unseen", dispatch_uid="misspelt")
    try:
        with pytest.raises(ImportError, match=r"tests\.test_receivers has no receiver 'unseen'"):
            load_all()
    finally:
        signal.disconnect(dispatch_uid="misspelt")
        _CONNECTED[:] = [r for r in _CONNECTED if r.path != "tests.test_receivers.unseen"]
