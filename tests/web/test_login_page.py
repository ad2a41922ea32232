"""The sign-in page names the product in its title and header, as every other page does, not
the host Django's LoginView passes as `site_name`."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("host", ["127.0.0.1", "testserver"])
def test_the_login_page_is_titled_with_the_products_name(host: str) -> None:
    for answer in (
        Client().get("/login/", HTTP_HOST=host),
        Client().post("/login/", {"username": "nobody", "password": "wrong"}, HTTP_HOST=host),
    ):
        assert answer.status_code == 200
        html = answer.content.decode()
        title = html[html.index("<title>") : html.index("</title>")]
        assert settings.TAIZHANG_SITE_NAME in title
        assert host not in title
        assert answer.context["site_name"] == settings.TAIZHANG_SITE_NAME
