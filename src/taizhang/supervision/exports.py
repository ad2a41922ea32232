"""What an export holds, where it needs the supervision's knowledge: a selection of the
ledger page's rows with their lights (`supervision.selection`), or a bulletin. The web's
downloads, the background export jobs (`job_file`, handed to `reporting.exports` by
`taizhang.jobs`) and the CLI all come here, so they export the same rows."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from functools import partial

from django.contrib.auth.models import AnonymousUser, User
from django.utils.translation import gettext as _

from taizhang.accounts import access
from taizhang.documents.groups import file_name
from taizhang.documents.model import LedgerDoc
from taizhang.documents.pdf import docx_to_pdf
from taizhang.documents.writers import ExportFile, export_files
from taizhang.ledger.models import Ledger, Task
from taizhang.reporting.errors import ReportingError
from taizhang.reporting.exports import export_size, job_document
from taizhang.reporting.models import ExportJob
from taizhang.supervision.bulletin import bulletin_docx
from taizhang.supervision.models import Bulletin
from taizhang.supervision.rows import RowLights
from taizhang.supervision.selection import (
    Selection,
    selected_tasks,
    selection_document,
    selection_note,
)
from taizhang.supervision.selectors import default_as_of


def export_document(
    ledger: Ledger,
    user: User | AnonymousUser | None,
    selection: Selection,
    *,
    as_of: datetime.date | None = None,
    warnings: bool = False,
) -> LedgerDoc:
    """The rows of `ledger` the selection shows to `user` (None: everything, the CLI's), the
    lights (and the 预警 column's texts) as of `as_of`, else the day the page's lights are
    of (`default_as_of`)."""
    if user is None:  # the server's administrator, at the command line
        visible = Task.objects.filter(removed_at__isnull=True)
        everything = True
    else:
        visible = access.visible_tasks(user)
        everything = access.sees_all_tasks(user)
    day = as_of or default_as_of(ledger)
    return selection_document(
        ledger, visible, selection, as_of=day, warnings=warnings, everything=everything
    )


def export_rows(
    ledger: Ledger, user: User, selection: Selection, *, as_of: datetime.date | None = None
) -> int:
    """How many rows `export_document` writes for the same arguments (a matching sub-item's
    task counted with it), counted in the database: what the export page tells, and what
    decides whether the export runs in the background."""
    if not selection.filtered:
        if access.sees_all_tasks(user):
            return export_size(ledger)
        return access.visible_tasks(user).filter(ledger=ledger).count()
    lights = RowLights(ledger, as_of or default_as_of(ledger))
    return selected_tasks(access.visible_tasks(user), ledger, selection, lights).count()


def bulletin_pdf(bulletin: Bulletin) -> ExportFile:
    """The bulletin as PDF, from the Word document its page downloads (版头 and 版记 as
    stored), written now (LibreOffice; `documents.pdf.PdfError` where it is
    missing)."""
    data = docx_to_pdf(bulletin_docx(bulletin))
    return ExportFile(iter([data]), f"{file_name(bulletin.title)}.pdf", "application/pdf")


def job_file(job: ExportJob) -> Callable[[], ExportFile]:
    """A background export job's file (`reporting.exports.JobFile`): its bulletin, or its
    closed round, or the selection of the ledger its creator may see, read now; written
    when the result is called."""
    if job.bulletin_id is not None:
        bulletin = Bulletin.objects.filter(pk=job.bulletin_id, ledger_id=job.ledger_id).first()
        if bulletin is None:
            raise ReportingError(_("该督查通报已不存在"))
        return partial(bulletin_pdf, bulletin)
    note = ""
    if job.round_id is not None:
        doc = job_document(job)
    else:
        selection = Selection.from_data(job.selection)
        doc = export_document(
            job.ledger, job.created_by, selection, as_of=job.as_of, warnings=job.warnings
        )
        note = selection_note(selection)  # named as the download at once names it
    return partial(
        export_files,
        doc,
        job.format,
        layout=job.layout,
        as_of=job.as_of,
        warnings=job.warnings,
        name_note=note,
    )
