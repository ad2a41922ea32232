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


def test_a_typed_logout_address_goes_home_and_signs_no_one_out(client: Client) -> None:
    from django.contrib.auth.models import User

    user = User.objects.create_user(username="clerk", password="a-long-password-1")
    client.force_login(user)
    answer = client.get("/logout/")
    assert answer.status_code == 302 and answer.headers["Location"] == "/"
    assert "_auth_user_id" in client.session  # still signed in: only the form's POST signs out
    answer = client.post("/logout/")
    assert answer.status_code == 302
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("accept", ["en-US,en;q=0.9", "en", "fr-FR,de;q=0.8", "zh-TW,zh;q=0.9"])
def test_a_browser_in_another_language_gets_django_s_own_words_in_chinese(accept: str) -> None:
    """The pages are written in Chinese only: Django's messages (here the sign-in error) follow
    them, whatever language the browser asks for."""
    answer = Client().post(
        "/login/", {"username": "nobody", "password": "wrong"}, HTTP_ACCEPT_LANGUAGE=accept
    )
    html = answer.content.decode()
    assert '<html lang="zh-hans">' in html
    assert "Please enter a correct" not in html
    assert "请输入一个正确的" in html
