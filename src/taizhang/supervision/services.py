"""Every write of supervision: the ledger's light thresholds, the office's figures and its
checks of the figures read from a task's text; the publication of a ledger on the public page
(公示: a snapshot taken when published), its republication and withdrawal; bulletins
(督查通报): a draft composed from the ledger as of a date, the office's edits of it, and its
issue, after which it is read-only. Each is atomic and leaves an audit row."""

from __future__ import annotations

import datetime
from dataclasses import replace
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from taizhang.chinese.numbers import figure_text
from taizhang.documents.json_format import ledger_to_dict
from taizhang.ledger.errors import EditError
from taizhang.ledger.models import Ledger, Task
from taizhang.ledger.selectors import ledger_document
from taizhang.ledger.services import (
    audit_record,
    task_correction_record,
    tasks_correction_record,
)
from taizhang.reporting.selectors import round_current
from taizhang.supervision.bulletin import (
    BulletinDetails,
    bulletin_data,
    bulletin_details,
    compose_bulletin,
    office_name,
)
from taizhang.supervision.dashboard import light_case
from taizhang.supervision.doubts import CONFIRMED, CORRECTED, NOT_FIGURE, VERDICTS
from taizhang.supervision.indicators import IndicatorView, progress_digest, text_views
from taizhang.supervision.models import Bulletin, Figure, LightSettings, Publication, TaskState
from taizhang.supervision.selectors import default_as_of, light_settings
from taizhang.supervision.signals import bulletin_issued
from taizhang.supervision.state import states_refresh

TITLE_MAX = Bulletin._meta.get_field("title").max_length or 300


class FigureError(EditError):
    """An office check of a figure the rules refuse, with a message for the office (an
    `EditError`: the API answers 400)."""


class BulletinError(Exception):
    """A change to a bulletin the rules refuse, with a message for the person who made it."""


# --- light thresholds and figures ------------------------------------------------------------


@transaction.atomic
def notice_downloaded(
    *,
    ledger: Ledger,
    actor: User | None,
    as_of: datetime.date,
    units: list[str],
    number: str = "",
) -> None:
    """Record that the office took 督办通知单 (one unit's, or every red unit's in a zip): the
    date, the units, the 督办编号; the document is made again from the ledger, not kept."""
    audit_record(
        actor=actor,
        action="notice.download",
        ledger=ledger,
        data={"as_of": as_of.isoformat(), "units": units, "number": number},
    )


@transaction.atomic
def light_settings_set(
    *, ledger: Ledger, warn_days: int, pace_margin: Decimal, actor: User
) -> LightSettings:
    """The office sets a ledger's light thresholds, with an audit row (the thresholds before
    and after). Each task or sub-item whose light today (the dashboard's day and open round)
    changes with them keeps it in its history: 亮灯 before → after, the note naming the
    thresholds changed (`_light_history`)."""
    if warn_days < 0 or not Decimal(0) <= pace_margin <= Decimal(100):
        raise ValueError("warn_days >= 0 and 0 <= pace_margin <= 100")
    earlier = light_settings(ledger)
    before = {"warn_days": earlier.warn_days, "pace_margin": str(earlier.pace_margin)}
    changed = (earlier.warn_days, earlier.pace_margin) != (warn_days, pace_margin)
    lit_before = _lights_now(ledger) if changed else {}
    settings, _created = LightSettings.objects.update_or_create(
        ledger=ledger, defaults={"warn_days": warn_days, "pace_margin": pace_margin}
    )
    audit_record(
        actor=actor,
        action="lights.settings",
        ledger=ledger,
        data={"warn_days": warn_days, "pace_margin": str(pace_margin), "before": before},
    )
    states_refresh(ledger=ledger)
    if changed:
        _light_history(ledger, lit_before, earlier, settings, actor)
    return settings


def _lights_now(ledger: Ledger) -> dict[int, str]:
    """Each stored task's or sub-item's light as the dashboard counts it today (one query)."""
    open_round = round_current(ledger.pk)
    rounds = [open_round.pk] if open_round is not None else []
    lit = TaskState.objects.filter(ledger=ledger).annotate(
        light=light_case(ledger, default_as_of(ledger), rounds)
    )
    return dict(lit.values_list("task_id", "light"))


def _light_history(
    ledger: Ledger,
    lit_before: dict[int, str],
    earlier: LightSettings,
    settings: LightSettings,
    actor: User,
) -> None:
    """The new thresholds in the history of each task whose light they changed."""
    lit_after = _lights_now(ledger)
    changes = {
        pk: (lit_before[pk], light)
        for pk, light in lit_after.items()
        if pk in lit_before and lit_before[pk] != light
    }
    if not changes:
        return
    margins = _plain_number(earlier.pace_margin), _plain_number(settings.pace_margin)
    said = [
        f"{getattr(LightSettings._meta.get_field(name), 'verbose_name', name)} {old} → {new}"
        for name, old, new in (
            ("warn_days", earlier.warn_days, settings.warn_days),
            ("pace_margin", *margins),
        )
        if old != new
    ]
    note = _("修改亮灯规则：%(changes)s") % {"changes": "；".join(said)}
    tasks_correction_record(changes=changes, what="light", actor=actor, note=note)


@transaction.atomic
def figure_set(
    *,
    task: Task,
    name: str,
    target: Decimal | None,
    actual: Decimal | None,
    unit: str,
    actor: User,
) -> Figure:
    """Create or replace the office's figure `name` of a task, with an audit row; the task's
    history keeps it, before → after (`_figure_history`)."""
    name = name.strip()
    earlier = Figure.objects.filter(task=task, name=name).first()
    before = _figure_facts(earlier) if earlier is not None else _read_facts(task, name)
    figure, _created = Figure.objects.update_or_create(
        task=task,
        name=name,
        defaults={
            "target": target,
            "actual": actual,
            "unit": unit.strip(),
            "verdict": "",
            "progress_digest": "",
            "updated_at": timezone.now(),
            "updated_by": actor,
        },
    )
    audit_record(
        actor=actor,
        action="figure.set",
        ledger=task.ledger,
        data={
            "task": task.number,
            "task_id": task.pk,
            "name": figure.name,
            "target": str(target),
            "actual": str(actual),
            "before": before,
        },
    )
    _figure_history(task, before, figure, actor, _("修改指标数值"))
    states_refresh(ledger=task.ledger, task_ids=[task.pk])
    return figure


def _plain_number(value: Decimal | None) -> str | None:
    return None if value is None else figure_text(value)


def _figure_facts(figure: Figure) -> dict[str, str | None]:
    """What the task page shows of an office figure, as the history keeps it."""
    return {
        "name": figure.name,
        "target": _plain_number(figure.target),
        "actual": _plain_number(figure.actual),
        "unit": figure.unit,
        "verdict": figure.verdict,
    }


def _view_facts(view: IndicatorView) -> dict[str, str | None]:
    """What the task page shows of an indicator read from the task's text."""
    return {
        "name": view.name,
        "target": _plain_number(view.target),
        "actual": _plain_number(view.actual),
        "unit": view.unit,
        "verdict": "",
    }


def _read_facts(task: Task, name: str) -> dict[str, str | None] | None:
    """The indicator `name` as read from the task's text, if it is read there."""
    views = text_views(task.goal, task.deadline_text, task.progress)
    view = next((v for v in views if v.name == name), None)
    return _view_facts(view) if view is not None else None


def _figure_history(
    task: Task, before: dict[str, str | None] | None, figure: Figure, actor: User, note: str
) -> None:
    """The office's correction of a figure in its task's history: what the task page showed
    of it before and what it shows now (the one place a figure's revision is written)."""
    task_correction_record(
        task=task, what="figure", old=before, new=_figure_facts(figure), actor=actor, note=note
    )


# The note the task's history gives each check of a figure.
_CHECK_NOTES = {
    CONFIRMED: gettext_lazy("核实指标：识别无误"),
    CORRECTED: gettext_lazy("更正指标完成数"),
    NOT_FIGURE: gettext_lazy("判定不是该目标的完成数"),
}


_LARGEST_FIGURE = Decimal(10) ** 12  # what `Figure.actual` holds (16 digits, 4 decimals)


@transaction.atomic
def figure_check(
    *, task: Task, name: str, verdict: str, actual: Decimal | None = None, actor: User
) -> Figure:
    """The office's word on an indicator read from a task's text, for its progress text as it
    stands (a later text is read and doubted afresh): `confirmed`, the figure read is right;
    `corrected`, the actual is `actual`; `not_figure`, the figure read is not one for this
    target (no actual). Replaces the office's earlier figure or check of that indicator, with
    an audit row, and rebuilds the task's stored state. Refused, changing nothing
    (`FigureError`), for an indicator the text no longer gives, a confirmation of no figure,
    or a correction without a figure from 0 to 10^12."""
    task = Task.objects.select_for_update().select_related("ledger").get(pk=task.pk)
    view = next(
        (v for v in text_views(task.goal, task.deadline_text, task.progress) if v.name == name),
        None,
    )
    if view is None or view.target is None:
        raise FigureError(_("任务的文字中已没有这项指标，请刷新页面后再试"))
    if verdict not in VERDICTS:
        raise FigureError(_("未知的核实结论"))
    if verdict == CONFIRMED and view.actual is None:
        raise FigureError(_("这项指标没有识别出完成数，无可确认"))
    if verdict == CORRECTED:
        if actual is None or not actual.is_finite() or not 0 <= actual < _LARGEST_FIGURE:
            raise FigureError(_("请填写更正后的完成数（不小于0的数字）"))
    else:
        actual = view.actual if verdict == CONFIRMED else None
    before = _checked_before(task, view)
    figure, _created = Figure.objects.update_or_create(
        task=task,
        name=name,
        defaults={
            "target": view.target,
            "actual": actual,
            "unit": view.unit,
            "verdict": verdict,
            "progress_digest": progress_digest(task.progress),
            "updated_at": timezone.now(),
            "updated_by": actor,
        },
    )
    audit_record(
        actor=actor,
        action="figure.check",
        ledger=task.ledger,
        data={
            "task": task.number,
            "task_id": task.pk,
            "name": name,
            "verdict": verdict,
            "read": str(view.actual),
            "actual": str(actual),
            "doubt": view.doubt,
            "before": before,
        },
    )
    _figure_history(task, before, figure, actor, str(_CHECK_NOTES[verdict]))
    states_refresh(ledger=task.ledger, task_ids=[task.pk])
    return figure


def _checked_before(task: Task, view: IndicatorView) -> dict[str, str | None]:
    """What the task page showed of an indicator before the office's check: its earlier check
    made on this progress text, or else the figure read from the text."""
    earlier = Figure.objects.filter(task=task, name=view.name).first()
    if earlier is not None and earlier.progress_digest == progress_digest(task.progress):
        return _figure_facts(earlier)
    return _view_facts(view)


# --- publication (公示) -----------------------------------------------------------------------


def public_snapshot(ledger: Ledger) -> dict[str, Any]:
    """What the public page shows of a ledger now: its `LedgerDoc` as `ledger_to_dict` writes
    it, without what stays internal (remarks and the ledger's other columns)."""
    data = ledger_to_dict(ledger_document(ledger))
    for category in data["categories"]:
        for task in category["tasks"]:
            for row in (task, *task.get("subitems", ())):
                row["remarks"], row["extra"] = "", {}
    data["columns"] = []
    return data


@transaction.atomic
def ledger_publish(*, ledger: Ledger, actor: User | None) -> Publication:
    """Publish a ledger on the public page, or republish it (重新公示): either way the page
    shows the ledger as it is now, and only that, until the office republishes."""
    ledger = Ledger.objects.select_for_update().get(pk=ledger.pk)
    before = Publication.objects.filter(ledger=ledger).first()
    publication, _created = Publication.objects.update_or_create(
        ledger=ledger,
        defaults={
            "published_at": timezone.now(),
            "published_by": actor if actor is not None and actor.pk else None,
            "snapshot": public_snapshot(ledger),
        },
    )
    action = "ledger.republish" if before is not None else "ledger.publish"
    audit_record(actor=actor, action=action, ledger=ledger)
    return publication


@transaction.atomic
def ledger_unpublish(*, ledger: Ledger, actor: User | None) -> bool:
    """Withdraw a ledger from the public page (its snapshot is dropped); False when it was
    not published."""
    deleted, _kinds = Publication.objects.filter(ledger=ledger).delete()
    if deleted:
        audit_record(actor=actor, action="ledger.unpublish", ledger=ledger)
    return bool(deleted)


# --- bulletins ---------------------------------------------------------------------------------


@transaction.atomic
def bulletin_create(
    *,
    ledger: Ledger,
    as_of: datetime.date,
    actor: User | None,
    issuer: str = "",
    details: BulletinDetails | None = None,
) -> Bulletin:
    """Compose the ledger's bulletin as of a date (all its current tasks) and keep it as a
    draft for the office to edit before issuing, with its 版头 and 版记 `details` (the
    issuing body `issuer`, else the office's name)."""
    details = replace(details or BulletinDetails(), issuer=issuer.strip() or office_name())
    text = compose_bulletin(bulletin_data(ledger, as_of), issuer=details.issuer)
    bulletin = Bulletin.objects.create(
        ledger=ledger,
        as_of=as_of,
        title=text.title[:TITLE_MAX],
        body=text.body,
        created_at=timezone.now(),
        created_by=actor if actor is not None and actor.pk else None,
        **details.stored(),
    )
    audit_record(
        actor=actor,
        action="bulletin.create",
        ledger=ledger,
        data={"bulletin": bulletin.pk, "as_of": as_of.isoformat()},
    )
    return bulletin


@transaction.atomic
def bulletin_update(
    *,
    bulletin: Bulletin,
    title: str,
    body: str,
    actor: User | None,
    details: BulletinDetails | None = None,
) -> Bulletin:
    """Save the office's edit of a draft: its text and, when given, its 版头 and 版记
    details. An issued bulletin is read-only."""
    return _edit(_locked_draft(bulletin), title=title, body=body, actor=actor, details=details)


@transaction.atomic
def bulletin_issue(
    *,
    bulletin: Bulletin,
    actor: User | None,
    title: str | None = None,
    body: str | None = None,
    details: BulletinDetails | None = None,
) -> Bulletin:
    """Issue (印发) a draft: from now on it is read-only. The title, body and details posted
    with it, when given, are saved first (refused like an edit, and then nothing is issued),
    so what is issued is what the office last saw."""
    bulletin = _locked_draft(bulletin)
    title = bulletin.title if title is None else title
    body = bulletin.body if body is None else body
    unchanged = details is None or details == bulletin_details(bulletin)
    if (title.strip(), body.strip()) != (bulletin.title, bulletin.body) or not unchanged:
        bulletin = _edit(bulletin, title=title, body=body, actor=actor, details=details)
    bulletin.issued_at = timezone.now()
    bulletin.save(update_fields=["issued_at"])
    audit_record(
        actor=actor,
        action="bulletin.issue",
        ledger=bulletin.ledger,
        data={"bulletin": bulletin.pk, "title": bulletin.title},
    )
    bulletin_issued.send(sender=None, bulletin=bulletin)
    return bulletin


def _edit(
    bulletin: Bulletin,
    *,
    title: str,
    body: str,
    actor: User | None,
    details: BulletinDetails | None = None,
) -> Bulletin:
    """Check and save an edit of a locked draft, with an audit row naming what changed."""
    title, body = title.strip(), body.strip()
    if not title or not body:
        raise BulletinError(_("标题和正文都不能为空"))
    if len(title) > TITLE_MAX:
        raise BulletinError(_("标题过长（最多 %(n)s 字）") % {"n": TITLE_MAX})
    values: dict[str, Any] = {"title": title, "body": body}
    if details is not None:
        values |= details.stored()
    changed = [name for name, value in values.items() if getattr(bulletin, name) != value]
    for name, value in values.items():
        setattr(bulletin, name, value)
    bulletin.save(update_fields=list(values))
    audit_record(
        actor=actor,
        action="bulletin.update",
        ledger=bulletin.ledger,
        data={"bulletin": bulletin.pk, "changed": changed},
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
