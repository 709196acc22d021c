"""Compiled theme templates are kept between runs (see `page._CompiledTemplates`)."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import jinja2
import pytest

from presskit.output import page


@pytest.fixture
def private_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A temp folder of the test's own, where Jinja makes its cache folder."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    page.environment.cache_clear()
    yield folder
    page.environment.cache_clear()


def theme(tmp_path: Path, text: str) -> tuple[Path, ...]:
    folder = tmp_path / "theme"
    folder.mkdir(exist_ok=True)
    (folder / "page.html.j2").write_text(text, "utf-8")
    return (folder,)


def test_a_template_compiled_once_is_loaded_without_compiling(private_tmp, tmp_path, monkeypatch):
    dirs = theme(tmp_path, "<p>{{ name | css_string }}</p>")
    assert page.environment(dirs).get_template("page.html.j2").render(name="a") == '<p>"a"</p>'
    assert list(private_tmp.glob("_jinja2-cache-*/__jinja2_*.cache"))
    page.environment.cache_clear()

    def no_compiling(*args: object, **kwargs: object) -> None:
        raise AssertionError("compiled again")

    monkeypatch.setattr(jinja2.Environment, "_parse", no_compiling)
    assert page.environment(dirs).get_template("page.html.j2").render(name="b") == '<p>"b"</p>'


def test_a_changed_template_is_compiled_again(private_tmp, tmp_path):
    dirs = theme(tmp_path, "<p>old {{ name }}</p>")
    assert page.environment(dirs).get_template("page.html.j2").render(name="x") == "<p>old x</p>"
    page.environment.cache_clear()
    theme(tmp_path, "<p>new {{ name }}</p>")
    assert page.environment(dirs).get_template("page.html.j2").render(name="x") == "<p>new x</p>"


def test_a_cache_that_cannot_be_written_only_costs_time(private_tmp, tmp_path, monkeypatch):
    def read_only(*args: object, **kwargs: object) -> None:
        raise PermissionError("read-only file system")

    monkeypatch.setattr(tempfile, "NamedTemporaryFile", read_only)
    dirs = theme(tmp_path, "<p>{{ name }}</p>")
    assert page.environment(dirs).get_template("page.html.j2").render(name="y") == "<p>y</p>"
    assert not list(private_tmp.glob("_jinja2-cache-*/__jinja2_*.cache"))
