"""Who people are in Taizhang: a role, the units a reporter belongs to, the person a leader
is; API tokens. (Failed sign-ins are django-axes's: see accounts.signin.)"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from taizhang.ledger.models import Person, Unit


class Role(models.TextChoices):
    OFFICE = "office", _("督查室")
    REPORTER = "reporter", _("责任单位填报人")
    LEADER = "leader", _("牵头领导")
    VIEWER = "viewer", _("查看")


class Profile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    display_name = models.CharField(_("显示名称"), max_length=100, blank=True)
    units = models.ManyToManyField(Unit, blank=True, related_name="members")
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="accounts"
    )
    phone = models.CharField(_("手机号码"), max_length=30, blank=True)
    # Set for an account the office created or whose password it reset: the first sign-in
    # leads to the password change, and nothing else opens until it is done.
    must_change_password = models.BooleanField(_("须修改密码"), default=False)

    class Meta:
        verbose_name = _("账号资料")
        verbose_name_plural = _("账号资料")

    def __str__(self) -> str:
        return f"{self.user} ({self.role})"


class ApiToken(models.Model):
    """A token for the REST API. Only its SHA-256 is stored; the token is shown once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("名称"), max_length=100, blank=True)
    prefix = models.CharField(max_length=8)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    # None: valid until revoked.
    expires_at = models.DateTimeField(_("过期时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")

    def __str__(self) -> str:
        return f"{self.user} {self.prefix}…"
