"""An audit hook watches every Python-level `open()` of a render of a hostile post.

The allowed roots, precisely:
- the post's folder (page bundle) and the site's `static/` (for `/img/…` references);
- the output folder (the temp file renamed over the target);
- the config file and the brand logo it names (the files, not their folder);
- presskit's own package folders, the theme (`presskit/themes/`) included;
- the Python installation: `sys.prefix`, `sys.base_prefix` and the sysconfig library paths
  (imports, `.pyc` files, WeasyPrint's and Pillow's data);
- `TMPDIR`: `ctypes.util.find_library`, which WeasyPrint's cffi loading calls, probes for
  libraries by compiling in temp files;
- its own `/proc/<pid>/statm` (memory size, to bound a warm worker);
- `/dev/null` and the system MIME tables `mimetypes` reads (`mimetypes.knownfiles`);
- the font folders. fontconfig, Pango and HarfBuzz open fonts from C, which no Python audit
  hook sees; the roots are listed for what they are allowed, not because they are observed.

pandoc runs as a subprocess that reads only its standard input. With `--offline` no socket
is resolved or connected at all.
"""

from __future__ import annotations

import json
import mimetypes
import os
import re
import subprocess
import sys
import sysconfig
from pathlib import Path

from hostile_kit import RUN_TIMEOUT, make_site

import presskit
import presskit.shortcodes
from presskit.themes import builtin_root

AUDITED_RUN = r"""
import json, os, sys
events = []

def hook(event, args):
    if event == "open" and not isinstance(args[0], int):
        events.append(["open", os.path.abspath(os.fsdecode(args[0]))])
    elif event.startswith("socket."):
        events.append([event, repr(args)[:200]])

sys.addaudithook(hook)
from presskit.cli import cli

try:
    cli.main(sys.argv[2:], prog_name="presskit")
except SystemExit as done:
    code = done.code
seen = list(events)
events.clear()
with open(sys.argv[1], "w") as stream:
    json.dump({"code": code, "events": seen}, stream)
"""

AUDIT = [sys.executable, "-c", AUDITED_RUN]
FONT_ROOTS = ("/usr/share/fonts", "/usr/local/share/fonts", "/etc/fonts", "/var/cache/fontconfig")


# The renderer reads its own memory size (presskit.weasy.engine.trim_memory), nothing else of /proc.
OWN_STATM = re.compile(r"/proc/\d+/statm")
# Installed packages' metadata, where `presskit.extensions` finds the `presskit.extensions`
# entry points (and an editable install's path-hook marker, which importlib lists).
PACKAGE_METADATA = re.compile(r".*\.(dist-info|egg-info)/[^/]+|.*/__editable__\.[^/]*__path_hook__")


def allowed_roots(site, tmpdir: Path) -> list[Path]:
    library = {sysconfig.get_path(name) for name in ("stdlib", "platstdlib", "purelib", "platlib")}
    roots = [
        site.bundle,
        site.site / "static",
        site.out.parent,
        site.config,
        site.site / "logo.svg",
        Path(presskit.__file__).parent,
        Path(presskit.shortcodes.__file__).parent,
        builtin_root(),
        Path(sys.prefix),
        Path(sys.base_prefix),
        *(Path(path) for path in library if path),
        tmpdir,
        Path("/dev/null"),
        *(Path(path) for path in mimetypes.knownfiles),
        *(Path(path) for path in FONT_ROOTS),
        Path.home() / ".cache" / "fontconfig",
    ]
    return [root.resolve() for root in roots]


HOSTILE_BODY = """
![inside](ok.png) ![static](/img/ok.png)

![a]({secret_png}) ![b](file://{secret_png}) ![c]({secret_rel}) ![d](link.png)

[e](file://{secret}){{rel=attachment}} <img src="file://{secret_png}">

![f](http://127.0.0.1:9/beacon.png) ![g](https://example.org/x.png)
"""


def test_render_opens_nothing_outside_the_allowed_roots(tmp_path):
    from hostile_kit import png

    site = make_site(tmp_path, '[brand]\nname = "Audit"\nlogo = "logo.svg"\n')
    (site.site / "logo.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>', encoding="utf-8"
    )
    (site.bundle / "ok.png").write_bytes(png(13, 4))
    (site.bundle / "link.png").symlink_to(site.secret_png)
    body = HOSTILE_BODY.format(
        secret=site.secret_txt,
        secret_png=site.secret_png,
        secret_rel=os.path.relpath(site.secret_png, site.bundle),
    )
    site.post.write_text("---\ntitle: Audited\n---\n" + body, encoding="utf-8")
    tmpdir = tmp_path / "tmpdir"
    tmpdir.mkdir()
    log = tmp_path / "audit.json"
    done = subprocess.run(
        [*AUDIT, str(log), "render", str(site.post), "-o", str(site.out), "--offline"],
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT,
        env={**os.environ, "TMPDIR": str(tmpdir)},
        check=False,
    )
    assert "Traceback" not in done.stderr, done.stderr
    record = json.loads(log.read_text(encoding="utf-8"))
    assert record["code"] in (0, None), done.stderr
    opened = [Path(path).resolve() for kind, path in record["events"] if kind == "open"]
    sockets = [event for event in record["events"] if event[0] != "open"]

    assert site.bundle / "ok.png" in opened  # the hook does see what a render reads
    assert site.secret_png.resolve() not in opened
    assert site.secret_txt.resolve() not in opened
    roots = allowed_roots(site, tmpdir)
    outside = sorted(
        {
            str(p)
            for p in opened
            if not any(p.is_relative_to(r) for r in roots)
            and not OWN_STATM.fullmatch(str(p))
            and not PACKAGE_METADATA.fullmatch(str(p))
        }
    )
    assert outside == []
    assert sockets == []
    assert done.stderr.count("refused to read") >= 2, done.stderr
