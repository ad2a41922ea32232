"""Writer for the text layout that `read_text` reads (the text of a Word table): useful for
tests, benchmarks and offices that pass ledgers around as plain text."""

from __future__ import annotations

import cn2an

from taizhang.documents.model import Column, LedgerDoc, TaskDoc

DEFAULT_COLUMNS = (
    Column("number", "序号"),
    Column("goal", "工作目标任务"),
    Column("leaders", "牵头领导"),
    Column("units", "责任单位"),
    Column("deadline", "完成时限"),
    Column("progress", "进展情况"),
    Column("remarks", "备注"),
)


def _cell_values(task: TaskDoc, columns: list[Column]) -> list[str]:
    lead = [u.name for u in task.units if u.role != "co"]
    co = [u.name for u in task.units if u.role == "co"]
    keys = {column.key for column in columns}
    status_key = "status" if "status" in keys else "remarks"
    values: list[str] = []
    for column in columns:
        text = {
            "number": str(task.number),
            "goal": task.goal,
            "leaders": "\n".join(task.leaders),
            "units": "\n".join(lead),
            "co_units": "\n".join(co),
            "deadline": task.deadline_text,
            "progress": task.progress,
        }.get(column.key)
        if text is None:
            text = _status_cell(task, column, status_key)
        values.append(text)
    return values


def _status_cell(task: TaskDoc, column: Column, status_key: str) -> str:
    if column.key == "extra":
        return task.extra.get(column.title, "")
    parts = []
    if column.key == status_key and task.status_label:
        parts.append(task.status_label)
    if column.key == "remarks" and task.remarks:
        parts.append(task.remarks)
    return "\n".join(parts)


def _row(cells: list[str]) -> str:
    # Paragraphs of a cell are separated by a blank line, as Word's text export does.
    return "\n".join("\t" + cell.replace("\n", "\n\n") for cell in cells)


def write_text(doc: LedgerDoc) -> bytes:
    """The ledger in the text layout, UTF-8. Writes the document's own column titles, or the
    seed's seven columns when it has none."""
    columns = list(doc.columns) or list(DEFAULT_COLUMNS)
    blocks = ["", "附件", "", doc.title, "", _row([c.title for c in columns])]
    for category in doc.categories:
        numeral = str(cn2an.an2cn(category.number))
        blocks += ["", _row([numeral, category.name] + [""] * (len(columns) - 2))]
        for task in category.tasks:
            blocks += ["", _row(_cell_values(task, columns))]
    return ("\n".join(blocks) + "\n").encode()
