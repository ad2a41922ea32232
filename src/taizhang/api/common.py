"""What every part of the API shares: the error answers and their documented shapes, the
bounded types of what clients send, and a page of a list.

Bounds are checked here, before any query: a number no database column holds (above 2**63-1,
or 2**31-1 for a plain integer column) or a NUL byte (which PostgreSQL refuses in text) is a
422 with the field named, never a database error."""

from typing import Annotated, Any

from django.db.models import CharField, Model, QuerySet
from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja.errors import HttpError
from pydantic import AfterValidator, ConfigDict
from pydantic_core import PydanticCustomError

MAX_BIG = 2**63 - 1  # a bigint column: ids
MAX_INT = 2**31 - 1  # an integer column: version
MAX_LIMIT = 500

# --- answers -----------------------------------------------------------------------------


class Out(Schema):
    """What the API answers: every field is always there (null where it may be), so the
    OpenAPI document marks them all required, defaults or not."""

    model_config = ConfigDict(
        from_attributes=True, json_schema_serialization_defaults_required=True
    )


class ErrorOut(Schema):
    detail: str


class ValidationIssue(Schema):
    type: str = Field(description="如 less_than_equal、missing、nul_character")
    loc: list[str | int] = Field(description='出错的位置，如 ["query", "offset"]')
    msg: str


class ValidationErrorOut(Schema):
    """ninja's 422: every field that failed, with where and why."""

    detail: list[ValidationIssue]


INVALID: dict[int, Any] = {422: ValidationErrorOut}
READ_ERRORS: dict[int, Any] = {404: ErrorOut, **INVALID}
WRITE_ERRORS: dict[int, Any] = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, **INVALID}


def not_found() -> HttpError:
    """Missing and forbidden answer alike."""
    return HttpError(404, _("未找到，或您无权查看"))


def forbidden() -> HttpError:
    """Only for an object the user may see but not change: saying so leaks nothing."""
    return HttpError(403, _("您没有权限执行此操作"))


# --- what clients send -------------------------------------------------------------------


def _no_nul(value: str) -> str:
    # PostgreSQL cannot store NUL in text, and a lone surrogate cannot be encoded at all.
    if "\x00" in value:
        raise PydanticCustomError("nul_character", _("不能包含空字符（NUL）"))
    if any("\ud800" <= char <= "\udfff" for char in value):
        raise PydanticCustomError("surrogate_character", _("包含无法识别的字符"))
    return value


Id = Annotated[int, Field(ge=1, le=MAX_BIG, description="id")]
Offset = Annotated[int, Field(ge=0, le=MAX_BIG)]
Version = Annotated[int, Field(ge=0, le=MAX_INT, description="读取时的版本号")]
Text = Annotated[str, AfterValidator(_no_nul)]


def stored_length(model: type[Model], name: str) -> int:
    """The longest text a model's CharField holds, to refuse longer input with 422."""
    found = model._meta.get_field(name)
    if not isinstance(found, CharField) or found.max_length is None:
        raise TypeError(f"{model.__name__}.{name} is not a CharField with a max_length")
    return found.max_length


class PageQuery(Schema):
    limit: int = Field(100, ge=1, le=MAX_LIMIT)
    offset: Offset = 0


def page(rows: QuerySet[Any], query: PageQuery) -> dict[str, Any]:
    """One page of a query, as a `…Page` schema reads it: two queries (plus the query's
    prefetches) whatever the number of rows."""
    items = list(rows[query.offset : query.offset + query.limit])
    return {"count": rows.count(), "items": items}
