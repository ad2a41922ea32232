"""Writer for the text layout that `read_text` reads (the text of a Word table): useful for
tests, benchmarks and offices that pass ledgers around as plain text."""

from __future__ import annotations

from taizhang.documents.cells import category_numeral, table_columns, task_cells, task_rows
from taizhang.documents.model import LedgerDoc


def _row(cells: list[str]) -> str:
    # Paragraphs of a cell are separated by a blank line, as Word's text export does.
    return "\n".join("\t" + cell.replace("\n", "\n\n") for cell in cells)


def write_text(doc: LedgerDoc) -> bytes:
    """The ledger in the text layout, UTF-8. Writes the document's own column titles, or the
    seed's seven columns when it has none; a sub-item's row right after its task's (or the
    task's previous sub-item's) row."""
    columns = table_columns(doc)
    blocks = ["", "附件", "", doc.title, ""]
    if doc.as_of:
        day = doc.as_of
        blocks += [f"（截至{day.year}年{day.month}月{day.day}日）", ""]
    blocks.append(_row([c.title for c in columns]))
    for category in doc.categories:
        padding = [""] * (len(columns) - 2)
        blocks += ["", _row([category_numeral(category.number), category.name, *padding])]
        for task, parent in task_rows(category.tasks):
            blocks += ["", _row(task_cells(task, columns, parent))]
    return ("\n".join(blocks) + "\n").encode()
