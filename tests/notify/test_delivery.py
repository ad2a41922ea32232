"""Deliveries: who and what `deliveries_create` makes for notifications and reminders (in a
fixed number of queries), queued on commit; a channel that is down retried with backoff and
then given up and shown to the office; never sent twice by two sweeps; sent by a real worker
in batches."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import User
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from huey.storage import SqliteStorage

from taizhang.accounts.models import Profile
from taizhang.ledger.models import Person
from taizhang.notify import delivery as delivery_module
from taizhang.notify.channels import channels_open
from taizhang.notify.delivery import (
    deliveries_create,
    deliveries_send,
    deliveries_sweep,
    delivery_attempt,
)
from taizhang.notify.models import Delivery, Event, Notification, Preference
from taizhang.notify.selectors import failed_deliveries_count
from taizhang.notify.tasks import deliveries_sweep_task
from taizhang.reporting.models import Round
from tests.factories import World, client_for
from tests.jobs.test_queue import redis_storage  # noqa: F401 (a fixture)
from tests.jobs.workers import immediate_queue, queue_on, worker_running
from tests.notify.conftest import DUE, reminders_for, units_with
from tests.notify.receivers import free_port, http_receiver

pytestmark = pytest.mark.django_db

START = datetime.datetime(2021, 11, 12, 9, 0, tzinfo=datetime.UTC)


def test_a_units_reminder_goes_to_its_email_and_robot_and_is_queued_on_commit(
    round_: Round, queued: list[list[int]], django_capture_on_commit_callbacks: Any
) -> None:
    (unit,) = units_with(
        1, email="slj@example.gov.cn", phone="13800001111", webhook_kind="wecom",
        webhook_url="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k",
    )  # fmt: skip
    reminder = reminders_for(round_, [unit], datetime.date(2021, 11, 12), "请尽快报送")
    with django_capture_on_commit_callbacks(execute=True):
        made = deliveries_create(reminders=reminder)
        assert queued == []  # not before the commit
    assert {(d.channel, d.target) for d in made} == {
        ("email", "slj@example.gov.cn"),
        ("wecom", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k"),
    }  # no SMS without a provider
    assert queued == [[d.pk for d in made]]
    stored = Delivery.objects.get(channel="email")
    assert (stored.state, stored.attempts, stored.unit, stored.reminder) == (
        "queued", 0, unit, reminder[0],
    )  # fmt: skip
    assert stored.subject == "督查室催办：请尽快报送2021年11月进展"
    assert stored.body.splitlines() == [
        f"测试单位0尚有任务未报送《{round_.ledger.title}》2021年11月的进展，"
        "报送截止日期为2021年11月10日（已逾期2天）。",
        "督查室留言：请尽快报送",
    ]


def test_a_units_phone_gets_an_sms_once_a_provider_is_set(
    round_: Round, settings: Any, queued: list[list[int]]
) -> None:
    settings.TAIZHANG_SMS_PROVIDER = "aliyun"
    units = units_with(2, phone="1380000111{i}")
    made = deliveries_create(reminders=reminders_for(round_, units, datetime.date(2021, 11, 7)))
    assert sorted((d.channel, d.target) for d in made) == [
        ("sms", "13800001110"),
        ("sms", "13800001111"),
    ]
    assert "（距截止3天）" in made[0].body


def test_a_users_notifications_follow_their_choices(
    world: World, settings: Any, queued: list[list[int]]
) -> None:
    settings.TAIZHANG_SMS_PROVIDER = "aliyun"
    User.objects.filter(pk=world.water.pk).update(email="slj@example.gov.cn")
    Profile.objects.filter(user=world.water).update(phone="13800001111")
    Person.objects.filter(name="李拴根").update(email="lsg@example.gov.cn")

    def sent_to(user: User, event: str = Event.REPORT_RETURNED) -> list[tuple[str, str]]:
        note = Notification.objects.create(
            user=user, event=event, title="报送被退回", body="请补充", created_at=timezone.now()
        )
        return sorted((d.channel, d.target) for d in deliveries_create(notifications=[note]))

    # Defaults: e-mail on when there is an address, SMS off; a leader's person's address.
    assert sent_to(world.water) == [("email", "slj@example.gov.cn")]
    assert sent_to(world.leader) == [("email", "lsg@example.gov.cn")]
    assert sent_to(world.health) == []  # no address, no phone
    Preference.objects.create(
        user=world.water, event=Event.REPORT_RETURNED, channel="sms", enabled=True
    )
    Preference.objects.create(
        user=world.water, event=Event.REPORT_RETURNED, channel="email", enabled=False
    )
    assert sent_to(world.water) == [("sms", "13800001111")]
    assert sent_to(world.water, Event.BULLETIN_ISSUED) == [("email", "slj@example.gov.cn")]


def queries(work: Callable[[], object]) -> tuple[int, int]:
    """The queries `work` made: (inserts, all others)."""
    with CaptureQueriesContext(connection) as captured:
        work()
    inserts = sum(q["sql"].startswith("INSERT") for q in captured.captured_queries)
    return inserts, len(captured) - inserts


def insert_batches(rows: int) -> int:
    """The INSERT statements Django's bulk_create needs for `rows` deliveries: one for up to
    500 on PostgreSQL; on SQLite Django keeps to 999 parameters a statement (71 rows)."""
    fields = [f for f in Delivery._meta.concrete_fields if not f.primary_key]
    size = min(500, connection.ops.bulk_batch_size(fields, [Delivery()] * rows) or rows)
    return -(-rows // size)


def test_creating_deliveries_costs_the_same_queries_for_1_or_60_items(
    world: World, round_: Round, settings: Any, queued: list[list[int]]
) -> None:
    settings.TAIZHANG_SMS_PROVIDER = "aliyun"
    contacts = {
        "email": "u{i}@example.gov.cn",
        "phone": "1390000{i:04d}",
        "webhook_kind": "dingtalk",
    }
    contacts["webhook_url"] = "https://oapi.dingtalk.com/robot/send?access_token={i}"
    one = reminders_for(round_, units_with(1, "甲", **contacts))
    many = reminders_for(round_, units_with(60, "乙", **contacts))
    assert queries(lambda: deliveries_create(reminders=one)) == (1, 1)
    assert queries(lambda: deliveries_create(reminders=many)) == (insert_batches(180), 1)
    users = User.objects.bulk_create(
        User(username=f"user{i}", email=f"user{i}@example.gov.cn") for i in range(61)
    )
    Profile.objects.bulk_create(
        Profile(user=u, role="reporter", phone="13800001111") for u in users
    )
    Preference.objects.bulk_create(
        Preference(user=u, event=Event.ROUND_OPENED, channel="sms", enabled=True) for u in users
    )
    notes = Notification.objects.bulk_create(
        Notification(
            user=u, event=Event.ROUND_OPENED, title="报送轮次开启", created_at=timezone.now()
        )
        for u in users
    )
    assert queries(lambda: deliveries_create(notifications=notes[:1])) == (1, 2)
    assert queries(lambda: deliveries_create(notifications=notes[1:])) == (insert_batches(120), 2)
    assert Delivery.objects.count() == 61 * 3 + 61 * 2


def robot_units(
    round_: Round, url: str, count: int = 1, prefix: str = "测试单位"
) -> list[Delivery]:
    units = units_with(count, prefix, webhook_kind="wecom", webhook_url=url)
    return deliveries_create(reminders=reminders_for(round_, units))


def down(request: Any) -> tuple[int, dict[str, Any]]:
    return 500, {"error": "down"}


@pytest.mark.parametrize(
    ("answer", "error"),
    [
        (down, "服务器返回 HTTP 500"),
        (lambda request: (200, {"errcode": 93000, "errmsg": "bad key"}), "企业微信返回错误 93000"),
        (None, "无法连接"),
    ],
)
@pytest.mark.usefixtures("local_robots")
def test_a_failed_send_is_retried_after_the_first_backoff(
    round_: Round, queued: list[list[int]], answer: Any, error: str
) -> None:
    with http_receiver(answer or down) as receiver, time_machine.travel(START, tick=False):
        url = receiver.url if answer else f"http://127.0.0.1:{free_port()}/"
        (made,) = robot_units(round_, url)
        assert deliveries_send([made.pk]).failed == [made.pk]
    made.refresh_from_db()
    assert (made.state, made.attempts) == ("retrying", 1)
    assert made.next_attempt_at == START + datetime.timedelta(minutes=1)
    assert error in made.last_error


LEAK = "internal-secret-42"


def leaking(request: Any) -> tuple[int, Any]:
    """An internal service's reply: not a robot's, and not the office's to read."""
    return 200, [LEAK, "root:x:0:0"]


def test_a_robot_on_this_machine_is_refused_and_nothing_of_its_reply_is_kept(
    round_: Round, queued: list[list[int]]
) -> None:
    with http_receiver(leaking) as receiver:
        port = receiver.url.rsplit(":", 1)[1]
        made = robot_units(round_, f"{receiver.url}/internal?key=K1", 1)
        # A name resolved at send time: localhost is 127.0.0.1.
        made += robot_units(round_, f"http://localhost:{port}/internal", 1, "另一单位")
        assert deliveries_send([d.pk for d in made]).failed == [d.pk for d in made]
    assert receiver.received == []  # not reached at all
    for each in Delivery.objects.filter(pk__in=[d.pk for d in made]):
        assert each.state == "retrying"
        assert "指向本机或内网" in each.last_error and "127.0.0.1" in each.last_error
        assert LEAK not in each.last_error and "K1" not in each.last_error


@pytest.mark.usefixtures("local_robots")
def test_an_allowed_relays_reply_and_redirects_never_reach_the_error(
    round_: Round, queued: list[list[int]]
) -> None:
    with http_receiver(leaking) as receiver:
        (made,) = robot_units(round_, receiver.url)
        deliveries_send([made.pk])
        made.refresh_from_db()
        assert len(receiver.received) == 1
        assert "不是 JSON 对象" in made.last_error and LEAK not in made.last_error
        receiver.answer_with(lambda request: (302, {"location": f"{receiver.url}/internal"}))
        (moved,) = robot_units(round_, receiver.url, 1, "另一单位")
        deliveries_send([moved.pk])
        moved.refresh_from_db()
    assert len(receiver.received) == 2  # the redirect was not followed
    assert "跳转" in moved.last_error and "302" in moved.last_error


def test_an_invalid_address_is_kept_in_the_error_without_its_credentials(
    round_: Round, queued: list[list[int]]
) -> None:
    (made,) = robot_units(round_, "ftp://robots.example.cn/send?key=K9-secret")
    deliveries_send([made.pk])
    made.refresh_from_db()
    assert "地址无效" in made.last_error and "robots.example.cn" in made.last_error
    assert "K9-secret" not in made.last_error


@pytest.mark.usefixtures("local_robots")
def test_a_channel_that_stays_down_is_retried_with_backoff_then_failed_and_shown(
    world: World, round_: Round, django_capture_on_commit_callbacks: Any
) -> None:
    # Not `queued`: the office's 重试 goes through the queue (immediate) to the robot.
    with http_receiver(down) as receiver:
        with time_machine.travel(START, tick=False) as clock:
            (made,) = robot_units(round_, receiver.url)
            deliveries_send([made.pk])
            waits = [1, 5, 30, 120, 360]  # minutes, settings.TAIZHANG_NOTIFY_BACKOFF
            for attempt, wait in enumerate(waits, start=2):
                clock.shift(datetime.timedelta(minutes=wait) - datetime.timedelta(seconds=1))
                assert deliveries_sweep().sent == [] and len(receiver.received) == attempt - 1
                clock.shift(datetime.timedelta(seconds=1))
                assert deliveries_sweep().failed == [made.pk]
                made.refresh_from_db()
                assert made.attempts == attempt
        assert len(receiver.received) == 6
        assert (made.state, made.next_attempt_at) == ("failed", None)
        assert failed_deliveries_count() == 1
        page = client_for(world, "office").get("/deliveries/failed/").content.decode()
        assert "测试单位0" in page and "服务器返回 HTTP 500" in page and "发送失败" in page

        # The robot is back: the office's 重试 sends it through the queue.
        receiver.answer_with(lambda request: (200, {"errcode": 0, "errmsg": "ok"}))
        with immediate_queue(), django_capture_on_commit_callbacks(execute=True) as callbacks:
            response = client_for(world, "office").post(
                "/deliveries/failed/retry/", {"delivery": made.pk}
            )
        assert response.status_code == 302 and len(callbacks) == 1
    made.refresh_from_db()
    assert (made.state, made.attempts, failed_deliveries_count()) == ("sent", 7, 0)
    assert len(receiver.received) == 7


@pytest.mark.usefixtures("local_robots")
def test_two_workers_with_the_same_rows_send_each_delivery_once(
    round_: Round, queued: list[list[int]]
) -> None:
    with http_receiver() as receiver:
        made = robot_units(round_, receiver.url, 5)
        first = list(Delivery.objects.filter(pk__in=[d.pk for d in made]).select_related("unit"))
        second = list(Delivery.objects.filter(pk__in=[d.pk for d in made]).select_related("unit"))
        with channels_open() as clients:
            assert {delivery_attempt(d, clients) for d in first} == {"sent"}
            assert {delivery_attempt(d, clients) for d in second} == {"skipped"}
        assert deliveries_sweep().sent == []
    assert len(receiver.received) == 5
    assert set(Delivery.objects.values_list("state", "attempts")) == {("sent", 1)}


@pytest.mark.usefixtures("local_robots")
def test_a_sweep_while_a_send_is_in_hand_leaves_that_delivery_alone(
    round_: Round, queued: list[list[int]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second worker's sweep runs in the middle of the first one's send, a minute later:
    the delivery's lease keeps it from a second send."""
    with http_receiver() as receiver, time_machine.travel(START, tick=False) as clock:
        (made,) = robot_units(round_, receiver.url)
        clock.shift(datetime.timedelta(minutes=2))  # the new delivery is due for the sweep too
        inner: list[Any] = []
        real = delivery_module.channels_open

        class SweepDuringSend:
            def __init__(self, client: Any) -> None:
                self.client = client

            def send(self, delivery: Delivery) -> None:
                if not inner:
                    inner.append(deliveries_sweep())
                self.client.send(delivery)

            def close(self) -> None:
                self.client.close()

        def wrapped() -> Any:
            class Opened:
                def __enter__(self) -> dict[str, Any]:
                    self.cm = real()
                    clients = self.cm.__enter__()
                    return {k: SweepDuringSend(c) for k, c in clients.items()}

                def __exit__(self, *exc: Any) -> None:
                    self.cm.__exit__(*exc)

            return Opened()

        monkeypatch.setattr(delivery_module, "channels_open", wrapped)
        assert deliveries_sweep().sent == [made.pk]
    assert inner[0].sent == [] and len(receiver.received) == 1


def test_the_sweep_runs_every_minute() -> None:
    for minute in (0, 1, 37):
        moment = datetime.datetime(2021, 11, 12, 9, minute, tzinfo=datetime.UTC)
        assert deliveries_sweep_task.task_class().validate_datetime(moment)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("backend", ["sqlite", "redis"])
@pytest.mark.usefixtures("local_robots")
def test_a_worker_sends_the_deliveries_queued_in_batches(
    world: World, settings: Any, tmp_path: Any, backend: str, request: pytest.FixtureRequest
) -> None:
    settings.TAIZHANG_NOTIFY_BATCH = 2
    if backend == "redis":  # the production backend (CI runs Redis at 127.0.0.1:6379)
        storage = request.getfixturevalue("redis_storage")
    else:
        storage = SqliteStorage(name="taizhang-test", filename=str(tmp_path / "queue.sqlite3"))
    with http_receiver() as receiver, queue_on(storage) as finished:
        round_ = Round.objects.create(
            ledger=world.ledger, name="十一月", due_date=DUE, opened_at=timezone.now()
        )
        with transaction.atomic():
            robot_units(round_, receiver.url, 5)
            assert storage.queue_size() == 0  # queued once committed
        assert storage.queue_size() == 3  # 2 + 2 + 1
        with worker_running():
            assert finished.wait(3), "the worker finished no job within a minute"
    assert finished.failed == []
    assert len(receiver.received) == 5
    assert set(Delivery.objects.values_list("state", flat=True)) == {"sent"}
