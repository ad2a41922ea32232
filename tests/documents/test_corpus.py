"""The corpus of office-made ledgers (tests/corpus): every file reads with every field of its
expected parse right, and the committed files are what the generator makes."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from taizhang.documents.errors import LedgerReadError
from taizhang.documents.json_format import ledger_to_dict
from taizhang.documents.readers import read_ledger
from tests.corpus.compare import compare
from tests.corpus.make_corpus import FORMATS, write

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
FILES = sorted(path for fmt in FORMATS for path in (CORPUS / fmt).glob(f"*.{fmt}"))
# The layout kinds the corpus must cover (issue 8), each by at least two ledgers.
KINDS = (
    "vertical_merge",
    "wps",
    "split_table",
    "repeated_header",
    "legend_inside",
    "legend_below",
    "total_row",
    "total_top",
    "subtotal_row",
    "blank_rows",
    "title_row_inside",
    "filler_row_inside",
    "attachment_inside",
    "two_row_header",
    "progress_month",
    "hidden_column",
    "hidden_rows",
    "formulas",
    "date_cells",
    "subitems_dash",
    "subitems_dot",
    "subitems_paren",
    "subitems_circled",
    "duplicate_number",
    "monthly",
    "symbols_legend",
    "symbols_default",
    "colour_status",
    "project_phrases",
    "deadline_clauses",
    "flood_season",
    "next_year",
    "other_titles",
    "lead_co_units",
    "contact_columns",
    "gbk",
    "utf8",
    "multiline_cells",
    "several_ledgers",
    "stacked_tables",
    "no_categories",
)


def expected_path(path: Path) -> Path:
    return path.with_name(f"{path.stem}.expected.json")


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_corpus_ledger_reads_with_every_field_right(path: Path) -> None:
    expected = json.loads(expected_path(path).read_text(encoding="utf-8"))
    try:
        doc = read_ledger(path.read_bytes(), name=path.name)
    except LedgerReadError as error:
        pytest.fail(f"refused: {error}")
    score = compare(expected, ledger_to_dict(doc))
    if score.diffs:
        shown = "\n".join(score.diffs[:25])
        more = f"\n… and {len(score.diffs) - 25} more" if len(score.diffs) > 25 else ""
        pytest.fail(f"{score.right}/{score.total} fields right\n{shown}{more}", pytrace=False)


def test_corpus_has_sixty_ledgers_at_least_ten_of_each_format() -> None:
    counts = {fmt: sum(1 for path in FILES if path.suffix == f".{fmt}") for fmt in FORMATS}
    assert sum(counts.values()) >= 60
    assert all(count >= 10 for count in counts.values()), counts
    assert all(expected_path(path).exists() for path in FILES)


def test_corpus_covers_every_layout_kind_twice() -> None:
    manifest = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))
    seen = [feature for entry in manifest.values() for feature in entry["features"]]
    thin = [kind for kind in KINDS if seen.count(kind) < 2]
    assert not thin, f"kinds with fewer than two ledgers: {thin}"


def test_corpus_files_are_what_the_generator_makes(tmp_path: Path) -> None:
    write(tmp_path)
    made = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    kept = sorted(
        [Path("manifest.json")]
        + [p.relative_to(CORPUS) for fmt in FORMATS for p in (CORPUS / fmt).iterdir()]
    )
    assert made == kept, "run: .venv/bin/python -m tests.corpus.make_corpus"
    stale = [str(p) for p in made if _content(tmp_path / p) != _content(CORPUS / p)]
    assert not stale, (
        f"stale corpus files {stale}; run: .venv/bin/python -m tests.corpus.make_corpus"
    )


def _content(path: Path) -> object:
    """A file's content: a zip's members (its timestamps and compression aside), else bytes."""
    data = path.read_bytes()
    if path.suffix in (".docx", ".xlsx"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return {name: archive.read(name) for name in archive.namelist()}
    return data
