"""Forms of the web pages: parse and validate, nothing else."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from taizhang.ledger.models import Status

STATUS_CHOICES = [("", _("全部状态")), *Status.choices, ("none", _("未标状态"))]


class TaskFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("状态"), choices=STATUS_CHOICES, required=False)
    unit = forms.TypedChoiceField(label=_("责任单位"), coerce=int, required=False, empty_value=None)
    leader = forms.TypedChoiceField(
        label=_("牵头领导"), coerce=int, required=False, empty_value=None
    )
    due_from = forms.DateField(
        label=_("完成时限自"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    due_to = forms.DateField(
        label=_("至"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    q = forms.CharField(label=_("搜索"), required=False, max_length=100)

    def __init__(self, *args: Any, people: Any = (), units: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", _("全部单位")), *((u.pk, u.name) for u in units)]  # type: ignore[attr-defined]
        self.fields["leader"].choices = [("", _("全部领导")), *((p.pk, p.name) for p in people)]  # type: ignore[attr-defined]


_FIGURE = re.compile(r"^(?P<name>.+?)[\s:：]+(?P<value>-?\d+(?:\.\d+)?)\s*(?P<unit>[^\s\d]*)$")


def parse_figures(text: str) -> list[dict[str, Any]]:
    """Figures a reporter types, one a line: "完成投资 7000 万元" -> name, value, unit."""
    figures = []
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line:
            continue
        found = _FIGURE.match(line)
        if found is None:
            raise forms.ValidationError(
                _("第 %(n)s 行看不懂：请写成“名称 数值 单位”，如“完成投资 7000 万元”")
                % {"n": number}
            )
        figures.append(
            {"name": found["name"], "value": float(found["value"]), "unit": found["unit"]}
        )
    return figures


class ReportForm(forms.Form):
    progress = forms.CharField(
        label=_("进展情况"), widget=forms.Textarea(attrs={"rows": 5}), max_length=10000
    )
    status = forms.ChoiceField(label=_("状态"), choices=Status.choices)
    unit = forms.TypedChoiceField(label=_("报送单位"), coerce=int, required=False, empty_value=None)
    figures = forms.CharField(
        label=_("数据（可选，每行一项，如：完成投资 7000 万元）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )

    def clean_figures(self) -> list[dict[str, Any]]:
        return parse_figures(self.cleaned_data.get("figures") or "")


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


class FigureForm(forms.Form):
    name = forms.CharField(label=_("指标"), max_length=100)
    target = forms.DecimalField(label=_("目标"), required=False, max_digits=16, decimal_places=4)
    actual = forms.DecimalField(label=_("完成"), required=False, max_digits=16, decimal_places=4)
    unit = forms.CharField(label=_("单位"), required=False, max_length=20)


class LightSettingsForm(forms.Form):
    warn_days = forms.IntegerField(label=_("临期预警天数"), min_value=0, max_value=365)
    pace_margin = forms.DecimalField(
        label=_("序时进度容差（百分点）"), min_value=0, max_value=100, decimal_places=1
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
    year = forms.IntegerField(
        label=_("年度（标题中没有年份时）"), required=False, min_value=1990, max_value=2100
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > settings.TAIZHANG_MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("文件过大"))
        return upload
