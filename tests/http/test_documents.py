"""Parsed documents: the YAML is the truth, a JSON copy of its parse only spares parsing the same text twice."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from contracts import CONTROL_DOCUMENT, PUBLIC_DOCUMENT, document
from mock_server.http import documents
from mock_server.http.documents import CACHE_ENV, cache_folder, parsed


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv(CACHE_ENV, str(folder))
    return folder


@pytest.fixture
def source(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A document of our own in place of the shipped ones, to edit."""
    path = tmp_path / "doc.openapi.yaml"
    monkeypatch.setattr(documents, "document", lambda name: path)
    return path


@pytest.mark.parametrize("name", [PUBLIC_DOCUMENT, CONTROL_DOCUMENT])
def test_a_kept_parse_is_exactly_what_the_yaml_says(name: str, cache: Path) -> None:
    from_yaml = yaml.safe_load(document(name).read_text(encoding="utf-8"))

    first, second = parsed(name), parsed(name)  # the first parses and keeps, the second reads the copy

    assert first == from_yaml and second == from_yaml
    assert len(list(cache.glob(f"{Path(name).stem}-*.json"))) == 1


def test_each_call_gets_its_own_dict(cache: Path) -> None:
    first = parsed(PUBLIC_DOCUMENT)
    first["paths"].clear()

    assert parsed(PUBLIC_DOCUMENT)["paths"]


def test_an_edited_document_is_parsed_again_and_its_old_copy_dropped(cache: Path, source: Path) -> None:
    source.write_text("openapi: 3.1.0\ninfo: {title: one}\n", encoding="utf-8")
    assert parsed("doc.openapi.yaml")["info"] == {"title": "one"}
    old = list(cache.iterdir())

    source.write_text("openapi: 3.1.0\ninfo: {title: two}\n", encoding="utf-8")

    assert parsed("doc.openapi.yaml")["info"] == {"title": "two"}
    assert len(list(cache.iterdir())) == 1 and not old[0].exists()


def test_a_broken_document_fails_though_a_copy_of_its_last_good_version_is_kept(cache: Path, source: Path) -> None:
    source.write_text("openapi: 3.1.0\npaths: {}\n", encoding="utf-8")
    parsed("doc.openapi.yaml")

    source.write_text("openapi: 3.1.0\npaths: {/x: [\n", encoding="utf-8")

    with pytest.raises(yaml.YAMLError):
        parsed("doc.openapi.yaml")


@pytest.mark.parametrize(
    ("text", "meaning"),
    [("released: 2026-03-18\n", {"released": date(2026, 3, 18)}), ("200: ok\n", {200: "ok"})],
    ids=["a date", "a number as a key"],
)
def test_a_document_json_cannot_say_exactly_is_parsed_every_time(
    cache: Path, source: Path, text: str, meaning: dict[object, object]
) -> None:
    source.write_text(text, encoding="utf-8")

    assert parsed("doc.openapi.yaml") == meaning
    assert parsed("doc.openapi.yaml") == meaning
    assert not cache.exists() or not any(cache.iterdir())


def test_a_copy_cut_short_is_parsed_over(cache: Path, source: Path) -> None:
    source.write_text("openapi: 3.1.0\ninfo: {title: whole}\n", encoding="utf-8")
    parsed("doc.openapi.yaml")
    (copy,) = cache.iterdir()
    copy.write_bytes(copy.read_bytes()[:10])

    assert parsed("doc.openapi.yaml")["info"] == {"title": "whole"}
    assert parsed("doc.openapi.yaml")["info"] == {"title": "whole"}


def test_a_cache_folder_that_cannot_be_written_is_no_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv(CACHE_ENV, str(blocker / "cache"))

    assert parsed(PUBLIC_DOCUMENT) == yaml.safe_load(document(PUBLIC_DOCUMENT).read_text(encoding="utf-8"))


def test_the_cache_folder_follows_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(CACHE_ENV, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache_folder() == tmp_path / "bankfeeds-mock"

    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "mine"))
    assert cache_folder() == tmp_path / "mine"

    monkeypatch.setenv(CACHE_ENV, "")
    assert cache_folder() is None
    assert parsed(CONTROL_DOCUMENT)["paths"]
