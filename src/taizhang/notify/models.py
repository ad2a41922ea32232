"""Notifications and 催办: what reached whom, through which channel, and whether it arrived.

A `Notification` is one message to one user, shown in the bell (the in-app channel). Each
send of it (or of a reminder to a unit) through an outside channel, e-mail, a group robot of
企业微信 or 钉钉, SMS, is a `Delivery`, retried with backoff until it is sent or given up; the
office sees the failed ones. A `Reminder` is one 催办 of a unit for a round, by the office or
by the schedule; `Preference` rows are a user's choices of channel per event."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from taizhang.ledger.models import Unit
from taizhang.reporting.models import Round


class Event(models.TextChoices):
    ROUND_OPENED = "round_opened", _("报送轮次开启")
    ROUND_DUE = "round_due", _("报送截止提醒")
    REMINDER = "reminder", _("催办")
    REPORT_RETURNED = "report_returned", _("报送被退回")
    REPORT_ACCEPTED = "report_accepted", _("报送已采纳")
    COMMENTED = "commented", _("领导批示")
    BULLETIN_ISSUED = "bulletin_issued", _("督查通报印发")
    TASK_RED = "task_red", _("任务亮红灯")


class Channel(models.TextChoices):
    INAPP = "inapp", _("站内通知")
    EMAIL = "email", _("电子邮件")
    WECOM = "wecom", _("企业微信")
    DINGTALK = "dingtalk", _("钉钉")
    SMS = "sms", _("短信")


class Notification(models.Model):
    """One message to one user: the bell's list. `dedup_key`, when set, is unique per user,
    so a scheduled message sent twice (a retried job, two workers) is stored once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    event = models.CharField(_("事件"), max_length=20, choices=Event.choices)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    link = models.CharField(_("链接"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("时间"))
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    dedup_key = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["user", "read_at"], name="notification_user_read"),
            models.Index(fields=["user", "-created_at"], name="notification_user_recent"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "dedup_key"],
                condition=~Q(dedup_key=""),
                name="notification_once",
            )
        ]

    def __str__(self) -> str:
        return self.title


class Reminder(models.Model):
    """One 催办 of a unit for a round: by the office (`actor`, with its message) or by the
    schedule (`kind` before / due / overdue, at most once a unit, round, kind and day)."""

    class Kind(models.TextChoices):
        MANUAL = "manual", _("督查室催办")
        BEFORE = "before", _("截止前提醒")
        DUE = "due", _("截止当日提醒")
        OVERDUE = "overdue", _("逾期提醒")

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="reminders")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    message = models.TextField(_("催办内容"), blank=True)
    sent_on = models.DateField(_("日期"))
    created_at = models.DateTimeField(_("时间"))

    class Meta:
        verbose_name = _("催办记录")
        verbose_name_plural = _("催办记录")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["round", "unit"], name="reminder_round_unit")]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "unit", "kind", "sent_on"],
                condition=~Q(kind="manual"),
                name="reminder_scheduled_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.round} {self.unit} {self.kind}"


class Delivery(models.Model):
    """One send through an outside channel: of a notification to its user's address, or of
    a reminder to its unit's address or group robot. Queued, then sent, or failed and tried
    again at `next_attempt_at` (backoff), or given up after the last attempt."""

    class State(models.TextChoices):
        QUEUED = "queued", _("待发送")
        SENT = "sent", _("已送达")
        RETRYING = "retrying", _("发送失败，将重试")
        FAILED = "failed", _("发送失败")

    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices)
    notification = models.ForeignKey(
        Notification, null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries"
    )
    reminder = models.ForeignKey(
        Reminder, null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries"
    )
    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries"
    )
    target = models.CharField(_("发送地址"), max_length=500)
    subject = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"))
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次尝试"), null=True, blank=True)
    last_error = models.TextField(_("错误"), blank=True)
    created_at = models.DateTimeField(_("创建时间"))
    sent_at = models.DateTimeField(_("送达时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("发送记录")
        verbose_name_plural = _("发送记录")
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="delivery_due")]

    def __str__(self) -> str:
        return f"{self.channel} {self.target} {self.state}"


class Preference(models.Model):
    """A user's choice for one event and channel; with no row, the default of
    `notify.preferences` applies."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notify_preferences"
    )
    event = models.CharField(_("事件"), max_length=20, choices=Event.choices)
    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices)
    enabled = models.BooleanField(_("接收"), default=True)

    class Meta:
        verbose_name = _("通知设置")
        verbose_name_plural = _("通知设置")
        constraints = [
            models.UniqueConstraint(fields=["user", "event", "channel"], name="preference_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.event} {self.channel} {self.enabled}"
