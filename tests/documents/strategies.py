"""Hypothesis strategies for ledger documents that look like real ones: CJK text with the
punctuation offices use, several paragraphs, known status labels and deadline phrases,
sub-items numbered the four ways offices number them, and monthly ledgers."""

from __future__ import annotations

import copy

from hypothesis import strategies as st

from taizhang.chinese.dates import parse_deadline
from taizhang.documents.model import (
    CategoryDoc,
    Column,
    EntryDoc,
    LedgerDoc,
    MilestoneDoc,
    TaskDoc,
    UnitRef,
)

_HAN = "建设改造完成推进项目工程供水医院学校道路公园社区服务群众民生设施年度投资"
_TEXT = st.text(alphabet=_HAN + "，、；：（）0123456789%", min_size=1, max_size=40).map(
    lambda s: _HAN[0] + s.strip()
)
PARAGRAPHS = st.lists(_TEXT, min_size=1, max_size=3).map("\n".join)
NAMES = st.lists(
    st.text(alphabet="张王李赵刘陈杨黄周吴徐孙马朱胡林郭何高罗", min_size=2, max_size=3),
    min_size=1,
    max_size=3,
    unique=True,
)
UNITS = st.lists(
    st.sampled_from(["卫健委", "水利局", "住建局", "教体局", "民政局", "交通运输局", "财政局"]),
    min_size=1,
    max_size=3,
    unique=True,
)
DEADLINES = st.sampled_from(
    ["", "年底前", "2021年12月31日", "6月底前完成", "5月底前完成选址，年底前建成。", "长期坚持"]
)
STATUSES = st.sampled_from(
    [(None, ""), ("in_progress", "正在推进"), ("completed", "已完成"), ("lagging", "推进缓慢")]
)
# How offices number the sub-items of task 3: 3-1, 3.1, （1）, ①; "" leaves it to the writer
# (`display_number`: 3-1).
LABEL_STYLES = ("dash", "dot", "paren", "circled", "")
# The strategies the composites below draw from, made once: a strategy made inside a draw is
# made and validated again at every draw (half the cost of drawing a ledger), for the same
# values.
_PROGRESS = st.one_of(st.just(""), PARAGRAPHS)
_SUBITEM_COUNTS = st.sampled_from([0, 0, 1, 2, 3])
_STYLES = st.sampled_from(LABEL_STYLES)
_BOOLEANS = st.booleans()
_CATEGORY_COUNTS = st.integers(1, 3)
_TASK_COUNTS = st.integers(1, 4)
_MONTH_COUNTS = st.integers(1, 12)
_MONTHS_FILLED = [st.lists(_BOOLEANS, min_size=m, max_size=m) for m in range(13)]


def subitem_label(style: str, task_number: int, place: int) -> str:
    """The label of the `place`-th sub-item of task `task_number` in a numbering style."""
    return {
        "dash": f"{task_number}-{place}",
        "dot": f"{task_number}.{place}",
        "paren": f"（{place}）",
        "circled": chr(0x2460 + place - 1),
        "": "",
    }[style]


def _task(draw: st.DrawFn, number: int) -> TaskDoc:
    deadline_text = draw(DEADLINES)
    parsed = parse_deadline(deadline_text, 2021)
    status, label = draw(STATUSES)
    return TaskDoc(
        number=number,
        goal=draw(PARAGRAPHS),
        leaders=draw(NAMES),
        units=[UnitRef(name) for name in draw(UNITS)],
        deadline_text=deadline_text,
        deadline=parsed.deadline,
        milestones=[MilestoneDoc(m.text, m.date) for m in parsed.milestones],
        progress=draw(_PROGRESS),
        status=status,
        status_label=label,
    )


@st.composite
def tasks(draw: st.DrawFn, number: int, *, subitems: bool = True) -> TaskDoc:
    """A task; with `subitems`, sometimes with up to three sub-items numbered in one style,
    each naming its own leaders and units or its task's (as a reader gives them: a sub-item
    row that names none takes its task's)."""
    task = _task(draw, number)
    count = draw(_SUBITEM_COUNTS) if subitems else 0
    style = draw(_STYLES)
    for place in range(1, count + 1):
        sub = _task(draw, place)
        sub.label = subitem_label(style, number, place)
        if draw(_BOOLEANS):
            sub.leaders = list(task.leaders)
        if draw(_BOOLEANS):
            sub.units = list(task.units)
        task.subitems.append(sub)
    return task


@st.composite
def ledgers(draw: st.DrawFn, *, subitems: bool = True) -> LedgerDoc:
    doc = LedgerDoc(title="2021年随机生成的重点工作台账", year=2021)
    number = 0
    for category_number in range(1, draw(_CATEGORY_COUNTS) + 1):
        category = CategoryDoc(number=category_number, name=draw(_TEXT))
        for _ in range(draw(_TASK_COUNTS)):
            number += 1
            category.tasks.append(draw(tasks(number, subitems=subitems)))
        doc.categories.append(category)
    return doc


@st.composite
def monthly_ledgers(draw: st.DrawFn) -> LedgerDoc:
    """A monthly ledger: 1月 … N月 columns, each task's non-empty months as its entries; with
    no 进展情况 column (then the progress is the latest non-empty month's text) or with one."""
    doc = draw(ledgers())
    months = draw(_MONTH_COUNTS)
    has_progress = draw(_BOOLEANS)
    doc.columns = [
        Column("number", "序号"),
        Column("goal", "重点工作"),
        Column("leaders", "牵头领导"),
        Column("units", "责任单位"),
        Column("deadline", "完成时限"),
        *([Column("progress", "进展情况")] if has_progress else []),
        *(Column("month", f"{m}月") for m in range(1, months + 1)),
        Column("remarks", "备注"),
    ]
    for task in (row for t in doc.tasks for row in (t, *t.subitems)):
        filled = draw(_MONTHS_FILLED[months])
        task.entries = [
            EntryDoc(f"{m}月", draw(PARAGRAPHS), m) for m, full in enumerate(filled, 1) if full
        ]
        if not has_progress:
            task.progress = task.entries[-1].text if task.entries else ""
    return doc


def as_read(doc: LedgerDoc) -> LedgerDoc:
    """The ledger as a table reader gives it back: a sub-item written without a label is read
    with the number the writer put in its 序号 cell (3-1)."""
    doc = copy.deepcopy(doc)
    for task in doc.tasks:
        for sub in task.subitems:
            sub.label = sub.display_number(task)
    return doc
