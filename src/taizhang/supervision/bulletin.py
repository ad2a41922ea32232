"""The supervision bulletin (督查通报): its title and text, composed from the dashboard figures
of a ledger as of a date, in the words and order an office issues one in:

    各责任单位：
    为推动……落地见效，市政府督查室对各项任务推进情况进行了督查。截至……现将有关情况通报如下。
    一、总体情况        totals, shares, lights, the units with red lights
    二、已完成的任务    number, short goal and units of each
    三、需要关注的任务  red and yellow ones: leaders, units and the reason in words
    四、报送情况        units that have not reported in the open round
    五、下步工作要求    three standard requirements
    市政府督查室 / 2021年11月5日

`compose_bulletin` is pure (it reads the dict only); `bulletin_data` gathers that dict."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, assert_never

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from taizhang.chinese.statuses import STATUS_LABELS, StatusCode
from taizhang.documents.bulletin_frame import MASTHEAD, Colophon, Masthead
from taizhang.documents.write_bulletin import write_bulletin
from taizhang.ledger.models import Ledger, Status, Task, TaskLeader, TaskUnit
from taizhang.reporting.models import Round
from taizhang.supervision.lights import COMPLETED, GREEN, RED, YELLOW, Reason, ReasonKind
from taizhang.supervision.models import Bulletin
from taizhang.supervision.selectors import ledger_figures

DEFAULT_ISSUER = "市政府督查室"
ADDRESSEE = "各责任单位："
SHORT_GOAL_MAX = 32
HEADINGS = (
    "一、总体情况",
    "二、已完成的任务",
    "三、需要关注的任务",
    "四、报送情况",
    "五、下步工作要求",
)

# Words that qualify a ledger's title rather than name its subject, dropped from its end
# ("……工作台账", "……督查督办台账"); "工作" stays in "重点工作".
_QUALIFIERS = ("督查督办", "督查", "督办", "推进", "落实", "工作")
_KEEP_WORK_AFTER = ("重点", "中心", "各项")
# Opening clauses that say how, not what ("在科学规划的基础上，改造老旧小区47个"): skipped.
_PREAMBLE = re.compile(r"^(?:在|按照|根据|围绕|坚持).{0,20}(?:基础上|前提下|要求|部署|原则)$")
_CLAUSE_END = re.compile(r"[，,。；;！!？?\n]")


@dataclass(frozen=True)
class BulletinText:
    title: str
    body: str


@dataclass(frozen=True)
class BulletinDetails:
    """What the office sets for a bulletin's 版头 and 版记 besides its text: the form
    (masthead or plain), 期号, 发文字号, the issuing body, 抄送, 印发机关 and 印发日期."""

    form: str = MASTHEAD
    issue_number: int | None = None
    doc_number: str = ""
    issuer: str = ""
    cc: str = ""
    printer: str = ""
    printed_on: datetime.date | None = None

    def stored(self) -> dict[str, Any]:
        """The values as a Bulletin's fields, text trimmed."""
        return {
            "form": self.form,
            "issue_number": self.issue_number,
            "doc_number": self.doc_number.strip(),
            "issuer": self.issuer.strip(),
            "cc": self.cc.strip(),
            "printer": self.printer.strip(),
            "printed_on": self.printed_on,
        }


def office_name() -> str:
    """The office's name (settings.TAIZHANG_OFFICE_NAME): the default issuer and 印发机关."""
    return str(getattr(settings, "TAIZHANG_OFFICE_NAME", "") or DEFAULT_ISSUER)


def bulletin_frame(
    details: BulletinDetails, as_of: datetime.date, printed_on: datetime.date | None = None
) -> tuple[Masthead, Colophon]:
    """The 版头 and 版记 the document prints: the masthead dated as of the bulletin's date, the
    issuing body and the 印发机关 the office's name where left empty, the 印发日期 the one set,
    else `printed_on` (the day it was issued), else the bulletin's date."""
    issuer = details.issuer.strip() or office_name()
    masthead = Masthead(
        form=details.form,
        issue_number=details.issue_number,
        doc_number=details.doc_number.strip(),
        issuer=issuer,
        date=as_of,
    )
    colophon = Colophon(
        cc=details.cc.strip(),
        printer=details.printer.strip() or issuer,
        printed_on=details.printed_on or printed_on or as_of,
    )
    return masthead, colophon


def bulletin_details(bulletin: Bulletin) -> BulletinDetails:
    """A stored bulletin's 版头 and 版记 details."""
    return BulletinDetails(
        form=bulletin.form,
        issue_number=bulletin.issue_number,
        doc_number=bulletin.doc_number,
        issuer=bulletin.issuer,
        cc=bulletin.cc,
        printer=bulletin.printer,
        printed_on=bulletin.printed_on,
    )


def bulletin_docx(bulletin: Bulletin) -> bytes:
    """A stored bulletin as Word, with its 版头 and 版记."""
    issued = timezone.localdate(bulletin.issued_at) if bulletin.issued_at else None
    masthead, colophon = bulletin_frame(bulletin_details(bulletin), bulletin.as_of, issued)
    return write_bulletin(bulletin.title, bulletin.body, masthead=masthead, colophon=colophon)


def chinese_date(day: datetime.date) -> str:
    """A date as documents write it: 2021年11月5日."""
    return f"{day.year}年{day.month}月{day.day}日"


def bulletin_subject(ledger_title: str, year: int | None = None) -> str:
    """What the bulletin is about, from the ledger's title: "2021年济源十件重点民生实事工作台账"
    -> "2021年济源十件重点民生实事"; the year is put in front when the title lacks it."""
    title = ledger_title.strip()
    subject = title.removesuffix("台账")
    while found := next((q for q in _QUALIFIERS if subject.endswith(q)), None):
        rest = subject.removesuffix(found)
        if found == "工作" and rest.endswith(_KEEP_WORK_AFTER):
            break
        subject = rest
    subject = subject or title
    if year and str(year) not in subject:
        subject = f"{year}年{subject}"
    return subject


def bulletin_title(subject: str) -> str:
    """关于……推进情况的督查通报."""
    return f"关于{subject}推进情况的督查通报"


def short_goal(goal: str) -> str:
    """A task named in a few words: the first clause of its goal that says what is to be done
    (not an opening "在……基础上"), cut to SHORT_GOAL_MAX characters."""
    clauses = [c.strip() for c in _CLAUSE_END.split(goal) if c.strip()]
    chosen = next((c for c in clauses if not _PREAMBLE.match(c)), clauses[0] if clauses else "")
    if len(chosen) > SHORT_GOAL_MAX:
        chosen = chosen[: SHORT_GOAL_MAX - 1].rstrip("、，,") + "……"
    return chosen


def _quoted(text: str) -> str:
    """Text in “”, its own double quotes turned into single ones as Chinese nests them."""
    return "“" + text.replace("“", "‘").replace("”", "’") + "”"


def percent(value: Decimal | int) -> str:
    """A percentage as every line of the bulletin writes it: one decimal, rounded half up
    ("25.0%", "68.8%", "100.0%")."""
    return f"{Decimal(value).quantize(Decimal('0.1'), ROUND_HALF_UP)}%"


def _share(count: int, total: int) -> str:
    return percent(Decimal(count) * 100 / Decimal(total) if total else 0)


def _names(items: Iterable[str]) -> str:
    return "、".join(items)


def compose_bulletin(data: dict[str, Any], *, issuer: str = DEFAULT_ISSUER) -> BulletinText:
    """The bulletin's title and body from `ledger_figures(...)` of all the ledger's tasks,
    optionally with "completed" (briefs of the completed tasks: number, goal, units) and
    "round" ({name, due_date} of the open round), as `bulletin_data` adds them. The body is
    plain text: one paragraph a line, blank lines between; the last two lines are the issuer
    and the date."""
    as_of = datetime.date.fromisoformat(data["as_of"])
    issuer = issuer.strip() or DEFAULT_ISSUER
    subject = bulletin_subject(data["ledger"]["title"], data["ledger"].get("year"))
    paragraphs = [
        ADDRESSEE,
        _opening(data, subject, issuer, as_of),
        HEADINGS[0],
        *_overview(data, subject),
        HEADINGS[1],
        *_completed(data, as_of),
        HEADINGS[2],
        *_attention(data, as_of),
        HEADINGS[3],
        *_reporting(data, as_of),
        HEADINGS[4],
        *_requirements(data, issuer),
    ]
    body = "\n\n".join(paragraphs) + f"\n\n{issuer}\n{chinese_date(as_of)}"
    return BulletinText(bulletin_title(subject), body)


# Always counted in the opening and the overview, even at 0; 未启动 only when there are some.
_ALWAYS = (StatusCode.COMPLETED, StatusCode.IN_PROGRESS, StatusCode.LAGGING)


def _counts(totals: dict[str, int]) -> str:
    parts = [
        f"{label}{totals.get(code, 0)}项"
        for code, label in STATUS_LABELS.items()
        if code in _ALWAYS or totals.get(code)
    ]
    if totals.get("none"):
        parts.append(f"未标注进展状态{totals['none']}项")
    return "，".join(parts)


def _opening(data: dict[str, Any], subject: str, issuer: str, as_of: datetime.date) -> str:
    totals = data["totals"]
    return (
        f"为推动{subject}落地见效，{issuer}对各项任务推进情况进行了督查。"
        f"截至{chinese_date(as_of)}，{totals['tasks']}项任务中，{_counts(totals)}。"
        "现将有关情况通报如下。"
    )


def _overview(data: dict[str, Any], subject: str) -> list[str]:
    totals, lights = data["totals"], data["lights"]
    total = totals["tasks"]
    if not total:
        return [f"{subject}暂无任务。"]
    shares = [
        f"{label}{totals.get(key, 0)}项，占{_share(totals.get(key, 0), total)}"
        for key, label in (*STATUS_LABELS.items(), ("none", "未标注进展状态"))
        if key in _ALWAYS or totals.get(key)
    ]
    text = f"{subject}共{total}项任务。从完成情况看，{'；'.join(shares)}。"
    return [text + _lights_sentence(lights, totals) + _red_units_sentence(data["units"])]


def _lights_sentence(lights: dict[str, int], totals: dict[str, int]) -> str:
    """The lights of the tasks not completed. A task whose sub-items are all completed is
    lit "completed" while its own status may say otherwise: those are then counted apart, so
    the numbers still add up to the totals above."""
    total, done = totals["tasks"], lights.get(COMPLETED, 0)
    if total == done:
        return "各项任务均已完成。"
    colours = ((RED, "亮红灯"), (YELLOW, "亮黄灯"), (GREEN, "亮绿灯"))
    shown = [f"{label}{lights[key]}项" for key, label in colours if lights.get(key)]
    missing = [label for key, label in colours[:2] if not lights.get(key)]
    tail = f"，无{'、'.join(missing)}任务" if missing else ""
    if done == totals.get(StatusCode.COMPLETED, 0):
        return f"从预警情况看，未完成的{total - done}项任务中，{'、'.join(shown)}{tail}。"
    rest = f"，另有{done}项已完成或子项均已完成" if done else ""
    return f"从预警情况看，{total}项任务中，{'、'.join(shown)}{rest}{tail}。"


def _red_units_sentence(units: list[dict[str, Any]]) -> str:
    """The units that answer for a red task or sub-item, without a count of tasks per unit:
    a task with several units would be counted once for each, and the counts would add up
    to more than the red tasks."""
    red = [unit["name"] for unit in units if unit.get("red")]
    return f"红灯任务涉及{len(red)}个责任单位：{_names(red)}。" if red else ""


def _completed(data: dict[str, Any], as_of: datetime.date) -> list[str]:
    tasks = data.get("completed")
    count = data["totals"].get(StatusCode.COMPLETED, 0)
    if tasks is None and count:  # plain dashboard figures: the count, without the list
        return [f"截至{chinese_date(as_of)}，已完成{count}项任务。"]
    if not tasks:
        return [f"截至{chinese_date(as_of)}，尚无已完成的任务。"]
    lines = [f"截至{chinese_date(as_of)}，以下{len(tasks)}项任务已完成："]
    for index, task in enumerate(tasks, 1):
        units = f"（责任单位：{_names(task['units'])}）" if task.get("units") else ""
        lines.append(f"{index}.第{task['number']}项{_quoted(short_goal(task['goal']))}{units}。")
    return lines


def _attention(data: dict[str, Any], as_of: datetime.date) -> list[str]:
    """Every red and yellow task under a heading that counts them all, each with why; a task
    lit only because its unit has not reported in the open round is not listed one by one
    (the reporting section names those units), and the text says how many were left out."""
    groups = [("亮红灯的任务", data.get("red") or []), ("亮黄灯的任务", data.get("yellow") or [])]
    lines: list[str] = []
    numerals = iter("一二")
    for heading, briefs in groups:
        if not briefs:
            continue
        lines.append(f"（{next(numerals)}）{heading}（{len(briefs)}项）")
        listed = [b for b in briefs if not only_not_reported(b)]
        if len(listed) < len(briefs):
            lines.append(_left_out(len(briefs) - len(listed), len(listed), heading[:3]))
        for index, brief in enumerate(listed, 1):
            reasons = task_reasons(brief, as_of)
            lines.append(f"{index}.{_attention_item(brief)}该项任务{'；'.join(reasons)}。")
    return lines or ["目前各项未完成任务均按序时推进，暂无亮红灯、黄灯的任务。"]


def _left_out(count: int, listed: int, light: str) -> str:
    reason = f"因尚未报送进展情况而{light}，未逐项列出，未报送的单位见“四、报送情况”"
    if not listed:
        return f"以上{count}项任务均{reason}。"
    return f"其中{count}项任务{reason}；其余{listed}项如下："


def only_not_reported(brief: dict[str, Any]) -> bool:
    """Whether a task's light has no reason but a missing report in the open round."""
    kinds = {item["kind"] for item in brief["light"]["reason_details"]}
    return kinds == {ReasonKind.NOT_REPORTED.value}


def _attention_item(brief: dict[str, Any]) -> str:
    who = []
    if brief.get("leaders"):
        who.append(f"牵头领导：{_names(brief['leaders'])}")
    if brief.get("units"):
        who.append(f"责任单位：{_names(brief['units'])}")
    people = f"（{'；'.join(who)}）" if who else ""
    return f"第{brief['number']}项{_quoted(short_goal(brief['goal']))}{people}。"


def task_reasons(brief: dict[str, Any], as_of: datetime.date) -> list[str]:
    """Why a red or yellow task needs attention, in a bulletin's words, from its light's
    reasons as data (`light.reason_details`, see lights.Reason): one phrase a reason, in the
    light's order; a sub-item's reason names the sub-item ("子项3-1完成时限为…")."""
    deadline = datetime.date.fromisoformat(brief["deadline"]) if brief.get("deadline") else None
    given = [Reason.from_dict(item) for item in brief["light"]["reason_details"]]
    alone = len(given) == 1
    return [bulletin_reason(reason, deadline, as_of, alone=alone) for reason in given]


def bulletin_reason(
    reason: Reason, deadline: datetime.date | None, as_of: datetime.date, *, alone: bool = False
) -> str:
    """One reason as a bulletin words it ("完成时限为2021年10月31日，目前已逾期5天，尚未完成"):
    the one place the bulletin words each kind of `ReasonKind`. `deadline` is the task's: a
    lagging task's only reason is told with the time left to it."""
    if reason.subitem:
        words = bulletin_reason(replace(reason, subitem=""), None, as_of)
        return f"子项{reason.subitem}{words}"
    kind = reason.kind
    if kind is ReasonKind.NOT_REPORTED:
        return "尚未报送进展情况"
    if kind is ReasonKind.OVERDUE:
        return f"完成时限为{_day(reason)}，目前已逾期{reason.days}天，尚未完成"
    if kind is ReasonKind.DUE_SOON:
        soon = "今日到期" if reason.days == 0 else f"距完成时限仅剩{reason.days}天"
        return f"完成时限为{_day(reason)}，{soon}，尚未完成"
    if kind is ReasonKind.BEHIND_PACE:
        elapsed, reached = percent(reason.elapsed or 0), percent(reason.reached or 0)
        return f"落后于序时进度（时间已过{elapsed}，目标仅完成{reached}）"
    if kind is ReasonKind.LAGGING:
        if deadline and deadline >= as_of and alone:
            days = (deadline - as_of).days
            return f"推进缓慢，完成时限为{chinese_date(deadline)}，距完成时限还有{days}天"
        return STATUS_LABELS[StatusCode.LAGGING]
    if kind is ReasonKind.NOT_STARTED:
        return "尚未启动"
    if kind is ReasonKind.COMPLETED:
        return STATUS_LABELS[StatusCode.COMPLETED]
    if kind is ReasonKind.SUBITEMS_COMPLETED:
        return "子项均已完成"
    if kind is ReasonKind.ON_PACE:
        return "按序时推进"
    assert_never(kind)


def _day(reason: Reason) -> str:
    return chinese_date(reason.deadline) if reason.deadline else ""


def _reporting(data: dict[str, Any], as_of: datetime.date) -> list[str]:
    if not data.get("round_open"):
        return ["本期未组织进展报送，以上情况依据台账所载进展情况汇总。"]
    round_ = data.get("round") or {}
    name = f"“{round_['name']}”报送轮次" if round_.get("name") else "本轮报送"
    missing = sorted(
        (u for u in data["units"] if u.get("not_reported")),
        key=lambda u: (-u["not_reported"], u["name"]),
    )
    day = chinese_date(as_of)
    if not missing:
        return [f"截至{day}，{name}中各责任单位均已报送进展情况。"]
    listed = _names(f"{u['name']}（{u['not_reported']}项）" for u in missing)
    due = datetime.date.fromisoformat(round_["due_date"]) if round_.get("due_date") else None
    if due is None:
        ask = "请上述单位抓紧补报。"
    elif due < as_of:
        ask = f"报送截止日期（{chinese_date(due)}）已过，请上述单位立即补报。"
    else:
        ask = f"请上述单位于{chinese_date(due)}前报送。"
    return [
        f"截至{day}，{name}中，有{len(missing)}个责任单位尚有任务未报送进展情况：{listed}。{ask}"
    ]


def _requirements(data: dict[str, Any], issuer: str) -> list[str]:
    urgent = []
    if data.get("red"):
        urgent.append(
            "对亮红灯的任务，责任单位要深入分析原因，制定整改措施，明确完成时间，"
            f"于5个工作日内将整改情况报{issuer}"
        )
    if data.get("yellow"):
        urgent.append("对亮黄灯的任务，要加快工作进度，防止出现逾期")
    if not urgent:
        urgent.append("对尚未完成的任务，要对照完成时限加快工作进度，防止出现推进缓慢或逾期")
    speed_up = "加快推进滞后任务" if data.get("red") or data.get("yellow") else "加快推进未完成任务"
    return [
        "（一）压实工作责任。各牵头领导和责任单位要切实履行职责，对照台账确定的目标任务和"
        "完成时限，细化工作措施，倒排工期，确保各项任务按时保质完成。",
        f"（二）{speed_up}。{'；'.join(urgent)}。",
        "（三）按时报送进展。各责任单位要按照报送要求，及时、如实报送任务进展情况。"
        f"{issuer}将持续跟踪督办，对工作推进不力、进展缓慢的单位和任务适时再次通报。",
    ]


def bulletin_data(ledger: Ledger, as_of: datetime.date) -> dict[str, Any]:
    """What `compose_bulletin` reads: `ledger_figures` of all the ledger's current tasks (the
    office's view), with the completed tasks and the open round added."""
    tasks = Task.objects.filter(removed_at__isnull=True)
    data = ledger_figures(ledger, tasks, as_of)
    data["completed"] = completed_tasks(ledger, tasks)
    round_ = Round.objects.filter(ledger=ledger, closed_at__isnull=True).first()
    data["round"] = (
        {"name": round_.name, "due_date": round_.due_date.isoformat()} if round_ else None
    )
    return data


def completed_tasks(ledger: Ledger, tasks: QuerySet[Task]) -> list[dict[str, Any]]:
    """The ledger's completed tasks (not sub-items) in ledger order: number, goal, leaders and
    units (three queries whatever their number)."""
    rows = (
        tasks.filter(ledger=ledger, status=Status.COMPLETED, parent__isnull=True)
        .prefetch_related(
            Prefetch("leader_links", TaskLeader.objects.select_related("person")),
            Prefetch("unit_links", TaskUnit.objects.select_related("unit")),
        )
        .order_by("order", "pk")
    )
    return [
        {
            "id": task.pk,
            "number": task.number,
            "goal": task.goal,
            "leaders": [link.person.name for link in task.leader_links.all()],
            "units": [link.unit.name for link in task.unit_links.all()],
        }
        for task in rows
    ]
