"""Chinese is the default language whatever the browser asks for; the switcher's cookie wins."""

import pytest
from django.conf import settings


@pytest.mark.django_db
def test_login_page_is_chinese_for_an_english_browser(client):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.status_code == 200
    assert response.headers["Content-Language"] == "zh-hans"
    assert "登录" in response.content.decode()


@pytest.mark.django_db
def test_language_cookie_switches_to_english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/accounts/login/")
    assert response.headers["Content-Language"] == "en"
    html = response.content.decode()
    assert "登录" not in html
    assert "Grassroots party-building management platform" in html


@pytest.mark.django_db
def test_unknown_language_cookie_falls_back_to_chinese(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "xx"
    response = client.get("/accounts/login/")
    assert response.headers["Content-Language"] == "zh-hans"
    assert "登录" in response.content.decode()


@pytest.mark.django_db
def test_api_clients_may_ask_for_english_with_accept_language(client):
    english = client.get("/api/v1/orgs/", HTTP_ACCEPT_LANGUAGE="en")
    default = client.get("/api/v1/orgs/")

    assert english.status_code == default.status_code == 401
    assert english.headers["Content-Language"] == "en"
    assert default.headers["Content-Language"] == "zh-hans"
