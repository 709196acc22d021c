"""Issue 17, high: a post fails alone, quickly, with one line — in the batch's parent too.

Special files in a bundle, text no UTF-8 can carry, outputs that collide (with another post,
a folder, or the kit), and a kit stopped between its files and its record.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import zipfile
from pathlib import Path

import pytest
from conftest import PRESSKIT
from hostile_kit import png

from presskit.batch.builder import build

FM = "---\ntitle: {title}\ndate: 2024-05-01\n---\n\n{body}\n"
QUICK = 120  # seconds: only a hang comes near it


def post(root: Path, rel: str, title: str = "A post", body: str = "Text.") -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(FM.format(title=title, body=body), "utf-8")
    return path


def presskit(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*PRESSKIT, *args], capture_output=True, text=True, check=False, timeout=QUICK
    )


# --------------------------------------------------------------------------- special files


def _special(folder: Path, kind: str) -> None:
    if kind == "fifo":
        os.mkfifo(folder / "pipe")
    elif kind == "dev-zero":
        (folder / "zero.png").symlink_to("/dev/zero")
    elif kind == "dev-urandom":
        (folder / "noise.bin").symlink_to("/dev/urandom")
    elif kind == "socket":
        sock = socket.socket(socket.AF_UNIX)
        sock.bind(str(folder / "sock"))
        sock.close()
    elif kind == "fifo-in-subfolder":
        (folder / "deep").mkdir()
        os.mkfifo(folder / "deep" / "pipe.png")


@pytest.mark.parametrize("kind", ["fifo", "dev-zero", "dev-urandom", "socket", "fifo-in-subfolder"])
def test_special_files_in_a_bundle_do_not_hang_the_build(kind, tmp_path) -> None:
    root = tmp_path / "content"
    bundle = post(root, "en/case/index.md", body="![x](pipe.png)").parent
    post(root, "en/other/index.md", "Other")
    _special(bundle, kind)
    out = tmp_path / "out"
    done = presskit("build", str(root), "-o", str(out), "-q")  # a hang is a TimeoutExpired
    assert "Traceback" not in done.stderr
    assert done.returncode == 0, done.stderr
    rows = json.loads((out / "manifest.json").read_text("utf-8"))["documents"]
    assert {row["status"] for row in rows} == {"built"}
    again = presskit("build", str(root), "-o", str(out), "-q")
    assert again.returncode == 0 and "unchanged 2" in again.stderr


# --------------------------------------------------------------------------- encodings

SURROGATES = {
    "json-title": '{\n  "title": "Bad \\ud800 title",\n  "date": "2024-05-01"\n}\n\nBody.\n',
    "json-tag": '{\n  "title": "Ok",\n  "tags": ["\\udcff"],\n  "summary": "\\udfff"\n}\n\nB.\n',
    "yaml-title": '---\ntitle: "Bad \\ud83d title"\nauthor: "\\udc00"\n---\n\nBody.\n',
}


@pytest.mark.parametrize("name", sorted(SURROGATES))
def test_lone_surrogates_in_front_matter(name, tmp_path) -> None:
    root = tmp_path / "content"
    source = root / "en" / "bad.md"
    source.parent.mkdir(parents=True)
    source.write_text(SURROGATES[name], "utf-8")
    post(root, "en/good.md", "Good")
    out = tmp_path / "out"
    single = presskit("render", str(source), "-o", str(tmp_path / "one.pdf"))
    assert "Traceback" not in single.stderr
    assert single.returncode == 0, single.stderr
    assert "lone surrogate" in single.stderr and str(source) in single.stderr
    done = presskit("build", str(root), "-o", str(out), "-q")
    assert "Traceback" not in done.stderr and done.returncode == 0, done.stderr
    rows = json.loads((out / "manifest.json").read_text("utf-8"))["documents"]
    assert sorted(row["status"] for row in rows) == ["built", "built"]


def test_a_file_name_that_is_not_utf8(tmp_path) -> None:
    root = tmp_path / "content"
    post(root, "en/good.md", "Good")
    folder = os.fsencode(root / "en")
    with open(folder + b"/caf\xe9-\xff.md", "wb") as stream:
        stream.write(FM.format(title="Latin-1 name", body="Body.").encode())
    out = tmp_path / "out"
    done = presskit("build", str(root), "-o", str(out))
    assert "Traceback" not in done.stderr and done.returncode == 0, done.stderr
    data = json.loads((out / "manifest.json").read_text("utf-8"))  # valid UTF-8 and JSON
    assert sorted(row["status"] for row in data["documents"]) == ["built", "built"]
    names = {os.fsencode(row["source"]) for row in data["documents"]}
    assert b"en/caf\xe9-\xff.md" in names  # the escape reads back as the same name
    assert os.path.isfile(os.fsencode(out / "en") + b"/caf\xe9-\xff.pdf")


# --------------------------------------------------------------------------- collisions


@pytest.mark.parametrize(
    ("files", "kit", "clash"),
    [
        (["press-kit.md"], "press-kit", "the kit (--kit press-kit)"),
        (["media/index.md"], "media", "the kit (--kit media)"),
        (["x.md", "x.pdf/y.md"], None, "needs a folder x.pdf where"),
        (["z/index.md", "z.pdf/y.md"], None, "z.pdf where z/index.md writes a file"),
    ],
)
def test_outputs_that_collide_are_refused_naming_both(files, kit, clash, tmp_path) -> None:
    root = tmp_path / "c"
    for rel in files:
        post(root, rel, rel)
    post(root, "fine.md", "Fine")
    out = tmp_path / "out"
    result = build([root], out, kit=kit, runner="build_hooks:fake_render", jobs=1)
    failed = result.failed
    assert len(failed) == 1, result.documents
    assert clash in (failed[0].error or "") and failed[0].source in (failed[0].error or "")
    if kit is not None:
        manifest = json.loads((out / "manifest.json").read_text("utf-8"))
        assert manifest["kit"]["pdf"] == f"{kit}.pdf"


def test_a_kit_name_with_folders_is_refused_by_the_api(tmp_path) -> None:
    from presskit.errors import PresskitError

    post(tmp_path / "c", "a.md")
    with pytest.raises(PresskitError, match="without folders"):
        build([tmp_path / "c"], tmp_path / "out", kit="../escape")


# --------------------------------------------------------------------------- kit interrupted


def _kit_build(root: Path, out: Path):
    return build([root], out, kit="kit", jobs=1)


def _zipped_pdf(out: Path, name: str) -> bytes:
    with zipfile.ZipFile(out / "kit.zip") as bundle:
        return bundle.read(name)


@pytest.mark.parametrize("stop", ["before-zip", "before-record"])
def test_a_kit_stopped_midway_is_made_again(stop, tmp_path, monkeypatch) -> None:
    from presskit.batch import kit as kit_module

    root = tmp_path / "c"
    source = post(root, "en/one/index.md", "One", "First text.")
    (source.parent / "a.png").write_bytes(png(4, 4))
    out = tmp_path / "out"
    assert _kit_build(root, out).kit_error is None
    source.write_text(FM.format(title="One", body="Second text."), "utf-8")

    class Killed(BaseException):
        """What SIGKILL would do at this point: nothing after it runs."""

    def die(*args: object, **kwargs: object) -> None:
        raise Killed

    target = "write_zip" if stop == "before-zip" else "write_manifest"
    with monkeypatch.context() as patch:
        patch.setattr(kit_module, target, die)
        with pytest.raises(Killed):
            _kit_build(root, out)
    again = _kit_build(root, out)
    assert again.kit_error is None
    assert _zipped_pdf(out, "en/one.pdf") == (out / "en/one.pdf").read_bytes()
    record = json.loads((out / "manifest.json").read_text("utf-8"))["kit"]
    assert record["inputs"] == again.kit_inputs


@pytest.mark.parametrize("damage", ["zip", "pdf"])
def test_a_kit_file_that_changed_is_not_called_unchanged(damage, tmp_path) -> None:
    root = tmp_path / "c"
    post(root, "en/one/index.md", "One")
    out = tmp_path / "out"
    _kit_build(root, out)
    (out / f"kit.{damage}").write_bytes(b"left by a build that was stopped")
    again = _kit_build(root, out)
    assert again.kit_error is None
    assert zipfile.is_zipfile(out / "kit.zip")
    assert (out / "kit.pdf").read_bytes().startswith(b"%PDF")
