"""The 督办通知单 of a unit (supervision.notice): on the seed as of 2021-11-05, 住建局's names
tasks 8 and 9 with the reasons their lights give, red first; a unit with nothing lit gets a
message and no document; the CLI writes .docx (and says so where nothing is lit)."""

from __future__ import annotations

import datetime
import io
import re
import shutil
import zipfile
from dataclasses import replace
from pathlib import Path

import docx
import pytest
from django.core.management import CommandError, call_command

from taizhang.accounts import access
from taizhang.documents.write_notice import NoticeSheet, NoticeTask, write_notice
from taizhang.ledger.models import Status, Task, Unit
from taizhang.reporting import services as reporting
from taizhang.supervision.bulletin import bulletin_reason
from taizhang.supervision.dashboard import dashboard_data
from taizhang.supervision.lights import LABELS
from taizhang.supervision.notice import lit_items, nothing_lit, notice_sheet, reply_date
from tests.conftest import ARTIFACTS, require_tool
from tests.documents.test_bulletin_frame import render
from tests.factories import World
from tests.ledger.test_commands import call
from tests.web.subitems import split_task_3

DAY = datetime.date(2021, 11, 5)
LATER = datetime.date(2021, 12, 5)  # deadlines of 2021-12-31 are near: yellow


def test_the_reply_date_is_five_working_days_on() -> None:
    assert reply_date(DAY) == datetime.date(2021, 11, 12)  # a Friday: the next Friday
    assert reply_date(datetime.date(2021, 11, 6)) == datetime.date(2021, 11, 12)  # Saturday
    assert reply_date(datetime.date(2021, 11, 8), 1) == datetime.date(2021, 11, 9)


@pytest.mark.django_db
def test_the_seed_notice_for_zhujianju_names_tasks_8_and_9_with_their_reasons(
    world: World,
) -> None:
    unit = Unit.objects.get(name="住建局")
    sheet = notice_sheet(world.ledger, unit, DAY, number="督办〔2021〕3号")
    assert [task.number for task in sheet.tasks] == ["8", "9"]
    rows = lit_items(world.ledger, unit, DAY)
    for task, row in zip(sheet.tasks, rows, strict=True):
        assert task.light == LABELS[row.light.colour]
        deadline = row.task.deadline
        alone = len(row.light.reasons) == 1
        expected = "；".join(
            bulletin_reason(r, deadline, DAY, alone=alone) for r in row.light.reasons
        )
        assert task.reasons == f"{expected}。"
    assert sheet.unit == "住建局" and sheet.date == "2021年11月5日"
    assert sheet.issuer == "市政府督查室" and sheet.number == "督办〔2021〕3号"
    assert "2021年11月12日前" in sheet.request and "限期整改" in sheet.request


@pytest.mark.django_db
def test_a_unit_with_nothing_lit_gets_a_message(world: World) -> None:
    unit = Unit.objects.get(name="住建局")
    assert nothing_lit(unit, DAY) == "住建局截至2021年11月5日没有亮红灯、黄灯的任务，无需督办。"
    quiet = Unit.objects.get(name="民政局")
    assert notice_sheet(world.ledger, quiet, DAY).tasks == ()


@pytest.mark.django_db
def test_red_tasks_come_before_yellow_ones(world: World) -> None:
    for unit in Unit.objects.all():
        colours = [row.light.colour for row in lit_items(world.ledger, unit, LATER)]
        assert colours == sorted(colours, key=lambda colour: colour != "red")
    unit = Unit.objects.get(name="住建局")
    sheet = notice_sheet(world.ledger, unit, LATER)
    lights = [task.light for task in sheet.tasks]
    assert lights[:2] == ["红灯", "红灯"] and "黄灯" in lights
    red, yellow = lights.count("红灯"), lights.count("黄灯")
    assert f"有{red}项亮红灯、{yellow}项亮黄灯，现予督办" in sheet.lead


# --- the document ------------------------------------------------------------------------------

SHEET = NoticeSheet(
    unit="住建局",
    lead="截至2021年11月5日，你单位承担的任务中，有1项亮红灯，现予督办。具体如下：",
    tasks=(NoticeTask("9", "水系治理<&>", "2021年10月31日", "红灯", "已逾期5天。"),),
    request="请你单位限期整改，并于2021年11月12日前将整改情况书面反馈市政府督查室。",
    issuer="市政府督查室",
    date="2021年11月5日",
    number="督办〔2021〕3号",
)


def test_the_document_has_title_number_addressee_table_request_and_closing() -> None:
    document = docx.Document(io.BytesIO(write_notice(SHEET)))
    texts = [p.text for p in document.paragraphs if p.text]
    assert texts == [
        "督办通知单",
        "督办〔2021〕3号",
        "住建局：",
        SHEET.lead,
        SHEET.request,
        "市政府督查室",
        "2021年11月5日",
    ]
    (table,) = document.tables
    assert [c.text for c in table.rows[0].cells] == [
        "序号",
        "工作任务",
        "完成时限",
        "预警",
        "督办事由",
    ]
    assert [c.text for c in table.rows[1].cells] == [
        "1",
        "第9项：水系治理<&>",
        "2021年10月31日",
        "红灯",
        "已逾期5天。",
    ]
    without = docx.Document(io.BytesIO(write_notice(replace(SHEET, number=""))))
    assert without.paragraphs[1].text == "住建局："


# --- the command -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_command_writes_the_notice(world: World, tmp_path: Path) -> None:
    target = tmp_path / "notice.docx"
    code, _out, err = call(
        "notice", str(world.ledger.pk), "--unit", "住建局", "--as-of", "2021-11-05",
        "--reply-by", "2021-11-15", "--number", "督办〔2021〕3号", "-o", str(target),
    )  # fmt: skip
    assert code == 0 and err.strip() == f"已生成 {target}"
    document = docx.Document(str(target))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "督办〔2021〕3号" in text and "于2021年11月15日前" in text
    numbers = [row.cells[1].text.split("：")[0] for row in document.tables[0].rows[1:]]
    assert numbers == ["第8项", "第9项"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--unit", "民政局", "--as-of", "2021-11-05"], "民政局截至2021年11月5日没有亮红灯"),
        (["--unit", "无此局"], "没有名为“无此局”的责任单位"),
        (["--unit", "住建局", "--as-of", "2021-11-05", "--reply-by", "2021-11-01"], "反馈日期"),
    ],
)
def test_the_command_refuses_with_one_line(
    world: World, tmp_path: Path, args: list[str], message: str
) -> None:
    target = tmp_path / "notice.docx"
    code, _out, err = call("notice", str(world.ledger.pk), *args, "-o", str(target))
    assert code == 1 and err.startswith("错误：") and message in err
    assert "\n" not in err.strip() and not target.exists()


def test_the_command_refuses_a_malformed_date() -> None:
    with pytest.raises(CommandError, match="日期应写成 YYYY-MM-DD"):
        call_command("notice", "1", "--unit", "住建局", "--as-of", "5/11/2021")


# --- rendered through LibreOffice --------------------------------------------------------------


@pytest.mark.django_db
def test_libreoffice_renders_the_seed_notice_on_one_page(world: World, tmp_path: Path) -> None:
    """住建局's notice as of 2021-11-05 through LibreOffice: one page, in the order of the
    layout, kept as PDF and PNG under $TAIZHANG_ARTIFACTS."""
    unit = Unit.objects.get(name="住建局")
    sheet = notice_sheet(world.ledger, unit, DAY, number="督办〔2021〕3号")
    source = tmp_path / "notice-20211105.docx"
    source.write_bytes(write_notice(sheet))
    pdf, printed, pages = render(source, tmp_path)
    flat = re.sub(r"[ \t]+", "", printed)  # pdftotext spaces digits from Chinese
    lines = [line for line in flat.splitlines() if line]
    assert lines[:3] == ["督办通知单", "督办〔2021〕3号", "住建局："]
    joined = "".join(lines)  # the cells wrap, side by side
    for words in ("序号工作任务完成时限预警督办事由", "推进缓慢", "逾期5天", "限期整改"):
        assert words in joined
    assert joined.index("第8项") < joined.index("第9项")  # red both, in ledger order
    assert lines[-2:] == ["市政府督查室", "2021年11月5日"]
    assert len(pages) == 1 and pages[0].read_bytes().startswith(b"\x89PNG")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(pdf, ARTIFACTS / pdf.name)
    shutil.copyfile(pages[0], ARTIFACTS / pages[0].name)


@pytest.mark.django_db
def test_the_command_zips_every_red_units_notice(world: World, tmp_path: Path) -> None:
    target = tmp_path / "notices.zip"
    code, _out, err = call(
        "notice", str(world.ledger.pk), "--red-units", "--as-of", "2021-11-05", "-o", str(target)
    )
    assert code == 0 and err.strip() == f"已生成 {target}"
    with zipfile.ZipFile(target) as archive:
        assert [name.split("-")[1] for name in archive.namelist()] == ["住建局", "教体局", "水利局"]


@pytest.mark.django_db
def test_the_command_says_when_no_unit_is_red(world: World, tmp_path: Path) -> None:
    Task.objects.filter(pk=world.task(8).pk).update(status=Status.IN_PROGRESS)
    target = tmp_path / "notices.zip"
    args = ["notice", str(world.ledger.pk), "--red-units", "--as-of", "2021-06-01"]
    code, _out, err = call(*args, "-o", str(target))
    assert code == 1 and err.strip() == "错误：截至2021年6月1日没有亮红灯的责任单位，无需督办。"
    code, _out, err = call(*args, "--format", "pdf", "-o", str(target))
    assert code == 1 and "--red-units 只生成 Word" in err and not target.exists()


def test_the_command_takes_a_unit_or_the_red_units() -> None:
    with pytest.raises(CommandError, match="--unit"):
        call_command("notice", "1")


# --- what each unit answers for, as the dashboard counts it ------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("split", [False, True])
@pytest.mark.parametrize("open_round", [False, True])
@pytest.mark.parametrize("day", [DAY, datetime.date(2021, 11, 10), LATER])
def test_each_units_notice_counts_what_its_dashboard_row_counts(
    world: World, split: bool, open_round: bool, day: datetime.date
) -> None:
    if split:
        split_task_3(world, inheriting=True)
    if open_round:  # a task of 水利局 reported, the others lit yellow for want of a report
        due = datetime.date(2021, 11, 25)
        reporting.round_open(ledger=world.ledger, name="11月", due_date=due, actor=world.office)
        reporting.report_submit(
            task=world.task(9),
            unit=Unit.objects.get(name="水利局"),
            actor=world.water,
            progress="已完成治理20公里。",
            status="in_progress",
        )
    data = dashboard_data(world.ledger, access.visible_tasks(world.office), day)
    for group in data["units"]:
        unit = Unit.objects.get(pk=group["id"])
        lights = [task.light for task in notice_sheet(world.ledger, unit, day).tasks]
        assert (lights.count("红灯"), lights.count("黄灯")) == (group["red"], group["yellow"])


@pytest.mark.django_db
def test_a_unit_serving_a_sub_item_is_sent_the_sub_item(world: World) -> None:
    split_task_3(world)  # 3-1 水利局, due 2021-06-30; 3-2 住建局, due 2021-12-31
    water = notice_sheet(world.ledger, Unit.objects.get(name="水利局"), DAY)
    assert [task.number for task in water.tasks] == ["3-1", "9"]
    assert water.tasks[0].reasons == "完成时限为2021年6月30日，目前已逾期128天，尚未完成。"
    housing = notice_sheet(world.ledger, Unit.objects.get(name="住建局"), DAY)
    assert "3-1" not in [task.number for task in housing.tasks]


@pytest.mark.django_db
def test_the_command_writes_a_pdf_through_libreoffice(world: World, tmp_path: Path) -> None:
    require_tool("soffice", "libreoffice-writer-nogui")
    target = tmp_path / "notice.pdf"
    code, _out, err = call(
        "notice", str(world.ledger.pk), "--unit", "住建局", "--as-of", "2021-11-05",
        "--format", "pdf", "-o", str(target),
    )  # fmt: skip
    assert code == 0, err
    assert target.read_bytes().startswith(b"%PDF")
