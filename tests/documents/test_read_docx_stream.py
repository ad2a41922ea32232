"""The Word reader reads the document's XML as it streams out of the file (docx_body.py): a
table's rows leave the tree once read, so a 50,000-task table never stands whole in memory;
the main document part is found by the package's relationship, as python-docx finds it; what
is no Word document is refused as before."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest

from taizhang.documents import docx_body as reader
from taizhang.documents.errors import LedgerReadError
from taizhang.documents.model import CategoryDoc, LedgerDoc, TaskDoc, UnitRef
from taizhang.documents.read_docx import read_docx
from tests.documents.docx_builders import docx_from_ledger


def _ledger(tasks: int) -> LedgerDoc:
    doc = LedgerDoc(title="2024年测试台账", year=2024)
    doc.categories = [CategoryDoc(number=1, name="民生")]
    doc.categories[0].tasks = [
        TaskDoc(number=n, goal=f"第{n}项工作", leaders=["张三"], units=[UnitRef("交通局")])
        for n in range(1, tasks + 1)
    ]
    return doc


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def _zipped(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return out.getvalue()


def test_a_long_tables_rows_leave_the_tree_once_read(monkeypatch: pytest.MonkeyPatch) -> None:
    held: list[int] = []
    row_values = reader._row_values

    def counting(row: Any) -> list[str | None]:
        held.append(sum(1 for child in row.getparent() if child.tag == reader._TR))
        return row_values(row)

    monkeypatch.setattr(reader, "_row_values", counting)
    doc = read_docx(docx_from_ledger(_ledger(400)), name="a.docx")
    assert len(doc.tasks) == 400
    # The parser reads ahead a chunk of the file, so some rows after the one read are there
    # already; none before it.
    assert len(held) > 400 and max(held) < 60


def test_the_main_part_is_found_by_its_relationship_whatever_its_name() -> None:
    data = docx_from_ledger(_ledger(3))
    parts = _parts(data)
    parts["word/main.xml"] = parts.pop("word/document.xml")
    parts["word/_rels/main.xml.rels"] = parts.pop("word/_rels/document.xml.rels")
    for name in ("_rels/.rels", "[Content_Types].xml"):
        parts[name] = parts[name].replace(b"word/document.xml", b"word/main.xml")
    assert read_docx(_zipped(parts), name="a.docx") == read_docx(data, name="a.docx")


def test_a_macro_enabled_document_is_refused_as_python_docx_refused_it() -> None:
    parts = _parts(docx_from_ledger(_ledger(3)))
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"wordprocessingml.document.main+xml", b"ms-word.document.macroEnabled.main+xml"
    )
    with pytest.raises(LedgerReadError, match=r"^a\.docx：不是有效的 Word 文件（文件已损坏"):
        read_docx(_zipped(parts), name="a.docx")


def test_damage_found_after_the_table_is_read_still_refuses_the_file() -> None:
    parts = _parts(docx_from_ledger(_ledger(30)))
    parts["word/document.xml"] = parts["word/document.xml"].replace(b"</w:body>", b"")
    with pytest.raises(LedgerReadError, match="XML 已损坏"):
        read_docx(_zipped(parts), name="a.docx")
