"""The export's reshaped documents (documents.groups, writers.export_files): the 预警 column,
one document per unit (a joint task in each), the 领导分管 version; and the zip's stream."""

from __future__ import annotations

import io
import zipfile

import pytest

from taizhang.documents.groups import add_warning_column, by_leader, by_unit, file_name
from taizhang.documents.model import CategoryDoc, LedgerDoc, TaskDoc, UnitRef
from taizhang.documents.write_csv import write_csv
from taizhang.documents.writers import export_files, zip_chunks


def ledger() -> LedgerDoc:
    joint = TaskDoc(
        2,
        "两单位共办",
        leaders=["李四"],
        units=[UnitRef("水利局", "lead"), UnitRef("住建局", "co")],
        subitems=[
            TaskDoc(1, "水利局的子项", units=[UnitRef("水利局")]),
            TaskDoc(2, "不写单位的子项"),
        ],
    )
    water, roads = UnitRef("水利局"), UnitRef("交通局")
    return LedgerDoc(
        title="台账",
        year=2021,
        categories=[
            CategoryDoc(1, "民生", [TaskDoc(1, "甲", leaders=["张三"], units=[water]), joint]),
            CategoryDoc(2, "交通", [TaskDoc(3, "乙", leaders=["张三", "李四"], units=[roads]),
                                  TaskDoc(4, "无领导", units=[roads])]),
        ],
    )  # fmt: skip


def test_one_document_per_unit_with_each_joint_task_in_each() -> None:
    parts = dict(by_unit(ledger()))
    assert list(parts) == ["水利局", "住建局", "交通局"]
    water = parts["水利局"]
    assert water.title == "台账（水利局）"
    assert [t.goal for t in water.tasks] == ["甲", "两单位共办"]
    assert [s.goal for s in water.tasks[1].subitems] == ["水利局的子项", "不写单位的子项"]
    housing = parts["住建局"]
    assert [t.goal for t in housing.tasks] == ["两单位共办"]
    assert [s.goal for s in housing.tasks[0].subitems] == ["不写单位的子项"]
    assert [c.name for c in parts["交通局"].categories] == ["交通"]


def test_the_leaders_version_has_one_section_per_leader_and_keeps_numbers() -> None:
    grouped = by_leader(ledger())
    assert grouped.title == "台账（按领导分管）"
    assert [c.name for c in grouped.categories] == [
        "张三分管（2项）",
        "李四分管（2项）",
        "未明确牵头领导（1项）",
    ]
    assert [t.number for t in grouped.categories[0].tasks] == [1, 3]
    assert [t.goal for t in grouped.categories[1].tasks] == ["两单位共办", "乙"]
    assert "一,张三分管（2项）" in write_csv(grouped).decode("utf-8-sig")


def test_the_warning_column_is_added_once_and_written() -> None:
    doc = ledger()
    doc.categories[0].tasks[0].warning = "红灯：已逾期"
    once = add_warning_column(add_warning_column(doc))
    assert [c.key for c in once.columns].count("warning") == 1
    text = write_csv(once).decode("utf-8-sig")
    assert ",预警\r\n" in text and "红灯：已逾期" in text
    assert "预警" not in write_csv(doc).decode("utf-8-sig")


def test_the_zip_is_streamed_and_named_by_unit() -> None:
    export = export_files(ledger(), "csv", layout="units", warnings=True)
    chunks = list(export.chunks)
    assert len(chunks) > 1 and export.filename == "台账（按单位）.zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(chunks)))
    assert archive.namelist() == ["水利局.csv", "住建局.csv", "交通局.csv"]
    assert "预警" in archive.read("交通局.csv").decode("utf-8-sig")
    assert b"".join(zip_chunks([])) == b"".join(zip_chunks(iter([])))


def test_file_names_are_safe() -> None:
    assert file_name('a/b\\c:d*"e') == "a_b_c_d__e"
    assert file_name(" . ") == "_"


@pytest.mark.parametrize("name", ["CON", "nul", "Com1", "LPT9", "aux.台账", "PRN "])
def test_windows_device_names_are_not_file_names(name: str) -> None:
    assert file_name(name) == f"_{name.strip()}"


@pytest.mark.parametrize("name", ["CONTROL", "控制CON", "COM10", "NULL单位", "卫健委"])
def test_names_that_only_begin_like_a_device_are_kept(name: str) -> None:
    assert file_name(name) == name


def test_a_long_title_is_cut_to_fit_a_file_system() -> None:
    """255 bytes is the usual limit of a file's name; 80 Chinese characters are 240."""
    long = "济源示范区2021年十件重点民生实事工作推进落实情况台账" * 5 + " ."
    name = file_name(long)
    assert len(name) == 80 and long.startswith(name)
    assert len(f"{name}（按单位）.zip".encode()) < 255


def test_units_whose_file_names_coincide_each_keep_their_file() -> None:
    """ "住建/城管" and "住建:城管" are two units whose safe file names are the same: each
    gets its own member (a repeated name is overwritten when the zip is unpacked)."""
    doc = LedgerDoc(
        title="台账",
        year=2021,
        categories=[
            CategoryDoc(1, "民生", [TaskDoc(1, "甲", units=[UnitRef("住建/城管")]),
                                  TaskDoc(2, "乙", units=[UnitRef("住建:城管")]),
                                  TaskDoc(3, "丙", units=[UnitRef("住建_城管")])]),
        ],
    )  # fmt: skip
    export = export_files(doc, "csv", layout="units")
    names = zipfile.ZipFile(io.BytesIO(b"".join(export.chunks))).namelist()
    assert names == ["住建_城管.csv", "住建_城管（2）.csv", "住建_城管（3）.csv"]
