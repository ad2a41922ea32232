"""A progress bar for the commands' long work (`taizhang import` of a big file, `taizhang
export`), drawn on stderr when stderr is a terminal, and nothing at all otherwise, so that
pipes, logs and tests see only what they saw before. Hand-written (a line redrawn after a
carriage return): the project adds no dependency for it."""

from __future__ import annotations

import time
from types import TracebackType
from typing import TextIO

# Seconds between two redraws (the last one is always drawn).
REDRAW_EVERY = 0.1
WIDTH = 30


def is_terminal(stream: TextIO) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty is not None and isatty())


class ProgressBar:
    """`label [#########---------]  45%  2250/5000`, redrawn in place on `stream` by
    `update(done, total)`, ended with a new line by `finish()` (or leaving a `with` block).
    Draws nothing unless `stream` is a terminal."""

    def __init__(self, stream: TextIO, label: str) -> None:
        self.stream = stream
        self.label = label
        self.enabled = is_terminal(stream)
        self.drawn: tuple[int, int] | None = None
        self.at = float("-inf")

    def update(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        done = max(0, min(done, total))
        now = time.monotonic()
        last = done >= total
        if (done, total) == self.drawn or (not last and now - self.at < REDRAW_EVERY):
            return
        percent = 100 * done // total if total else 100
        filled = WIDTH * percent // 100
        bar = "#" * filled + "-" * (WIDTH - filled)
        self.stream.write(f"\r{self.label} [{bar}] {percent:3d}%  {done}/{total}")
        self.stream.flush()
        self.drawn, self.at = (done, total), now

    def finish(self) -> None:
        """End the bar's line, if one was drawn."""
        if self.drawn is not None:
            self.stream.write("\n")
            self.stream.flush()
            self.drawn = None

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.finish()
