"""Sign-in throttling (django-axes with accounts.signin's rules): per user name AND address, a
delay that doubles with each failure past the limit (never a long lock), every failure counted
even when many arrive at once, the same on the admin's sign-in, in Chinese."""

from __future__ import annotations

import datetime
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import time_machine
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.db import connections
from django.db.models import Sum
from django.test import Client
from django.urls import reverse

from taizhang.accounts.signin import delay_after
from tests.factories import PASSWORD, World

START = datetime.datetime(2021, 11, 1, 9, 0, tzinfo=datetime.UTC)
LOGIN = "/login/"


def sign_in(password: str, *, ip: str = "10.0.0.1", username: str = "office", url: str = LOGIN):
    client = Client(REMOTE_ADDR=ip)
    return client.post(url, {"username": username, "password": password})


def fail(times: int, **kwargs: str) -> None:
    """Fail this many times (the one that reaches the limit is already answered 429)."""
    for _ in range(times):
        assert sign_in("wrong", **kwargs).status_code in (200, 429)


def at(minutes: float) -> time_machine.travel:
    return time_machine.travel(START + datetime.timedelta(minutes=minutes), tick=False)


def recorded(username: str = "office") -> int:
    found = AccessAttempt.objects.filter(username=username).aggregate(n=Sum("failures_since_start"))
    return found["n"] or 0


def test_the_delay_doubles_from_one_minute_and_is_capped(settings) -> None:
    settings.TAIZHANG_LOGIN_MAX_DELAY_SECONDS = 1800
    assert [delay_after(n).total_seconds() / 60 for n in range(5, 11)] == [1, 2, 4, 8, 16, 30]
    assert delay_after(100) == datetime.timedelta(minutes=30)
    assert delay_after(4) == datetime.timedelta(minutes=15)  # the window below the limit


def test_five_failures_make_the_pair_wait_one_minute_and_each_try_doubles_it(
    world: World,
) -> None:
    with at(0):
        fail(4)
        fifth = sign_in("wrong")
    assert fifth.status_code == 429
    assert "登录失败次数过多，请 1 分钟后再试" in fifth.content.decode()
    # The user is told that trying while waiting lengthens the wait, the right password too.
    assert "等待期间每登录一次（密码正确也一样）都会使等待时间加倍" in fifth.content.decode()
    with at(0.5):  # a try while waiting is refused, right password or not, and counts
        assert "请 2 分钟后再试" in sign_in(PASSWORD).content.decode()
    with at(2):
        assert "请 4 分钟后再试" in sign_in(PASSWORD).content.decode()
    with at(6.5):
        assert sign_in(PASSWORD).status_code == 302
    assert recorded() == 0  # success clears the count


def test_another_address_is_never_held_back(world: World) -> None:
    with at(0):
        fail(20, ip="10.6.6.6")
        assert sign_in(PASSWORD, ip="10.6.6.6").status_code == 429
        assert sign_in(PASSWORD, ip="10.0.0.1").status_code == 302


def test_failures_of_another_name_do_not_hold_back_the_office(world: World) -> None:
    with at(0):
        fail(10, username="slj")
        assert sign_in(PASSWORD).status_code == 302


def test_failures_below_the_limit_are_forgotten_after_the_window(world: World) -> None:
    with at(0):
        fail(4)
    with at(16):
        fail(1)
        assert sign_in(PASSWORD).status_code == 302


def test_the_admin_sign_in_is_throttled_in_chinese(world: World) -> None:
    admin = reverse("admin:login")
    with at(0):
        fail(5, url=admin)
        response = sign_in(PASSWORD, url=admin)
        assert response.status_code == 429
        assert "登录失败次数过多" in response.content.decode()
        # One allowance for both doors: the web sign-in waits too.
        assert sign_in(PASSWORD).status_code == 429


def test_every_failure_is_recorded_even_while_waiting(world: World) -> None:
    with at(0):
        fail(4)
        for _ in range(36):
            assert sign_in("wrong").status_code == 429
    assert recorded() == 40


@pytest.mark.skipif(
    "postgresql" not in django_settings.DATABASES["default"]["ENGINE"],
    reason="needs PostgreSQL: SQLite serialises writers, so nothing runs concurrently",
)
@pytest.mark.django_db(transaction=True)
def test_forty_failures_at_once_are_all_recorded(world: World) -> None:
    barrier = threading.Barrier(40)

    def attempt(_: int) -> int:
        try:
            barrier.wait(timeout=30)
            return sign_in("wrong").status_code
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=40) as pool:
        codes = list(pool.map(attempt, range(40)))
    assert set(codes) <= {200, 429}
    assert recorded() == 40
    assert sign_in(PASSWORD).status_code == 429
