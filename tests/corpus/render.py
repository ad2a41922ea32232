"""Write a corpus ledger's rows as an office would have saved them: .docx built with python-docx
(merged cells, repeated header rows, split tables, WPS's explicit vMerge="continue"), .xlsx with
openpyxl (merged ranges, hidden rows and columns, typed numbers and dates, formulas with their
saved values), .csv as Excel saves it (GBK or UTF-8 with BOM, CRLF, quoted multi-line cells)
and .txt as a Word table copied out as text (the seed's layout). Never Taizhang's own writers."""

from __future__ import annotations

import csv
import datetime
import io
import re
import zipfile
from collections.abc import Callable, Sequence
from typing import Any

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from tests.corpus.build import Col, Ledger, Row
from tests.documents.docx_builders import mark_header_row, write_cell

# Fixed timestamps: the same ledger gives the same bytes on every run.
_ZIP_TIME = (2022, 1, 1, 0, 0, 0)
_CORE_TIME = "2022-01-01T00:00:00Z"
_DATE = re.compile(r"^((?:19|20)\d{2})年(\d{1,2})月(\d{1,2})日$")
_THIN = Side(style="thin")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


def render(ledger: Ledger) -> bytes:
    """The ledger's file bytes in its format."""
    return {"docx": render_docx, "xlsx": render_xlsx, "csv": render_csv, "txt": render_txt}[
        ledger.fmt
    ](ledger)


def header_rows(cols: Sequence[Col]) -> list[list[str]]:
    """One header row, or two where columns have a spanning title above them: the top row
    holds each spanning title in its group's first column ("" in the rest) and the plain titles;
    the bottom row the sub-titles."""
    if not any(col.top for col in cols):
        return [[col.title for col in cols]]
    top, bottom = [], []
    for i, col in enumerate(cols):
        first = not col.top or i == 0 or cols[i - 1].top != col.top
        top.append((col.top if col.top else col.title) if first else "")
        bottom.append(col.title if col.top else "")
    return [top, bottom]


def _groups(cols: Sequence[Col]) -> list[tuple[int, int]]:
    """(first, last) columns of each spanning title of a two-row header."""
    spans: list[tuple[int, int]] = []
    for i, col in enumerate(cols):
        if col.top and (i == 0 or cols[i - 1].top != col.top):
            spans.append((i, i))
        elif col.top:
            spans[-1] = (spans[-1][0], i)
    return spans


# --- Word ----------------------------------------------------------------------------------


def render_docx(ledger: Ledger) -> bytes:
    document = docx.Document()
    options = ledger.options
    in_table = bool(options.get("title_in_table"))
    for cells in options.get("before_table", []):
        _plain_table(document, cells)
        document.add_paragraph("")
    if not in_table:
        _preamble(document, ledger.preamble)
    _ledger_tables(document, ledger, title_rows=ledger.preamble if in_table else [])
    for line in ledger.after:
        _paragraph(document, line, size=12)
    if ledger.second is not None:
        document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        _preamble(document, ledger.second.preamble)
        _ledger_tables(document, ledger.second, title_rows=[])
    document.add_paragraph("")
    buffer = io.BytesIO()
    document.save(buffer)
    data = buffer.getvalue()
    if options.get("wps"):
        data = _rewrite_part(data, "word/document.xml", _wps_style)
    return normalise_zip(data)


def _preamble(document: Any, lines: Sequence[str]) -> None:
    for index, line in enumerate(lines):
        big = not line.startswith(("附件", "（", "(", "截", "填报"))
        _paragraph(document, line, size=22 if big else 16, center=index > 0 or big)


def _paragraph(document: Any, text: str, *, size: int, center: bool = False) -> None:
    paragraph = document.add_paragraph()
    if center:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for start in range(0, len(text), 5):
        run = paragraph.add_run(text[start : start + 5])
        run.font.name = "Times New Roman"
        run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "仿宋_GB2312")
        run.font.size = docx.shared.Pt(size)


def _ledger_tables(document: Any, ledger: Ledger, *, title_rows: Sequence[str]) -> None:
    """The ledger's table, split into several at each split row (a new page)."""
    parts: list[tuple[bool, list[Row]]] = [(True, [])]
    for row in ledger.rows:
        if row.kind == "split":
            parts.append((row.repeat, []))
        else:
            parts[-1][1].append(row)
    for index, (with_header, rows) in enumerate(parts):
        if index:
            document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        _table(
            document,
            ledger,
            rows,
            with_header=with_header,
            title_rows=title_rows if index == 0 else [],
        )


def _table(
    document: Any,
    ledger: Ledger,
    rows: list[Row],
    *,
    with_header: bool,
    title_rows: Sequence[str],
) -> Any:
    cols = ledger.cols
    width = len(cols)
    table = document.add_table(rows=0, cols=width)
    table.style = "Table Grid"
    br = bool(ledger.options.get("line_breaks"))
    blank = bool(ledger.options.get("blank_paragraphs"))
    for line in title_rows:
        cells = table.add_row().cells
        _write(cells[0].merge(cells[-1]), line, br=False, blank=False, font="方正小标宋简体")
    if with_header:
        _header(table, cols)
    start = len(table.rows)
    for row in rows:
        cells = table.add_row().cells
        if row.span == "all":
            _write(cells[0].merge(cells[-1]), row.cells[0], br=br, blank=blank, font="黑体")
            continue
        if row.span == "rest":
            _write(cells[0], row.cells[0], br=br, blank=blank, font="黑体")
            _write(cells[1].merge(cells[-1]), row.cells[1], br=br, blank=blank, font="黑体")
            continue
        for i, (cell, text) in enumerate(zip(cells, row.cells, strict=True)):
            if i not in row.down:
                _write(cell, text, br=br, blank=blank)
    for column in range(width):
        r = 0
        while r < len(rows):
            if column in rows[r].down:
                end = r
                while end + 1 < len(rows) and column in rows[end + 1].down:
                    end += 1
                table.cell(start + r - 1, column).merge(table.cell(start + end, column))
                r = end + 1
            else:
                r += 1
    return table


def _header(table: Any, cols: Sequence[Col]) -> None:
    """The header row, or two rows: spanning titles merged across their group, plain titles
    merged down over both rows, sub-titles in the second row. Marked to repeat on each page."""
    first = len(table.rows)
    two = any(col.top for col in cols)
    for _ in range(2 if two else 1):
        table.add_row()
    for i, col in enumerate(cols):
        if not two:
            cell = table.cell(first, i)
        elif col.top:
            cell = table.cell(first + 1, i)
        else:
            cell = table.cell(first, i).merge(table.cell(first + 1, i))
        _write(cell, col.title, br=False, blank=False, font="黑体")
    for a, b in _groups(cols) if two else []:
        merged = table.cell(first, a).merge(table.cell(first, b))
        _write(merged, cols[a].top, br=False, blank=False, font="黑体")
    for index in range(first, first + (2 if two else 1)):
        _mark_header(table, index)


def _mark_header(table: Any, index: int) -> None:
    if index == 0:
        mark_header_row(table)
        return
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    table.rows[index]._tr.get_or_add_trPr().append(repeat)


def _write(cell: Any, text: str, *, br: bool, blank: bool, font: str = "仿宋_GB2312") -> None:
    """A cell's text: one paragraph a line (empty paragraphs between them with `blank`), or
    one paragraph with line breaks (`br`, as WPS writes Shift+Enter)."""
    if not br:
        write_cell(cell, text, font=font)
        if blank and "\n" in text:
            for paragraph in list(cell.paragraphs)[:-1]:
                paragraph._p.addnext(OxmlElement("w:p"))
        return
    paragraph = cell.paragraphs[0]
    for index, line in enumerate(text.split("\n")):
        run = paragraph.add_run(line)
        run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)
        if index < text.count("\n"):
            run.add_break()


def _plain_table(document: Any, rows: Sequence[Sequence[str]]) -> None:
    table = document.add_table(rows=0, cols=max(len(r) for r in rows))
    table.style = "Table Grid"
    for row in rows:
        for cell, text in zip(table.add_row().cells, row, strict=False):
            write_cell(cell, text)


def _wps_style(xml: bytes) -> bytes:
    """WPS writes the continuation of a vertical merge as vMerge w:val="continue"."""
    return xml.replace(b"<w:vMerge/>", b'<w:vMerge w:val="continue"/>')


# --- Excel ---------------------------------------------------------------------------------


def render_xlsx(ledger: Ledger) -> bytes:
    options = ledger.options
    book = Workbook()
    book.remove(book.active)
    for title, lines in options.get("sheets_before", []):
        sheet = book.create_sheet(title)
        for r, line in enumerate(lines, 1):
            sheet.cell(row=r, column=1, value=line)
    ws = book.create_sheet(str(options.get("sheet", "Sheet1")))
    formulas: dict[str, str] = {}
    end = _sheet(ws, ledger, 1, formulas)
    second = ledger.second
    if second is not None and options.get("second") == "stacked":
        _sheet(ws, second, end + 3, formulas)
    elif second is not None:
        _sheet(book.create_sheet(str(second.options.get("sheet", "Sheet2"))), second, 1, {})
    buffer = io.BytesIO()
    book.save(buffer)
    data = buffer.getvalue()
    sheet_part = f"xl/worksheets/sheet{len(options.get('sheets_before', [])) + 1}.xml"
    if formulas:
        data = _rewrite_part(data, sheet_part, lambda xml: _add_formulas(xml, formulas))
    return normalise_zip(data)


def _sheet(ws: Any, ledger: Ledger, top: int, formulas: dict[str, str]) -> int:
    """Write one ledger table from row `top`; return the last row written."""
    options = ledger.options
    cols = ledger.cols
    width = len(cols)
    last = get_column_letter(width)
    r = top
    for line in ledger.preamble:
        _put(ws, r, 1, line, bold=True)
        ws.merge_cells(f"A{r}:{last}{r}")
        r += 1

    def header() -> None:
        nonlocal r
        heads = header_rows(cols)
        for texts in heads:
            for c, text in enumerate(texts, 1):
                _put(ws, r, c, text, bold=True)
            r += 1
        if len(heads) == 2:
            for a, b in _groups(cols):
                ws.merge_cells(
                    f"{get_column_letter(a + 1)}{r - 2}:{get_column_letter(b + 1)}{r - 2}"
                )
            for i, col in enumerate(cols):
                if not col.top:
                    letter = get_column_letter(i + 1)
                    ws.merge_cells(f"{letter}{r - 2}:{letter}{r - 1}")

    header()
    body_rows: list[tuple[int, Row]] = []
    for row in ledger.rows:
        if row.kind == "split":
            if row.repeat:
                header()
            continue
        body_rows.append((r, row))
        for c, text in enumerate(row.cells, 1):
            if (row.span == "all" and c > 1) or (row.span == "rest" and c > 2):
                continue
            if c - 1 in row.down:
                continue
            _put(ws, r, c, _value(ledger, row, c - 1, text), fmt=_format(ledger, row, c - 1, text))
        if row.span == "all":
            ws.merge_cells(f"A{r}:{last}{r}")
        elif row.span == "rest":
            ws.merge_cells(f"B{r}:{last}{r}")
        if row.kind == "hidden":
            ws.row_dimensions[r].hidden = True
        if options.get("formula_numbers") and row.kind == "task":
            formulas[f"A{r}"] = f"ROW()-{r - int(row.cells[0])}"
        r += 1
    _merge_down(ws, body_rows)
    tasks = [r for r, row in body_rows if row.kind == "task"]
    for r, row in body_rows:
        for column in row.values if options.get("total_formulas") else ():
            letter = get_column_letter(column + 1)
            formulas[f"{letter}{r}"] = f"SUM({letter}{min(tasks)}:{letter}{max(tasks)})"
    for c, col in enumerate(cols, 1):
        letter = get_column_letter(c)
        ws.column_dimensions[letter].width = 36 if col.key in ("goal", "progress") else 12
        if col.key == "hidden":
            ws.column_dimensions[letter].hidden = True
    if ledger.after:
        r += 1
        for line in ledger.after:
            _put(ws, r, 1, line)
            ws.merge_cells(f"A{r}:{last}{r}")
            r += 1
    return r - 1


def _merge_down(ws: Any, body_rows: list[tuple[int, Row]]) -> None:
    for index, (r, row) in enumerate(body_rows):
        for column in row.down:
            above = body_rows[index - 1][1] if index else None
            if above is not None and column in above.down:
                continue  # inside a run already merged
            end = index
            while end + 1 < len(body_rows) and column in body_rows[end + 1][1].down:
                end += 1
            letter = get_column_letter(column + 1)
            ws.merge_cells(f"{letter}{r - 1}:{letter}{body_rows[end][0]}")


def _value(ledger: Ledger, row: Row, column: int, text: str) -> object:
    """The value an office types: numbers as numbers where asked, dates as dates."""
    if column in row.values:
        return row.values[column]
    col = ledger.cols[column]
    options = ledger.options
    if row.kind not in ("task", "sub", "hidden"):
        return text
    typed = options.get("typed_numbers") or options.get("formula_numbers")
    if col.key == "number" and typed and text.isdigit():
        return float(text) if options.get("float_numbers") else int(text)
    if col.key == "number" and options.get("typed_sub_numbers") and re.fullmatch(r"\d\.\d", text):
        return float(text)
    if col.numeric and text:
        return float(text) if "." in text else int(text)
    if options.get("percent_cells") and re.fullmatch(r"\d{1,3}%", text):
        return int(text[:-1]) / 100
    if options.get("phone_numbers") and re.fullmatch(r"1\d{10}", text):
        return int(text)
    found = _DATE.match(text)
    if found and options.get("date_cells") and col.key in ("deadline", "start"):
        return datetime.date(*(int(g) for g in found.groups()))
    return text


def _format(ledger: Ledger, row: Row, column: int, text: str) -> str | None:
    value = _value(ledger, row, column, text)
    if isinstance(value, datetime.date):
        return str(ledger.options.get("date_format", "yyyy/m/d"))
    if isinstance(value, float) and text.endswith("%"):
        return "0%"
    return None


def _put(
    ws: Any, r: int, c: int, value: object, *, bold: bool = False, fmt: str | None = None
) -> None:
    if value == "" or value is None:
        ws.cell(row=r, column=c).border = _BOX
        return
    cell = ws.cell(row=r, column=c, value=value)
    cell.border = _BOX
    cell.alignment = Alignment(wrap_text=isinstance(value, str) and "\n" in value)
    if bold:
        cell.font = Font(bold=True)
    if fmt:
        cell.number_format = fmt


def _add_formulas(xml: bytes, formulas: dict[str, str]) -> bytes:
    """Give numeric cells a formula beside the value openpyxl saved, which stands as Excel's
    cached value (openpyxl itself cannot write one)."""
    text = xml.decode()
    for ref, formula in formulas.items():
        pattern = re.compile(rf'(<c r="{ref}"(?! t=)[^>]*>)(<v>)')
        text, count = pattern.subn(rf"\1<f>{formula}</f>\2", text, count=1)
        if count != 1:
            raise ValueError(f"no value cell {ref} to give a formula")
    return text.encode()


# --- CSV and text --------------------------------------------------------------------------


def _flat_rows(ledger: Ledger, *, word_text: bool) -> list[list[str]]:
    """The table as rows of texts, preamble first. Excel's CSV keeps every column (a merged
    cell's text in its first column, the others empty); Word's text (`word_text`) gives a
    horizontally merged cell once, so a legend row or a spanning title is one cell (category
    rows keep all their cells, as in the seed, unless `category_two_cells`)."""
    width = len(ledger.cols)
    firsts = {a for a, _ in _groups(ledger.cols)}

    def across(text: str) -> list[str]:
        return [text] if word_text else [text, *[""] * (width - 1)]

    out = [across(line) for line in ledger.preamble]
    heads = header_rows(ledger.cols)
    for row in [Row("split", []), *ledger.rows]:
        if row.kind == "split":
            for index, texts in enumerate(heads if row.repeat else []):
                if word_text and index == 0 and len(heads) == 2:
                    texts = [
                        t for i, t in enumerate(texts) if not ledger.cols[i].top or i in firsts
                    ]
                out.append(list(texts))
        elif row.span == "all":
            out.append(across(row.cells[0]))
        elif row.span == "rest" and word_text and ledger.options.get("category_two_cells"):
            out.append(row.cells[:2])
        else:
            out.append(list(row.cells))
    return out


def render_csv(ledger: Ledger) -> bytes:
    rows = _flat_rows(ledger, word_text=False)
    if ledger.after:
        rows.append([""] * len(ledger.cols))
        rows.extend([line, *[""] * (len(ledger.cols) - 1)] for line in ledger.after)
    if ledger.second is not None:
        rows.append([""] * len(ledger.cols))
        rows.extend(_flat_rows(ledger.second, word_text=False))
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    encoding = str(ledger.options.get("encoding", "gbk"))
    return buffer.getvalue().encode(encoding)


def render_txt(ledger: Ledger) -> bytes:
    options = ledger.options
    sep = str(options.get("paragraph_sep", "\n\n"))
    lines: list[str] = [""]
    lines.extend(_text_block(ledger, sep))
    for line in ledger.after:
        lines.extend(["", line])
    if ledger.second is not None:
        lines.append("")
        lines.extend(_text_block(ledger.second, sep))
    text = "\n".join(lines) + "\n"
    if options.get("crlf"):
        text = text.replace("\n", "\r\n")
    return text.encode(str(options.get("encoding", "utf-8")))


def _text_block(ledger: Ledger, sep: str) -> list[str]:
    """The seed's layout: title lines apart, then each row after a blank line, each cell a tab
    line, a cell's further paragraphs on lines of their own."""
    lines: list[str] = []
    for line in ledger.preamble:
        lines.extend([line, ""])
    for row in _flat_rows(ledger, word_text=True)[len(ledger.preamble) :]:
        lines.append("")
        for cell in row:
            first, *rest = cell.split("\n")
            lines.append("\t" + first)
            for paragraph in rest:
                if sep == "\n\n":
                    lines.append("")
                lines.append(paragraph)
    return lines


# --- zip -----------------------------------------------------------------------------------


def _rewrite_part(data: bytes, part: str, change: Callable[[bytes], bytes]) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            blob = source.read(info.filename)
            if info.filename == part:
                blob = change(blob)
            target.writestr(info.filename, blob)
    return out.getvalue()


def normalise_zip(data: bytes) -> bytes:
    """The same zip with fixed timestamps (entries and document properties), so that making
    the corpus twice gives the same bytes."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            blob = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                blob = re.sub(
                    rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)",
                    rb"\g<1>" + _CORE_TIME.encode() + rb"\g<2>",
                    blob,
                )
            entry = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, blob)
    return out.getvalue()
