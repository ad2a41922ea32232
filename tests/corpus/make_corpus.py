"""Make the corpus of office-made ledgers and their expected parses.

    .venv/bin/python -m tests.corpus.make_corpus [--out DIR]

Writes `<out>/<format>/<name>.<ext>` (docx, xlsx, csv, txt) with `<name>.expected.json` beside
it (`ledger_to_dict` of the ground truth, never of a reading of the file) and
`<out>/manifest.json` (each ledger's file, format and layout features). Deterministic: every
ledger has its own seed, and zip files get fixed timestamps. `--out` defaults to this folder.
"""

from __future__ import annotations

import argparse
import datetime
import json
import random
from pathlib import Path
from typing import Any

from taizhang.documents.json_format import ledger_to_dict
from tests.corpus import content
from tests.corpus.build import Build, Col, Ledger
from tests.corpus.content import Deadline
from tests.corpus.render import render

HERE = Path(__file__).resolve().parent
FORMATS = ("docx", "xlsx", "csv", "txt")

CATEGORIES = {
    "minsheng": (
        "提升医疗服务保障能力",
        "提高城乡供水保障能力",
        "办好人民满意教育",
        "完善养老服务体系",
        "改善群众居住条件",
    ),
    "project": ("交通基础设施", "城市功能提升", "产业发展项目", "生态环保项目", "社会民生项目"),
    "report": ("稳增长促发展", "深化改革开放", "推进乡村振兴", "加强生态保护", "保障改善民生"),
    "rural": ("产业振兴", "人居环境整治", "基础设施提升", "巩固脱贫成果", "乡村治理"),
}
TITLES = {
    "minsheng": (
        "{y}年{p}十件重点民生实事工作台账",
        "{p}{y}年民生实事项目推进情况表",
        "{y}年度{p}为民办实事工作台账",
    ),
    "project": ("{p}{y}年重点项目建设推进台账", "{y}年{p}市级重点项目推进情况表"),
    "report": (
        "{y}年{p}政府工作报告重点任务督查台账",
        "{p}{y}年重点工作任务分解落实台账",
        "{y}年{p}县委县政府督查督办事项台账",
    ),
    "rural": ("{p}{y}年乡村振兴重点任务推进台账",),
}


def C(key: str, title: str, **more: Any) -> Col:
    return Col(key, title, **more)


def preset(name: str, months: int = 0) -> list[Col]:
    """The columns of a layout, titles as offices type them."""
    base = {
        "official": [
            C("number", "序号"),
            C("goal", "工作目标\n任务"),
            C("leaders", "牵头领导"),
            C("units", "责任单位"),
            C("deadline", "完成时限"),
            C("progress", "进展情况"),
            C("remarks", "备  注"),
        ],
        "status": [
            C("number", "序号"),
            C("goal", "重点任务"),
            C("leaders", "责任领导"),
            C("units", "责任单位"),
            C("deadline", "完成时限"),
            C("progress", "进展情况"),
            C("status", "完成状态"),
            C("remarks", "备注"),
        ],
        "lead_co": [
            C("number", "序号"),
            C("goal", "重点工作"),
            C("leaders", "牵头领导"),
            C("units", "牵头单位"),
            C("co_units", "配合单位"),
            C("deadline", "时间安排"),
            C("progress", "落实情况"),
            C("remarks", "备注"),
        ],
        "host": [
            C("number", "序号"),
            C("goal", "主要任务"),
            C("leaders", "分管领导"),
            C("units", "主办单位"),
            C("co_units", "协办单位"),
            C("deadline", "完成时间"),
            C("progress", "推进情况"),
            C("status", "当前状态"),
        ],
        "project": [
            C("number", "序号"),
            C("goal", "项目名称"),
            C("extra", "建设内容"),
            C("extra", "总投资\n（万元）", numeric=True),
            C("leaders", "包抓领导"),
            C("units", "责任单位"),
            C("deadline", "计划完成时间"),
            C("progress", "工作进展"),
            C("status", "项目状态"),
        ],
        "time2": [
            C("number", "序号"),
            C("goal", "项目名称"),
            C("leaders", "责任领导"),
            C("units", "责任单位"),
            C("start", "开工时间", top="时间节点"),
            C("deadline", "完工时间", top="时间节点"),
            C("progress", "进展情况"),
            C("status", "项目状态"),
        ],
        "progress2": [
            C("number", "序号"),
            C("goal", "工作任务"),
            C("leaders", "牵头领导"),
            C("units", "责任单位"),
            C("deadline", "完成时限"),
            C("progress_month", "本月进展", top="进展情况"),
            C("progress", "累计进展", top="进展情况"),
            C("remarks", "备注"),
        ],
        "both2": [
            C("number", "序号"),
            C("goal", "项目名称"),
            C("leaders", "县级领导"),
            C("units", "责任单位"),
            C("start", "开工时间", top="时间节点"),
            C("deadline", "完工时间", top="时间节点"),
            C("progress_month", "本月进展", top="进展情况"),
            C("progress", "累计进展", top="进展情况"),
            C("status", "项目状态"),
        ],
        "monthly": [
            C("number", "序号"),
            C("goal", "重点任务"),
            C("leaders", "责任领导"),
            C("units", "责任单位"),
            C("deadline", "完成时限"),
        ],
        "monthly_progress": [
            C("number", "序号"),
            C("goal", "工作内容"),
            C("leaders", "牵头领导"),
            C("units", "责任单位"),
            C("deadline", "完成时限"),
            C("progress", "进展情况"),
        ],
        "contact": [
            C("number", "序号"),
            C("goal", "具体任务"),
            C("leaders", "牵头领导"),
            C("units", "责任单位"),
            C("contact", "责任人"),
            C("contact", "联系电话"),
            C("deadline", "计划完成时间"),
            C("progress", "工作进展"),
            C("status", "完成状态"),
        ],
        "annual": [
            C("number", "序号"),
            C("goal", "年度目标"),
            C("leaders", "责任领导"),
            C("units", "责任部门"),
            C("deadline", "时间要求"),
            C("progress", "进展及成效"),
            C("remarks", "备注"),
        ],
        "task_name": [
            C("number", "序号"),
            C("goal", "任务名称"),
            C("leaders", "分管领导"),
            C("units", "实施单位"),
            C("deadline", "完成时限"),
            C("progress", "目前进展"),
            C("status", "推进状态"),
        ],
        "work": [
            C("number", "序号"),
            C("goal", "工作内容"),
            C("leaders", "联系领导"),
            C("units", "责任单位"),
            C("deadline", "完成期限"),
            C("progress", "进展情况"),
            C("remarks", "备注"),
        ],
        "build": [
            C("number", "序号"),
            C("goal", "建设内容"),
            C("leaders", "县级领导"),
            C("units", "责任单位"),
            C("deadline", "时间节点"),
            C("progress", "推进情况"),
            C("status", "项目状态"),
        ],
        "target": [
            C("number", "序号"),
            C("goal", "目标任务"),
            C("leaders", "牵头领导"),
            C("units", "牵头单位"),
            C("co_units", "配合单位"),
            C("deadline", "完成时限"),
            C("progress", "进展情况"),
            C("remarks", "备注"),
        ],
        "hidden_prev": [
            C("number", "序号"),
            C("goal", "工作目标任务"),
            C("leaders", "牵头领导"),
            C("units", "责任单位"),
            C("deadline", "完成时限"),
            C("hidden", "上月进展情况"),
            C("progress", "进展情况"),
            C("remarks", "备注"),
        ],
        "shishi": [
            C("number", "序号"),
            C("goal", "实事名称"),
            C("leaders", "市级领导"),
            C("units", "责任单位"),
            C("contact", "具体责任人"),
            C("deadline", "完成时限"),
            C("progress", "进展情况"),
            C("extra", "完成率"),
            C("status", "完成状态"),
        ],
    }[name]
    if name.startswith("monthly"):
        at = len(base)
        months_cols = [C("month", f"{m}月", month=m) for m in range(1, months + 1)]
        base = base[:at] + months_cols if name == "monthly_progress" else base + months_cols
        base.append(C("remarks", "备注"))
    return base


def make(
    name: str,
    fmt: str,
    features: list[str],
    *,
    seed: int,
    theme: str = "minsheng",
    cols: str = "official",
    months: int = 0,
    year: int = 2022,
    as_of: tuple[int, int] | None = None,
    as_of_line: bool = True,
    attachment: bool = True,
    filler: bool = False,
    categories: int = 3,
    per_category: tuple[int, int] = (2, 4),
    status: str = "remarks",
    symbols: dict[str, str] | None = None,
    legend: str = "",
    legend_at: str = "inside",
    subs: dict[int, tuple[int, str, tuple[bool, ...]]] | None = None,
    odd: dict[Any, list[tuple[str, str]]] | None = None,
    duplicate_at: tuple[int, ...] = (),
    hidden_at: tuple[int, ...] = (),
    deadlines: tuple[Deadline, ...] = (),
    after: tuple[str, ...] = (),
    options: dict[str, Any] | None = None,
    second: Ledger | None = None,
    hidden_col: str = "",
    **flags: Any,
) -> Ledger:
    """One ledger: `categories` categories (0: none) of `per_category` tasks; `subs` gives
    sub-items to the k-th task (1-based over the ledger): (count, numbering style, which have
    their own leaders); `odd` puts odd rows "top" (above the first category), after the k-th
    task, or at the "end"; `duplicate_at` tasks repeat the number before them; `hidden_at`
    tasks have a hidden old copy before them (Excel); `deadlines` are cycled over the tasks;
    `hidden_col` is the title of a hidden column before the progress column (Excel)."""
    rng = random.Random(seed)  # noqa: S311 (seeded test data, no secrets)
    place = rng.choice(content.PLACES)
    title = rng.choice(TITLES[theme]).format(y=year, p=place)
    as_of_date = datetime.date(year, *as_of) if as_of else None
    preamble = ["附件"] if attachment else []
    if rng.random() < 0.3 and attachment:
        preamble = [f"附件{rng.randint(1, 3)}"]
    preamble.append(title)
    if as_of_date and as_of_line:
        preamble.append(f"（截至{year}年{as_of_date.month}月{as_of_date.day}日）")
    elif as_of_date:
        preamble[-1] = f"{title}（截至{year}年{as_of_date.month}月{as_of_date.day}日）"
    if filler:
        preamble.append(
            f"填报单位：{place}人民政府督查室        填报日期：{year}年{(as_of or (7, 5))[0]}月5日"
        )
    columns = preset(cols, months)
    if hidden_col:
        at = next(i for i, col in enumerate(columns) if col.key == "progress")
        columns.insert(at, Col("hidden", hidden_col))
    build = Build(
        name,
        fmt,
        features,
        seed=seed,
        theme=theme,
        year=year,
        cols=columns,
        title=title,
        preamble=preamble,
        as_of=as_of_date,
    )
    build.status_mode = status
    if symbols:
        build.symbols = dict(symbols)
    for key, value in flags.items():
        if not hasattr(build, key):
            raise AttributeError(key)
        setattr(build, key, value)
    subs, odd = subs or {}, odd or {}
    cycle = list(deadlines)
    for kind, text in odd.get("top", []):
        build.junk(kind, text)
    ordinal = 0
    names = CATEGORIES[theme]
    for c in range(max(categories, 1)):
        if categories:
            build.category(names[c])
        for _ in range(rng.randint(*per_category)):
            ordinal += 1
            deadline = cycle[(ordinal - 1) % len(cycle)] if cycle else None
            if ordinal in hidden_at:
                build.task(number=build.number + 1, deadline=deadline, hidden=True)
            number = build.number if ordinal in duplicate_at else None
            count, style, own = subs.get(ordinal, (0, "dash", ()))
            build.task(
                number=number, deadline=deadline, subs=count, sub_style=style, sub_own_leaders=own
            )
            for kind, text in odd.get(ordinal, []):
                build.junk(kind, text)
        for kind, text in odd.get(("category", c + 1), []):
            build.junk(kind, text)
    for kind, text in odd.get("end", []):
        build.junk(kind, text)
    ledger = build.finish()
    if legend and legend_at == "inside":
        build.junk("legend", legend)
    elif legend:
        ledger.after.append(legend)
    ledger.after.extend(after)
    for row in ledger.rows:
        row.cells = [cell.replace("{title}", title) for cell in row.cells]
    ledger.options.update(options or {})
    ledger.second = second
    return ledger


def other_ledger(seed: int, fmt: str, cols: str = "project", theme: str = "project") -> Ledger:
    """A second, different ledger table kept in the same file (not the one expected)."""
    return make(
        f"other{seed}",
        fmt,
        [],
        seed=seed,
        theme=theme,
        cols=cols,
        attachment=False,
        categories=0,
        per_category=(3, 4),
        status="phrases" if cols == "project" else "remarks",
    )


LEGEND = "注：√为已完成，○为正在推进，△为推进缓慢，×为未启动。"
LEGEND_STAR = "注：★为已完成，○为正在推进，△为推进缓慢。"
LEGEND_CROSS = "注：√表示已完成；○表示正在推进；×表示进度滞后。"
LIGHTS = "说明：绿灯为按序时推进，黄灯为慢于序时，红灯为严重滞后。"
NOTE = "说明：1.本表每月25日前报县委督查室；2.进展情况请写明截至月底的形象进度。"
FILL_NOTE = "填表说明：完成状态栏填写√、○、△、×。"
SIGN = "填表人：王  磊        审核人：陈晓东        联系电话：0391-6632158"
STAR = {"★": "completed", "○": "in_progress", "△": "lagging"}
CROSS = {"√": "completed", "○": "in_progress", "×": "lagging"}
CLAUSES = content.CLAUSE_DEADLINES
SPECIAL = (
    *content.CLAUSE_DEADLINES,
    *content.FLOOD_DEADLINES,
    *content.NEXT_YEAR_DEADLINES,
    *content.UNDATED_DEADLINES,
)
MIXED = (
    content.PLAIN_DEADLINES[0],
    content.CLAUSE_DEADLINES[0],
    content.FLOOD_DEADLINES[1],
    content.PLAIN_DEADLINES[3],
    content.NEXT_YEAR_DEADLINES[0],
    content.CLAUSE_DEADLINES[4],
)
COMPLETION = (
    Deadline("{y}年12月", (("{y}年12月", 12, None, 0),)),
    Deadline("{y}年10月", (("{y}年10月", 10, None, 0),)),
    Deadline("{n}年6月", (("{n}年6月", 6, None, 1),)),
    Deadline("{y}年12月31日", (("{y}年12月31日", 12, 31, 0),)),
    Deadline("{y}年11月底", (("{y}年11月底", 11, None, 0),)),
)
DATES = (
    Deadline("{y}年12月31日", (("{y}年12月31日", 12, 31, 0),)),
    Deadline("{y}年6月30日", (("{y}年6月30日", 6, 30, 0),)),
    Deadline("{y}年9月30日", (("{y}年9月30日", 9, 30, 0),)),
    Deadline("{n}年6月30日", (("{n}年6月30日", 6, 30, 1),)),
)


def catalogue() -> list[Ledger]:
    """Every corpus ledger."""
    page2 = [("junk", "附件"), ("junk", "{title}"), ("split", "")]
    return [
        # --- Word --------------------------------------------------------------------------
        make(
            "wps_merged_leaders",
            "docx",
            ["wps", "vertical_merge", "remarks_status"],
            seed=101,
            merge_down={"leaders", "units"},
            pad_names=True,
            options={"wps": True},
        ),
        make(
            "wps_leaders_over_subitems",
            "docx",
            ["wps", "vertical_merge", "subitems", "subitems_dot", "split_table", "repeated_header"],
            seed=119,
            subs={1: (2, "dot", ()), 3: (3, "dot", (False, False, True))},
            merge_subs=True,
            merge_down={"leaders"},
            odd={4: [("split", "")]},
            options={"wps": True},
        ),
        make(
            "wps_legend_symbols",
            "docx",
            ["wps", "legend_inside", "symbols_legend", "other_titles"],
            seed=102,
            cols="status",
            status="symbols",
            legend=LEGEND,
            options={"wps": True},
            merge_down={"leaders"},
        ),
        make(
            "subitems_dash_dot",
            "docx",
            ["subitems", "subitems_dash", "subitems_dot"],
            seed=103,
            subs={2: (3, "dash", (False, True, False)), 5: (2, "dot", ())},
        ),
        make(
            "two_row_time_nodes",
            "docx",
            ["two_row_header", "project_phrases", "other_titles"],
            seed=104,
            theme="project",
            cols="time2",
            status="phrases",
            deadlines=COMPLETION,
            start_years=(0, 1),
            categories=2,
        ),
        make(
            "two_row_progress",
            "docx",
            ["two_row_header", "progress_month"],
            seed=105,
            cols="progress2",
            as_of=(6, 30),
            theme="report",
        ),
        make(
            "split_repeat_header",
            "docx",
            ["split_table", "repeated_header", "title_in_table", "blank_paragraphs"],
            seed=106,
            categories=4,
            odd={5: [("split", "")]},
            options={"title_in_table": True, "blank_paragraphs": True},
            as_of=(9, 30),
        ),
        make(
            "split_no_header_br",
            "docx",
            ["split_table", "line_breaks"],
            seed=107,
            cols="work",
            categories=3,
            odd={4: [("split", "bare")]},
            options={"line_breaks": True},
            paragraphs=(2, 3),
        ),
        make(
            "lead_co_titles",
            "docx",
            ["other_titles", "lead_co_units"],
            seed=108,
            cols="lead_co",
            theme="report",
            categories=4,
        ),
        make(
            "host_colours",
            "docx",
            ["other_titles", "lead_co_units", "colour_status"],
            seed=109,
            cols="host",
            theme="report",
            status="colours",
            merge_down={"leaders"},
            options={"wps": True},
        ),
        make(
            "two_ledgers", "docx", ["several_ledgers"], seed=110, second=other_ledger(1110, "docx")
        ),
        make(
            "wps_mixed_legend_subitems_two_row",
            "docx",
            [
                "wps",
                "two_row_header",
                "legend_inside",
                "subitems",
                "subitems_paren",
                "symbols_legend",
                "vertical_merge",
            ],
            seed=111,
            theme="project",
            cols="both2",
            status="symbols",
            legend=LEGEND_STAR,
            symbols=STAR,
            deadlines=COMPLETION,
            subs={2: (3, "paren", (True, False, False))},
            as_of=(8, 31),
            merge_down={"leaders"},
            options={"wps": True},
            categories=2,
        ),
        make(
            "monthly",
            "docx",
            ["monthly", "other_titles"],
            seed=112,
            cols="monthly",
            months=6,
            as_of=(6, 30),
            categories=2,
            status="none",
        ),
        make(
            "clause_deadlines",
            "docx",
            ["deadline_clauses", "flood_season", "next_year", "category_one_cell"],
            seed=113,
            deadlines=SPECIAL,
            category_style="one_cell",
            categories=3,
            per_category=(4, 5),
        ),
        make(
            "totals_legend_below",
            "docx",
            ["total_row", "subtotal_row", "legend_below", "symbols_legend", "other_titles"],
            seed=114,
            theme="project",
            cols="project",
            status="symbols",
            legend=LEGEND,
            legend_at="below",
            odd={
                "top": [("total", "")],
                ("category", 1): [("subtotal", "")],
                ("category", 2): [("subtotal", "")],
            },
            categories=2,
        ),
        make(
            "duplicate_circled_subitems",
            "docx",
            ["duplicate_number", "subitems", "subitems_circled"],
            seed=115,
            duplicate_at=(4,),
            subs={2: (3, "circled", (False, False, True))},
        ),
        make(
            "rows_inside_table",
            "docx",
            [
                "title_in_table",
                "title_row_inside",
                "filler_row_inside",
                "attachment_inside",
                "note_inside",
                "split_table",
            ],
            seed=116,
            filler=True,
            as_of=(5, 31),
            odd={
                3: [
                    ("junk", "附件"),
                    ("junk", "{title}"),
                    ("junk", "填报单位：县发展改革委"),
                    ("split", ""),
                ],
                "end": [("junk", NOTE)],
            },
            options={"title_in_table": True},
        ),
        make(
            "contact_words_small_table_before",
            "docx",
            ["contact_columns", "other_titles", "status_words", "several_tables"],
            seed=117,
            cols="contact",
            status="words",
            bad_status_every=5,
            options={"before_table": [["填报单位", "县住建局", "填报日期", "2022年7月5日"]]},
        ),
        make(
            "plain_categories_unreadable_status",
            "docx",
            ["category_plain", "status_unreadable", "symbols_default", "other_titles"],
            seed=118,
            cols="task_name",
            status="symbols",
            bad_status_every=3,
            category_style="plain",
            theme="report",
        ),
        # --- Excel -------------------------------------------------------------------------
        make(
            "total_top_project",
            "xlsx",
            [
                "total_row",
                "total_top",
                "numeric_cells",
                "project_phrases",
                "other_titles",
                "formulas",
                "hidden_column",
            ],
            seed=201,
            theme="project",
            cols="project",
            status="phrases",
            odd={"top": [("total", "")]},
            categories=2,
            options={"typed_numbers": True, "total_formulas": True},
            hidden_col="上月工作进展",
        ),
        make(
            "hidden_prev_progress",
            "xlsx",
            ["hidden_column"],
            seed=202,
            cols="hidden_prev",
            as_of=(7, 31),
            options={"typed_numbers": True},
        ),
        make(
            "hidden_rows_legend_below",
            "xlsx",
            ["hidden_rows", "legend_below", "symbols_legend"],
            seed=203,
            cols="status",
            status="symbols",
            hidden_at=(3, 6),
            legend=LEGEND,
            legend_at="below",
        ),
        make(
            "formulas_cached",
            "xlsx",
            ["formulas", "percent_cells"],
            seed=204,
            cols="shishi",
            status="words",
            categories=0,
            per_category=(8, 10),
            options={"formula_numbers": True, "percent_cells": True},
        ),
        make(
            "dates_two_row_time",
            "xlsx",
            ["date_cells", "two_row_header", "project_phrases"],
            seed=205,
            theme="project",
            cols="time2",
            status="phrases",
            deadlines=DATES,
            start_years=(0, 1),
            options={"date_cells": True, "date_format": 'yyyy"年"m"月"d"日"'},
        ),
        make(
            "two_row_both",
            "xlsx",
            ["two_row_header", "progress_month", "project_phrases", "vertical_merge"],
            seed=206,
            theme="project",
            cols="both2",
            status="phrases",
            deadlines=COMPLETION,
            as_of=(10, 31),
            merge_down={"leaders", "units"},
            categories=2,
        ),
        make(
            "monthly_no_progress",
            "xlsx",
            ["monthly"],
            seed=207,
            cols="monthly",
            months=9,
            as_of=(9, 30),
            status="none",
        ),
        make(
            "monthly_with_progress",
            "xlsx",
            ["monthly", "other_titles"],
            seed=208,
            cols="monthly_progress",
            months=5,
            as_of=(5, 31),
            status="remarks",
            theme="report",
        ),
        make(
            "several_sheets",
            "xlsx",
            ["several_ledgers", "several_sheets"],
            seed=209,
            options={
                "sheets_before": [
                    (
                        "填报说明",
                        [
                            "填报说明",
                            "1. 序号、工作目标任务、牵头领导、责任单位不得改动。",
                            "2. 每月25日前报送。",
                        ],
                    )
                ],
                "sheet": "民生实事",
            },
            second=other_ledger(1209, "xlsx"),
        ),
        make(
            "stacked_tables",
            "xlsx",
            ["several_ledgers", "stacked_tables"],
            seed=210,
            options={"second": "stacked"},
            second=other_ledger(1210, "xlsx", cols="official", theme="minsheng"),
        ),
        make(
            "subitems_typed_numbers",
            "xlsx",
            ["subitems", "subitems_dot", "subitems_dash", "vertical_merge", "typed_numbers"],
            seed=211,
            subs={1: (2, "dot", ()), 4: (3, "dash", (False, True, False))},
            merge_down={"leaders"},
            options={"typed_numbers": True, "typed_sub_numbers": True},
        ),
        make(
            "lights_legend_inside",
            "xlsx",
            ["colour_status", "legend_inside", "hidden_rows"],
            seed=212,
            cols="host",
            theme="report",
            status="colours",
            hidden_at=(4,),
            legend=LIGHTS,
        ),
        make(
            "duplicates_restart_numbers",
            "xlsx",
            ["duplicate_number", "numbers_per_category"],
            seed=213,
            restart_numbers=True,
            duplicate_at=(3, 7),
            categories=3,
            per_category=(3, 4),
        ),
        make(
            "symbols_default_float_numbers",
            "xlsx",
            ["symbols_default", "typed_numbers"],
            seed=214,
            cols="status",
            status="symbols",
            options={"typed_numbers": True, "float_numbers": True},
        ),
        make(
            "junk_rows_inside",
            "xlsx",
            [
                "blank_rows",
                "repeated_header",
                "title_row_inside",
                "filler_row_inside",
                "fill_note_below",
            ],
            seed=215,
            filler=True,
            odd={
                2: [("blank", "")],
                4: [("junk", "{title}"), ("junk", "填报单位：县委督查室"), ("split", "")],
                6: [("blank", ""), ("blank", "")],
            },
            after=(SIGN,),
        ),
        make(
            "rural_clauses_paren_categories",
            "xlsx",
            ["deadline_clauses", "flood_season", "next_year", "category_paren"],
            seed=216,
            theme="rural",
            cols="target",
            deadlines=SPECIAL,
            category_style="paren",
            per_category=(3, 5),
        ),
        make(
            "contact_phones_no_categories",
            "xlsx",
            ["contact_columns", "no_categories", "status_words", "date_cells"],
            seed=217,
            cols="contact",
            status="words",
            categories=0,
            per_category=(7, 9),
            options={"phone_numbers": True, "typed_numbers": True, "date_cells": True},
            deadlines=DATES,
        ),
        make(
            "wps_leaders_over_subitems",
            "xlsx",
            [
                "subitems",
                "subitems_dash",
                "vertical_merge",
                "legend_inside",
                "symbols_legend",
                "total_top",
                "formulas",
            ],
            seed=218,
            cols="status",
            status="symbols",
            legend=LEGEND,
            subs={2: (3, "dash", ()), 5: (2, "dash", (False, True))},
            merge_subs=True,
            odd={"top": [("total_in_goal", "")]},
            options={"formula_numbers": True},
        ),
        # --- CSV ---------------------------------------------------------------------------
        make(
            "gbk_official",
            "csv",
            ["gbk", "multiline_cells"],
            seed=301,
            paragraphs=(2, 3),
            as_of=(6, 30),
        ),
        make(
            "utf8_bom_lead_co",
            "csv",
            ["utf8", "other_titles", "lead_co_units"],
            seed=302,
            cols="lead_co",
            theme="report",
            options={"encoding": "utf-8-sig"},
        ),
        make(
            "gbk_monthly_full_year",
            "csv",
            ["gbk", "monthly"],
            seed=303,
            cols="monthly",
            months=12,
            categories=2,
            status="none",
        ),
        make(
            "gbk_subitems_legend",
            "csv",
            [
                "gbk",
                "subitems",
                "subitems_paren",
                "subitems_circled",
                "legend_inside",
                "symbols_legend",
            ],
            seed=304,
            cols="status",
            status="symbols",
            legend=LEGEND,
            subs={1: (2, "aparen", ()), 4: (3, "circled", (True, False, False))},
        ),
        make(
            "utf8_totals",
            "csv",
            ["utf8", "total_row", "subtotal_row", "numeric_cells"],
            seed=305,
            theme="project",
            cols="project",
            status="phrases",
            odd={
                "top": [("total", "")],
                ("category", 1): [("subtotal", "")],
                ("category", 2): [("subtotal", "")],
            },
            categories=2,
            options={"encoding": "utf-8"},
        ),
        make(
            "gbk_two_row_time",
            "csv",
            ["gbk", "two_row_header", "project_phrases"],
            seed=306,
            theme="project",
            cols="time2",
            status="phrases",
            deadlines=COMPLETION,
            start_years=(0, 1),
        ),
        make(
            "gbk_custom_legend_below",
            "csv",
            ["gbk", "legend_below", "symbols_legend"],
            seed=307,
            cols="status",
            status="symbols",
            symbols=CROSS,
            legend=LEGEND_CROSS,
            legend_at="below",
        ),
        make(
            "utf8_bom_colours_filler",
            "csv",
            ["utf8", "colour_status", "filler_row"],
            seed=308,
            cols="host",
            status="colours",
            filler=True,
            as_of=(4, 30),
            options={"encoding": "utf-8-sig"},
        ),
        make(
            "gbk_repeated_header_blank_rows",
            "csv",
            ["gbk", "repeated_header", "blank_rows", "title_row_inside"],
            seed=309,
            categories=4,
            odd={3: [("blank", "")], 6: page2, 8: [("blank", "")]},
        ),
        make(
            "gbk_stacked",
            "csv",
            ["gbk", "several_ledgers", "stacked_tables"],
            seed=310,
            second=other_ledger(1310, "csv"),
        ),
        make(
            "gbk_clauses_flood",
            "csv",
            ["gbk", "deadline_clauses", "flood_season", "next_year"],
            seed=311,
            cols="annual",
            theme="report",
            deadlines=SPECIAL,
            per_category=(3, 5),
        ),
        make(
            "utf8_duplicates_phrases",
            "csv",
            ["utf8", "duplicate_number", "project_phrases", "other_titles"],
            seed=312,
            theme="project",
            cols="build",
            status="phrases",
            duplicate_at=(2, 6),
            options={"encoding": "utf-8"},
        ),
        make(
            "gbk_contact_no_categories",
            "csv",
            ["gbk", "contact_columns", "no_categories", "other_titles"],
            seed=313,
            cols="shishi",
            status="words",
            categories=0,
            per_category=(6, 8),
            bad_status_every=4,
        ),
        make(
            "gbk_two_row_progress",
            "csv",
            ["gbk", "two_row_header", "progress_month"],
            seed=314,
            cols="progress2",
            as_of=(3, 31),
            theme="rural",
        ),
        make(
            "utf8_subitems_fdash_dot",
            "csv",
            ["utf8", "subitems", "subitems_fdash", "subitems_dot", "multiline_cells"],
            seed=315,
            cols="annual",
            theme="report",
            subs={1: (3, "fdash", (True, False, False)), 4: (2, "dot", ())},
            paragraphs=(1, 3),
            options={"encoding": "utf-8"},
        ),
        # --- text (a Word table copied out as text) ----------------------------------------
        make(
            "seed_like",
            "txt",
            ["text_layout", "remarks_status"],
            seed=401,
            pad_names=True,
            paragraphs=(1, 3),
            as_of=(10, 31),
            as_of_line=False,
        ),
        make(
            "gb18030_crlf_lead_co",
            "txt",
            ["gbk", "crlf", "other_titles", "lead_co_units"],
            seed=402,
            cols="lead_co",
            theme="report",
            options={"encoding": "gb18030", "crlf": True},
        ),
        make(
            "subitems_three_styles",
            "txt",
            ["subitems", "subitems_dash", "subitems_dot", "subitems_fdash"],
            seed=403,
            subs={1: (2, "dash", ()), 3: (2, "dot", (True, False)), 6: (3, "fdash", ())},
        ),
        make(
            "legend_row_symbols",
            "txt",
            ["legend_inside", "symbols_legend"],
            seed=404,
            cols="status",
            status="symbols",
            legend=LEGEND,
        ),
        make(
            "two_row_time",
            "txt",
            ["two_row_header", "project_phrases"],
            seed=405,
            theme="project",
            cols="time2",
            status="phrases",
            deadlines=COMPLETION,
            categories=2,
        ),
        make(
            "monthly",
            "txt",
            ["monthly"],
            seed=406,
            cols="monthly",
            months=4,
            as_of=(4, 30),
            categories=2,
            status="none",
        ),
        make(
            "totals_blank_rows",
            "txt",
            ["total_row", "blank_rows", "numeric_cells"],
            seed=407,
            theme="project",
            cols="project",
            status="phrases",
            odd={"top": [("total", "")], 2: [("blank", "")], 5: [("blank", "")]},
            categories=2,
        ),
        make(
            "repeated_header_title_inside",
            "txt",
            ["repeated_header", "title_row_inside", "attachment_inside"],
            seed=408,
            categories=3,
            odd={4: page2},
        ),
        make(
            "clause_deadlines",
            "txt",
            ["deadline_clauses", "flood_season", "next_year"],
            seed=409,
            cols="work",
            deadlines=SPECIAL,
            per_category=(4, 5),
        ),
        make(
            "host_colours",
            "txt",
            ["colour_status", "other_titles", "lead_co_units"],
            seed=410,
            cols="host",
            theme="report",
            status="colours",
            bad_status_every=6,
        ),
        make(
            "duplicates",
            "txt",
            ["duplicate_number"],
            seed=411,
            duplicate_at=(3,),
            per_category=(3, 4),
        ),
        make(
            "utf8_bom_annual_notes_below",
            "txt",
            ["utf8", "note_below", "other_titles"],
            seed=412,
            cols="annual",
            theme="report",
            after=(NOTE, SIGN),
            options={"encoding": "utf-8-sig", "paragraph_sep": "\n"},
        ),
        make(
            "stacked",
            "txt",
            ["several_ledgers", "stacked_tables"],
            seed=413,
            second=other_ledger(1413, "txt"),
        ),
        make(
            "mixed_subitems_two_row_legend",
            "txt",
            [
                "subitems",
                "subitems_paren",
                "subitems_circled",
                "two_row_header",
                "progress_month",
                "legend_inside",
            ],
            seed=414,
            cols="progress2",
            as_of=(11, 30),
            subs={2: (2, "paren", (True, False)), 5: (2, "circled", ())},
            legend=NOTE,
            theme="rural",
        ),
        make(
            "gbk_monthly_with_progress",
            "txt",
            ["gbk", "monthly", "other_titles"],
            seed=415,
            cols="monthly_progress",
            months=8,
            as_of=(8, 31),
            theme="rural",
            options={"encoding": "gbk"},
        ),
    ]


def write(out: Path) -> dict[str, Any]:
    """Write every ledger, its expected parse and the manifest under `out`."""
    manifest: dict[str, Any] = {}
    for ledger in catalogue():
        folder = out / ledger.fmt
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{ledger.name}.{ledger.fmt}"
        path.write_bytes(render(ledger))
        expected = json.dumps(ledger_to_dict(ledger.truth), ensure_ascii=False, indent=1) + "\n"
        (folder / f"{ledger.name}.expected.json").write_text(expected, encoding="utf-8")
        key = f"{ledger.fmt}/{ledger.name}"
        if key in manifest:
            raise ValueError(f"two corpus ledgers named {key}")
        manifest[key] = {
            "file": f"{ledger.fmt}/{path.name}",
            "format": ledger.fmt,
            "features": sorted(set(ledger.features)),
            "tasks": len(ledger.truth.tasks),
            "subitems": sum(len(t.subitems) for t in ledger.truth.tasks),
        }
    text = json.dumps(manifest, ensure_ascii=False, indent=1) + "\n"
    (out / "manifest.json").write_text(text, encoding="utf-8")
    return manifest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE)
    manifest = write(parser.parse_args().out)
    counts = {fmt: sum(1 for m in manifest.values() if m["format"] == fmt) for fmt in FORMATS}
    print(f"{len(manifest)} ledgers: " + ", ".join(f"{n} {fmt}" for fmt, n in counts.items()))


if __name__ == "__main__":
    main()
