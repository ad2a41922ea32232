"""Column titles: the many ways offices title the same column, mapped to one logical key, and
the header row (or two rows) read into `Column`s. Shared by every reader of a table (text,
.docx, .xlsx). The vocabulary, where each title was seen, and the rules for titles that mean
different things in different ledgers: docs/ledger-vocabulary.md.

- `vocabulary`: `column_key`, `month_of`, `normalize_title` (a title alone);
- `header`: `looks_like_header`, `combine_header` (which rows are the header);
- `mapping`: `header_columns`, `header_warnings`, `COLUMN_CHOICES`, `parse_column_option`
  (a header's titles read together, with the office's own choices)."""

from taizhang.documents.columns.header import combine_header, looks_like_header
from taizhang.documents.columns.mapping import (
    COLUMN_CHOICES,
    check_required,
    header_columns,
    header_warnings,
    key_of_choice,
    parse_column_option,
)
from taizhang.documents.columns.vocabulary import (
    MAX_TITLE,
    bare_title,
    column_key,
    month_of,
    normalize_title,
)

__all__ = [
    "COLUMN_CHOICES",
    "MAX_TITLE",
    "bare_title",
    "check_required",
    "column_key",
    "combine_header",
    "header_columns",
    "header_warnings",
    "key_of_choice",
    "looks_like_header",
    "month_of",
    "normalize_title",
    "parse_column_option",
]
