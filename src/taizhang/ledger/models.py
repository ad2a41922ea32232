"""The ledger as stored: ledgers, categories, tasks, the people who lead them and the units
that serve them, milestones, and the history of every change. Business flow lives in
services.py; reads in selectors.py."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from taizhang.chinese.names import is_collective_unit
from taizhang.chinese.statuses import STATUS_LABELS, StatusCode


class Status(models.TextChoices):
    """The progress statuses as choices: codes and labels from chinese/statuses.py."""

    COMPLETED = StatusCode.COMPLETED.value, _(STATUS_LABELS[StatusCode.COMPLETED])
    IN_PROGRESS = StatusCode.IN_PROGRESS.value, _(STATUS_LABELS[StatusCode.IN_PROGRESS])
    LAGGING = StatusCode.LAGGING.value, _(STATUS_LABELS[StatusCode.LAGGING])
    NOT_STARTED = StatusCode.NOT_STARTED.value, _(STATUS_LABELS[StatusCode.NOT_STARTED])


class UnitRole(models.TextChoices):
    RESPONSIBLE = "responsible", _("责任单位")
    LEAD = "lead", _("牵头单位")
    CO = "co", _("配合单位")


class JointStatus(models.TextChoices):
    """How the status of a task served by several units is set."""

    LEAST = "least", _("以进度最慢的单位为准")
    OFFICE = "office", _("由督查室确定")


class Ledger(models.Model):
    title = models.CharField(_("标题"), max_length=300)
    year = models.PositiveIntegerField(_("年度"))
    source_name = models.CharField(_("来源文件"), max_length=300, blank=True)
    imported_at = models.DateTimeField(_("导入时间"))
    as_of = models.DateField(_("截至日期"), null=True, blank=True)
    columns = models.JSONField(_("列"), default=list, blank=True)
    # The office's own reading of column titles ({title: key}), given at import (`--column`
    # or the web preview) and used again when the next edition is imported.
    column_overrides = models.JSONField(_("列的对应"), default=dict, blank=True)
    # Joint tasks: whether each unit's section of the progress starts with the unit's name,
    # and how the task's status follows its units' (ledger/sections.py).
    prefix_unit_names = models.BooleanField(_("进展前标注单位名称"), default=False)
    joint_status = models.CharField(
        _("多单位任务的状态"),
        max_length=10,
        choices=JointStatus.choices,
        default=JointStatus.LEAST,
    )

    class Meta:
        verbose_name = _("台账")
        verbose_name_plural = _("台账")
        ordering = ["-year", "title"]
        constraints = [
            models.UniqueConstraint(fields=["title", "year"], name="ledger_unique_title_year")
        ]

    def __str__(self) -> str:
        return self.title


class Category(models.Model):
    ledger = models.ForeignKey(Ledger, on_delete=models.CASCADE, related_name="categories")
    number = models.PositiveIntegerField(_("序号"))
    name = models.CharField(_("名称"), max_length=300, blank=True)
    order = models.PositiveIntegerField(_("顺序"))

    class Meta:
        verbose_name = _("分类")
        verbose_name_plural = _("分类")
        ordering = ["ledger", "order"]
        constraints = [
            models.UniqueConstraint(fields=["ledger", "order"], name="category_unique_order")
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"


class Person(models.Model):
    """A leader (牵头领导). Names are stored normalised: "谭  江" and "谭江" are one person."""

    name = models.CharField(_("姓名"), max_length=100, unique=True)
    # Contacts, kept by the office, for reminders and notifications (taizhang.notify).
    phone = models.CharField(_("手机号码"), max_length=30, blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)

    class Meta:
        verbose_name = _("领导")
        verbose_name_plural = _("领导")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    """An organisation (卫健委, 水利局, ...): one row however often it appears."""

    class Webhook(models.TextChoices):
        NONE = "", _("无")
        WECOM = "wecom", _("企业微信群机器人")
        DINGTALK = "dingtalk", _("钉钉群机器人")

    name = models.CharField(_("名称"), max_length=200, unique=True)
    # Contacts, kept by the office, for 催办 and notifications (taizhang.notify): the unit's
    # contact person, phone and e-mail, and its work group's robot (企业微信 or 钉钉), whose
    # secret signs 钉钉's requests.
    contact_name = models.CharField(_("联系人"), max_length=100, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)
    webhook_kind = models.CharField(
        _("群机器人"), max_length=10, choices=Webhook.choices, blank=True, default=""
    )
    webhook_url = models.URLField(_("群机器人地址"), max_length=500, blank=True)
    webhook_secret = models.CharField(_("加签密钥"), max_length=200, blank=True)
    # A unit merged into another: its tasks and members moved there; the row stays, so the
    # history that names it still reads (see ledger.services.units).
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged",
        verbose_name=_("并入"),
    )
    merged_at = models.DateTimeField(_("并入时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_collective(self) -> bool:
        """A phrase naming many units (各乡镇, 市直各单位, 有关单位): kept as the ledger wrote
        it, but no one reports as it (see chinese.names.is_collective_unit)."""
        return is_collective_unit(self.name)


class Task(models.Model):
    ledger = models.ForeignKey(Ledger, on_delete=models.CASCADE, related_name="tasks")
    category = models.ForeignKey(
        Category, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("分类")
    )
    # A sub-item (3-1, （1）, ①) points to its task; a task has none.
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="subitems",
        verbose_name=_("所属任务"),
    )
    number = models.PositiveIntegerField(_("序号"))
    # A sub-item's number as written ("3-1", "（1）"); empty for a task.
    label = models.CharField(_("序号原文"), max_length=20, blank=True)
    # The task's identity across editions of a ledger: its number, or "category.number"
    # where a ledger numbers tasks afresh in each category; a sub-item's is "task key/n".
    key = models.CharField(max_length=40)
    order = models.PositiveIntegerField(_("顺序"))
    goal = models.TextField(_("工作目标任务"))
    deadline_text = models.TextField(_("完成时限"), blank=True)
    deadline = models.DateField(_("截止日期"), null=True, blank=True)
    progress = models.TextField(_("进展情况"), blank=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, blank=True, default=""
    )
    status_label = models.CharField(_("状态原文"), max_length=200, blank=True)
    remarks = models.TextField(_("备注"), blank=True)
    extra = models.JSONField(_("其他列"), default=dict, blank=True)
    # Month entries of a monthly ledger or 本月进展: [{"title", "text", "month"}].
    entries = models.JSONField(_("月度进展"), default=list, blank=True)
    # The progress in sections, one per unit that reported, and a common one for text no unit
    # can be given: [{"unit": unit id or null, "text", "status"}]. `progress` is always their
    # composition (ledger/sections.py); sections that no longer compose to it are stale.
    sections = models.JSONField(_("分单位进展"), default=list, blank=True)
    # Set when a later edition of the ledger no longer has the task; kept, never deleted.
    removed_at = models.DateTimeField(_("移除时间"), null=True, blank=True)
    # Optimistic locking: every write bumps it; a write that names an older one is refused.
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    leaders: models.ManyToManyField[Person, TaskLeader] = models.ManyToManyField(
        Person, through="TaskLeader", related_name="tasks", verbose_name=_("牵头领导")
    )
    units: models.ManyToManyField[Unit, TaskUnit] = models.ManyToManyField(
        Unit, through="TaskUnit", related_name="tasks", verbose_name=_("责任单位")
    )

    class Meta:
        verbose_name = _("任务")
        verbose_name_plural = _("任务")
        ordering = ["ledger", "order"]
        constraints = [models.UniqueConstraint(fields=["ledger", "key"], name="task_unique_key")]
        indexes = [
            models.Index(fields=["ledger", "status"], name="task_ledger_status"),
            models.Index(fields=["ledger", "deadline"], name="task_ledger_deadline"),
            # The ledger page and task list in document order, without sorting every task.
            models.Index(
                fields=["ledger", "order", "id"],
                name="task_ledger_order",
                condition=Q(removed_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.goal[:30]}"


class TaskLeader(models.Model):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="leader_links")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="task_links")
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["task", "order"]
        constraints = [models.UniqueConstraint(fields=["task", "person"], name="taskleader_unique")]

    def __str__(self) -> str:
        return f"{self.task_id}: {self.person_id}"


class TaskUnit(models.Model):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="unit_links")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="task_links")
    role = models.CharField(_("角色"), max_length=20, choices=UnitRole.choices)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["task", "order"]
        constraints = [models.UniqueConstraint(fields=["task", "unit"], name="taskunit_unique")]

    def __str__(self) -> str:
        return f"{self.task_id}: {self.unit_id} ({self.role})"


class Milestone(models.Model):
    """A dated clause of the deadline text."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="milestones")
    text = models.TextField(_("内容"))
    date = models.DateField(_("日期"), db_index=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("节点")
        verbose_name_plural = _("节点")
        ordering = ["task", "order"]

    def __str__(self) -> str:
        return f"{self.date} {self.text}"


class TaskRevision(models.Model):
    """One change to a task: which fields, from what, to what, why, by whom. Written by every
    service that changes a task; never updated or deleted."""

    class Source(models.TextChoices):
        IMPORT = "import", _("导入")
        REPORT = "report", _("报送")
        EDIT = "edit", _("编辑")

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="revisions")
    at = models.DateTimeField(_("时间"), db_index=True)
    source = models.CharField(_("来源"), max_length=20, choices=Source.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    note = models.CharField(_("说明"), max_length=300, blank=True)
    # {"field": {"old": ..., "new": ...}}; on creation every field has "old": null.
    changes = models.JSONField(_("变更"))

    class Meta:
        verbose_name = _("任务变更记录")
        verbose_name_plural = _("任务变更记录")
        ordering = ["task", "at", "id"]

    def __str__(self) -> str:
        return f"{self.task_id} @ {self.at:%Y-%m-%d %H:%M}"


class AuditEvent(models.Model):
    """The audit trail: who did what, when, to which object."""

    at = models.DateTimeField(_("时间"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    action = models.CharField(_("操作"), max_length=50)
    ledger = models.ForeignKey(
        Ledger, null=True, blank=True, on_delete=models.SET_NULL, related_name="audit_events"
    )
    data = models.JSONField(_("内容"), default=dict)

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ["-at", "-id"]
        # The office's audit page filters by action or by user, newest first (ledger.audit_log):
        # without these, a rare action is found by reading the whole trail backwards by time.
        indexes = [
            models.Index(fields=["action", "-at"], name="ledger_audit_action_at"),
            models.Index(fields=["actor", "-at"], name="ledger_audit_actor_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"


class ImportJob(models.Model):
    """A ledger file imported in the background (the task queue, `taizhang.jobs`), for a
    ledger too large to import within a web request: who asked, the uploaded file (kept only
    until the job ends) and how the office read it (the column mapping, the table, the
    decisions on ambiguous tasks), how far it is, and what it did (`ledger.import_jobs`)."""

    class State(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("正在导入")
        DONE = "done", _("已完成")
        FAILED = "failed", _("导入失败")

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    file = models.FileField(upload_to="imports/%Y/%m/", blank=True)
    name = models.CharField(_("文件名"), max_length=300)
    year = models.PositiveIntegerField(_("年度"), null=True, blank=True)
    table = models.PositiveSmallIntegerField(_("表格"), null=True, blank=True)
    # {column title: key}, as previewed; and {new key: stored key, or None for a new task}.
    columns = models.JSONField(_("列的对应"), default=dict, blank=True)
    answers = models.JSONField(_("比对确认"), default=dict, blank=True)
    tasks = models.PositiveIntegerField(_("任务数"), default=0)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(_("进度"), default=0)
    ledger = models.ForeignKey(
        Ledger, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # What the import did: {"created": n, "updated": n, "unchanged": n, "removed": n}.
    counts = models.JSONField(_("结果"), default=dict, blank=True)
    warnings = models.JSONField(_("警告"), default=list, blank=True)
    error = models.TextField(_("错误"), blank=True)
    created_at = models.DateTimeField(_("创建时间"))
    # When the worker last moved it on (claimed it, read the file); while the import writes,
    # its progress and the time of it are kept beside the queue (`taizhang.jobs.progress`).
    progress_at = models.DateTimeField(_("进度时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("导入任务")
        verbose_name_plural = _("导入任务")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="importjob_progress_max"),
        ]
        indexes = [models.Index(fields=["created_at"], name="importjob_created")]

    def __str__(self) -> str:
        return f"{self.name} · {self.state}"

    @property
    def is_finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)
