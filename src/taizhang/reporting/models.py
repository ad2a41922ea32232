"""Monthly reporting: rounds, the reports units submit in them, attachments, and leaders'
comments (批示). No report is ever deleted: a returned report stays, a new one follows it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from taizhang.ledger.models import Ledger, Status, Task, Unit

# A closed round's snapshot is the whole ledger as it stood (megabytes of JSON at 10,000
# tasks): read only where it is used (`round_.snapshot` loads it then), never with every round
# listed or every report that names its round (`select_related("round")` must defer them:
# `snapshot_deferred("round__")`).
SNAPSHOT_FIELDS = ("snapshot", "snapshot_ids")


def snapshot_deferred(prefix: str = "") -> tuple[str, ...]:
    """The snapshot fields of the round at `prefix` ("round__", "reminder__round__"), for
    `.defer(...)`."""
    return tuple(prefix + name for name in SNAPSHOT_FIELDS)


class RoundManager(models.Manager["Round"]):
    """Rounds without their snapshots, until one is asked for."""

    def get_queryset(self) -> models.QuerySet[Round]:
        return super().get_queryset().defer(*SNAPSHOT_FIELDS)


class Round(models.Model):
    ledger = models.ForeignKey(Ledger, on_delete=models.CASCADE, related_name="rounds")
    name = models.CharField(_("名称"), max_length=100)
    due_date = models.DateField(_("报送截止日期"))
    opened_at = models.DateTimeField(_("开启时间"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The ledger as it stood when the round closed (taizhang/ledger@1 data).
    snapshot = models.JSONField(_("快照"), null=True, blank=True)
    # {key in the snapshot: task id}, for tasks and sub-items: who may see a task of the
    # snapshot is decided by its id, as a later edition may give its key to another task.
    snapshot_ids = models.JSONField(_("快照任务"), null=True, blank=True)

    objects = RoundManager()

    class Meta:
        verbose_name = _("报送轮次")
        verbose_name_plural = _("报送轮次")
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["ledger"], condition=Q(closed_at__isnull=True), name="round_one_open"
            ),
            models.UniqueConstraint(fields=["ledger", "name"], name="round_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class ReportState(models.TextChoices):
    SUBMITTED = "submitted", _("待审核")
    ACCEPTED = "accepted", _("已采纳")
    RETURNED = "returned", _("已退回")
    SUPERSEDED = "superseded", _("已被新报送取代")


class Report(models.Model):
    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="reports")
    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="reports")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="reports")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="reports"
    )
    progress = models.TextField(_("进展情况"))
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices)
    figures = models.JSONField(_("数据"), default=list, blank=True)
    # What the task said when the report was written, to show what changed.
    previous_progress = models.TextField(blank=True)
    previous_status = models.CharField(max_length=20, blank=True, choices=Status.choices)
    # A report whose text is (nearly) the previous round's: flagged in the review queue.
    similar_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    similarity = models.FloatField(_("与上轮相似度"), null=True, blank=True)
    state = models.CharField(
        _("审核状态"), max_length=20, choices=ReportState.choices, default=ReportState.SUBMITTED
    )
    submitted_at = models.DateTimeField(_("报送时间"))
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    review_comment = models.TextField(_("审核意见"), blank=True)

    class Meta:
        verbose_name = _("进展报送")
        verbose_name_plural = _("进展报送")
        ordering = ["-submitted_at", "-id"]
        indexes = [
            # Covering: the tasks with a report that counts in a round, read from the index alone.
            models.Index(fields=["round", "state", "task"], name="report_round_state_task"),
            models.Index(fields=["task", "submitted_at"], name="report_task_time"),
            models.Index(fields=["round", "task"], name="report_round_task"),
        ]
        constraints = [
            # One waiting report per unit, task and round: a newer one supersedes it.
            models.UniqueConstraint(
                fields=["round", "task", "unit"],
                condition=Q(state="submitted"),
                name="report_one_waiting",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round} · {self.task_id} · {self.unit}"

    @property
    def looks_copied(self) -> bool:
        return self.similarity is not None and self.similarity >= settings.TAIZHANG_COPY_SIMILARITY


class Attachment(models.Model):
    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(upload_to="reports/%Y/%m/")
    name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")

    def __str__(self) -> str:
        return self.name


class ReportDraft(models.Model):
    """A report being written (暂存): one per unit and task, kept on the server so it is there
    on another device or after a reload, until the report is sent or the draft dropped."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="drafts")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="drafts")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    progress = models.TextField(_("进展情况"), blank=True)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, blank=True)
    # The figures as typed, one per line ("河道清淤约3公里"), read when the report is sent.
    figures_text = models.TextField(_("数据"), blank=True)
    updated_at = models.DateTimeField(_("保存时间"))

    class Meta:
        verbose_name = _("报送草稿")
        verbose_name_plural = _("报送草稿")
        constraints = [
            models.UniqueConstraint(fields=["task", "unit"], name="reportdraft_one_per_unit")
        ]

    def __str__(self) -> str:
        return f"{self.task_id} · {self.unit_id}"


class HeldFile(models.Model):
    """A file chosen in a report form that was not sent yet (the form was refused, or saved as
    a draft): kept on the server until the report is sent, the file dropped, or it expires."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="held_files")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="held_files")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="held_files"
    )
    file = models.FileField(upload_to="held/%Y/%m/")
    name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField(_("上传时间"))

    class Meta:
        verbose_name = _("待报送附件")
        verbose_name_plural = _("待报送附件")
        indexes = [models.Index(fields=["task", "unit"], name="heldfile_task_unit")]

    def __str__(self) -> str:
        return self.name


class Comment(models.Model):
    """A leader's instruction (批示) on a task."""

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="comments"
    )
    text = models.TextField(_("批示"))
    created_at = models.DateTimeField(_("时间"))

    class Meta:
        verbose_name = _("领导批示")
        verbose_name_plural = _("领导批示")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.task_id}: {self.text[:20]}"


class RoundStatus(models.Model):
    """A task's status in a closed round's snapshot (by the task's id kept then), so the
    dashboard's history counts in the database: written once per round
    (`snapshots.round_statuses_write`, when it closes), with the task's light then (the task
    page's history of lights)."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="+")
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=20, blank=True)
    # The task's light at the close (red, yellow, green, completed), written by the
    # supervision app (`reporting.signals.round_closed`); empty until it has been, "none"
    # when the snapshot no longer has the task to light it from.
    light = models.CharField(max_length=10, blank=True, default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "task"], name="round_status_unique"),
        ]
        indexes = [
            models.Index(fields=["task", "round"], name="round_status_task"),
            # The few rows still to light (rounds closed before lights were kept): finding
            # them, or that there are none, reads this index only.
            models.Index(fields=["round"], condition=Q(light=""), name="round_status_unlit"),
        ]

    def __str__(self) -> str:
        return f"{self.round_id} {self.task_id} {self.status}"


class RoundTally(models.Model):
    """A closed round's counts by status of all its snapshot's tasks (`RoundStatus` summed),
    for those who see the whole ledger (the dashboard's history)."""

    round = models.OneToOneField(
        Round, primary_key=True, on_delete=models.CASCADE, related_name="tally"
    )
    counts = models.JSONField()  # {status or "none": count}

    def __str__(self) -> str:
        return f"{self.round_id}"


class ExportJob(models.Model):
    """A ledger export run in the background (the task queue, `taizhang.jobs`), for a ledger
    too large to write within a web request: who asked, what, how far it is, and the file
    once written (`reporting.exports`)."""

    class State(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("正在导出")
        DONE = "done", _("已完成")
        FAILED = "failed", _("导出失败")

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    ledger = models.ForeignKey(Ledger, on_delete=models.CASCADE, related_name="+")
    # The ledger as of a closed round (its snapshot), or as it is now when empty.
    round = models.ForeignKey(
        Round, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    format = models.CharField(_("格式"), max_length=10)
    # What is exported: the rows of a selection of the ledger page (`supervision.selection`,
    # its `as_data`; {} for all the creator may see), in a layout (`documents.writers.LAYOUTS`),
    # 截至 `as_of` (the lights' day too), with the 预警 column or not; or, with `bulletin_id`,
    # a bulletin of the ledger (as PDF). An id, not a key: bulletins are supervision's.
    selection = models.JSONField(_("筛选条件"), default=dict, blank=True)
    layout = models.CharField(_("版式"), max_length=10, default="ledger")
    as_of = models.DateField(_("截至日期"), null=True, blank=True)
    warnings = models.BooleanField(_("预警列"), default=False)
    bulletin_id = models.PositiveIntegerField(_("督查通报"), null=True, blank=True)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(_("进度"), default=0)
    file = models.FileField(upload_to="exports/%Y/%m/", blank=True)
    filename = models.CharField(_("文件名"), max_length=300, blank=True)
    error = models.TextField(_("错误"), blank=True)
    created_at = models.DateTimeField(_("创建时间"))
    # When the worker last moved it on (claimed it, or reached a step).
    progress_at = models.DateTimeField(_("进度时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("导出任务")
        verbose_name_plural = _("导出任务")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="exportjob_progress_max"),
        ]
        indexes = [models.Index(fields=["created_at"], name="exportjob_created")]

    def __str__(self) -> str:
        return f"{self.ledger_id} · {self.format} · {self.state}"

    @property
    def is_finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)
