"""Review 17 (#6): a refused resource's warning names the line that wrote it.

The fetcher placed a refusal on the first line naming a file of the same name, so
`/img/../../secret.png` (line 7) and `/img/%2e%2e/%2e%2e/secret.png` (line 9) were both reported
at line 5, where `../../../../secret.png` stood. Each address the post writes is now resolved
as the renderer resolves it and matched to the address asked for.
"""

from __future__ import annotations

import re

import pytest
from hostile_kit import make_site, run

CASES = {
    "dot-segments-and-escapes": [
        "../../../../secret_root.png",
        "/img/../../secret_root.png",
        "/img/%2e%2e/%2e%2e/secret_root.png",
        "/img/%2E%2E/%2E%2E/secret_root.png",
    ],
    "same-name-on-other-hosts": [
        "https://a.example/x/logo.png",
        "https://b.example/y/logo.png",
        "https://c.example/logo.png?v=2",
    ],
    "escaped-file-names": [
        "/img/a%20b.png",
        "/img/../img/a%20b.png",
        "/img/x/../a%20b.png",
    ],
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_refusal_names_its_own_line(name, tmp_path) -> None:
    site = make_site(tmp_path, 'base_url = "https://example.com/"\n')
    addresses = CASES[name]
    body = "".join(f"![{i}](<{a}>)\n\n" for i, a in enumerate(addresses))
    site.post.write_text("---\ntitle: Lines\n---\n\n" + body, "utf-8")
    done = run("render", str(site.post), "-o", str(site.out), "--offline")
    assert done.returncode == 0, done.stderr
    lines = {}
    for found in re.finditer(
        rf"{re.escape(str(site.post))}:(\d+): not fetched \(offline\): (\S+)", done.stderr
    ):
        lines[found[2]] = int(found[1])
    fetched = [a for a in addresses if not a.startswith("../")]
    assert len(lines) == len(fetched), done.stderr
    for address, line in lines.items():
        # the address this URL was made from: the longest one it ends with
        index = max(
            (i for i, a in enumerate(addresses) if address.endswith(a)),
            key=lambda i: len(addresses[i]),
        )
        assert line == 5 + 2 * index, (address, line, done.stderr)
