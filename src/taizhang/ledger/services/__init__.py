"""Every write to the ledger tables: `ledger_import` (importing.py) is the one door from a
`LedgerDoc` into the database; `task_update` and `task_revise` (tasks.py) change a stored task
and write its revision, `task_correction_record` keeps an office correction of what is shown
of a task (a figure) in its history, `tasks_correction_record` of many (a ledger's light
thresholds); `audit_record` (audit.py) writes the audit trail."""

from taizhang.bulk import insert_rows as _insert_rows
from taizhang.ledger.services.audit import audit_record
from taizhang.ledger.services.importing import ImportResult, ledger_import
from taizhang.ledger.services.joint import ledger_joint_settings_update
from taizhang.ledger.services.tasks import (
    EDITABLE_FIELDS,
    task_correction_record,
    task_revise,
    task_update,
    tasks_correction_record,
)

__all__ = [
    "EDITABLE_FIELDS",
    "ImportResult",
    "_insert_rows",
    "audit_record",
    "ledger_import",
    "ledger_joint_settings_update",
    "task_correction_record",
    "task_revise",
    "task_update",
    "tasks_correction_record",
]
