"""API tokens from the command line: create (optionally expiring), list, revoke by prefix;
an expired token is refused with 401; creating and revoking leave audit rows."""

from __future__ import annotations

import datetime
import io

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client

from taizhang.accounts.models import ApiToken
from taizhang.accounts.services import TokenError, token_create, token_revoke
from taizhang.ledger.models import AuditEvent
from tests.factories import World

NOW = datetime.datetime(2026, 3, 1, 9, 0, tzinfo=datetime.UTC)


def run(*args: str) -> tuple[str, str, int]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("token", *args, stdout=out, stderr=err)
    except SystemExit as exit_:
        return out.getvalue(), err.getvalue(), int(exit_.code or 0)
    return out.getvalue(), err.getvalue(), 0


def api_status(token: str) -> int:
    return Client().get("/api/ledgers", HTTP_AUTHORIZATION=f"Bearer {token}").status_code


def test_a_token_made_to_expire_in_90_days_works_until_then(world: World) -> None:
    with time_machine.travel(NOW, tick=False):
        out, _, code = run("create", "office", "--expires-in", "90d")
        token = out.strip()
        assert code == 0 and api_status(token) == 200
    assert ApiToken.objects.get().expires_at == NOW + datetime.timedelta(days=90)
    with time_machine.travel(NOW + datetime.timedelta(days=89), tick=False):
        assert api_status(token) == 200
    with time_machine.travel(NOW + datetime.timedelta(days=90, seconds=1), tick=False):
        assert api_status(token) == 401


def test_a_token_with_an_expiry_date_works_through_that_day(world: World) -> None:
    with time_machine.travel(NOW, tick=False):
        token = run("create", "office", "--expires", "2026-03-31")[0].strip()
    # The end of 31 March in Beijing time.
    end = datetime.datetime(2026, 3, 31, 16, 0, tzinfo=datetime.UTC)
    with time_machine.travel(end - datetime.timedelta(minutes=1), tick=False):
        assert api_status(token) == 200
    with time_machine.travel(end, tick=False):
        assert api_status(token) == 401


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--expires-in", "90", "有效期应写作天数"),
        ("--expires-in", "0d", "有效期应写作天数"),
        ("--expires", "2026/03/31", "过期日期应写作 YYYY-MM-DD"),
        ("--expires", "2020-01-01", "过期时间必须晚于现在"),
    ],
)
def test_a_bad_expiry_is_refused_in_one_line_and_makes_no_token(
    world: World, option: str, value: str, message: str
) -> None:
    with time_machine.travel(NOW, tick=False):
        out, err, code = run("create", "office", option, value)
    assert (out, code) == ("", 1)
    assert message in err and len(err.splitlines()) == 1
    assert not ApiToken.objects.exists()


def test_list_shows_prefix_name_created_last_use_and_expiry(world: World) -> None:
    with time_machine.travel(NOW, tick=False):
        used = token_create(user=world.water, name="水利局脚本")
        token_create(user=world.water, name="临时", expires_at=NOW + datetime.timedelta(days=1))
        token_create(user=world.office, name="别人的")
        api_status(used)
    with time_machine.travel(NOW + datetime.timedelta(days=2), tick=False):
        out, _, code = run("list", "slj")
    header, first, second = out.splitlines()
    assert header.split("\t") == ["前缀", "名称", "创建", "最近使用", "过期"]
    assert first.split("\t") == [
        used[:8],
        "水利局脚本",
        "2026-03-01 17:00",
        "2026-03-01 17:00",
        "永不过期",
    ]
    assert second.split("\t")[1:] == [
        "临时",
        "2026-03-01 17:00",
        "从未使用",
        "2026-03-02 17:00（已过期）",
    ]
    assert "别人的" not in out and code == 0


def test_list_of_a_user_without_tokens_says_so(world: World) -> None:
    assert run("list", "viewer")[0].strip() == "viewer 没有令牌"
    out, err, code = run("list", "nobody")
    assert (out, code) == ("", 1) and "nobody" in err


def test_revoke_by_prefix_ends_the_token_and_leaves_an_audit_row(world: World) -> None:
    token = token_create(user=world.water, name="水利局脚本")
    out, _, code = run("revoke", token[:6])
    assert code == 0 and out.strip() == f"已吊销 slj 的令牌 {token[:8]}"
    assert api_status(token) == 401 and not ApiToken.objects.exists()
    event = AuditEvent.objects.get(action="token.revoke")
    assert event.data["prefix"] == token[:8] and event.data["user"] == "slj"
    assert AuditEvent.objects.filter(action="token.create").count() == 1


def test_revoke_refuses_no_match_and_several_matches_and_changes_nothing(world: World) -> None:
    first = token_create(user=world.water)
    second = token_create(user=world.office)
    out, err, code = run("revoke", "tz_nothing")
    assert (out, code) == ("", 1) and "没有以 tz_nothing 开头的令牌" in err
    out, err, code = run("revoke", "tz_")
    assert (out, code) == ("", 1) and "有多个令牌以 tz_ 开头" in err
    assert first[:8] in err and second[:8] in err
    assert ApiToken.objects.count() == 2
    assert not AuditEvent.objects.filter(action="token.revoke").exists()


def test_an_empty_prefix_revokes_nothing(world: World) -> None:
    token_create(user=world.water)
    with pytest.raises(TokenError):
        token_revoke(prefix="  ")
    assert ApiToken.objects.count() == 1


@pytest.mark.parametrize(
    "args",
    [
        ("--expires", "9999-12-31"),
        ("--expires", "2101-01-01"),
        ("--expires-in", "99999d"),
    ],
)
def test_an_expiry_beyond_2100_is_refused_in_one_line(world: World, args: tuple[str, str]) -> None:
    with time_machine.travel(NOW, tick=False):
        out, err, code = run("create", "office", *args)
    assert (out, code) == ("", 1)
    assert "过期日期不能晚于 2100-12-31" in err and len(err.splitlines()) == 1
    assert not ApiToken.objects.exists()


def test_the_last_day_of_2100_is_still_accepted(world: World) -> None:
    with time_machine.travel(NOW, tick=False):
        _out, _err, code = run("create", "office", "--expires", "2100-12-31")
    assert code == 0 and ApiToken.objects.count() == 1


def test_a_name_longer_than_100_characters_is_refused_in_one_line(world: World) -> None:
    out, err, code = run("create", "office", "--name", "令" * 101)
    assert (out, code) == ("", 1)
    assert "令牌名称不能超过 100 个字符" in err and len(err.splitlines()) == 1
    assert not ApiToken.objects.exists()
    assert run("create", "office", "--name", "令" * 100)[2] == 0
