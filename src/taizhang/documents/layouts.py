"""The layouts an export comes in, by code, with the office's words for them: the ledger, one
file per unit in a zip, the 领导分管 version. Apart from `writers` so that what only names a
layout (the audit log's words) does not import the writers and openpyxl."""

from __future__ import annotations

from typing import Final

LEDGER, UNITS, LEADERS = "ledger", "units", "leaders"
LAYOUTS: Final = {LEDGER: "台账", UNITS: "按责任单位分文件（zip）", LEADERS: "按领导分管"}
