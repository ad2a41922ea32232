"""Every write to the ledger tables: `ledger_import` (importing.py) is the one door from a
`LedgerDoc` into the database; `task_update` and `task_revise` (tasks.py) change a stored task
and write its revision; `audit_record` (audit.py) writes the audit trail."""

from taizhang.bulk import insert_rows as _insert_rows
from taizhang.ledger.services.audit import audit_record
from taizhang.ledger.services.importing import ImportResult, ledger_import
from taizhang.ledger.services.joint import ledger_joint_settings_update
from taizhang.ledger.services.tasks import EDITABLE_FIELDS, task_revise, task_update

__all__ = [
    "EDITABLE_FIELDS",
    "ImportResult",
    "_insert_rows",
    "audit_record",
    "ledger_import",
    "ledger_joint_settings_update",
    "task_revise",
    "task_update",
]
