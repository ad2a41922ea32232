"""URL configuration."""

from django.contrib import admin
from django.urls import include, path

from taizhang.api.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("", include("taizhang.web.urls")),
]
