"""Forms of the web pages: parse and validate, nothing else."""

from __future__ import annotations

import copy
import datetime
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from taizhang.chinese.quantities import FigureLines, read_figure_lines
from taizhang.documents.writers import LEADERS, LEDGER, UNITS
from taizhang.ledger.models import Status
from taizhang.reporting.payloads import (
    FigureData,
    figures_read,
    unread_notices,
    with_unread_lines,
)
from taizhang.supervision.doubts import CONFIRMED, CORRECTED, NOT_FIGURE
from taizhang.supervision.lights import GREEN, RED, YELLOW

if TYPE_CHECKING:  # django-stubs' name for a lazy translation
    from django.utils.functional import _StrPromise as StrPromise

STATUS_CHOICES = [("", _("全部状态")), *Status.choices, ("none", _("未标状态"))]
LIGHT_CHOICES = [("", _("全部灯色")), (RED, _("红灯")), (YELLOW, _("黄灯")), (GREEN, _("绿灯"))]
# The error code of a deadline window whose start is after its end.
DATE_RANGE = "date_range"


class PairsSelect(forms.Select):
    """Django's select whose choices, (value, text) pairs never changed in place, a copy shares
    (Django's copies them and walks them again with each form)."""

    def __deepcopy__(self, memo: dict[int, Any]) -> PairsSelect:
        obj = copy.copy(self)
        obj.attrs = self.attrs.copy()
        memo[id(self)] = obj
        return obj


class PairsMixin:
    """A choice field whose choices are (value, text) pairs: shared by the copies each form
    makes of its fields (Django deep-copies them, lazy texts and all), and set by `pairs`
    as Django's `normalize_choices` would leave them, without walking them twice (the field's,
    the widget's) for each of a ledger's ~100 units and people on every page."""

    widget: Any
    _choices: Any

    def __deepcopy__(self, memo: dict[int, Any]) -> Any:
        # Field's copy (the widget's too), not ChoiceField's deep copy of the choices.
        return forms.Field.__deepcopy__(self, memo)  # type: ignore[attr-defined]

    def pairs(self, pairs: Sequence[tuple[Any, Any]]) -> None:
        """Sets the choices to `pairs` (flat: no groups)."""
        self._choices = self.widget._choices = [(value, text) for value, text in pairs]


class PairsChoiceField(PairsMixin, forms.ChoiceField):
    widget = PairsSelect


class PairsTypedChoiceField(PairsMixin, forms.TypedChoiceField):
    widget = PairsSelect


WINDOW_ERROR_ID = "due-window-error"


class TaskFilterForm(forms.Form):
    status = PairsChoiceField(label=_("状态"), choices=STATUS_CHOICES, required=False)
    unit = PairsTypedChoiceField(label=_("责任单位"), coerce=int, required=False, empty_value=None)
    leader = PairsTypedChoiceField(
        label=_("牵头领导"), coerce=int, required=False, empty_value=None
    )
    due_from = forms.DateField(
        label=_("完成时限自"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    due_to = forms.DateField(
        label=_("至"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    q = forms.CharField(label=_("搜索"), required=False, max_length=100)
    # Not a filter of `ledger.selectors.TaskFilters`: the light is the supervision's (the
    # dashboard's "全部N项" links fill it, `?light=red`).
    light = PairsChoiceField(label=_("灯色"), choices=LIGHT_CHOICES, required=False)

    def __init__(
        self,
        *args: Any,
        people: Sequence[tuple[int, str]] = (),
        units: Sequence[tuple[int, str]] = (),
        **kwargs: Any,
    ) -> None:
        """`people` and `units`: the ledger's, (id, name) (`selectors.ledger_choices`)."""
        super().__init__(*args, **kwargs)
        self.fields["unit"].pairs([("", _("全部单位")), *units])  # type: ignore[attr-defined]
        self.fields["leader"].pairs([("", _("全部领导")), *people])  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        """A deadline window that starts after it ends is refused on both its dates (neither
        applies; the page says why beside them, `reversed_window`), not a list of nothing."""
        data = super().clean() or {}
        start, end = data.get("due_from"), data.get("due_to")
        if start and end and start > end:
            for name in ("due_from", "due_to"):
                self.add_error(
                    name, forms.ValidationError(_("开始日期晚于结束日期"), code=DATE_RANGE)
                )
                # Both dates are described by the one note beside them (ledger_page's
                # _window_refused), not by Django's id_due_from_error, which is on no element.
                self.fields[name].widget.attrs["aria-describedby"] = WINDOW_ERROR_ID
        return data

    def reversed_window(self) -> bool:
        """Whether the deadline window was refused for starting after it ends."""
        return any(e.code == DATE_RANGE for e in self.errors.as_data().get("due_to", ()))


class ExportOptionsForm(forms.Form):
    """An export's options beside the ledger page's filters: the 截至 date (the lights' day
    too), the 预警 column, the layout."""

    as_of = forms.DateField(
        label=_("截至"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    warnings = forms.BooleanField(label=_("含预警列"), required=False)
    layout = forms.ChoiceField(
        label=_("版式"),
        choices=[
            (LEDGER, _("台账")),
            (UNITS, _("按责任单位分文件（zip）")),
            (LEADERS, _("按领导分管")),
        ],
        required=False,
    )

    def chosen(self) -> tuple[str, datetime.date | None, bool]:
        """The layout (the ledger itself when none is chosen), the date, the 预警 column."""
        data = self.cleaned_data
        return data["layout"] or LEDGER, data["as_of"], bool(data["warnings"])


class FocusFirstError(forms.Form):
    """A form whose first field refused is focused when the page comes back (the browser
    scrolls to it): on a phone the error was below the screen, with nothing to show the tap
    had been answered; on the dashboard the light settings are at its foot."""

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs["autofocus"] = True
                return


class ReportForm(FocusFirstError):
    """A unit's report on a task. Figures are typed one or more a line as people write them;
    a line that cannot be read is kept as text (appended to the progress when sent), never a
    reason to refuse the report. `draft` leaves the progress optional (暂存 keeps anything)."""

    progress = forms.CharField(
        label=_("进展情况"), widget=forms.Textarea(attrs={"rows": 5}), max_length=10000
    )
    status = forms.ChoiceField(label=_("状态"), choices=Status.choices)
    # Which unit is decided by accounts.access.report_unit_id (one rule with the API), so an
    # id that is not the user's gets its message, not a generic "invalid choice".
    unit = forms.IntegerField(label=_("报送单位"), required=False, widget=forms.Select)
    figures = forms.CharField(
        label=_("数据（可选，每行一项，如：完成投资 7000 万元）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )

    def __init__(
        self, *args: Any, units: Sequence[tuple[int, str]] = (), draft: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.units = list(units)
        self.fields["unit"].widget.choices = [("", _("请选择报送单位")), *self.units]
        if draft:
            self.fields["progress"].required = False
            self.fields["status"].required = False

    @property
    def unit_choice(self) -> bool:
        """Whether the reporter chooses the unit (several of its units serve the task)."""
        return len(self.units) > 1

    def figure_lines(self) -> FigureLines:
        """The figures as typed (posted, or from the draft), read."""
        return read_figure_lines(self["figures"].value() or "")

    def figure_notices(self) -> list[str]:
        """One notice per line kept as text, for beside the figures field."""
        return unread_notices(self.figure_lines())

    def figures_to_send(self) -> list[FigureData]:
        """The figures read, as the report stores them."""
        return figures_read(self.figure_lines())

    def progress_to_send(self) -> str:
        """The progress with the figure lines that could not be read after it, so nothing
        typed is lost."""
        return with_unread_lines(self.cleaned_data["progress"], self.figure_lines())

    def dropped_ids(self) -> set[int]:
        """Held files ticked 移除 (ids only: anything else posted is ignored)."""
        values = self.data.getlist("drop") if hasattr(self.data, "getlist") else []
        return {int(value) for value in values if database_id(value)}


# The largest id a database holds (a signed 64-bit integer).
MAX_ID = 2**63 - 1


def database_id(value: object) -> bool:
    """Whether a posted or queried value is a row id: ASCII digits ("²" and "١" pass
    str.isdigit, not int() or the database) within the database's integer range."""
    text = str(value)
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(MAX_ID)):
        return False
    return 0 < int(text) <= MAX_ID


class ReviewForm(forms.Form):
    comment = forms.CharField(
        label=_("意见"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("批示"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )


class TaskEditForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    goal = forms.CharField(label=_("工作目标任务"), widget=forms.Textarea(attrs={"rows": 3}))
    deadline_text = forms.CharField(
        label=_("完成时限"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    progress = forms.CharField(
        label=_("进展情况"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    status = forms.ChoiceField(
        label=_("状态"), choices=[("", "—"), *Status.choices], required=False
    )
    remarks = forms.CharField(label=_("备注"), required=False)


# A whole number typed into a bounded field, refused in words that name the bound (Django's
# "确保该值小于或等于365。" does too, but not a number too long for int(): "输入整数。").
WHOLE_NUMBER_ERRORS = {
    "invalid": _("请输入整数"),
    "max_value": _("数字过大：最大为%(limit_value)s"),
    "min_value": _("数字过小：最小为%(limit_value)s"),
}
_WHOLE = re.compile(r"\s*([+-]?)0*([0-9]+)\s*")


class WholeNumberField(forms.IntegerField):
    """An integer between `min_value` and `max_value` (both required), any number of digits
    typed refused by the bound it passes, before Python reads it (it refuses an integer of
    over 4,300 digits)."""

    def __init__(self, *, min_value: int, max_value: int, **kwargs: Any) -> None:
        kwargs.setdefault("error_messages", WHOLE_NUMBER_ERRORS)
        super().__init__(min_value=min_value, max_value=max_value, **kwargs)

    def to_python(self, value: Any) -> int | None:
        typed = _WHOLE.fullmatch(str(value)) if value is not None else None
        if typed is not None and len(typed[2]) > len(str(self.max_value)) + 1:
            code = "min_value" if typed[1] == "-" else "max_value"
            limit = self.min_value if code == "min_value" else self.max_value
            raise forms.ValidationError(
                self.error_messages[code], code=code, params={"limit_value": limit}
            )
        return super().to_python(value)


# A figure's number as the office types it: up to 12 digits before the point and 4 after,
# refused in words the office reads (Django's say "确认总共不超过 16 个数字.").
FIGURE_NUMBER_ERRORS = {
    "invalid": _("请输入数字"),
    "max_digits": _("数值过大：整数最多12位，小数最多4位"),
    "max_whole_digits": _("数值过大：整数最多12位"),
    "max_decimal_places": _("小数最多4位"),
    "min_value": _("不能小于0"),
}


def figure_number(label: str | StrPromise, **options: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=False,
        max_digits=16,
        decimal_places=4,
        error_messages=FIGURE_NUMBER_ERRORS,
        **options,
    )


def errors_in_one_line(form: forms.BaseForm) -> str:
    """A refused form's errors as one line for a message, each after its field's label (none
    for a field without one, or the form's own), for a view that goes back to the page it
    came from: Django's `errors.as_text()` gave "* actual\n  * 确认总共不超过 16 个数字."."""
    return "；".join(
        f"{form.fields[field].label}：{error}"
        if field in form.fields and form.fields[field].label
        else str(error)
        for field, errors in form.errors.items()
        for error in errors
    )


class FigureForm(FocusFirstError):
    name = forms.CharField(label=_("指标"), max_length=100)
    target = figure_number(_("目标"))
    actual = figure_number(_("完成"))
    unit = forms.CharField(label=_("单位"), required=False, max_length=20)


class FigureCheckForm(forms.Form):
    """The office's check of an indicator read from a task's text: confirm it, correct its
    actual, or say it is not a figure for this target (`supervision.services.figure_check`)."""

    name = forms.CharField(label=_("指标"), max_length=100)
    verdict = forms.ChoiceField(
        choices=[
            (CONFIRMED, _("确认无误")),
            (CORRECTED, _("更正")),
            (NOT_FIGURE, _("不是该目标的数字")),
        ],
        error_messages={"invalid_choice": _("未知的核实结论")},
    )
    actual = figure_number(_("更正后的完成数"), min_value=0)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        missing = data.get("verdict") == CORRECTED and data.get("actual") is None
        if missing and "actual" not in self.errors:
            self.add_error("actual", _("请填写更正后的完成数"))
        return data


class LightSettingsForm(FocusFirstError):
    warn_days = WholeNumberField(label=_("临期预警天数"), min_value=0, max_value=365)
    pace_margin = forms.DecimalField(
        label=_("序时进度容差（百分点）"),
        min_value=0,
        max_value=100,
        decimal_places=1,
        error_messages={
            **WHOLE_NUMBER_ERRORS,
            "invalid": _("请输入数字"),
            "max_decimal_places": _("小数最多1位"),
        },
    )


class RoundForm(forms.Form):
    name = forms.CharField(label=_("轮次名称"), max_length=100, help_text=_("例如 2021年11月"))
    due_date = forms.DateField(
        label=_("报送截止日期"), widget=forms.DateInput(attrs={"type": "date"})
    )


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("台账文件"), help_text=_("Word（.docx）、Excel（.xlsx）、文本（.txt）或 JSON")
    )
    year = WholeNumberField(
        label=_("年度（标题中没有年份时）"), required=False, min_value=1990, max_value=2100
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > settings.TAIZHANG_MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("文件过大"))
        return upload


class RemindForm(forms.Form):
    """催办: every unit that has not reported (no unit given) or one, with a message."""

    unit = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)
    message = forms.CharField(
        label=_("催办内容（可不填）"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class NoticeForm(forms.Form):
    """A unit's 督办通知单: 截至 (the lights' day), the day to reply by (5 working days on when
    empty), the 督办编号."""

    as_of = forms.DateField(
        label=_("截至"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    reply_by = forms.DateField(
        label=_("书面反馈截止日期"),
        required=False,
        help_text=_("不填则为截至日期后5个工作日"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    number = forms.CharField(
        label=_("督办编号"),
        required=False,
        max_length=50,
        widget=forms.TextInput(attrs={"placeholder": _("如 督办〔2021〕3号")}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        as_of, reply_by = data.get("as_of"), data.get("reply_by")
        if as_of and reply_by and reply_by < as_of:
            self.add_error("reply_by", _("反馈日期不能早于截至日期"))
        return data
