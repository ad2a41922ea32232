"""`taizhang token create USERNAME [--name NAME]`: make an API token and print it once."""

from __future__ import annotations

import sys
from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from taizhang.accounts.services import token_create


class Command(BaseCommand):
    help = _("创建接口令牌：taizhang token create 用户名 [--name 名称]")

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help=_("为用户创建一个令牌，并在标准输出打印一次"))
        create.add_argument("username")
        create.add_argument("--name", default="", help=_("令牌名称，便于识别用途"))

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"], is_active=True).first()
        if user is None:
            self.stderr.write(_("错误：没有这个用户：%(name)s") % {"name": options["username"]})
            sys.exit(1)
        self.stdout.write(token_create(user=user, name=options["name"]))
