"""Units as the office keeps them: created and renamed on the web, with their contacts (the
contact person, phone, e-mail and the work group's robot of 企业微信 or 钉钉).

A unit merged into another (`accounts.merging.unit_merge`, which also moves its members)
keeps its row with `merged_into`: it is left out of lists and pickers, cannot be renamed or
edited, and the history that names it still reads.

The robot's address may point at any host on the Internet, over https:// or http://, but not
at this machine or the intranet (`ledger.robot_addresses`: an IP literal or `localhost` is
refused here, a name when the channel resolves it) unless TAIZHANG_WEBHOOK_ALLOWED_HOSTS
allows it: offices reach the public robots (qyapi.weixin.qq.com, oapi.dingtalk.com) through a
relay of their own on the intranet as often as directly. A 钉钉 secret (加签) starts with SEC,
as 钉钉 issues it. The audit trail keeps neither the secret nor the address's credentials
(企业微信's key=, 钉钉's access_token=): the address as `masked_url` shows it."""

from __future__ import annotations

from dataclasses import dataclass, fields
from urllib.parse import urlsplit

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from taizhang.chinese.names import normalize_unit
from taizhang.ledger.errors import EditError
from taizhang.ledger.models import Person, Task, Unit
from taizhang.ledger.robot_addresses import literal_refused, masked_url
from taizhang.ledger.services.audit import audit_record
from taizhang.ledger.signals import tasks_written

NAME_MAX = 200  # Unit.name
TEXT_MAX = {"contact_name": 100, "phone": 30, "webhook_url": 500, "webhook_secret": 200}


@dataclass(frozen=True)
class UnitContacts:
    """A unit's contacts as the office typed them (blank for none)."""

    contact_name: str = ""
    phone: str = ""
    email: str = ""
    webhook_kind: str = ""
    webhook_url: str = ""
    webhook_secret: str = ""

    def cleaned(self) -> UnitContacts:
        """The contacts stripped and checked; raises `EditError` with what is wrong."""
        values = {f.name: str(getattr(self, f.name) or "").strip() for f in fields(self)}
        for name, limit in TEXT_MAX.items():
            if len(values[name]) > limit:
                label = getattr(Unit._meta.get_field(name), "verbose_name", name)
                raise EditError(_("“%(field)s”过长") % {"field": label})
        _check_email(values["email"])
        _check_webhook(values["webhook_kind"], values["webhook_url"], values["webhook_secret"])
        return UnitContacts(**values)


def _check_email(email: str) -> None:
    if not email:
        return
    try:
        validate_email(email)
    except ValidationError:
        raise EditError(_("电子邮箱格式不正确：%(email)s") % {"email": email}) from None


def _check_webhook(kind: str, url: str, secret: str) -> None:
    if kind not in Unit.Webhook.values:
        raise EditError(_("未知的群机器人类型"))
    if url and not kind:
        raise EditError(_("填写了群机器人地址，请选择企业微信或钉钉"))
    if kind and not url:
        raise EditError(_("请填写群机器人地址"))
    if url:
        parts = urlsplit(url)
        if parts.scheme not in ("https", "http") or not parts.hostname:
            raise EditError(_("群机器人地址须以 https:// 或 http:// 开头，并包含主机名"))
        if literal_refused(parts.hostname):
            raise EditError(
                _(
                    "群机器人地址不能指向本机、内网或保留地址（%(host)s）；如经内网中转，"
                    "请由系统管理员在 TAIZHANG_WEBHOOK_ALLOWED_HOSTS 中允许该地址"
                )
                % {"host": parts.hostname}
            )
    if secret and kind != Unit.Webhook.DINGTALK:
        raise EditError(_("只有钉钉群机器人使用加签密钥"))
    if secret and not secret.startswith("SEC"):
        raise EditError(_("钉钉的加签密钥以 SEC 开头"))


def unit_name_clean(name: str) -> str:
    """A unit's name as stored (`chinese.names.normalize_unit`); raises `EditError` when empty
    or too long."""
    cleaned = normalize_unit(name or "")
    if not cleaned:
        raise EditError(_("请填写单位名称"))
    if len(cleaned) > NAME_MAX:
        raise EditError(_("单位名称不能超过 %(n)s 个字符") % {"n": NAME_MAX})
    return cleaned


def _check_free(name: str, exclude: Unit | None = None) -> None:
    others = Unit.objects.filter(name=name)
    clash = (others.exclude(pk=exclude.pk) if exclude is not None else others).first()
    if clash is None:
        return
    if clash.merged_into_id is not None:
        raise EditError(
            _("已有名为“%(name)s”的单位（已并入其他单位），请换一个名称") % {"name": name}
        )
    raise EditError(_("已有名为“%(name)s”的单位，请换一个名称") % {"name": name})


def _snapshot(unit: Unit) -> dict[str, str]:
    """What the audit trail keeps of a unit: never the robot's secret itself, nor the
    credentials in its address (scheme and host only)."""
    kept = {f.name: getattr(unit, f.name) for f in fields(UnitContacts)}
    kept["webhook_secret"] = "***" if unit.webhook_secret else ""
    kept["webhook_url"] = masked_url(unit.webhook_url) if unit.webhook_url else ""
    return {"name": unit.name, **kept}


@transaction.atomic
def unit_create(*, name: str, contacts: UnitContacts | None = None, actor: User | None) -> Unit:
    """A new unit with its contacts. Its name (normalised as imports store names) must be
    free; raises `EditError` with the reason, creating nothing."""
    name = unit_name_clean(name)
    cleaned = (contacts or UnitContacts()).cleaned()
    _check_free(name)
    unit = Unit.objects.create(name=name, **vars(cleaned))
    audit_record(actor=actor, action="unit.create", data={"unit": unit.pk, **_snapshot(unit)})
    return unit


@transaction.atomic
def unit_update(*, unit: Unit, name: str, contacts: UnitContacts, actor: User | None) -> Unit:
    """Rename a unit and set its contacts; a merged unit is refused, as is a name another
    unit has. The audit row holds what changed, old and new."""
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    if unit.merged_into_id is not None:
        raise EditError(_("该单位已并入其他单位，不能再修改"))
    name = unit_name_clean(name)
    cleaned = contacts.cleaned()
    _check_free(name, exclude=unit)
    before, old_secret, old_url = _snapshot(unit), unit.webhook_secret, unit.webhook_url
    unit.name = name
    for key, value in vars(cleaned).items():
        setattr(unit, key, value)
    unit.save()
    after = _snapshot(unit)
    changes = {k: {"old": before[k], "new": after[k]} for k in after if before[k] != after[k]}
    # A new secret or key shows as changed though what is kept of it reads the same.
    for key, old in (("webhook_secret", old_secret), ("webhook_url", old_url)):
        if old != getattr(unit, key):
            changes[key] = {"old": before[key], "new": after[key]}
    audit_record(actor=actor, action="unit.update", data={"unit": unit.pk, "changes": changes})
    if "name" in changes:
        _linked_tasks_written(unit)
    return unit


def _linked_tasks_written(unit: Unit) -> None:
    """A unit's name decides whether its tasks await a report from it (a collective name such
    as 有关单位 reports nothing): the stored supervision state of every task it is linked to, and
    of their parents (whose sub-items' units they take), is written again, ledger by ledger."""
    linked = Task.objects.filter(unit_links__unit=unit)
    rows = Task.objects.filter(pk__in=linked.values("pk")) | Task.objects.filter(
        pk__in=linked.exclude(parent=None).values("parent_id")
    )
    by_ledger: dict[int, list[int]] = {}
    for ledger_id, task_id in rows.values_list("ledger_id", "pk").distinct():
        by_ledger.setdefault(ledger_id, []).append(task_id)
    for ledger_id, task_ids in sorted(by_ledger.items()):
        tasks_written(ledger_id, task_ids)


PHONE_MAX = 30  # Person.phone


@transaction.atomic
def person_contacts_update(*, person: Person, phone: str, email: str, actor: User | None) -> Person:
    """Set a leader's (牵头领导) own phone and e-mail, kept by the office for notifications
    when the leader's account has none (`notify.preferences`). Bad input raises `EditError`
    and changes nothing; the audit row holds what changed."""
    phone, email = phone.strip(), email.strip()
    if len(phone) > PHONE_MAX:
        raise EditError(_("“%(field)s”过长") % {"field": _("手机号码")})
    _check_email(email)
    person = Person.objects.select_for_update().get(pk=person.pk)
    changes = {
        key: {"old": getattr(person, key), "new": value}
        for key, value in (("phone", phone), ("email", email))
        if getattr(person, key) != value
    }
    person.phone, person.email = phone, email
    person.save(update_fields=["phone", "email"])
    audit_record(
        actor=actor, action="person.update", data={"person": person.pk, "changes": changes}
    )
    return person
