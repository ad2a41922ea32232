"""From header titles to the ledger's `Column`s: the office's own choices first, then the
vocabulary; titles that mean different things in different ledgers decided by the other
columns; what a header must have to be read, and what the office is told about it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from taizhang.documents.columns.vocabulary import GOAL_FALLBACK, column_key, normalize_title
from taizhang.documents.errors import LedgerReadError
from taizhang.documents.model import Column

# (key, Chinese name): what an office may map a column to, for the CLI help, the web select
# and messages. The office may write the key, the name or any title of the vocabulary
# (`--column 落实情况=progress`, `落实情况=进展情况`, `落实情况=工作进展`).
COLUMN_CHOICES: Final[tuple[tuple[str, str], ...]] = (
    ("number", "序号"),
    ("goal", "工作目标任务"),
    ("leaders", "牵头领导"),
    ("units", "责任单位"),
    ("co_units", "配合单位"),
    ("deadline", "完成时限"),
    ("progress", "进展情况"),
    ("status", "完成状态"),
    ("remarks", "备注"),
    ("start", "开工时间"),
    ("progress_month", "本月进展"),
    ("month", "月份进展（1月…12月）"),
    ("contact", "责任人、联系人"),
    ("extra", "其他（原样保留）"),
)
_NAMES: Final = dict(COLUMN_CHOICES)
_BY_NAME: Final = {normalize_title(name): key for key, name in COLUMN_CHOICES} | {
    "月份进展": "month",
    "月份": "month",
    "各月进展": "month",
    "其他": "extra",
    "原样保留": "extra",
}
# Keys more than one column may have.
_MANY: Final = frozenset({"month", "contact", "extra"})
# Of these, a ledger needs at least two (real ledgers lack 牵头领导, or 序号, or ...).
_USUAL: Final = ("number", "leaders", "units", "deadline")
# Where a task's progress comes from; a ledger needs one.
_PROGRESS_SOURCES: Final = frozenset({"progress", "progress_month", "month", "status"})
# 完成情况 is the status where another column gives the progress, else the progress.
_STATUS_OR_PROGRESS: Final = frozenset({"完成情况"})


def key_of_choice(value: str) -> str | None:
    """The key an office's choice names: a key ("progress"), its Chinese name ("进展情况"), or
    a title of the vocabulary ("工作进展"). None where it names none."""
    text = normalize_title(value)
    if text in _NAMES:
        return text
    return _BY_NAME.get(text) or column_key(text)


def parse_column_option(text: str) -> tuple[str, str]:
    """Read one `--column` option, "落实情况=progress" or "落实情况=进展情况", into (column
    title, key). Raises ValueError with a Chinese message for a malformed option or a choice
    that names no column key."""
    title, sign, value = normalize_title(text).replace("＝", "=").partition("=")
    if not sign or not title or not value:
        raise ValueError(
            f"列对应“{text}”应写作 列名=含义，如 落实情况=progress 或 落实情况=进展情况"
        )
    key = key_of_choice(value)
    if key is None:
        listed = "、".join(f"{key}（{name}）" for key, name in COLUMN_CHOICES)
        raise ValueError(f"列对应“{text}”中的“{value}”不是台账的列；可选：{listed}")
    return title, key


def header_columns(
    cells: list[str],
    *,
    source: str,
    line: int | None,
    row: int | None,
    overrides: Mapping[str, str] | None = None,
) -> list[Column]:
    """Map the header's titles to columns. The office's `overrides` ({title: key, or a name
    `key_of_choice` reads}) come first; a combined title "top/bottom" is also overridden by
    its bottom title. Then the vocabulary: a title it does not know is kept with key `extra`,
    and so is a second column of a key only one column may have (a second unit column is the
    co-units). 完成情况 is the progress where no other column gives it, and so is a lone
    本月进展. Raises `LedgerReadError` where the header is no ledger's (`check_required`)."""
    titles = [normalize_title(cell) for cell in cells]
    chosen = _chosen(overrides or {}, source=source)
    keys = [chosen.get(title) or chosen.get(title.rpartition("/")[2]) for title in titles]
    guessed = [i for i, key in enumerate(keys) if key is None]
    for i in guessed:
        keys[i] = column_key(titles[i]) or "extra"
    _settle_progress(titles, keys, guessed)
    # The office's choices take their keys first; a guessed column gives way to them.
    taken: set[str] = set()
    placed = ["extra"] * len(keys)
    for i in [i for i in range(len(keys)) if i not in guessed] + guessed:
        placed[i] = _place(keys[i] or "extra", taken)
    if "goal" not in placed:
        _goal_fallback(titles, placed, guessed)
    columns = [Column(key=key, title=title) for key, title in zip(placed, titles, strict=True)]
    check_required(columns, source=source, line=line, row=row)
    return columns


def _goal_fallback(titles: list[str], placed: list[str], guessed: list[int]) -> None:
    """A header without a goal column (an 整改 or 建议办理 ledger): the first guessed column
    naming its matters (存在问题, 建议标题, 反馈问题 …) is the goal."""
    for i in guessed:
        if placed[i] == "extra" and GOAL_FALLBACK.search(titles[i]):
            placed[i] = "goal"
            return


def _chosen(overrides: Mapping[str, str], *, source: str) -> dict[str, str]:
    chosen: dict[str, str] = {}
    for title, value in overrides.items():
        key = key_of_choice(value)
        if key is None:
            raise LedgerReadError(
                f"列对应“{title}={value}”中的“{value}”不是台账的列", source=source
            )
        chosen[normalize_title(title)] = key
    return chosen


def _settle_progress(titles: list[str], keys: list[str | None], guessed: list[int]) -> None:
    """Where no column was taken for the progress, 完成情况 is it; else a lone 本月进展.
    Month columns of a plan ("月度推进计划/3月") are no progress (`column_key`)."""
    if {"progress", "month"} & set(keys):
        return
    either = [i for i in guessed if titles[i] in _STATUS_OR_PROGRESS]
    monthly = [i for i in guessed if keys[i] == "progress_month"]
    if either and not monthly:
        keys[either[0]] = "progress"
    elif len(monthly) == 1:
        keys[monthly[0]] = "progress"


def _place(key: str, taken: set[str]) -> str:
    """The key of a column given the keys earlier columns took."""
    if key in _MANY:
        return key
    if key == "units" and key in taken:
        key = "co_units"  # 牵头单位 beside 责任单位: lead and co
    if key in taken:
        return "extra"
    taken.add(key)
    return key


def check_required(
    columns: list[Column], *, source: str, line: int | None = None, row: int | None = None
) -> None:
    """Refuse a header no ledger has: it needs a goal column and at least two of 序号,
    牵头领导, 责任单位, 完成时限. A ledger without progress (a year-start 任务分解表, 责任清单)
    is read with empty progress and a warning (`header_warnings`). The one-line error lists the
    titles found and how to map one."""
    keys = {column.key for column in columns}
    missing: list[tuple[str, str]] = []
    if "goal" not in keys:
        missing.append(("goal", _NAMES["goal"]))
    usual = [key for key in _USUAL if key in keys or (key == "units" and "co_units" in keys)]
    if len(usual) < 2:
        names = "、".join(_NAMES[key] for key in _USUAL)
        missing.append(("", f"{names}中至少两列"))
    if missing:
        names = "、".join(name for _, name in missing)
        message = f"台账表头缺少必需的列：{names}。{_mapping_hint(columns, missing[0][0])}"
        raise LedgerReadError(message, source=source, line=line, row=row)


def _mapping_hint(columns: list[Column], key: str) -> str:
    """The titles found, and the option that would map one of them to `key` (any of the
    usual keys where `key` is "")."""
    titles = "、".join(column.title for column in columns if column.title)
    kept = [column.title for column in columns if column.key == "extra" and column.title]
    unknown = [title for title in kept if column_key(title) is None]
    if not key:
        lacking = [k for k in _USUAL if k not in {column.key for column in columns}]
        choices = "、".join(f"{_NAMES[k]}（{k}）" for k in lacking)
        hint = f"如某列即{choices}之一，可用 --column 列名=键 指定"
    elif unknown or kept:
        title = (unknown or kept)[0]
        hint = f"如“{title}”即{_NAMES[key]}，可用 --column {title}={key} 指定"
    else:
        hint = f"如某列即{_NAMES[key]}，可用 --column 列名={key} 指定"
    return f"表头各列为：{titles}；{hint}（网页导入预览中可逐列选择）"


def header_warnings(columns: list[Column], overrides: Mapping[str, str] | None = None) -> list[str]:
    """What to tell the office about a header read: each column that could not be placed and
    each second column of a key (both kept as they are), and each usual column it lacks. A
    known column kept as it is (总投资, 存在问题, a second goal-like column such as 建设内容
    beside 项目名称) and the office's own choices give no warning."""
    chosen = {normalize_title(title) for title in overrides or {}}
    # Keys the office gave to a column: another column that looked like it gave way, by choice.
    given = {key_of_choice(value) for value in (overrides or {}).values()}
    first = {column.key: column.title for column in reversed(columns)}
    warnings: list[str] = []
    for column in columns:
        if column.key != "extra" or not column.title or column.title in chosen:
            continue
        known = column_key(column.title)
        if known is None:
            warnings.append(
                f"列“{column.title}”无法对应到台账的列，按其他列原样保留"
                f"（如需指定：--column {column.title}=进展情况 等，网页导入预览中可逐列选择）"
            )
        elif known in first and known not in {"goal", "extra"} and known not in given:
            warnings.append(
                f"列“{column.title}”与列“{first[known]}”都像{_NAMES[known]}：取“{first[known]}”，"
                f"“{column.title}”按其他列原样保留（可用 --column 指定）"
            )
    for key in _USUAL:
        if key not in first and not (key == "units" and "co_units" in first):
            warnings.append(
                f"台账表头没有{_NAMES[key]}列（如某列即{_NAMES[key]}，"
                f"可用 --column 列名={key} 指定）"
            )
    if not first.keys() & _PROGRESS_SOURCES:
        warnings.append(
            f"台账表头没有进展情况列，各任务进展为空。{_mapping_hint(columns, 'progress')}"
        )
    return warnings
