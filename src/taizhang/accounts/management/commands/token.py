"""`taizhang token create USERNAME [--name NAME] [--expires-in 90d | --expires YYYY-MM-DD]`:
make an API token and print it once; `taizhang token list USERNAME`: a user's tokens (prefix,
name, created, last used, expiry); `taizhang token revoke PREFIX`: revoke one token."""

from __future__ import annotations

import datetime
import re
import sys
from typing import Any, NoReturn

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from taizhang.accounts.models import ApiToken
from taizhang.accounts.selectors import token_list
from taizhang.accounts.services import (
    LAST_EXPIRY_DAY,
    TokenError,
    token_create,
    token_revoke,
    too_late_message,
)

DAYS = re.compile(r"([1-9][0-9]{0,4})d")


def expiry(options: dict[str, Any]) -> datetime.datetime | None:
    """When a new token expires: after `--expires-in` days, or at the end of the `--expires`
    day (local time, so the token works through that day); None for neither."""
    if options["expires_in"]:
        days = DAYS.fullmatch(options["expires_in"].strip())
        if days is None:
            raise TokenError(_("有效期应写作天数，例如 90d"))
        return timezone.now() + datetime.timedelta(days=int(days.group(1)))
    if options["expires"]:
        try:
            day = datetime.date.fromisoformat(options["expires"].strip())
        except ValueError:
            raise TokenError(_("过期日期应写作 YYYY-MM-DD，例如 2027-03-31")) from None
        if day > LAST_EXPIRY_DAY:  # before adding a day to it: 9999-12-31 has no next day
            raise TokenError(too_late_message())
        start = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time())
        return timezone.make_aware(start)
    return None


def when(moment: datetime.datetime | None, empty: str) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else empty


def row(token: ApiToken) -> str:
    expired = token.expires_at is not None and token.expires_at <= timezone.now()
    expires = when(token.expires_at, _("永不过期")) + (_("（已过期）") if expired else "")
    fields = [
        token.prefix,
        token.name or "-",
        when(token.created_at, "-"),
        when(token.last_used_at, _("从未使用")),
        expires,
    ]
    return "\t".join(fields)


class Command(BaseCommand):
    requires_system_checks = ()  # no URL and API loading for a quick command
    help = _("接口令牌：create 创建、list 列出、revoke 吊销")

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help=_("为用户创建一个令牌，并在标准输出打印一次"))
        create.add_argument("username")
        create.add_argument("--name", default="", help=_("令牌名称，便于识别用途"))
        expires = create.add_mutually_exclusive_group()
        expires.add_argument("--expires-in", help=_("有效天数，例如 90d"))
        expires.add_argument("--expires", help=_("有效至该日（含），YYYY-MM-DD"))
        listing = actions.add_parser("list", help=_("列出用户的令牌"))
        listing.add_argument("username")
        revoke = actions.add_parser("revoke", help=_("按前缀吊销一个令牌"))
        revoke.add_argument("prefix")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"do_{options['action']}")(options)
        except TokenError as error:
            self.fail(str(error))

    def fail(self, message: str) -> NoReturn:
        self.stderr.write(_("错误：%(message)s") % {"message": message})
        sys.exit(1)

    def user(self, username: str) -> User:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            self.fail(_("没有这个用户：%(name)s") % {"name": username})
        return user

    def do_create(self, options: dict[str, Any]) -> None:
        user = self.user(options["username"])
        token = token_create(user=user, name=options["name"], expires_at=expiry(options))
        self.stdout.write(token)

    def do_list(self, options: dict[str, Any]) -> None:
        tokens = token_list(user=self.user(options["username"]))
        if not tokens:
            self.stdout.write(_("%(name)s 没有令牌") % {"name": options["username"]})
            return
        self.stdout.write("\t".join([_("前缀"), _("名称"), _("创建"), _("最近使用"), _("过期")]))
        for token in tokens:
            self.stdout.write(row(token))

    def do_revoke(self, options: dict[str, Any]) -> None:
        token = token_revoke(prefix=options["prefix"])
        self.stdout.write(
            _("已吊销 %(user)s 的令牌 %(prefix)s")
            % {"user": token.user.get_username(), "prefix": token.prefix}
        )
