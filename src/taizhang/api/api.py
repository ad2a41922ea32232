"""The REST API (django-ninja); OpenAPI document at /api/openapi.json."""

from ninja import NinjaAPI

api = NinjaAPI(title="Taizhang API", version="1", urls_namespace="api")
