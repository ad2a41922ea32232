"""Forms of the ledger upload: the file (with an optional mapping typed as lines), and the
preview's reading of each column and choice of table."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from taizhang.documents.columns import COLUMN_CHOICES, parse_column_option
from taizhang.ledger.editions import NEW_ANSWER
from taizhang.web.forms import UploadForm


class LedgerUploadForm(UploadForm):
    """The file, its year, and — for a file whose columns cannot be read without it — the
    office's mapping typed one per line (落实情况=进展情况)."""

    columns = forms.CharField(
        label=_("列的对应（可选）"),
        help_text=_("表头无法识别时填写，每行一项，如：落实情况=进展情况"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean_columns(self) -> dict[str, str] | None:
        mapping: dict[str, str] = {}
        for line in (self.cleaned_data.get("columns") or "").splitlines():
            if not line.strip():
                continue
            try:
                title, key = parse_column_option(line.strip())
            except ValueError as error:
                raise forms.ValidationError(
                    _("%(line)s：%(error)s") % {"line": line.strip(), "error": error}
                ) from error
            mapping[title] = key
        return mapping or None


def column_field_name(index: int) -> str:
    return f"column-{index}"


class ColumnMappingForm(forms.Form):
    """What each column of the preview was taken for, and which ledger table of the file is
    read. `shown` is the [title, key] list the preview showed; `tables` the file's tables."""

    def __init__(
        self, *args: Any, shown: list[list[str]], tables: list[str], table: int, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.shown = shown
        self.shown_table = table
        if len(tables) > 1:
            self.fields["table"] = forms.TypedChoiceField(
                label=_("读取哪个表格"),
                choices=[(n, line) for n, line in enumerate(tables, 1)],
                coerce=int,
                initial=table,
            )
        for index, (title, key) in enumerate(shown):
            choices = list(COLUMN_CHOICES)
            if key not in dict(choices):
                choices.append((key, key))
            self.fields[column_field_name(index)] = forms.ChoiceField(
                label=title, choices=choices, initial=key
            )

    def column_rows(self) -> list[tuple[str, forms.BoundField]]:
        """Each column's title as written, with its select."""
        return [(title, self[column_field_name(i)]) for i, (title, _key) in enumerate(self.shown)]

    def chosen_table(self) -> int:
        return int(self.cleaned_data.get("table") or self.shown_table)

    def changed_anything(self) -> bool:
        """Whether the office chose another table or another reading of a column than shown."""
        if self.chosen_table() != self.shown_table:
            return True
        return any(
            self.cleaned_data[column_field_name(i)] != key
            for i, (_title, key) in enumerate(self.shown)
        )

    def mapping(self, current: dict[str, str]) -> dict[str, str]:
        """The mapping to read with next: `current` with every column the office changed (the
        reader gives the office's keys first, so a column that had the key gives way). On
        another table than the one shown, `current` is kept as it is."""
        mapping = dict(current)
        if self.chosen_table() != self.shown_table:
            return mapping
        for index, (title, key) in enumerate(self.shown):
            chosen = self.cleaned_data[column_field_name(index)]
            if chosen != key:
                mapping[title] = chosen
        return mapping


MATCH_PREFIX = "match-"


def match_field_name(key: str) -> str:
    """The select of the preview that decides which stored task the new task `key` is."""
    return f"{MATCH_PREFIX}{key}"


def posted_answers(data: Mapping[str, Any]) -> dict[str, str | None]:
    """The preview's decisions as posted: {new key: stored key, or None for 新任务}; an
    empty select is no decision (the import then still refuses the task)."""
    answers: dict[str, str | None] = {}
    for name in data:
        if not name.startswith(MATCH_PREFIX) or not data[name]:
            continue
        value = str(data[name])
        answers[name[len(MATCH_PREFIX) :]] = None if value == NEW_ANSWER else value
    return answers
