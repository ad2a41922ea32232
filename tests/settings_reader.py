"""The settings a fresh process would read with a given environment, read in this process.

`taizhang/settings.py` reads the environment when it runs and nowhere else, so running the
module again (runpy) under exactly that environment gives the names a new process would get,
without starting one: a test process that imports Django costs 1-2 s of CPU, this a few
milliseconds. The module's side effects on disk (the data directory, the secret key file)
happen as they would in that process, in the data directory given."""

from __future__ import annotations

import os
import runpy
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from unittest import mock

from django.conf import global_settings

import taizhang.settings

SETTINGS_FILE = taizhang.settings.__file__


def settings_in(data_dir: Path, *, drop: Iterable[str] = (), **env: str) -> dict[str, Any]:
    """The settings as django.conf.settings would give them (Django's defaults, then the
    module's upper-case names), the module run with this process's environment less the variables
    in `drop` (exact names, or prefixes ending in "*"), with TAIZHANG_DATA_DIR=data_dir and
    `env` on top."""
    unset = list(drop)

    def dropped(key: str) -> bool:
        return any(key.startswith(n[:-1]) if n.endswith("*") else key == n for n in unset)

    environment = {k: v for k, v in os.environ.items() if not dropped(k)}
    environment.update(TAIZHANG_DATA_DIR=str(data_dir), **env)
    with mock.patch.dict(os.environ, environment, clear=True):
        names = runpy.run_path(SETTINGS_FILE)
    defaults = {k: v for k, v in vars(global_settings).items() if k.isupper()}
    return defaults | {k: v for k, v in names.items() if k.isupper()}
