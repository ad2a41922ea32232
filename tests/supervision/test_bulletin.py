"""The bulletin (督查通报) of the seed ledger as of 2021-11-05: its title and sections as an
office would issue them, the reporting section with an open round, the drafts' edit and
issue with their audit rows, and the `taizhang bulletin` command."""

from __future__ import annotations

import argparse
import datetime
import io
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import docx
import pytest
from django.utils import timezone

from taizhang.ledger.models import AuditEvent
from taizhang.reporting import services as reporting
from taizhang.supervision import services
from taizhang.supervision.bulletin import (
    BulletinDetails,
    BulletinText,
    bulletin_data,
    bulletin_details,
    bulletin_docx,
    bulletin_frame,
    bulletin_reason,
    bulletin_subject,
    compose_bulletin,
    short_goal,
    task_reasons,
)
from taizhang.supervision.lights import Reason, ReasonKind
from taizhang.supervision.models import Bulletin
from taizhang.supervision.selectors import issue_number_used, next_issue_number
from tests.factories import World
from tests.ledger.test_commands import call

AS_OF = datetime.date(2021, 11, 5)
TITLE = "关于2021年济源十件重点民生实事推进情况的督查通报"
OPENING = (
    "为推动2021年济源十件重点民生实事落地见效，市政府督查室对各项任务推进情况进行了督查。"
    "截至2021年11月5日，16项任务中，已完成4项，正在推进11项，推进缓慢1项。"
    "现将有关情况通报如下。"
)
HEADINGS = [
    "一、总体情况",
    "二、已完成的任务",
    "三、需要关注的任务",
    "四、报送情况",
    "五、下步工作要求",
]


def paragraphs(text: BulletinText) -> list[str]:
    return [line for line in text.body.split("\n") if line.strip()]


def section(text: BulletinText, heading: str) -> list[str]:
    """The paragraphs under a heading, up to the next heading (or the closing)."""
    lines = paragraphs(text)
    start = lines.index(heading) + 1
    following = [lines.index(h) for h in HEADINGS if lines.index(h) > start - 1]
    end = min((i for i in following if i >= start), default=len(lines) - 2)
    return lines[start:end]


@pytest.fixture
def seed(world: World) -> BulletinText:
    return compose_bulletin(bulletin_data(world.ledger, AS_OF))


# --- the seed ledger's bulletin --------------------------------------------------------------


@pytest.mark.django_db
def test_the_title_names_the_ledger_without_its_taizhang_suffix(seed: BulletinText) -> None:
    assert seed.title == TITLE


@pytest.mark.django_db
def test_the_bulletin_opens_with_the_addressee_and_the_totals(seed: BulletinText) -> None:
    lines = paragraphs(seed)
    assert lines[0] == "各责任单位："
    assert lines[1] == OPENING
    assert [line for line in lines if line in HEADINGS] == HEADINGS


@pytest.mark.django_db
def test_paragraphs_are_separated_by_blank_lines_and_it_closes_with_issuer_and_date(
    seed: BulletinText,
) -> None:
    assert seed.body.startswith("各责任单位：\n\n为推动")
    assert seed.body.endswith("\n\n市政府督查室\n2021年11月5日")


@pytest.mark.django_db
def test_the_overview_gives_shares_lights_and_the_units_with_red_lights(
    seed: BulletinText,
) -> None:
    (overview,) = section(seed, "一、总体情况")
    assert "共16项任务" in overview
    assert "已完成4项，占25.0%；正在推进11项，占68.8%；推进缓慢1项，占6.3%" in overview
    assert "未完成的12项任务中，亮红灯2项、亮绿灯10项，无亮黄灯任务" in overview
    # Units without a count each: one task of three units would count three times.
    assert "红灯任务涉及3个责任单位：住建局、教体局、水利局。" in overview


@pytest.mark.django_db
def test_the_completed_section_names_tasks_4_5_10_and_12_with_their_units(
    seed: BulletinText,
) -> None:
    lines = section(seed, "二、已完成的任务")
    assert lines[0] == "截至2021年11月5日，以下4项任务已完成："
    assert lines[1:] == [
        "1.第4项“深入推进‘汽改水’”（责任单位：住建局）。",
        "2.第5项“优化城乡教育资源布局”（责任单位：教体局）。",
        "3.第10项“积极推进农村生活垃圾分类、减量、资源化利用”（责任单位：住建局、农业农村局）。",
        "4.第12项“实施旅游惠民活动”（责任单位：文广旅局）。",
    ]


@pytest.mark.django_db
def test_the_attention_section_names_tasks_8_and_9_with_leaders_units_and_reasons(
    seed: BulletinText,
) -> None:
    lines = section(seed, "三、需要关注的任务")
    assert lines == [
        "（一）亮红灯的任务（2项）",
        "1.第8项“改造老旧小区47个”（牵头领导：李拴根；责任单位：住建局）。"
        "该项任务推进缓慢，完成时限为2021年12月31日，距完成时限还有56天。",
        "2.第9项“开展蟒河西一环向东至济源界、龙河、盘溪河、湨河等30公里水系治理”"
        "（牵头领导：张宏义、李拴根、侯波；责任单位：住建局、水利局、教体局）。"
        "该项任务完成时限为2021年10月31日，目前已逾期5天，尚未完成。",
    ]


@pytest.mark.django_db
def test_without_a_round_the_reporting_section_says_none_was_held(seed: BulletinText) -> None:
    assert section(seed, "四、报送情况") == [
        "本期未组织进展报送，以上情况依据台账所载进展情况汇总。"
    ]


@pytest.mark.django_db
def test_the_requirements_name_the_red_tasks_and_the_issuer(seed: BulletinText) -> None:
    lines = section(seed, "五、下步工作要求")
    assert [line[:3] for line in lines] == ["（一）", "（二）", "（三）"]
    assert lines[0].startswith("（一）压实工作责任。各牵头领导和责任单位要")
    assert "对亮红灯的任务" in lines[1] and "报市政府督查室" in lines[1]
    assert "黄灯" not in lines[1]  # the seed has none


@pytest.mark.django_db
def test_with_an_open_round_and_no_reports_the_units_are_listed(world: World) -> None:
    reporting.round_open(
        ledger=world.ledger,
        name="2021年11月",
        due_date=datetime.date(2021, 11, 10),
        actor=world.office,
    )
    text = compose_bulletin(bulletin_data(world.ledger, AS_OF))
    (reported,) = section(text, "四、报送情况")
    assert reported.startswith(
        "截至2021年11月5日，“2021年11月”报送轮次中，有8个责任单位尚有任务未报送进展情况："
        "住建局（5项）、教体局（5项）、卫健委（3项）、农业农村局（2项）、民政局（2项）、"
        "水利局（2项）、交投集团（1项）、文广旅局（1项）。"
    )
    assert reported.endswith("请上述单位于2021年11月10日前报送。")
    # Tasks whose only reason is the missing report are counted, not listed: the reporting
    # section names their units.
    attention = section(text, "三、需要关注的任务")
    data = bulletin_data(world.ledger, AS_OF)
    yellow = data["lights"]["yellow"]
    assert attention[0] == "（一）亮红灯的任务（2项）"
    assert attention[3] == f"（二）亮黄灯的任务（{yellow}项）"
    assert attention[4] == (
        f"以上{yellow}项任务均因尚未报送进展情况而亮黄灯，未逐项列出，"
        "未报送的单位见“四、报送情况”。"
    )
    assert len(attention) == 5


@pytest.mark.django_db
def test_a_unit_that_reported_all_its_tasks_is_not_listed(world: World) -> None:
    reporting.round_open(
        ledger=world.ledger, name="11月", due_date=datetime.date(2021, 11, 1), actor=world.office
    )
    for number in (3, 9):
        task = world.task(number)
        reporting.report_submit(
            task=task,
            unit=task.units.get(name="水利局"),
            actor=world.water,
            progress="按计划推进。",
            status="in_progress",
        )
    (reported,) = section(compose_bulletin(bulletin_data(world.ledger, AS_OF)), "四、报送情况")
    assert "水利局" not in reported and "住建局" in reported
    assert reported.endswith("报送截止日期（2021年11月1日）已过，请上述单位立即补报。")


@pytest.mark.django_db
def test_the_issuer_can_be_named(world: World) -> None:
    text = compose_bulletin(bulletin_data(world.ledger, AS_OF), issuer="济源示范区督查局")
    assert "济源示范区督查局对各项任务推进情况进行了督查" in text.body
    assert text.body.endswith("济源示范区督查局\n2021年11月5日")


@pytest.mark.django_db
def test_bulletin_data_takes_the_same_queries_for_more_tasks(
    world: World, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(20):
        data = bulletin_data(world.ledger, AS_OF)
    assert [t["number"] for t in data["completed"]] == [4, 5, 10, 12]


# --- the words, without the database ---------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "subject"),
    [
        ("2021年济源十件重点民生实事工作台账", "2021年济源十件重点民生实事"),
        ("2022年重点工作督查督办台账", "2022年重点工作"),
        ("2022年民生实事台账", "2022年民生实事"),
        ("重点项目推进台账", "2023年重点项目"),
        ("台账", "2023年台账"),
    ],
)
def test_the_subject_drops_the_ledger_suffix(title: str, subject: str) -> None:
    assert bulletin_subject(title, 2023 if "年" not in title else None) == subject


@pytest.mark.parametrize(
    ("goal", "short"),
    [
        ("在科学规划的基础上，改造老旧小区47个，惠及群众5000户2万余人。", "改造老旧小区47个"),
        ("新建和改建教师周转宿舍512套。", "新建和改建教师周转宿舍512套"),
        ("按照省委部署要求，完成山区五镇垃圾转运站建设", "完成山区五镇垃圾转运站建设"),
        ("甲" * 40, "甲" * 31 + "……"),
        ("", ""),
    ],
)
def test_a_short_goal_is_the_first_clause_that_says_what(goal: str, short: str) -> None:
    assert short_goal(goal) == short


def brief(
    reasons: list[Reason], deadline: str | None = "2021-11-20", colour: str = "yellow"
) -> Any:
    return {
        "number": 7,
        "goal": "建设智慧养老平台。",
        "leaders": ["谭江"],
        "units": ["民政局"],
        "deadline": deadline,
        "light": {"colour": colour, "reason_details": [reason.as_dict() for reason in reasons]},
    }


D = datetime.date
DUE_SOON = Reason(ReasonKind.DUE_SOON, deadline=D(2021, 11, 20), days=15)
BEHIND = Reason(ReasonKind.BEHIND_PACE, elapsed=Decimal("96.0"), reached=Decimal("50.0"))
NOT_STARTED, NOT_REPORTED = Reason(ReasonKind.NOT_STARTED), Reason(ReasonKind.NOT_REPORTED)


def test_yellow_reasons_read_as_a_bulletin_writes_them() -> None:
    reasons = task_reasons(brief([DUE_SOON, BEHIND]), AS_OF)
    assert reasons == [
        "完成时限为2021年11月20日，距完成时限仅剩15天，尚未完成",
        "落后于序时进度（时间已过96.0%，目标仅完成50.0%）",
    ]
    today = Reason(ReasonKind.DUE_SOON, deadline=AS_OF, days=0)
    assert task_reasons(brief([today]), AS_OF) == ["完成时限为2021年11月5日，今日到期，尚未完成"]


def test_a_missing_report_is_worded_with_the_other_reasons() -> None:
    assert task_reasons(brief([NOT_STARTED, NOT_REPORTED]), AS_OF) == [
        "尚未启动",
        "尚未报送进展情况",
    ]


def test_every_reason_kind_has_its_words_in_the_bulletin() -> None:
    examples = {
        ReasonKind.OVERDUE: Reason(ReasonKind.OVERDUE, deadline=D(2021, 10, 31), days=5),
        ReasonKind.DUE_SOON: DUE_SOON,
        ReasonKind.BEHIND_PACE: BEHIND,
    }
    for kind in ReasonKind:
        reason = examples.get(kind, Reason(kind))
        words = bulletin_reason(reason, None, AS_OF)
        assert words and "None" not in words, kind
        assert bulletin_reason(replace(reason, subitem="3-1"), None, AS_OF) == f"子项3-1{words}"


def test_tasks_lit_only_for_a_missing_report_are_counted_and_said_to_be_left_out() -> None:
    listed = brief([DUE_SOON])
    left = [brief([NOT_REPORTED]) | {"number": n} for n in (2, 3)]
    data = dashboard(
        round_open=True,
        yellow=[left[0], listed, left[1]],
        lights={"red": 0, "yellow": 3, "green": 0, "completed": 0},
    )
    lines = section(compose_bulletin(data), "三、需要关注的任务")
    assert lines[:2] == [
        "（一）亮黄灯的任务（3项）",
        "其中2项任务因尚未报送进展情况而亮黄灯，未逐项列出，未报送的单位见“四、报送情况”；"
        "其余1项如下：",
    ]
    assert lines[2].startswith("1.第7项") and len(lines) == 3
    alone = compose_bulletin(data | {"yellow": left})
    assert section(alone, "三、需要关注的任务")[1].startswith("以上2项任务均因尚未报送")


def dashboard(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "ledger": {"id": 1, "title": "2022年重点工作台账", "year": 2022},
        "as_of": "2022-06-30",
        "round_open": False,
        "totals": {
            "tasks": 3,
            "completed": 0,
            "in_progress": 2,
            "lagging": 0,
            "not_started": 1,
            "none": 0,
        },
        "lights": {"red": 0, "yellow": 1, "green": 2, "completed": 0},
        "units": [],
        "red": [],
        "yellow": [brief([NOT_STARTED], deadline=None)],
    }
    return data | changes


def test_a_ledger_without_red_lights_or_completed_tasks_still_reads_well() -> None:
    text = compose_bulletin(dashboard())
    assert text.title == "关于2022年重点工作推进情况的督查通报"
    lines = paragraphs(text)
    assert "已完成0项，正在推进2项，推进缓慢0项，未启动1项。" in lines[1]
    assert "截至2022年6月30日，尚无已完成的任务。" in lines
    assert "（一）亮黄灯的任务（1项）" in lines
    assert (
        "1.第7项“建设智慧养老平台”（牵头领导：谭江；责任单位：民政局）。该项任务尚未启动。" in lines
    )
    requirement = next(line for line in lines if line.startswith("（二）"))
    assert "对亮黄灯的任务" in requirement and "红灯" not in requirement


def test_red_and_yellow_tasks_get_a_subheading_each() -> None:
    overdue = Reason(ReasonKind.OVERDUE, deadline=D(2022, 6, 1), days=29)
    red = brief([overdue], deadline="2022-06-01")
    text = compose_bulletin(
        dashboard(red=[red], lights={"red": 1, "yellow": 1, "green": 1, "completed": 0})
    )
    lines = section(text, "三、需要关注的任务")
    assert [line for line in lines if line.startswith("（")] == [
        "（一）亮红灯的任务（1项）",
        "（二）亮黄灯的任务（1项）",
    ]
    assert "完成时限为2022年6月1日，目前已逾期29天，尚未完成" in lines[1]
    requirement = next(line for line in paragraphs(text) if line.startswith("（二）加快"))
    assert "对亮红灯的任务" in requirement and "对亮黄灯的任务" in requirement


def test_plain_dashboard_figures_give_the_completed_count_and_unmarked_tasks() -> None:
    totals = {"tasks": 4, "completed": 2, "in_progress": 1, "lagging": 0, "not_started": 0}
    text = compose_bulletin(dashboard(totals={**totals, "none": 1}))
    assert "截至2022年6月30日，已完成2项任务。" in paragraphs(text)
    assert "未标注进展状态1项，占25.0%" in text.body


def test_a_ledger_with_everything_on_track_says_so() -> None:
    text = compose_bulletin(
        dashboard(yellow=[], lights={"red": 0, "yellow": 0, "green": 3, "completed": 0})
    )
    assert "目前各项未完成任务均按序时推进，暂无亮红灯、黄灯的任务。" in paragraphs(text)
    assert "无亮红灯、亮黄灯任务" in text.body


def test_with_a_round_open_and_everyone_reported() -> None:
    data = dashboard(
        round_open=True,
        round={"name": "6月", "due_date": "2022-06-25"},
        units=[{"name": "民政局", "not_reported": 0, "red": 0}],
    )
    assert "截至2022年6月30日，“6月”报送轮次中各责任单位均已报送进展情况。" in compose_bulletin(
        data
    ).body.split("\n")


# --- drafts: create, edit, issue -------------------------------------------------------------


@pytest.mark.django_db
def test_a_draft_is_stored_with_an_audit_row(world: World) -> None:
    bulletin = services.bulletin_create(ledger=world.ledger, as_of=AS_OF, actor=world.office)
    assert (bulletin.title, bulletin.as_of, bulletin.issued_at) == (TITLE, AS_OF, None)
    assert OPENING in bulletin.body and bulletin.created_by == world.office
    event = AuditEvent.objects.get(action="bulletin.create")
    assert event.data == {"bulletin": bulletin.pk, "as_of": "2021-11-05"}
    assert event.actor == world.office and event.ledger == world.ledger


@pytest.mark.django_db
def test_an_edited_draft_is_issued_then_read_only(world: World) -> None:
    bulletin = services.bulletin_create(ledger=world.ledger, as_of=AS_OF, actor=world.office)
    services.bulletin_update(
        bulletin=bulletin, title=" 新标题 ", body="正文。\n", actor=world.office
    )
    bulletin.refresh_from_db()
    assert (bulletin.title, bulletin.body) == ("新标题", "正文。")
    services.bulletin_issue(bulletin=bulletin, actor=world.office)
    bulletin.refresh_from_db()
    assert bulletin.issued_at is not None
    with pytest.raises(services.BulletinError, match=r"已于 .* 印发，不能再修改"):
        services.bulletin_update(bulletin=bulletin, title="改", body="改。", actor=world.office)
    with pytest.raises(services.BulletinError):
        services.bulletin_issue(bulletin=bulletin, actor=world.office)
    bulletin.refresh_from_db()
    assert bulletin.title == "新标题"
    actions = list(AuditEvent.objects.order_by("id").values_list("action", flat=True))
    assert actions[-3:] == ["bulletin.create", "bulletin.update", "bulletin.issue"]
    update = AuditEvent.objects.get(action="bulletin.update")
    assert update.data == {"bulletin": bulletin.pk, "changed": ["title", "body"]}


@pytest.mark.django_db
def test_an_empty_title_or_body_is_refused(world: World) -> None:
    bulletin = services.bulletin_create(ledger=world.ledger, as_of=AS_OF, actor=world.office)
    for title, body in (("", "正文"), ("标题", "  \n")):
        with pytest.raises(services.BulletinError, match="不能为空"):
            services.bulletin_update(bulletin=bulletin, title=title, body=body, actor=None)
    assert Bulletin.objects.get().title == TITLE


# --- the command -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_command_writes_the_text(world: World, tmp_path: Path) -> None:
    out = tmp_path / "通报.txt"
    code, _, err = call(
        "bulletin", str(world.ledger.pk), "--as-of", "2021-11-05", "--format", "txt", "-o", str(out)
    )
    assert code == 0, err
    text = out.read_text(encoding="utf-8")
    assert text.startswith(f"{TITLE}\n\n各责任单位：\n\n{OPENING}\n")
    assert text.endswith("市政府督查室\n2021年11月5日\n")
    assert Bulletin.objects.count() == 0  # composed, not stored


@pytest.mark.django_db
def test_the_command_writes_the_word_document(world: World, tmp_path: Path) -> None:
    out = tmp_path / "通报.docx"
    code, _, err = call(
        "bulletin",
        str(world.ledger.pk),
        "--as-of",
        "2021-11-05",
        "--format",
        "docx",
        "--issuer",
        "济源示范区督查局",
        "-o",
        str(out),
    )
    assert code == 0, err
    texts = [p.text for p in docx.Document(str(out)).paragraphs if p.text]
    # The masthead (the first issue of this ledger: 第1期), then the title.
    assert texts[:3] == ["督查通报", "第1期", "济源示范区督查局\t2021年11月5日"]
    assert texts[3] == "关于2021年济源十件重点民生实事\n推进情况的督查通报"
    assert texts[4:6] == ["各责任单位：", OPENING.replace("市政府督查室", "济源示范区督查局")]
    assert texts[-2:] == ["济源示范区督查局", "2021年11月5日"]


@pytest.mark.django_db
def test_the_command_takes_the_issue_number_doc_number_cc_and_plain_form(
    world: World, tmp_path: Path
) -> None:
    out = tmp_path / "b.docx"
    args = ["bulletin", str(world.ledger.pk), "--as-of", "2021-11-05", "--format", "docx"]
    code, _out, err = call(
        *args,
        "--issue-number",
        "9",
        "--doc-number",
        "济督〔2021〕9号",
        "--cc",
        "市委办公室、市政协办公室",
        "--printed-on",
        "2021-11-06",
        "-o",
        str(out),
    )
    assert code == 0, err
    document = docx.Document(str(out))
    texts = [p.text for p in document.paragraphs if p.text]
    assert texts[:4] == ["督查通报", "第9期", "济督〔2021〕9号", "市政府督查室\t2021年11月5日"]
    xml = document.element.xml
    assert "抄送：市委办公室，市政协办公室。" in xml and "2021年11月6日印发" in xml
    code, _out, err = call(
        *args, "--form", "plain", "--doc-number", "济督〔2021〕9号", "-o", str(out)
    )
    assert code == 0, err
    texts = [p.text for p in docx.Document(str(out)).paragraphs if p.text]
    assert texts[0] == "济督〔2021〕9号" and texts[1].startswith("关于2021年")


@pytest.mark.parametrize("number", ["0", "x", "10000"])
def test_a_bad_issue_number_is_refused_by_the_parser(number: str) -> None:
    from taizhang.supervision.management.commands.bulletin import _positive

    with pytest.raises(argparse.ArgumentTypeError, match="期号"):
        _positive(number)


@pytest.mark.django_db
def test_the_issue_number_proposed_is_one_more_than_the_last_issued(world: World) -> None:
    assert next_issue_number(world.ledger) == 1
    first = services.bulletin_create(
        ledger=world.ledger,
        as_of=AS_OF,
        actor=world.office,
        details=BulletinDetails(issue_number=4),
    )
    assert next_issue_number(world.ledger) == 1  # a draft does not count
    services.bulletin_issue(bulletin=first, actor=world.office)
    assert next_issue_number(world.ledger) == 5
    services.bulletin_create(
        ledger=world.ledger,
        as_of=AS_OF,
        actor=world.office,
        details=BulletinDetails(issue_number=9),
    )
    assert next_issue_number(world.ledger) == 5


@pytest.mark.django_db
def test_the_details_are_stored_edited_and_printed(world: World) -> None:
    details = BulletinDetails(issue_number=3, doc_number="济督〔2021〕3号", cc="市委办公室")
    bulletin = services.bulletin_create(
        ledger=world.ledger, as_of=AS_OF, actor=world.office, issuer="", details=details
    )
    assert (bulletin.issuer, bulletin.printer, bulletin.form) == ("市政府督查室", "", "masthead")
    changed = BulletinDetails(
        form="plain",
        issue_number=3,
        doc_number="济督〔2021〕4号",
        issuer="市政府督查室",
        printer="市政府办公室",
    )
    services.bulletin_update(
        bulletin=bulletin,
        title=bulletin.title,
        body=bulletin.body,
        actor=world.office,
        details=changed,
    )
    bulletin.refresh_from_db()
    assert bulletin_details(bulletin) == changed
    event = AuditEvent.objects.filter(action="bulletin.update").latest("pk")
    assert set(event.data["changed"]) == {"form", "doc_number", "cc", "printer"}
    issued = services.bulletin_issue(bulletin=bulletin, actor=world.office)
    document = docx.Document(io.BytesIO(bulletin_docx(issued)))
    assert document.paragraphs[0].text == "济督〔2021〕4号"  # the plain form
    day = timezone.localdate(issued.issued_at)
    assert f"{day.year}年{day.month}月{day.day}日印发" in document.element.xml  # the day issued
    assert "市政府办公室" in document.element.xml


@pytest.mark.django_db
def test_the_office_name_setting_is_the_default_issuer_and_printer(
    world: World, settings: Any
) -> None:
    settings.TAIZHANG_OFFICE_NAME = "济源示范区督查局"
    bulletin = services.bulletin_create(ledger=world.ledger, as_of=AS_OF, actor=world.office)
    assert bulletin.issuer == "济源示范区督查局"
    assert bulletin.body.endswith("济源示范区督查局\n2021年11月5日")
    masthead, colophon = bulletin_frame(bulletin_details(bulletin), AS_OF)
    assert masthead.issuer == colophon.printer == "济源示范区督查局"


@pytest.mark.django_db
def test_the_command_prints_the_text_without_a_file(world: World, capsysbinary: Any) -> None:
    assert call("bulletin", str(world.ledger.pk), "--as-of", "2021-11-05")[0] == 0
    assert capsysbinary.readouterr().out.decode().startswith(TITLE + "\n\n各责任单位：")


@pytest.mark.django_db
def test_an_unknown_ledger_gives_one_line_and_exit_1(world: World) -> None:
    code, out, err = call("bulletin", "999", "--format", "docx", "-o", "/nonexistent/x.docx")
    assert code == 1 and out == ""
    assert err.strip() == "错误：没有编号为 999 的台账（用 taizhang ledgers 查看）"
    assert "\n" not in err.strip()


@pytest.mark.django_db
def test_an_unreadable_template_gives_one_line(world: World, tmp_path: Path) -> None:
    bad = tmp_path / "bad.docx"
    bad.write_bytes(b"not a zip")
    code, _, err = call(
        "bulletin", str(world.ledger.pk), "--format", "docx", "--template", str(bad)
    )
    assert (
        code == 1
        and err.startswith(f"错误：{bad}：模板不是有效的 Word")
        and "\n" not in err.strip()
    )


def test_a_malformed_date_is_refused_by_the_parser() -> None:
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="日期应写成 YYYY-MM-DD"):
        call_command("bulletin", "1", "--as-of", "5/11/2021", stdout=io.StringIO())


@pytest.mark.django_db
def test_the_command_warns_of_a_number_already_issued(world: World, tmp_path: Path) -> None:
    issued = services.bulletin_create(
        ledger=world.ledger,
        as_of=AS_OF,
        actor=world.office,
        details=BulletinDetails(issue_number=2),
    )
    services.bulletin_issue(bulletin=issued, actor=world.office)
    out = tmp_path / "b.docx"
    args = ["bulletin", str(world.ledger.pk), "--as-of", "2021-11-05", "--format", "docx"]
    code, _out, err = call(*args, "--issue-number", "2", "-o", str(out))
    assert code == 0 and out.exists()
    assert "第2期" in err and issued.title in err
    code, _out, err = call(*args, "--issue-number", "3", "-o", str(out))
    assert code == 0 and "第3期" not in err
    assert issue_number_used(world.ledger, 2) == issued
    assert issue_number_used(world.ledger, 2, exclude=issued.pk) is None
    assert issue_number_used(world.ledger, 3) is None
