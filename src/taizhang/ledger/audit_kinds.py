"""The kinds of event the audit trail holds and the words for them, in one place: each action's
name (`ACTION_LABELS`) and how the keys of an event's details read (`DETAIL_KEYS`), for the
office's audit log and its export (`ledger.audit_details` words the details with them). The
stored details stay as the services wrote them; only their reading is here."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from taizhang.chinese.lights import LABELS as LIGHT_LABELS
from taizhang.chinese.statuses import STATUS_CODES, status_label_text
from taizhang.documents.layouts import LAYOUTS

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


# What a detail's value names, so that it reads as the office knows it (`audit_details`).
TASK = "task"  # a task's number (序号) in the event's ledger
TASK_ID = "task_id"  # a task's id
REPORT, ROUND, UNIT, PERSON, BULLETIN = "report", "round", "unit", "person", "bulletin"
USER = "user"  # a user name
FIELDS = "fields"  # names of fields of the model `of`
CHANGES = "changes"  # {field of `of`: {"old": ..., "new": ...}}
MODELS = "models"  # {"app.model": a count}
ACTION = "action"  # an action's code
CHOICE = "choice"  # a code of the field `of`'s choices
WORDS = "words"  # a code of `words`
NUMBER = "number"  # a figure written as text ("1200.0000", "None")
MOMENT = "moment"  # a date and time in ISO form
COUNT = "count"  # a list told by its length
CHOICES = "choices"  # codes "a:b" of the choices of the fields `of` and `of_second`


@dataclass(frozen=True)
class Key:
    """How one key of an event's details is shown: its label, the verbose name of a model's
    field (`field`, "app.Model.field") or of a model ("app.Model"), else `label`; and what its
    value names (`shows`, one of the kinds above; "" as it is)."""

    label: str | Promise = ""
    field: str = ""
    shows: str = ""
    of: str = ""
    words: Mapping[str, str | Promise] = dataclasses.field(default_factory=dict)
    of_second: str = ""


VERDICT_WORDS: dict[str, Promise] = {
    "confirmed": _("识别无误"),
    "corrected": _("更正完成数"),
    "not_figure": _("不是该目标的完成数"),
}
DOUBT_WORDS: dict[str, Promise] = {
    "subject": _("主语不同"),
    "unit_only": _("仅单位相同"),
    "approximate": _("数字为约数"),
    "stage": _("进展是开工，目标是完工"),
}

# What a selection (an export's filters) holds: a status code ("none": 未标状态).
STATUS_WORDS: dict[str, str | Promise] = {
    **{code: status_label_text(code) for code in STATUS_CODES if code != "none"},
    "none": _("未标状态"),
}
# Counts of a unit merge by what they count: a table ("app.model") or a field
# ("app.model.field") by its verbose name, else by these words.
MODEL_WORDS: dict[str, Promise] = {
    "ledger.taskunit": _("任务的责任单位"),
    "ledger.unit.merged": _("此前已并入的单位"),
}

# The keys of events' details: "action:key" (one action's), "group:key" (the actions named
# "group.*") or "key" (every action's), the first found applies. A key not here shows as it is.
# Details are shown in this table's order (the database may keep a JSON's keys in another:
# PostgreSQL's jsonb does), the keys not here last, by name.
DETAIL_KEYS: dict[str, Key] = {
    "task": Key(field="ledger.Task", shows=TASK),
    "task_id": Key(field="ledger.Task", shows=TASK_ID),
    "username": Key(_("用户名"), shows=USER),
    "user": Key(_("用户"), shows=USER),
    "accounts": Key(_("账号"), shows=USER),
    "role": Key(field="accounts.Profile.role", shows=CHOICE, of="accounts.Profile.role"),
    "display_name": Key(field="accounts.Profile.display_name"),
    "report": Key(field="reporting.Report", shows=REPORT),
    "superseded": Key(_("被取代的报送"), shows=REPORT),
    "carried_over": Key(_("沿用的附件数"), shows=COUNT),
    "round": Key(field="reporting.Round", shows=ROUND),
    "unit": Key(field="ledger.Unit", shows=UNIT),
    "units": Key(_("单位"), shows=UNIT),
    "into": Key(_("并入单位"), shows=UNIT),
    "into_name": Key(_("并入单位名称")),
    "unit.merge:name": Key(_("被并入单位名称")),
    "person": Key(_("牵头领导"), shows=PERSON),
    "bulletin": Key(field="supervision.Bulletin", shows=BULLETIN),
    "title": Key(field="supervision.Bulletin.title"),
    "name": Key(_("名称")),
    "figure:name": Key(field="supervision.Figure.name"),
    "report.attach:name": Key(field="reporting.Attachment.name"),
    "report.file_hold:name": Key(field="reporting.HeldFile.name"),
    "token:name": Key(_("令牌名称")),
    "names": Key(_("文件名")),
    "fields": Key(_("修改的字段"), shows=FIELDS, of="ledger.Task"),
    "changed": Key(_("修改的内容"), shows=FIELDS, of="supervision.Bulletin"),
    "changes": Key(_("修改"), shows=CHANGES),
    "unit.update:changes": Key(_("修改"), shows=CHANGES, of="ledger.Unit"),
    "person.update:changes": Key(_("修改"), shows=CHANGES, of="ledger.Person"),
    "target": Key(field="supervision.Figure.target", shows=NUMBER),
    "read": Key(_("识别的完成数"), shows=NUMBER),
    "actual": Key(field="supervision.Figure.actual", shows=NUMBER),
    "verdict": Key(field="supervision.Figure.verdict", shows=WORDS, words=VERDICT_WORDS),
    "doubt": Key(_("存疑原因"), shows=WORDS, words=DOUBT_WORDS),
    "before": Key(_("修改前")),
    "warn_days": Key(field="supervision.LightSettings.warn_days"),
    "pace_margin": Key(field="supervision.LightSettings.pace_margin", shows=NUMBER),
    "lights.settings:before": Key(_("修改前")),
    "prefix_unit_names": Key(field="ledger.Ledger.prefix_unit_names"),
    "joint_status": Key(
        field="ledger.Ledger.joint_status", shows=CHOICE, of="ledger.Ledger.joint_status"
    ),
    "ledger.joint_settings:tasks": Key(_("状态变化的任务（序号）")),
    "tasks": Key(_("任务数")),
    "prefix": Key(_("令牌前缀")),
    "expires_at": Key(_("有效期至"), shows=MOMENT),
    "action": Key(_("操作"), shows=ACTION),
    "since": Key(_("日期自")),
    "until": Key(_("日期至")),
    "audit.export:user": Key(_("用户"), shows=USER),
    "audit.export:action": Key(_("操作"), shows=ACTION),
    "as_of": Key(_("截至日期")),
    "number": Key(_("督办编号")),
    "comment": Key(field="reporting.Report.review_comment"),
    "message": Key(_("催办内容")),
    "kind": Key(field="notify.Reminder.kind", shows=CHOICE, of="notify.Reminder.kind"),
    "job": Key(_("后台任务编号")),
    "format": Key(field="reporting.ExportJob.format"),
    "layout": Key(field="reporting.ExportJob.layout", shows=WORDS, words=LAYOUTS),
    # The ledger page's selection an export holds (supervision.selection.Selection.as_data).
    "export:selection": Key(field="reporting.ExportJob.selection"),
    "export:status": Key(field="ledger.Task.status", shows=WORDS, words=STATUS_WORDS),
    "export:unit": Key(_("责任单位"), shows=UNIT),
    "export:leader": Key(_("牵头领导"), shows=PERSON),
    "export:due_from": Key(_("完成时限自")),
    "export:due_to": Key(_("完成时限至")),
    "export:q": Key(_("搜索")),
    "export:light": Key(_("灯色"), shows=WORDS, words=LIGHT_LABELS),
    "was": Key(_("中断时状态"), shows=CHOICE, of="reporting.ExportJob.state"),
    "import:was": Key(_("中断时状态"), shows=CHOICE, of="ledger.ImportJob.state"),
    "error": Key(_("错误")),
    "source": Key(_("来源文件")),
    "created": Key(_("新建台账")),
    "import.cleanup:files": Key(_("删除的文件数")),
    "export.cleanup:files": Key(_("删除的文件数")),
    "report.draft_drop:files": Key(_("删除的附件")),
    "files": Key(_("文件数")),
    "jobs": Key(_("任务数")),
    "held": Key(_("过期的暂存附件数")),
    "orphans": Key(_("无主文件数")),
    "tasks_created": Key(_("新增任务数")),
    "tasks_updated": Key(_("更新任务数")),
    "tasks_unchanged": Key(_("未变任务数")),
    "tasks_removed": Key(_("移除任务数")),
    "decisions": Key(_("比对确认")),
    "warnings": Key(_("警告")),
    "draft": Key(field="reporting.ReportDraft"),
    "attachment": Key(_("附件编号")),
    "file": Key(_("暂存附件编号")),
    "deliveries": Key(_("通知编号")),
    "enabled": Key(
        _("开启的通知"),
        shows=CHOICES,
        of="notify.Preference.event",
        of_second="notify.Preference.channel",
    ),
    "email": Key(_("电子邮箱")),
    "phone": Key(_("手机号码")),
    "moved": Key(_("转移的记录"), shows=MODELS),
    "kept": Key(_("保留的记录"), shows=MODELS),
}
