"""Issue 17, medium: `presskit init` never writes through a link and never leaves half a kit.

`init` promises "writes nothing if one of its files exists". A folder on the way that is a
symlink (`content` → elsewhere) put the sample post outside the kit; a dangling link was not
"existing", so `init` wrote the config and the logo, then failed on the post: half a kit.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hostile_kit import run

from presskit import scaffold
from presskit.errors import PresskitError


def tree(root: Path) -> list[str]:
    return sorted(f"{p.relative_to(root)}{'@' if p.is_symlink() else ''}" for p in root.rglob("*"))


def links(kit: Path, outside: Path) -> dict[str, tuple[Path, Path]]:
    """Where each case's link lives and what it points to."""
    return {
        "content-to-a-folder": (kit / "content", outside),
        "content-en-to-a-folder": (kit / "content" / "en", outside),
        "content-dangling": (kit / "content", outside / "gone"),
        "news-dangling": (kit / "content" / "en" / "news", outside / "gone"),
        "logo-dangling": (kit / "logo.svg", outside / "gone.svg"),
        "config-to-a-file": (kit / "presskit.toml", outside / "victim.toml"),
        "post-dangling": (kit / "content/en/news/hello-press/index.md", outside / "gone.md"),
    }


CASES = [
    "content-to-a-folder",
    "content-en-to-a-folder",
    "content-dangling",
    "news-dangling",
    "logo-dangling",
    "config-to-a-file",
    "post-dangling",
]


@pytest.mark.parametrize("case", CASES)
def test_init_meets_a_link(case: str, tmp_path: Path) -> None:
    kit, outside = tmp_path / "kit", tmp_path / "outside"
    outside.mkdir()
    (outside / "victim.toml").write_text("mine\n", "utf-8")
    link, target = links(kit, outside)[case]
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(target)
    before_kit, before_outside = tree(kit), tree(outside)
    done = run("init", str(kit))
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    [line] = done.stderr.splitlines()
    assert line.startswith(f"error: {link}") and "nothing written" in line, line
    assert tree(kit) == before_kit  # nothing written, the link untouched
    assert tree(outside) == before_outside
    assert (outside / "victim.toml").read_text("utf-8") == "mine\n"


def test_init_takes_back_what_it_wrote_when_a_write_fails(tmp_path, monkeypatch) -> None:
    kit = tmp_path / "kit"
    real = scaffold.write_atomic
    calls: list[Path] = []

    def failing(path: Path, data: str | bytes, **kwargs: object) -> None:
        calls.append(path)
        if len(calls) == 3:
            raise PresskitError("cannot write output: No space left on device", path)
        real(path, data)

    monkeypatch.setattr(scaffold, "write_atomic", failing)
    with pytest.raises(PresskitError, match="nothing written"):
        scaffold.init_kit(kit)
    assert len(calls) == 3
    assert not kit.exists() or tree(kit) == []


def test_init_still_writes_a_whole_kit(tmp_path: Path) -> None:
    written = scaffold.init_kit(tmp_path / "kit")
    assert all(p.is_file() and not p.is_symlink() for p in written)
    assert os.path.isdir(tmp_path / "kit" / "content" / "en" / "news")
