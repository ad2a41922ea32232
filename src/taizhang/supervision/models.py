"""Supervision: per-ledger thresholds of the lights, the office's corrections of figures,
publication of a ledger to the public page, and bulletins."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from taizhang.ledger.models import Ledger, Task


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
    """A figure the office corrected or added (overrides what was read from the text)."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="figures")
    name = models.CharField(_("指标"), max_length=100)
    target = models.DecimalField(_("目标"), max_digits=16, decimal_places=4, null=True, blank=True)
    actual = models.DecimalField(_("完成"), max_digits=16, decimal_places=4, null=True, blank=True)
    unit = models.CharField(_("单位"), max_length=20, blank=True)
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


class Bulletin(models.Model):
    """A monthly bulletin (督查通报): generated, edited by the office, then issued."""

    ledger = models.ForeignKey(Ledger, on_delete=models.CASCADE, related_name="bulletins")
    as_of = models.DateField(_("截至日期"))
    title = models.CharField(_("标题"), max_length=300)
    body = models.TextField(_("正文"))
    created_at = models.DateTimeField(_("生成时间"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    issued_at = models.DateTimeField(_("印发时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("督查通报")
        verbose_name_plural = _("督查通报")
        ordering = ["-as_of", "-id"]

    def __str__(self) -> str:
        return self.title
