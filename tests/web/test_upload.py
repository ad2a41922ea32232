"""The ledger upload on the web: only the office may use it; the preview shows what each column
was taken for and re-reads the same file with the office's choices; confirming imports what was
previewed and saves the mapping, which the next edition of the same ledger is read with again;
a broken file or mapping gives the reader's one line, never a 500, and writes nothing."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from taizhang.accounts.models import Role
from taizhang.accounts.services import account_create
from taizhang.documents.columns import column_key
from taizhang.documents.readers import read_ledger
from taizhang.ledger.models import AuditEvent, Ledger, Task
from taizhang.web import upload
from tests.factories import PASSWORD, World
from tests.mapping_ledgers import DONE, HEADER, ledger_xlsx

pytestmark = pytest.mark.django_db


def office_client() -> Client:
    account_create(username="office", password=PASSWORD, role=Role.OFFICE, display_name="督查室")
    client = Client()
    client.force_login(User.objects.get(username="office"))
    return client


def upload_file(client: Client, data: bytes, name: str = "台账.xlsx", **extra: Any) -> Any:
    handle = io.BytesIO(data)
    handle.name = name
    return client.post(reverse("web:ledger_upload"), {"file": handle, **extra})


def column_choices(response: Any) -> dict[str, str]:
    """{title: key} as the preview's selects show them."""
    form = response.context["form"]
    return {title: field.value() for title, field in form.column_rows()}


def choices_post(response: Any, **changes: str) -> dict[str, Any]:
    """The preview's form as posted, with the columns named in `changes` (title: key) changed."""
    form = response.context["form"]
    data: dict[str, Any] = {"token": response.context["token"]}
    for title, field in form.column_rows():
        data[field.html_name] = changes.get(title, field.value())
    return data


def progress_of(response: Any) -> list[str]:
    return [task.progress for task in response.context["doc"].tasks]


def pending_files() -> set[Path]:
    folder = Path(settings.DATA_DIR) / "pending"
    return set(folder.iterdir()) if folder.exists() else set()


def remap(client: Client, preview: Any, **changes: str) -> Any:
    return client.post(reverse("web:ledger_upload_preview"), choices_post(preview, **changes))


def test_the_fixture_needs_the_office_to_place_its_progress_column() -> None:
    columns = read_ledger(ledger_xlsx(), name="台账.xlsx").columns
    assert {c.title: c.key for c in columns}["落实情况"] != "progress"


# --- who may use it ----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["water", "health", "leader", "viewer", "anonymous"])
def test_only_the_office_may_upload_preview_or_confirm(world: World, role: str) -> None:
    client = Client()
    if role != "anonymous":
        client.force_login(getattr(world, role))
    before = Ledger.objects.count()
    expected = 302 if role == "anonymous" else 404
    assert client.get(reverse("web:ledger_upload")).status_code == expected
    assert upload_file(client, ledger_xlsx()).status_code == expected
    for name in ("web:ledger_upload_preview", "web:ledger_upload_confirm"):
        assert client.post(reverse(name), {"token": "0" * 32}).status_code == expected
    assert Ledger.objects.count() == before


def test_the_preview_cannot_be_opened_with_get(world: World) -> None:
    client = Client()
    client.force_login(world.office)
    assert client.get(reverse("web:ledger_upload_preview")).status_code == 405


# --- the preview and re-mapping ------------------------------------------------------------------


def test_the_preview_shows_each_column_and_what_it_was_taken_for() -> None:
    response = upload_file(office_client(), ledger_xlsx())
    assert response.status_code == 200
    assert column_choices(response) == {
        "序号": "number",
        "工作任务": "goal",
        "牵头领导": "leaders",
        "责任单位": "units",
        "完成时限": "deadline",
        "工作进展": "progress",
        "落实情况": "extra",
    }
    html = response.content.decode()
    assert 'id="column-mapping"' in html and "重新预览" in html and "其他（原样保留）" in html
    assert progress_of(response) == ["上月：前期", "上月：选址"]
    assert Ledger.objects.count() == 0


def test_remapping_a_column_rereads_the_same_file_and_changes_the_parse() -> None:
    client = office_client()
    preview = upload_file(client, ledger_xlsx())
    again = remap(client, preview, 落实情况="progress")
    assert again.status_code == 200
    assert progress_of(again) == [DONE, "已完工"]
    # The column that had the progress gave way to the office's choice, its text kept.
    assert column_choices(again)["工作进展"] == "extra"
    assert again.context["doc"].tasks[0].extra == {"工作进展": "上月：前期"}
    assert DONE in again.content.decode()
    assert again.context["token"] == preview.context["token"]
    assert Ledger.objects.count() == 0


def test_confirm_imports_what_was_previewed_and_saves_the_mapping() -> None:
    client = office_client()
    again = remap(client, upload_file(client, ledger_xlsx()), 落实情况="progress")
    response = client.post(reverse("web:ledger_upload_confirm"), {"token": again.context["token"]})
    ledger = Ledger.objects.get()
    assert response.status_code == 302 and response.url == f"/ledgers/{ledger.pk}/"
    assert ledger.column_overrides == {"落实情况": "progress"}
    assert Task.objects.get(ledger=ledger, number=1).progress == DONE
    assert AuditEvent.objects.filter(action="ledger.import").exists()
    page = client.get(response.url).content.decode()
    assert DONE in page


def test_confirm_with_selects_changed_but_not_previewed_previews_first() -> None:
    client = office_client()
    preview = upload_file(client, ledger_xlsx())
    response = client.post(
        reverse("web:ledger_upload_confirm"), choices_post(preview, 落实情况="progress")
    )
    assert response.status_code == 200 and Ledger.objects.count() == 0
    assert progress_of(response) == [DONE, "已完工"]
    assert "请核对新的预览后再确认导入" in response.content.decode()
    # The unchanged form confirms.
    client.post(reverse("web:ledger_upload_confirm"), choices_post(response))
    assert Task.objects.get(number=1).progress == DONE


def test_the_next_edition_is_read_with_the_saved_mapping() -> None:
    client = office_client()
    again = remap(client, upload_file(client, ledger_xlsx()), 落实情况="progress")
    client.post(reverse("web:ledger_upload_confirm"), {"token": again.context["token"]})
    nxt = upload_file(client, ledger_xlsx(done="已通水"), name="台账11月.xlsx")
    assert "已按上次导入时的列对应读取" in nxt.content.decode()
    assert progress_of(nxt) == ["已通水", "已完工"]
    assert column_choices(nxt)["落实情况"] == "progress"
    client.post(reverse("web:ledger_upload_confirm"), {"token": nxt.context["token"]})
    assert Task.objects.get(number=1).progress == "已通水"
    assert Ledger.objects.get().column_overrides == {"落实情况": "progress"}


def test_another_ledger_is_not_read_with_that_mapping() -> None:
    client = office_client()
    again = remap(client, upload_file(client, ledger_xlsx()), 落实情况="progress")
    client.post(reverse("web:ledger_upload_confirm"), {"token": again.context["token"]})
    other = upload_file(client, ledger_xlsx(title="2021年另一个县重点工作台账"))
    assert "已按上次导入时的列对应读取" not in other.content.decode()
    assert column_choices(other)["落实情况"] == "extra"


UNKNOWN = "执行反馈"  # a progress title the vocabulary does not know


def test_a_file_unreadable_without_a_mapping_takes_one_typed_on_the_upload_form() -> None:
    assert column_key(UNKNOWN) is None
    client = office_client()
    header = [*HEADER[:5], UNKNOWN]
    refused = upload_file(client, ledger_xlsx(header=header))
    assert refused.status_code == 200 and "进展情况" in refused.content.decode()
    read = upload_file(client, ledger_xlsx(header=header), columns=f"{UNKNOWN}=进展情况")
    assert progress_of(read) == ["上月：前期", "上月：选址"]
    client.post(reverse("web:ledger_upload_confirm"), {"token": read.context["token"]})
    assert Ledger.objects.get().column_overrides == {UNKNOWN: "progress"}
    # The next edition, uploaded without a mapping, is read with the saved one.
    nxt = upload_file(client, ledger_xlsx(header=header))
    assert nxt.status_code == 200 and "已按上次导入时的列对应读取" in nxt.content.decode()


def test_a_typed_mapping_that_cannot_be_understood_is_one_message() -> None:
    before = pending_files()
    response = upload_file(office_client(), ledger_xlsx(), columns="落实情况=不知道")
    assert response.status_code == 200 and "落实情况=不知道" in response.content.decode()
    assert pending_files() == before


def test_a_mapping_that_cannot_be_read_keeps_the_last_reading_with_the_message() -> None:
    client = office_client()
    preview = upload_file(client, ledger_xlsx())
    response = remap(client, preview, 工作任务="extra")
    html = response.content.decode()
    assert response.status_code == 200 and "缺少" in html and "台账.xlsx" in html
    assert column_choices(response)["工作任务"] == "goal"
    assert progress_of(response) == ["上月：前期", "上月：选址"]


def test_a_choice_that_is_not_offered_is_refused_with_a_message() -> None:
    client = office_client()
    preview = upload_file(client, ledger_xlsx())
    data = choices_post(preview)
    data["column-6"] = "password"
    response = client.post(reverse("web:ledger_upload_preview"), data)
    assert response.status_code == 200 and "列的对应无效" in response.content.decode()


def test_the_table_select_reads_another_ledger_table_of_the_file() -> None:
    client = office_client()
    preview = upload_file(client, ledger_xlsx(sheets=2))
    assert len(preview.context["doc"].tables) == 2
    data = {**choices_post(preview), "table": "2"}
    response = client.post(reverse("web:ledger_upload_preview"), data)
    assert response.context["doc"].title == "2021年第2批项目台账"
    client.post(reverse("web:ledger_upload_confirm"), {"token": preview.context["token"]})
    assert Ledger.objects.get().title == "2021年第2批项目台账"


# --- the pending file --------------------------------------------------------------------------


def test_the_pending_file_is_removed_on_confirm_and_cannot_be_confirmed_twice() -> None:
    client = office_client()
    preview = upload_file(client, ledger_xlsx())
    token = preview.context["token"]
    assert any(path.name == token for path in pending_files())
    client.post(reverse("web:ledger_upload_confirm"), {"token": token})
    assert not any(path.name == token for path in pending_files())
    second = client.post(reverse("web:ledger_upload_preview"), {"token": token}, follow=True)
    assert "没有待确认的上传" in second.content.decode()


def test_pending_files_are_bounded_per_session() -> None:
    client = office_client()
    before = set(pending_files())
    tokens = [upload_file(client, ledger_xlsx()).context["token"] for _ in range(7)]
    kept = {path.name for path in pending_files() - before}
    assert kept == set(tokens[-upload.PENDING_PER_SESSION :])
    assert set(client.session["pending_uploads"]) == kept


def test_another_session_cannot_use_the_token() -> None:
    client = office_client()
    preview = upload_file(client, ledger_xlsx())
    other = Client()
    other.force_login(User.objects.get(username="office"))
    response = other.post(reverse("web:ledger_upload_confirm"), {"token": preview.context["token"]})
    assert response.status_code == 302 and Ledger.objects.count() == 0


# --- broken files ------------------------------------------------------------------------------


def crc_broken_xlsx() -> bytes:
    """A workbook whose stored parts no longer match their checksums."""
    source = zipfile.ZipFile(io.BytesIO(ledger_xlsx()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as target:
        for info in source.infolist():
            target.writestr(info.filename, source.read(info.filename))
    data = bytearray(out.getvalue())
    at = data.index(b"<sheetData>") + 20
    data[at] = ord("X") if data[at] != ord("X") else ord("Y")
    return bytes(data)


BROKEN: dict[str, bytes] = {
    "bad-zip.xlsx": b"PK\x03\x04" + b"\x00" * 200,
    "crc.xlsx": crc_broken_xlsx(),
    "nested.json": b'{"format": "taizhang/ledger@2", "title": '
    + b"[" * 100_000
    + b"]" * 100_000
    + b"}",
    "empty.txt": b"",
    "zip-of-nothing.docx": zipfile.ZipFile.__name__.encode(),
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_a_broken_file_gives_one_message_and_writes_nothing(name: str) -> None:
    client = office_client()
    before = pending_files()
    response: HttpResponse = upload_file(client, BROKEN[name], name=name)
    html = response.content.decode()
    assert response.status_code == 200 and 'class="messages"' in html
    if BROKEN[name]:
        assert name in html  # the reader's line names the file
    assert Ledger.objects.count() == 0 and pending_files() == before


def test_the_preview_warnings_point_to_its_own_choices_not_to_command_line_options() -> None:
    client = office_client()
    header = ["序号", "工作任务", "责任单位", "完成时限", "执行反馈"]  # no leaders, no progress
    response = upload_file(client, ledger_xlsx(header=header))
    warnings = response.context["warnings"]
    assert any("没有进展情况列" in w for w in warnings)
    assert all("--column" not in w and "--table" not in w for w in warnings)
    assert any("可在下方“列的对应”中选择" in w for w in warnings)
    page = response.content.decode()
    assert "--column" not in page


def test_choosing_a_column_gives_no_warning_about_the_column_that_gave_way() -> None:
    client = office_client()
    preview = upload_file(client, ledger_xlsx())
    again = remap(client, preview, 落实情况="progress")
    assert progress_of(again)[0] == DONE
    assert not any("都像" in w for w in again.context["warnings"])


def test_sub_items_in_the_preview_show_their_task_numbers() -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["2021年某县重点工作台账"])
    sheet.append(HEADER)
    sheet.append(["一", "民生工程"])
    sheet.append([3, "实施供水工程", "张三", "水利局", "年底前", "", ""])
    sheet.append(["（1）", "北部供水工程", "", "", "10月底前", "已放线", ""])
    out = io.BytesIO()
    book.save(out)
    response = upload_file(office_client(), out.getvalue())
    assert [s.label for s in response.context["doc"].tasks[0].subitems] == ["（1）"]
    assert '<td class="num" data-label="序号">（1）</td>' in response.content.decode()


@pytest.mark.parametrize(
    ("label", "code", "shown"),
    [
        ("○", "in_progress", "○（正在推进）"),
        ("黄灯", "lagging", "黄灯（推进缓慢）"),
        ("已完成", "completed", "已完成"),
        ("待定", "", "待定"),
        ("", "", ""),
    ],
)
def test_a_symbol_or_light_status_is_shown_with_its_word(label: str, code: str, shown: str) -> None:
    from taizhang.web.templatetags.taizhang import status_text

    assert status_text({"status_label": label, "status": code}) == shown


def test_confirming_a_ledger_with_a_number_typed_twice_imports_both_tasks() -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["2021年某县重点工作台账"])
    sheet.append(HEADER)
    sheet.append(["一", "民生工程"])
    sheet.append([1, "修路", "张三", "交通局", "年底前", "", ""])
    sheet.append([1, "建桥", "李四", "交通局", "年底前", "", ""])
    out = io.BytesIO()
    book.save(out)
    client = office_client()
    preview = upload_file(client, out.getvalue())
    assert any("序号1重复" in w for w in preview.context["warnings"])
    response = client.post(
        reverse("web:ledger_upload_confirm"), {"token": preview.context["token"]}
    )
    assert response.status_code == 302
    assert sorted(Task.objects.values_list("goal", flat=True)) == ["修路", "建桥"]
