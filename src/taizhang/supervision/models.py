"""Supervision: per-ledger thresholds of the lights, the office's corrections of figures,
publication of a ledger to the public page, and bulletins."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from taizhang.ledger.models import Ledger, Task, Unit


class LightSettings(models.Model):
    """Thresholds of the red/yellow/green lights for one ledger."""

    ledger = models.OneToOneField(Ledger, on_delete=models.CASCADE, related_name="light_settings")
    warn_days = models.PositiveIntegerField(_("临期预警天数"), default=30)
    # Yellow when the share of the period elapsed exceeds the share of the target reached by
    # more than this many percentage points.
    pace_margin = models.DecimalField(
        _("序时进度容差（百分点）"), max_digits=5, decimal_places=1, default=Decimal("10.0")
    )

    class Meta:
        verbose_name = _("预警设置")
        verbose_name_plural = _("预警设置")

    def __str__(self) -> str:
        return f"{self.ledger}: {self.warn_days}天 / {self.pace_margin}"


class Figure(models.Model):
    """A figure the office corrected or added (overrides what was read from the text), or the
    office's check of an indicator read from the text (`verdict`: confirmed, corrected or not a
    figure for its target, `supervision.doubts.VERDICTS`), which holds only while the task's
    progress text is the one it was made on (`progress_digest`,
    `indicators.progress_digest`): a changed text is read, and doubted, afresh."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="figures")
    name = models.CharField(_("指标"), max_length=100)
    target = models.DecimalField(_("目标"), max_digits=16, decimal_places=4, null=True, blank=True)
    actual = models.DecimalField(_("完成"), max_digits=16, decimal_places=4, null=True, blank=True)
    unit = models.CharField(_("单位"), max_length=20, blank=True)
    verdict = models.CharField(_("核实结论"), max_length=20, blank=True, default="")
    progress_digest = models.CharField(_("核实时的进展摘要"), max_length=64, blank=True, default="")
    updated_at = models.DateTimeField(_("更新时间"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("指标数据")
        verbose_name_plural = _("指标数据")
        constraints = [models.UniqueConstraint(fields=["task", "name"], name="figure_unique_name")]

    def __str__(self) -> str:
        return f"{self.task_id} {self.name}"


class Publication(models.Model):
    """A ledger shown on the public page (公示), without sign-in: the snapshot the office
    reviewed and published (`json_format.ledger_to_dict` of the ledger then, without remarks
    or other internal columns), not live data; 重新公示 takes a new one."""

    ledger = models.OneToOneField(Ledger, on_delete=models.CASCADE, related_name="publication")
    published_at = models.DateTimeField(_("公示时间"))
    # Null for a ledger published before snapshots were kept: shown as awaiting republication.
    snapshot = models.JSONField(_("公示内容"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("公示")
        verbose_name_plural = _("公示")

    def __str__(self) -> str:
        return str(self.ledger)


class BulletinForm(models.TextChoices):
    """How a bulletin's 版头 looks (documents.bulletin_frame)."""

    MASTHEAD = "masthead", _("督查通报版头（发文机关标志、期号、红色分隔线）")
    PLAIN = "plain", _("无版头（仅发文字号）")


class Bulletin(models.Model):
    """A monthly bulletin (督查通报): generated, edited by the office, then issued; with what
    its 版头 and 版记 print (GB/T 9704): the form, 期号, 发文字号, the issuing body, 抄送, and
    印发机关 with 印发日期 (the day it was issued when none is set)."""

    ledger = models.ForeignKey(Ledger, on_delete=models.CASCADE, related_name="bulletins")
    as_of = models.DateField(_("截至日期"))
    title = models.CharField(_("标题"), max_length=300)
    body = models.TextField(_("正文"))
    created_at = models.DateTimeField(_("生成时间"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    issued_at = models.DateTimeField(_("印发时间"), null=True, blank=True)
    form = models.CharField(
        _("版式"), max_length=10, choices=BulletinForm.choices, default=BulletinForm.MASTHEAD
    )
    issue_number = models.PositiveIntegerField(_("期号"), null=True, blank=True)
    doc_number = models.CharField(_("发文字号"), max_length=60, blank=True)
    issuer = models.CharField(_("发文机关"), max_length=60, blank=True)
    cc = models.CharField(_("抄送"), max_length=500, blank=True)
    printer = models.CharField(_("印发机关"), max_length=60, blank=True)
    printed_on = models.DateField(_("印发日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("督查通报")
        verbose_name_plural = _("督查通报")
        ordering = ["-as_of", "-id"]

    def __str__(self) -> str:
        return self.title


class TaskState(models.Model):
    """What the dashboard counts of a current task or sub-item, so it counts in the database
    instead of reading every task's text on every request: the light as dates
    (`lights.Thresholds`: red from, yellow from, completed), the deadline it is measured
    against, and the indicators read from the texts and figures (from which the task list
    API gives each task's light, reasons and indicators as of any day). Derived and rebuilt by
    `supervision.state.states_refresh` whenever a task, an accepted report, an office figure
    or the ledger's thresholds change. A task split into sub-items holds their combined
    light; each sub-item its own."""

    task = models.OneToOneField(
        Task, primary_key=True, on_delete=models.CASCADE, related_name="supervision_state"
    )
    ledger = models.ForeignKey(Ledger, on_delete=models.CASCADE, related_name="+")
    # The task itself for a task, its task for a sub-item.
    top = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="+")
    is_top = models.BooleanField()
    # The task's status and place in the ledger, kept here so the dashboard counts and lists
    # without joining the tasks.
    status = models.CharField(max_length=20, blank=True)
    position = models.PositiveIntegerField(default=0)  # Task.order
    split = models.BooleanField(default=False)  # a task with current sub-items
    deadline = models.DateField(null=True)  # its own, or its task's for a sub-item
    completed = models.BooleanField(default=False)
    red_from = models.DateField(null=True)
    yellow_from = models.DateField(null=True)
    # Whether a missing report in an open round makes it yellow (open, not split).
    reports_due = models.BooleanField(default=False)
    # Whether its progress text says anything: with no status either, nothing was ever
    # reported (yellow, "尚未报送进展": `lights.LightInput.nothing_known`).
    has_progress = models.BooleanField(default=True)
    lowest_percent = models.DecimalField(max_digits=12, decimal_places=1, null=True)
    indicators = models.JSONField(default=list)  # IndicatorView.facts of those with a target
    # IndicatorView.facts of all of them, in order: what the task list API gives.
    all_indicators = models.JSONField(default=list)
    source = models.CharField(max_length=64)  # digest of what the indicators were read from

    class Meta:
        verbose_name = _("任务督查状态")
        verbose_name_plural = _("任务督查状态")
        indexes = [
            models.Index(fields=["ledger", "is_top"], name="state_ledger_top"),
            models.Index(fields=["top"], name="state_top"),
            # Everything the dashboard works a light out from: it reads the ledger's states
            # from the index alone, not their rows (wide with the indicators).
            models.Index(
                fields=[
                    "ledger",
                    "task",
                    "top",
                    "is_top",
                    "status",
                    "position",
                    "split",
                    "deadline",
                    "completed",
                    "red_from",
                    "yellow_from",
                    "reports_due",
                ],
                name="state_ledger_lights",
            ),
            # The dashboard's indicators, least advanced first (`dashboard._indicators`): its
            # page of 20 and its count from this index, not a sort of every state's row (on
            # PostgreSQL 30 ms of the dashboard's database CPU at 10,000 tasks). Ascending
            # puts nulls (no figure yet) last on PostgreSQL, as the list wants.
            models.Index(
                fields=["ledger", "lowest_percent", "position", "task"],
                name="state_ledger_indicators",
                condition=~models.Q(indicators=[]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task_id}"


class StateUnit(models.Model):
    """A unit that answers for a task or sub-item on the dashboard's table of units
    (`selectors.unit_items`: a sub-item's own units or its task's; a split task's units that
    serve none of its sub-items)."""

    state = models.ForeignKey(TaskState, on_delete=models.CASCADE, related_name="answering")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["state", "unit"], name="state_unit_unique"),
        ]
        indexes = [models.Index(fields=["unit"], name="state_unit_unit")]

    def __str__(self) -> str:
        return f"{self.state_id} {self.unit_id}"
