"""Benchmark: 500 units reminded by e-mail and by group robot, as the office's one click
would: the deliveries created inside a request-like transaction (target: under 1 s), then
delivered to local receivers (a real SMTP server, aiosmtpd, and a local HTTP server answering
as a robot does) by the real send path: the queue's messages taken from huey's storage and run
as the worker runs them.

    .venv/bin/python bench/bench_notify.py [--units 500] [--repeat 3] [--batch 100]

An SQLite file in a temporary directory (or the database of DATABASE_URL: one made for the
benchmark) and the queue's SQLite file beside it. Half the units have a 企业微信 robot, half a
钉钉 robot with a secret (signed); all have an e-mail address. Prints, for each run, the time of
`deliveries_create` alone, of the whole transaction (the 500 reminders written, their
deliveries, the commit that queues them), the queue messages, then the sending's throughput
per channel (messages/s over the time spent in the channel's client) and in all (with the
claims and results written to the database)."""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
os.environ.setdefault("TAIZHANG_DATA_DIR", tempfile.mkdtemp(prefix="taizhang-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "taizhang.settings")
os.environ.pop("TAIZHANG_QUEUE_IMMEDIATE", None)

MAX_REQUEST_SECONDS = 1.0


def setup(units: int) -> Any:
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from taizhang.ledger.models import Ledger, Unit
    from taizhang.reporting.models import Round

    call_command("migrate", verbosity=0)
    ledger = Ledger.objects.create(title="基准台账", year=2021, imported_at=timezone.now())
    Unit.objects.bulk_create(
        Unit(
            name=f"基准单位{i}",
            email=f"unit{i}@example.gov.cn",
            webhook_kind="wecom" if i % 2 else "dingtalk",
            webhook_url="",  # set per run, to the receiver's address
            webhook_secret="" if i % 2 else f"SEC{i:064d}",
        )
        for i in range(units)
    )
    return Round.objects.create(
        ledger=ledger, name="2021年11月", due_date=timezone.localdate(), opened_at=timezone.now()
    )


def remind_all(round_: Any) -> dict[str, float]:
    """The office's click: a reminder to every unit and its deliveries, in one transaction."""
    from django.db import transaction
    from django.utils import timezone

    from taizhang.ledger.models import Unit
    from taizhang.notify.delivery import deliveries_create
    from taizhang.notify.models import Reminder

    started = time.perf_counter()
    with transaction.atomic():
        now = timezone.now()
        reminders = Reminder.objects.bulk_create(
            Reminder(round=round_, unit=unit, kind="manual", sent_on=now.date(), created_at=now)
            for unit in Unit.objects.all()
        )
        create_started = time.perf_counter()
        made = deliveries_create(reminders=reminders)
        create = time.perf_counter() - create_started
    return {"create": create, "request": time.perf_counter() - started, "deliveries": len(made)}


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


def deliver_all(spent: dict[str, list[float]]) -> tuple[int, float]:
    """Run the queue's messages as the worker does; (messages run, seconds)."""
    from huey.contrib.djhuey import HUEY

    started, count = time.perf_counter(), 0
    while (task := HUEY.dequeue()) is not None:
        HUEY.execute(task)
        count += 1
    return count, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--batch", type=int, default=100)
    args = parser.parse_args()
    os.environ["TAIZHANG_NOTIFY_BATCH"] = str(args.batch)
    round_ = setup(args.units)
    logging.getLogger("huey").setLevel(logging.WARNING)  # not a line per queue message

    from contextlib import contextmanager

    from django.conf import settings
    from huey.contrib.djhuey import HUEY
    from tests.notify.receivers import http_receiver, smtp_server

    from taizhang.ledger.models import Unit
    from taizhang.notify import delivery
    from taizhang.notify.models import Delivery

    settings.EMAIL_HOST = "127.0.0.1"
    spent: dict[str, list[float]] = defaultdict(list)
    real_open = delivery.channels_open

    @contextmanager
    def timed_open() -> Any:
        with real_open() as clients:
            yield {name: Timed(client, spent, name) for name, client in clients.items()}

    delivery.channels_open = timed_open  # type: ignore[assignment]
    database = os.environ.get("DATABASE_URL") or "SQLite in " + os.environ["TAIZHANG_DATA_DIR"]
    print(f"{args.units} units, e-mail and robot each; {database}; batch {args.batch}")
    creates, requests = [], []
    with smtp_server() as (mailbox, port), http_receiver() as robot:
        settings.EMAIL_PORT = port
        Unit.objects.update(webhook_url=f"{robot.url}/robot/send?access_token=bench")
        for run in range(1, args.repeat + 1):
            HUEY.storage.flush_queue()
            spent.clear()
            timing = remind_all(round_)
            creates.append(timing["create"])
            requests.append(timing["request"])
            messages = HUEY.pending_count()
            ran, seconds = deliver_all(spent)
            assert ran == messages, f"{ran} of {messages} queue messages run"
            sent = Delivery.objects.filter(state="sent").count()
            print(
                f"run {run}: deliveries_create {timing['create'] * 1000:.0f} ms for "
                f"{timing['deliveries']} deliveries; the transaction with the reminders and the "
                f"commit that queues them {timing['request'] * 1000:.0f} ms; "
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
            Delivery.objects.all().delete()
            mailbox.messages.clear()
            robot.received.clear()
            assert sent == timing["deliveries"], f"only {sent} sent"
    worst = max(requests)
    verdict = "ok" if worst < MAX_REQUEST_SECONDS else "OVER TARGET"
    print(
        f"deliveries_create median {statistics.median(creates) * 1000:.0f} ms; request-like "
        f"transaction worst {worst * 1000:.0f} ms (target < {MAX_REQUEST_SECONDS:.0f} s): {verdict}"
    )


if __name__ == "__main__":
    main()
