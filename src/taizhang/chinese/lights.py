"""The lights (红黄绿灯) by code and the office's words for them: the one place they are
defined. `supervision.lights` decides a task's light; the export's file name, the audit
log and the pages name it with these words."""

from __future__ import annotations

from typing import Final

RED, YELLOW, GREEN, COMPLETED = "red", "yellow", "green", "completed"
LABELS: Final = {RED: "红灯", YELLOW: "黄灯", GREEN: "绿灯", COMPLETED: "已完成"}
