"""One corpus ledger being made: its ground truth (a `LedgerDoc`) and, beside it, the rows an
office would have typed for it (cell texts as written, odd rows, merges). The truth is set first
and the written cells follow from it; nothing here reads a written cell back.

Renderers (`render.py`) turn the written rows into .docx, .xlsx, .csv or .txt bytes."""

from __future__ import annotations

import datetime
import random
import re
from dataclasses import dataclass, field
from typing import Any

from taizhang.documents.model import (
    CategoryDoc,
    Column,
    EntryDoc,
    LedgerDoc,
    MilestoneDoc,
    TaskDoc,
    UnitRef,
)
from tests.corpus import content
from tests.corpus.content import Deadline

NUMERALS = "一二三四五六七八九十"
SUB_LABELS = {
    "dash": "{p}-{s}",
    "dot": "{p}.{s}",
    "fdash": "{p}－{s}",
    "paren": "（{s}）",
    "aparen": "({s})",
    "circled": "{c}",
}
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩"


@dataclass
class Col:
    """A column as written: its key in the truth ("hidden" for a hidden Excel column, which is
    not read), its title as typed, the spanning title above it in a two-row header, and for a
    month column its month."""

    key: str
    title: str
    top: str = ""
    month: int | None = None
    numeric: bool = False  # figures a 合计 row sums

    @property
    def read_title(self) -> str:
        """The title the reader reports: whitespace removed, "top/bottom" in a two-row header."""
        bottom = squeeze(self.title)
        return f"{squeeze(self.top)}/{bottom}" if self.top else bottom


@dataclass
class Row:
    """One written row below the header. `kind`: task, sub, category, junk, blank, split (a new
    page: the table goes on, in Word as a new table, with the header again when `repeat`), hidden
    (an Excel row hidden from view; not read). `span`: "" one text per column, "all" one text
    across the row, "rest" the first cell then one text across the rest. `down`: columns whose
    cell is merged with the cell above (Word and Excel only; .csv and .txt write the text)."""

    kind: str
    cells: list[str]
    span: str = ""
    down: set[int] = field(default_factory=set)
    repeat: bool = True
    values: dict[int, object] = field(default_factory=dict)  # typed Excel values by column


@dataclass
class Ledger:
    """A corpus ledger: truth, written layout, and how to render it."""

    name: str
    fmt: str
    features: list[str]
    truth: LedgerDoc
    cols: list[Col]
    preamble: list[str]
    rows: list[Row]
    after: list[str] = field(default_factory=list)  # lines under the table (notes, 填表人)
    options: dict[str, Any] = field(default_factory=dict)
    second: Ledger | None = None  # another ledger table in the same file; not the expected one


def squeeze(text: str) -> str:
    """Whitespace removed, as the reader normalises titles and names."""
    return re.sub(r"\s+", "", text)


def padded(name: str) -> str:
    """A two-character name padded to three, as Word tables show them ("王  伟")."""
    return f"{name[0]}  {name[1]}" if len(name) == 2 else name


class Build:
    """Makes one ledger: categories, tasks and sub-items with random but realistic content,
    odd rows where asked. Flags set on the build decide how cells are written."""

    def __init__(
        self,
        name: str,
        fmt: str,
        features: list[str],
        *,
        seed: int,
        theme: str,
        year: int,
        cols: list[Col],
        title: str,
        preamble: list[str] | None = None,
        as_of: datetime.date | None = None,
    ) -> None:
        self.rng = random.Random(seed)  # noqa: S311 (seeded test data, no secrets)
        self.theme = theme
        self.cols = cols
        self.keys = [c.key for c in cols]
        self.doc = LedgerDoc(
            title=title,
            year=year,
            as_of=as_of,
            columns=[Column(c.key, c.read_title) for c in cols if c.key != "hidden"],
        )
        self.ledger = Ledger(name, fmt, features, self.doc, cols, preamble or [title], [])
        # How cells are written.
        self.category_style = "merged"  # merged | one_cell | paren | plain | none
        self.leader_sep = "、"
        self.unit_sep = "、"
        self.pad_names = False
        self.status_mode = "remarks"  # remarks | words | symbols | colours | phrases | none
        self.symbols = dict(content.SYMBOLS)
        self.deadlines: list[Deadline] = list(content.PLAIN_DEADLINES)
        self.merge_down: set[str] = set()  # keys merged down over tasks with the same text
        self.number = 0
        self.restart_numbers = False
        self.paragraphs = (1, 2)
        self.bad_status_every = 0  # every n-th task's status cell says no status
        self.start_years = (0,)  # 开工时间 years before the ledger's
        # WPS: a task's leader cell merged down over its sub-items' rows (which name none).
        self.merge_subs = False

    # --- rows ------------------------------------------------------------------------------

    @property
    def rows(self) -> list[Row]:
        return self.ledger.rows

    def width(self) -> int:
        return len(self.cols)

    def category(self, name: str) -> None:
        number = len(self.doc.categories) + 1
        self.doc.categories.append(CategoryDoc(number=number, name=name))
        if self.restart_numbers:
            self.number = 0
        numeral = NUMERALS[number - 1]
        style = self.category_style
        cells = [""] * self.width()
        if style == "none":
            return
        if style == "merged":
            self.rows.append(Row("category", [numeral, name, *cells[2:]], span="rest"))
        elif style == "plain":  # numeral and name in the first two cells, nothing merged
            self.rows.append(Row("category", [numeral, name, *cells[2:]]))
        else:
            text = f"（{numeral}）{name}" if style == "paren" else f"{numeral}、{name}"
            self.rows.append(Row("category", [text, *cells[1:]], span="all"))

    def _category(self) -> CategoryDoc:
        if not self.doc.categories:  # a ledger without category rows
            self.doc.categories.append(CategoryDoc(number=1, name=""))
        return self.doc.categories[-1]

    def junk(self, kind: str, text: str = "") -> None:
        """An odd row: total, subtotal, legend (text across the row), blank, split."""
        width = self.width()
        if kind == "blank":
            self.rows.append(Row("blank", [""] * width))
        elif kind in ("total", "subtotal", "total_in_goal"):
            self.rows.append(self._total_row(kind))
        elif kind == "split":
            self.rows.append(Row("split", [""] * width, repeat=text != "bare"))
        else:
            self.rows.append(Row("junk", [text, *[""] * (width - 1)], span="all"))

    def _total_row(self, kind: str) -> Row:
        cells = [""] * self.width()
        word = "小计" if kind == "subtotal" else "合计"
        tasks = self._category().tasks if kind == "subtotal" else self.doc.tasks
        if kind == "total":
            cells[0] = word
            goal_at = self.keys.index("goal")
            cells[goal_at] = f"共{self.rng.randint(8, 30)}项"
        else:
            cells[self.keys.index("goal")] = word
        values: dict[int, object] = {}
        for i, col in enumerate(self.cols):
            if col.numeric:
                total = (
                    round(self.rng.uniform(500, 90000), 1)
                    if not tasks
                    else sum(float(t.extra.get(col.read_title, "0") or 0) for t in tasks)
                )
                total = round(total, 2)
                cells[i] = _number_text(total)
                values[i] = total
        return Row("junk", cells, values=values)

    # --- tasks -----------------------------------------------------------------------------

    def task(
        self,
        *,
        number: int | None = None,
        number_text: str | None = None,
        subs: int = 0,
        sub_style: str = "dash",
        sub_own_leaders: tuple[bool, ...] = (),
        sub_own_units: tuple[bool, ...] = (),
        deadline: Deadline | None = None,
        status: tuple[str, str | None] | None = None,
        hidden: bool = False,
        parent_empty: bool | None = None,
    ) -> TaskDoc:
        """A task row (and its sub-item rows right after it)."""
        if number is None:
            self.number += 1
            number = self.number
        rng = self.rng
        goal = content.pick(content.GOALS[self.theme], rng)
        task = TaskDoc(number=number, goal=goal)
        self._people(task)
        empty = subs > 0 and (parent_empty if parent_empty is not None else rng.random() < 0.6)
        written = self._fill(task, deadline=deadline, status=status, empty=empty)
        cells = self._cells(task, written, number_text or str(number))
        if hidden:
            self.rows.append(Row("hidden", cells))
            return task
        self._category().tasks.append(task)
        self.rows.append(Row("task", cells))
        self._merge_down()
        for s in range(1, subs + 1):
            own_leaders = sub_own_leaders[s - 1] if s <= len(sub_own_leaders) else False
            own_units = sub_own_units[s - 1] if s <= len(sub_own_units) else rng.random() < 0.5
            self._sub(task, s, sub_style, own_leaders=own_leaders, own_units=own_units)
        return task

    def _sub(
        self, parent: TaskDoc, place: int, style: str, *, own_leaders: bool, own_units: bool
    ) -> None:
        label = SUB_LABELS[style].format(p=parent.number, s=place, c=CIRCLED[place - 1])
        sub = TaskDoc(
            number=place, goal=self.rng.choice(content.SUB_GOALS[self.theme]), label=label
        )
        sub.goal = f"{sub.goal}，{content.pick(content.SUB_ACTIONS, self.rng)}。"
        if own_leaders:
            sub.leaders = self.rng.sample(
                [n for n in content.LEADERS if n not in parent.leaders], 1
            )
        else:
            sub.leaders = list(parent.leaders)
        if own_units:
            sub.units = self._units()
        else:
            sub.units = list(parent.units)
        written = self._fill(sub, deadline=None, status=None, empty=False)
        cells = self._cells(sub, written, label)
        down: set[int] = set()
        if not own_leaders:
            cells[self.keys.index("leaders")] = ""
            above = self.rows[-1]
            leaders_at = self.keys.index("leaders")
            if self.merge_subs and (above.kind == "task" or leaders_at in above.down):
                down.add(leaders_at)
        if not own_units:
            for key in ("units", "co_units"):
                if key in self.keys:
                    cells[self.keys.index(key)] = ""
        parent.subitems.append(sub)
        self.rows.append(Row("sub", cells, down=down))

    def _people(self, task: TaskDoc) -> None:
        rng = self.rng
        previous = self.doc.tasks[-1] if self.doc.tasks and self._category().tasks else None
        if previous is not None and self.merge_down and rng.random() < 0.65:
            task.leaders = list(previous.leaders)
            task.units = list(previous.units)
            return
        task.leaders = rng.sample(content.LEADERS, rng.choice((1, 1, 1, 2)))
        task.units = self._units()

    def _units(self) -> list[UnitRef]:
        rng = self.rng
        names = rng.sample(content.UNITS[self.theme], rng.choice((1, 1, 2, 3)))
        if "co_units" in self.keys:
            co = [
                n
                for n in rng.sample(content.UNITS[self.theme], rng.choice((0, 1, 2)))
                if n not in names
            ]
            return [UnitRef(names[0], "lead"), *(UnitRef(n, "co") for n in co)]
        return [UnitRef(n, "responsible") for n in names]

    def _fill(
        self,
        task: TaskDoc,
        *,
        deadline: Deadline | None,
        status: tuple[str, str | None] | None,
        empty: bool,
    ) -> dict[str, str]:
        """Set the task's truth beyond goal, leaders and units; return the texts written in the
        cells that are not plain truth fields (by key, or by column title)."""
        rng, year = self.rng, self.doc.year
        written: dict[str, str] = {}
        if empty:  # a task whose sub-items carry the detail
            return written
        if "deadline" in self.keys:
            self._deadline(task, deadline or rng.choice(self.deadlines))
        if "start" in self.keys:
            back = rng.choice(self.start_years)
            month = rng.randint(1, 6) if back == 0 else rng.randint(8, 12)
            start_year = year - back
            text = (
                f"{start_year}年{month}月"
                if rng.random() < 0.6
                else f"{start_year}年{month}月{rng.randint(1, 28)}日"
            )
            day = (
                _last_day(start_year, month)
                if text.endswith("月")
                else int(text.split("月")[1][:-1])
            )
            task.milestones.insert(
                0, MilestoneDoc(f"开工时间：{text}", datetime.date(start_year, month, day))
            )
            written["start"] = text
        months = [c.month for c in self.cols if c.key == "month" and c.month]
        if months:
            self._months(task, months)
        if "progress" in self.keys:
            task.progress = content.progress(rng, rng.choice(self.paragraphs))
        if "progress_month" in self.keys and rng.random() < 0.85:
            text = content.progress(rng, 1)
            as_of = self.doc.as_of
            task.entries.append(EntryDoc("本月进展", text, as_of.month if as_of else None))
            written["progress_month"] = text
        self._status(task, status, written)
        for col in self.cols:
            if col.key in ("contact", "extra") and col.title not in written:
                value = self._extra_value(col)
                if value:
                    task.extra[col.read_title] = value
        if "hidden" in self.keys:
            written["hidden"] = content.progress(rng, 1)
        return written

    def _deadline(self, task: TaskDoc, deadline: Deadline) -> None:
        year = self.doc.year
        task.deadline_text = deadline.text.format(y=year, n=year + 1)
        for text, month, day, later in deadline.clauses:
            when = datetime.date(year + later, month, day or _last_day(year + later, month))
            task.milestones.append(MilestoneDoc(text.format(y=year, n=year + 1), when))
        dates = [m.date for m in task.milestones if not m.text.startswith("开工时间：")]
        task.deadline = max(dates, default=None)

    def _months(self, task: TaskDoc, months: list[int]) -> None:
        rng = self.rng
        last = months[-1] if rng.random() < 0.7 else max(months[0], months[-1] - rng.randint(1, 2))
        gap = rng.choice(months) if rng.random() < 0.3 else None
        for month in months:
            if month > last or month == gap:
                continue
            task.entries.append(EntryDoc(f"{month}月", content.progress(rng, 1), month))
        if "progress" not in self.keys and task.entries:
            task.progress = task.entries[-1].text

    def _status(
        self, task: TaskDoc, status: tuple[str, str | None] | None, written: dict[str, str]
    ) -> None:
        rng, mode = self.rng, self.status_mode
        if status is None:
            self_count = len(self.doc.tasks) + 1
            if (
                self.bad_status_every
                and self_count % self.bad_status_every == 0
                and mode != "remarks"
            ):
                status = (rng.choice(content.NOT_STATUS), None)
            elif mode == "remarks" or mode == "words":
                status = rng.choice(content.WORDS)
            elif mode == "symbols":
                status = rng.choice(list(self.symbols.items()))
            elif mode == "colours":
                status = rng.choice(content.COLOURS)
            elif mode == "phrases":
                status = rng.choice(content.PHRASES)
        if mode == "none" or status is None:
            if "remarks" in self.keys and rng.random() < 0.3:
                task.remarks = content.pick(content.REMARKS, rng)
            return
        label, code = status
        if mode == "remarks" and "status" not in self.keys:
            if rng.random() < 0.2 and "remarks" in self.keys:  # a remark instead of a status
                task.remarks = content.pick(content.REMARKS, rng)
                return
            task.status, task.status_label = code, label
            return
        task.status, task.status_label = code, label
        if "remarks" in self.keys and rng.random() < 0.3:
            task.remarks = content.pick(content.REMARKS, rng)

    def _extra_value(self, col: Col) -> str:
        rng = self.rng
        title = col.read_title
        if col.numeric:
            return _number_text(round(rng.uniform(200, 50000), rng.choice((0, 1, 2))))
        if "电话" in title:
            return f"13{rng.randint(0, 9)}{rng.randint(10_000_000, 99_999_999)}"
        if "责任人" in title or "联系人" in title:
            return rng.choice(content.LEADERS[::-1])
        if "建设内容" in title or "规模" in title:
            return content.pick(content.GOALS["project"], rng)
        if "性质" in title:
            return rng.choice(("新建", "续建", "改扩建"))
        if "完成率" in title or "比例" in title:
            return f"{rng.randint(10, 100)}%"
        return content.pick(content.REMARKS, rng) if rng.random() < 0.7 else ""

    def _cells(self, task: TaskDoc, written: dict[str, str], number_text: str) -> list[str]:
        cells = []
        for col in self.cols:
            key = col.key
            if key == "number":
                cells.append(number_text)
            elif key == "goal":
                cells.append(task.goal)
            elif key == "leaders":
                names = [padded(n) if self.pad_names else n for n in task.leaders]
                cells.append(self.leader_sep.join(names))
            elif key == "units":
                cells.append(self.unit_sep.join(u.name for u in task.units if u.role != "co"))
            elif key == "co_units":
                cells.append(self.unit_sep.join(u.name for u in task.units if u.role == "co"))
            elif key == "deadline":
                cells.append(task.deadline_text)
            elif key in ("start", "progress_month", "hidden"):
                cells.append(written.get(key, ""))
            elif key == "month":
                cells.append(next((e.text for e in task.entries if e.month == col.month), ""))
            elif key == "progress":
                cells.append(task.progress)
            elif key == "status":
                cells.append(task.status_label)
            elif key == "remarks":
                parts = (
                    [task.status_label] if "status" not in self.keys and task.status_label else []
                )
                cells.append("\n".join([*parts, *([task.remarks] if task.remarks else [])]))
            else:  # contact, extra
                cells.append(task.extra.get(col.read_title, ""))
        return cells

    def _merge_down(self) -> None:
        """Mark the last task row's leader/unit cells merged with the row above where the task
        above (in this category, no sub-items between) wrote the same."""
        if len(self.rows) < 2:
            return
        row, above = self.rows[-1], self.rows[-2]
        if above.kind != "task":
            return
        for i, key in enumerate(self.keys):
            if key in self.merge_down and row.cells[i] and row.cells[i] == above.cells[i]:
                row.down.add(i)

    def finish(self) -> Ledger:
        return self.ledger


def _last_day(year: int, month: int) -> int:
    return (datetime.date(year + month // 12, month % 12 + 1, 1) - datetime.timedelta(days=1)).day


def _number_text(value: float) -> str:
    """A number as Excel shows it in General format."""
    return str(int(value)) if float(value).is_integer() else f"{value:.15g}"
