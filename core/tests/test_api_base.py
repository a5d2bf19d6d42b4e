from __future__ import annotations

import re
from typing import Annotated

import pydantic
import pytest
from django.contrib.staticfiles import finders
from ninja import Field, Schema

from core.api import NoControlCharacters, Text, partial_schema, sent_fields


class Sample(Schema):
    name: Annotated[str, Field(min_length=1, max_length=5), NoControlCharacters]
    note: Text = ""


def test_docs_page_loads_swagger_ui_from_local_static_files(client):
    html = client.get("/api/v1/docs").content.decode()

    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sorted(assets) == [
        "/static/ninja/favicon.png",
        "/static/ninja/favicon.svg",
        "/static/ninja/swagger-ui-bundle.js",
        "/static/ninja/swagger-ui-init.js",
        "/static/ninja/swagger-ui.css",
    ]
    assert all(finders.find(a.removeprefix("/static/")) for a in assets)
    assert "cdn" not in html.lower()


def test_openapi_documents_401_and_422_error_bodies_on_every_operation(client):
    schema = client.get("/api/v1/openapi.json").json()

    error_ref = {"$ref": "#/components/schemas/ErrorOut"}
    assert "/api/v1/orgs/" in schema["paths"]
    for operations in schema["paths"].values():
        for operation in operations.values():
            for status in ("401", "422"):
                assert operation["responses"][status]["content"]["application/json"]["schema"] == error_ref
    assert set(schema["components"]["schemas"]["ErrorOut"]["properties"]) == {
        "code",
        "message",
        "field",
        "errors",
    }


@pytest.mark.parametrize("bad", ["a\x00", "\x07", "\ud800"])
@pytest.mark.parametrize("field", ["name", "note"])
def test_text_refuses_control_characters_and_lone_surrogates(field, bad):
    with pytest.raises(pydantic.ValidationError) as error:
        Sample(**{"name": "ok", field: bad})

    assert [e["loc"] for e in error.value.errors()] == [(field,)]


def test_length_limits_keep_their_own_messages():
    with pytest.raises(pydantic.ValidationError) as error:
        Sample(name="长长长长长长")

    assert error.value.errors()[0]["msg"] == "String should have at most 5 characters"


def test_text_keeps_tabs_newlines_and_chinese():
    assert Sample(name="支部", note="甲\t乙\r\n丙").note == "甲\t乙\r\n丙"


def test_partial_schema_makes_every_field_optional_and_keeps_constraints():
    patch = partial_schema(Sample, "SamplePatch", exclude={"note"})

    assert sent_fields(patch()) == {}
    assert sent_fields(patch(name="新")) == {"name": "新"}
    assert set(patch.model_fields) == {"name"}
    with pytest.raises(pydantic.ValidationError):
        patch(name="")
    with pytest.raises(pydantic.ValidationError):
        patch(name=None)
