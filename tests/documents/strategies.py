"""Hypothesis strategies for ledger documents that look like real ones: CJK text with the
punctuation offices use, several paragraphs, known status labels and deadline phrases."""

from __future__ import annotations

from hypothesis import strategies as st

from taizhang.chinese.dates import parse_deadline
from taizhang.documents.model import CategoryDoc, LedgerDoc, MilestoneDoc, TaskDoc, UnitRef

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


@st.composite
def tasks(draw: st.DrawFn, number: int) -> TaskDoc:
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
        progress=draw(st.one_of(st.just(""), PARAGRAPHS)),
        status=status,
        status_label=label,
    )


@st.composite
def ledgers(draw: st.DrawFn) -> LedgerDoc:
    doc = LedgerDoc(title="2021年随机生成的重点工作台账", year=2021)
    number = 0
    for category_number in range(1, draw(st.integers(1, 3)) + 1):
        category = CategoryDoc(number=category_number, name=draw(_TEXT))
        for _ in range(draw(st.integers(1, 4))):
            number += 1
            category.tasks.append(draw(tasks(number)))
        doc.categories.append(category)
    return doc
