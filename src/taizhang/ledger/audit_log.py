"""Reading the audit trail (AuditEvent): the office's page and its export, filtered by date
range, user and action, newest first. Reads only: the trail is written by
`ledger.services.audit.audit_record` and is never changed or deleted from the web or the
admin."""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from taizhang.ledger.models import AuditEvent

# What each action means, for the office; every action a service records is named here (a test
# reads the services' `audit_record` calls), and one that is not (an old row) shows its code.
ACTION_LABELS: dict[str, Promise] = {
    "account.add": _("新建账号"),
    "account.add_for_units": _("为单位批量建账号"),
    "account.create": _("创建账号"),
    "account.update": _("修改账号"),
    "account.password_reset": _("重置密码"),
    "account.password_change": _("修改密码"),
    "account.activate": _("启用账号"),
    "account.deactivate": _("停用账号"),
    "audit.export": _("导出审计记录"),
    "bulletin.create": _("生成通报"),
    "bulletin.update": _("修改通报"),
    "bulletin.issue": _("印发通报"),
    "comment.add": _("领导批示"),
    "export.queue": _("后台导出排队"),
    "export.done": _("后台导出完成"),
    "export.given_up": _("后台导出中断"),
    "export.cleanup": _("清理导出文件"),
    "figure.set": _("修改指标数值"),
    "figure.check": _("核实指标"),
    "files.cleanup": _("清理文件"),
    "import.queue": _("后台导入排队"),
    "import.failed": _("后台导入失败"),
    "import.given_up": _("后台导入中断"),
    "import.cleanup": _("清理导入文件"),
    "ledger.import": _("导入台账"),
    "ledger.joint_settings": _("修改联合报送设置"),
    "ledger.publish": _("公开台账"),
    "ledger.republish": _("更新公开内容"),
    "ledger.unpublish": _("撤回公开"),
    "lights.settings": _("修改亮灯规则"),
    "notice.download": _("下载督办通知单"),
    "notify_deliveries_retry": _("重试发送通知"),
    "notify_preferences_save": _("保存通知设置"),
    "person.update": _("修改领导联系方式"),
    "report.submit": _("报送进展"),
    "report.accepted": _("采纳报送"),
    "report.returned": _("退回报送"),
    "report.attach": _("上传附件"),
    "report.draft_save": _("保存草稿"),
    "report.draft_drop": _("丢弃草稿"),
    "report.file_hold": _("暂存附件"),
    "report.file_drop": _("删除暂存附件"),
    "round.open": _("开启报送轮次"),
    "round.close": _("关闭报送轮次"),
    "round.remind": _("催报"),
    "round.remind_scheduled": _("定时催报"),
    "task.edit": _("修改任务"),
    "token.create": _("创建接口令牌"),
    "token.revoke": _("吊销接口令牌"),
    "unit.create": _("新建单位"),
    "unit.update": _("修改单位"),
    "unit.merge": _("合并单位"),
}


def action_label(action: str) -> str:
    """The office's name of an action, or its code when it has none."""
    label = ACTION_LABELS.get(action)
    return str(label) if label is not None else action


@dataclass(frozen=True)
class AuditFilters:
    """Which events: from `since` to `until` (local dates, both included), by the user named
    `user` (user name, or display name; "" anyone), of `action` ("" any)."""

    since: datetime.date | None = None
    until: datetime.date | None = None
    user: str = ""
    action: str = ""


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def audit_events(filters: AuditFilters) -> QuerySet[AuditEvent]:
    """The events the filters select, newest first, with their actor and ledger joined (one
    query for any number of rows; indexes on (action, at) and (actor, at))."""
    events = AuditEvent.objects.select_related("actor", "actor__profile", "ledger").only(
        "at",
        "action",
        "data",
        "actor__username",
        "actor__profile__display_name",
        "ledger__title",
    )
    if filters.since is not None:
        events = events.filter(at__gte=_day_start(filters.since))
    if filters.until is not None:
        events = events.filter(at__lt=_day_start(filters.until + datetime.timedelta(days=1)))
    if filters.user:
        events = events.filter(
            Q(actor__username__iexact=filters.user) | Q(actor__profile__display_name=filters.user)
        )
    if filters.action:
        events = events.filter(action=filters.action)
    return events.order_by("-at", "-id")


def audit_actions() -> list[str]:
    """The actions the filter offers: every action Taizhang records (each has its name in
    `ACTION_LABELS`, which a test holds), sorted. Not a DISTINCT over the trail, which reads
    every row on each page view once the trail is long."""
    return sorted(ACTION_LABELS)


def audit_data_text(data: object) -> str:
    """An event's details as one line of JSON, Chinese kept readable."""
    if not data:
        return ""
    return json.dumps(data, ensure_ascii=False, sort_keys=True, default=str)


def actor_name(event: AuditEvent) -> str:
    """Who did it: the display name and user name, or 系统 for the system's own work."""
    actor = event.actor
    if actor is None:
        return str(_("系统"))
    profile = getattr(actor, "profile", None)
    shown = profile.display_name if profile is not None else ""
    return f"{shown}（{actor.username}）" if shown else actor.username


def audit_rows(filters: AuditFilters, *, chunk_size: int = 2000) -> Iterator[list[str]]:
    """The export's rows, header first, read in chunks (memory does not grow with the trail)."""
    yield [str(_("时间")), str(_("用户")), str(_("操作")), str(_("操作代码")), str(_("台账")),
           str(_("内容"))]  # fmt: skip
    for event in audit_events(filters).iterator(chunk_size=chunk_size):
        yield [
            timezone.localtime(event.at).strftime("%Y-%m-%d %H:%M:%S"),
            actor_name(event),
            action_label(event.action),
            event.action,
            event.ledger.title if event.ledger is not None else "",
            audit_data_text(event.data),
        ]
