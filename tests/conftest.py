"""Shared test fixtures: the seed ledger and its expected parse, copied into the project so a
plain clone tests alone."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
SEED = FIXTURES / "jiyuan-2021-ledger.txt"
EXPECTED = FIXTURES / "jiyuan-2021.expected.json"


@pytest.fixture
def seed_bytes() -> bytes:
    return SEED.read_bytes()


@pytest.fixture
def expected() -> dict[str, Any]:
    return json.loads(EXPECTED.read_text(encoding="utf-8"))


def subset(actual: Any, expected: Any, path: str = "$") -> list[str]:
    """Differences between `expected` and the same fields of `actual` (fields only `actual`
    has are ignored): the fixture names what must match, the format may hold more."""
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [f"{path}: expected an object, got {actual!r}"]
        problems = []
        for key, value in expected.items():
            if key not in actual:
                problems.append(f"{path}.{key}: missing")
            else:
                problems += subset(actual[key], value, f"{path}.{key}")
        return problems
    if isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            return [f"{path}: expected {len(expected)} items, got {actual!r}"]
        return [
            p
            for i, (a, e) in enumerate(zip(actual, expected, strict=True))
            for p in subset(a, e, f"{path}[{i}]")
        ]
    return [] if actual == expected else [f"{path}: expected {expected!r}, got {actual!r}"]


def require_tool(command: str, package: str) -> str:
    """The path of an outside tool (soffice, pdftoppm, chromium). Locally a test without it is
    skipped with the reason; with TAIZHANG_REQUIRE_TOOLS=1 (set by .ci/run) it fails."""
    path = shutil.which(command)
    if path:
        return path
    message = f"{command} is not installed (Debian package {package})"
    if os.environ.get("TAIZHANG_REQUIRE_TOOLS") == "1":
        pytest.fail(message)
    pytest.skip(message)


ARTIFACTS = Path(os.environ.get("TAIZHANG_ARTIFACTS", Path(__file__).parents[1] / "artifacts"))


@pytest.fixture
def world(db: None) -> Any:
    """The seed ledger and one user per role (tests/factories.py)."""
    from tests.factories import build_world

    return build_world()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    """Tests sign in many users; the production hasher is slow on purpose."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
