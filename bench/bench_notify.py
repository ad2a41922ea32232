"""Benchmark: 500 units reminded by e-mail and by group robot by the office's 一键催办 on the
round page (the real request: POST to `web:round_remind` through Django's test client, DEBUG
off, signed in as the office; target: under 1 s), then the deliveries it made delivered to
local receivers (a real SMTP server, aiosmtpd, and a local HTTP server answering as a robot
does) by the real send path: the queue's messages taken from huey's storage and run as the
worker runs them.

    .venv/bin/python bench/bench_notify.py [--units 500] [--repeat 3] [--batch 100]

An SQLite file in a temporary directory (or the database of DATABASE_URL: one made for the
benchmark) and the queue's SQLite file beside it. A generated ledger: each unit serves two
tasks (leading one, helping on its neighbour's) with no report in the open round, has an
e-mail address and a group robot (half 企业微信, half 钉钉 with a secret: signed) and one
reporter account with an e-mail address (every fourth turned e-mail off for 催办). Each run
opens a fresh round (closing the last), fetches the round page and posts its 一键催办 form
with the page's CSRF token, so every unit is due a reminder. Prints the queries of one request
(a first run, not timed: capturing the SQL costs time), then for each timed run the request's
time and that of `deliveries_create` within it, the deliveries made (the unit's e-mail and
robot, each reporter's e-mail), the queue messages, and the sending's throughput per channel
(messages/s over the time spent in the channel's client) and in all (with the claims and
results written to the database)."""

from __future__ import annotations

import argparse
import logging
import os
import re
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
os.environ.setdefault("TAIZHANG_DATA_DIR", tempfile.mkdtemp(prefix="taizhang-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "taizhang.settings")
os.environ.pop("TAIZHANG_QUEUE_IMMEDIATE", None)
os.environ.pop("TAIZHANG_DEBUG", None)  # DEBUG off: as served, no query log
# The robots answer on this machine, which the SSRF guard refuses unless allowed.
os.environ["TAIZHANG_WEBHOOK_ALLOWED_HOSTS"] = "127.0.0.1"

MAX_REQUEST_SECONDS = 1.0
NO_EMAIL_EVERY = 4  # every fourth reporter turned e-mail off for 催办


def setup(units: int) -> tuple[Any, Any]:
    """The ledger (units, tasks, reporters) and the office's account."""
    import django

    django.setup()
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.utils import timezone

    from taizhang.accounts.models import Profile, Role
    from taizhang.ledger.models import Category, Ledger, Task, TaskUnit, Unit, UnitRole
    from taizhang.notify.models import Channel, Event, Preference

    call_command("migrate", verbosity=0)
    ledger = Ledger.objects.create(title="基准台账", year=2021, imported_at=timezone.now())
    category = Category.objects.create(ledger=ledger, number=1, name="重点工作", order=1)
    made = Unit.objects.bulk_create(
        Unit(
            name=f"基准单位{i:04d}",
            email=f"unit{i}@example.gov.cn",
            webhook_kind="wecom" if i % 2 else "dingtalk",
            webhook_url="",  # set once the robot receiver listens, to its address
            webhook_secret="" if i % 2 else f"SEC{i:064d}",
        )
        for i in range(units)
    )
    tasks = Task.objects.bulk_create(
        Task(
            ledger=ledger,
            category=category,
            number=i + 1,
            key=str(i + 1),
            order=i + 1,
            goal=f"基准任务{i + 1}",
        )
        for i in range(units)
    )
    TaskUnit.objects.bulk_create(
        [TaskUnit(task=task, unit=made[i], role=UnitRole.LEAD) for i, task in enumerate(tasks)]
        + [
            TaskUnit(task=task, unit=made[(i + 1) % units], role=UnitRole.CO, order=1)
            for i, task in enumerate(tasks)
            if units > 1
        ]
    )
    # Accounts in bulk, with unusable passwords: no password hashing.
    office = User.objects.create(username="bench-office", password=make_password(None))
    Profile.objects.create(user=office, role=Role.OFFICE)
    reporters = User.objects.bulk_create(
        User(
            username=f"bench-reporter-{i}",
            email=f"reporter{i}@example.gov.cn",
            password=make_password(None),
        )
        for i in range(units)
    )
    profiles = Profile.objects.bulk_create(
        Profile(user=user, role=Role.REPORTER) for user in reporters
    )
    Profile.units.through.objects.bulk_create(
        Profile.units.through(profile=profile, unit=made[i]) for i, profile in enumerate(profiles)
    )
    Preference.objects.bulk_create(
        Preference(user=user, event=Event.REMINDER, channel=Channel.EMAIL, enabled=False)
        for i, user in enumerate(reporters)
        if i % NO_EMAIL_EVERY == 0
    )
    return ledger, office


def round_fresh(ledger: Any, run: int) -> Any:
    """A new open round of the ledger (the last one closed): every unit is due a reminder."""
    from django.utils import timezone

    from taizhang.reporting.models import Round

    Round.objects.filter(ledger=ledger, closed_at__isnull=True).update(closed_at=timezone.now())
    return Round.objects.create(
        ledger=ledger,
        name=f"基准轮次{run}",
        due_date=timezone.localdate(),
        opened_at=timezone.now(),
    )


REMIND_ALL = re.compile(
    r'<form method="post" action="(?P<action>[^"]+)"[^>]*>\s*'
    r'<input type="hidden" name="csrfmiddlewaretoken" value="(?P<token>[^"]+)">\s*'
    r'<button type="submit" id="remind-all">'
)


def remind_all(
    client: Any, ledger: Any, round_: Any, units: int, *, capture: bool = False
) -> dict[str, Any]:
    """The office's click: the round page fetched (not timed), its 一键催办 form posted; with
    `capture`, the request's queries kept (in "queries")."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    page = client.get(reverse("web:rounds", args=[ledger.pk]))
    assert page.status_code == 200, page.status_code
    form = REMIND_ALL.search(page.content.decode())
    assert form, "no 一键催办 form on the round page"
    assert form["action"] == reverse("web:round_remind", args=[round_.pk]), form["action"]
    captured = CaptureQueriesContext(connection)
    with captured if capture else nullcontext():
        started = time.perf_counter()
        response = client.post(form["action"], {"csrfmiddlewaretoken": form["token"]})
        seconds = time.perf_counter() - started
    assert response.status_code == 302, response.status_code
    reminded = round_.reminders.count()
    assert reminded == units, f"{reminded} of {units} units reminded"
    return {"request": seconds, "queries": captured.captured_queries if capture else []}


def deliveries_made(round_: Any) -> Counter[str]:
    """The deliveries of the round's reminders, by whom and channel."""
    from taizhang.notify.models import Delivery

    made: Counter[str] = Counter()
    for reminder_id, channel in Delivery.objects.values_list("reminder_id", "channel"):
        made[f"{'unit' if reminder_id else 'reporter'} {channel}"] += 1
    return made


class Timed:
    """A channel client that adds up the time its sends take."""

    def __init__(self, client: Any, spent: dict[str, list[float]], name: str) -> None:
        self.client, self.spent, self.name = client, spent, name

    def send(self, delivery: Any) -> None:
        started = time.perf_counter()
        self.client.send(delivery)
        self.spent[self.name].append(time.perf_counter() - started)

    def close(self) -> None:
        self.client.close()


def timed_function(function: Callable[..., Any], spent: list[float]) -> Callable[..., Any]:
    def timed(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            spent.append(time.perf_counter() - started)

    return timed


def deliver_all(spent: dict[str, list[float]]) -> tuple[int, float]:
    """Run the queue's messages as the worker does; (messages run, seconds)."""
    from huey.contrib.djhuey import HUEY

    started, count = time.perf_counter(), 0
    while (task := HUEY.dequeue()) is not None:
        HUEY.execute(task)
        count += 1
    return count, time.perf_counter() - started


def print_queries(queries: list[dict[str, str]]) -> None:
    """The queries in order, a run of the same statement (a bulk insert's batches) on one
    line with its count; the tables written, counted apart from the reads."""
    print(f"queries of one request: {len(queries)}")
    runs: list[list[Any]] = []
    for query in queries:
        sql = " ".join(query["sql"].split())
        head = re.sub(r"\bs\d+_x\d+\b", "s…", sql[:100]) + ("…" if len(sql) > 100 else "")
        if runs and runs[-1][0] == head:
            runs[-1][1] += 1
        else:
            runs.append([head, 1])
    for head, count in runs:
        print(f"    {f'{count} ×' if count > 1 else '   '} {head}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--batch", type=int, default=100)
    args = parser.parse_args()
    os.environ["TAIZHANG_NOTIFY_BATCH"] = str(args.batch)
    ledger, office = setup(args.units)
    logging.getLogger("huey").setLevel(logging.WARNING)  # not a line per queue message

    from contextlib import contextmanager

    from django.conf import settings
    from django.test import Client
    from huey.contrib.djhuey import HUEY
    from tests.notify.receivers import http_receiver, smtp_server

    from taizhang.ledger.models import Unit
    from taizhang.notify import delivery, services
    from taizhang.notify.models import Delivery, Notification

    assert not settings.DEBUG
    settings.EMAIL_HOST = "127.0.0.1"
    spent: dict[str, list[float]] = defaultdict(list)
    creates: list[float] = []
    services.deliveries_create = timed_function(services.deliveries_create, creates)  # type: ignore[assignment]
    real_open = delivery.channels_open

    @contextmanager
    def timed_open() -> Any:
        with real_open() as clients:
            yield {name: Timed(client, spent, name) for name, client in clients.items()}

    delivery.channels_open = timed_open  # type: ignore[assignment]
    client = Client(enforce_csrf_checks=True, HTTP_HOST="localhost")
    client.force_login(office)
    database = os.environ.get("DATABASE_URL") or "SQLite in " + os.environ["TAIZHANG_DATA_DIR"]
    reporters_email = args.units - len(range(0, args.units, NO_EMAIL_EVERY))
    print(
        f"{args.units} units, e-mail and robot each, {args.units} reporters "
        f"({reporters_email} with e-mail on for 催办); {database}; batch {args.batch}"
    )
    requests = []
    with smtp_server() as (mailbox, port), http_receiver() as robot:
        settings.EMAIL_PORT = port
        Unit.objects.update(webhook_url=f"{robot.url}/robot/send?access_token=bench")
        for run in range(args.repeat + 1):
            HUEY.storage.flush_queue()
            spent.clear()
            creates.clear()
            round_ = round_fresh(ledger, run)
            timing = remind_all(client, ledger, round_, args.units, capture=run == 0)
            if run == 0:  # the queries of one request; not timed, as capturing them costs
                print_queries(timing["queries"])
            else:
                requests.append(timing["request"])
            made = deliveries_made(round_)
            messages = HUEY.pending_count()
            ran, seconds = deliver_all(spent)
            assert ran == messages, f"{ran} of {messages} queue messages run"
            sent = Delivery.objects.filter(state="sent").count()
            label = "run 0 (queries captured, not timed)" if run == 0 else f"run {run}"
            print(
                f"{label}: the request {timing['request'] * 1000:.0f} ms, of which "
                f"deliveries_create {sum(creates) * 1000:.0f} ms; {sum(made.values())} "
                f"deliveries ({', '.join(f'{k} {v}' for k, v in sorted(made.items()))}); "
                f"{messages} queue messages"
            )
            for name, times in sorted(spent.items()):
                print(
                    f"    {name:9} {len(times)} sent, {len(times) / sum(times):.0f} messages/s "
                    f"in the client (median {statistics.median(times) * 1000:.1f} ms each)"
                )
            total = sum(len(t) for t in spent.values())
            print(f"    in all: {total} in {seconds:.2f} s, {total / seconds:.0f} messages/s")
            print(f"    received: {len(mailbox.messages)} e-mails, {len(robot.received)} posts")
            assert made["unit email"] == args.units, made
            assert made["unit wecom"] + made["unit dingtalk"] == args.units, made
            assert made["reporter email"] == reporters_email, made
            assert sent == sum(made.values()), f"only {sent} of {sum(made.values())} sent"
            Delivery.objects.all().delete()
            Notification.objects.all().delete()
            mailbox.messages.clear()
            robot.received.clear()
    worst, median = max(requests), statistics.median(requests)
    verdict = "ok" if median < MAX_REQUEST_SECONDS else "OVER TARGET"
    print(
        f"the 一键催办 request: median {median * 1000:.0f} ms, worst {worst * 1000:.0f} ms "
        f"of {len(requests)} (target < {MAX_REQUEST_SECONDS:.0f} s): {verdict}"
    )


if __name__ == "__main__":
    main()
