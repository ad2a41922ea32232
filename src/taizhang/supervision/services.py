"""Every write of supervision's bulletins (督查通报): a draft composed from the ledger as of a
date, the office's edits of it, and its issue, after which it is read-only. Each is atomic
and leaves an audit row."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from taizhang.ledger.models import Ledger
from taizhang.ledger.services import audit_record
from taizhang.supervision.bulletin import DEFAULT_ISSUER, bulletin_data, compose_bulletin
from taizhang.supervision.models import Bulletin

TITLE_MAX = Bulletin._meta.get_field("title").max_length or 300


class BulletinError(Exception):
    """A change to a bulletin the rules refuse, with a message for the person who made it."""


@transaction.atomic
def bulletin_create(
    *, ledger: Ledger, as_of: datetime.date, actor: User | None, issuer: str = DEFAULT_ISSUER
) -> Bulletin:
    """Compose the ledger's bulletin as of a date (all its current tasks) and keep it as a
    draft for the office to edit before issuing."""
    text = compose_bulletin(bulletin_data(ledger, as_of), issuer=issuer)
    bulletin = Bulletin.objects.create(
        ledger=ledger,
        as_of=as_of,
        title=text.title[:TITLE_MAX],
        body=text.body,
        created_at=timezone.now(),
        created_by=actor if actor is not None and actor.pk else None,
    )
    audit_record(
        actor=actor,
        action="bulletin.create",
        ledger=ledger,
        data={"bulletin": bulletin.pk, "as_of": as_of.isoformat()},
    )
    return bulletin


@transaction.atomic
def bulletin_update(*, bulletin: Bulletin, title: str, body: str, actor: User | None) -> Bulletin:
    """Save the office's edit of a draft. An issued bulletin is read-only."""
    bulletin = _locked_draft(bulletin)
    title, body = title.strip(), body.strip()
    if not title or not body:
        raise BulletinError(_("标题和正文都不能为空"))
    if len(title) > TITLE_MAX:
        raise BulletinError(_("标题过长（最多 %(n)s 字）") % {"n": TITLE_MAX})
    changed = [
        name
        for name, value in (("title", title), ("body", body))
        if getattr(bulletin, name) != value
    ]
    bulletin.title, bulletin.body = title, body
    bulletin.save(update_fields=["title", "body"])
    audit_record(
        actor=actor,
        action="bulletin.update",
        ledger=bulletin.ledger,
        data={"bulletin": bulletin.pk, "changed": changed},
    )
    return bulletin


@transaction.atomic
def bulletin_issue(*, bulletin: Bulletin, actor: User | None) -> Bulletin:
    """Issue (印发) a draft: from now on it is read-only."""
    bulletin = _locked_draft(bulletin)
    bulletin.issued_at = timezone.now()
    bulletin.save(update_fields=["issued_at"])
    audit_record(
        actor=actor,
        action="bulletin.issue",
        ledger=bulletin.ledger,
        data={"bulletin": bulletin.pk, "title": bulletin.title},
    )
    return bulletin


def _locked_draft(bulletin: Bulletin) -> Bulletin:
    """The bulletin as stored, locked until the transaction ends; refused once issued."""
    current = Bulletin.objects.select_for_update().select_related("ledger").get(pk=bulletin.pk)
    if current.issued_at is not None:
        raise BulletinError(
            _("该通报已于 %(at)s 印发，不能再修改") % {"at": _local(current.issued_at)}
        )
    return current


def _local(moment: datetime.datetime) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"
