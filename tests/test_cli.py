"""The CLI contract: exit codes, one-line errors, help everywhere, outputs never half-written."""

from __future__ import annotations

import pytest
from conftest import SAMPLE_ZH, run_presskit

from presskit import __version__


def test_version():
    done = run_presskit("--version")
    assert done.returncode == 0
    assert __version__ in done.stdout


@pytest.mark.parametrize("command", [[], ["render"], ["html"]])
def test_help_on_every_command(command):
    done = run_presskit(*command, "--help")
    assert done.returncode == 0
    assert "Usage:" in done.stdout


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["render"], id="missing-argument"),
        pytest.param(["render", "does-not-exist.md"], id="missing-file"),
        pytest.param(["render", str(SAMPLE_ZH), "--bogus"], id="unknown-option"),
        pytest.param(["frobnicate"], id="unknown-command"),
    ],
)
def test_usage_errors_exit_2(args):
    done = run_presskit(*args)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param("---\ntitle: [unclosed\n---\nx\n", "invalid YAML", id="bad-yaml"),
        pytest.param("+++\ntitle = \n+++\nx\n", "invalid TOML", id="bad-toml"),
        pytest.param('{"title": 1,,}\nx\n', "invalid JSON", id="bad-json"),
        pytest.param("---\ndate: 2024-02-30\n---\nx\n", ":2: invalid date", id="bad-date"),
        pytest.param(
            "---\ntitle: t\n---\n\n{{< tip >}}\n{{< quote >}}\nx\n{{< /tip >}}\n{{< /quote >}}\n",
            ':6:1: unclosed shortcode "quote"',
            id="crossed-shortcodes",
        ),
    ],
)
def test_bad_posts_exit_1_with_one_line_naming_the_file(tmp_path, content, message):
    post = tmp_path / "bad.md"
    post.write_bytes(content.encode("utf-8"))
    out = tmp_path / "bad.pdf"
    done = run_presskit("render", str(post), "-o", str(out))
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, done.stderr
    assert errors[0].startswith(f"error: {post}")
    assert message in errors[0]
    assert not out.exists()


def test_failed_render_leaves_previous_output_untouched(tmp_path):
    post = tmp_path / "post.md"
    out = tmp_path / "post.pdf"
    out.write_bytes(b"%PDF-previous")
    post.write_text("---\ntitle: [broken\n---\n", encoding="utf-8")
    done = run_presskit("render", str(post), "-o", str(out))
    assert done.returncode == 1
    assert out.read_bytes() == b"%PDF-previous"
    assert [p.name for p in tmp_path.iterdir()] == sorted(["post.md", "post.pdf"]) or set(
        p.name for p in tmp_path.iterdir()
    ) == {"post.md", "post.pdf"}


def test_unwritable_output_is_a_one_line_error(tmp_path):
    post = tmp_path / "post.md"
    post.write_text("---\ntitle: t\n---\nx\n", encoding="utf-8")
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    done = run_presskit("html", str(post), "-o", str(blocker / "out.html"))
    assert done.returncode == 1
    assert done.stderr.startswith("error: ")
    assert "cannot write output" in done.stderr
    assert "Traceback" not in done.stderr


def test_html_to_dash_is_standard_output(tmp_path):
    """`-o -` is the terminal, as for most Unix tools: not a file named `-`."""
    post = tmp_path / "post.md"
    post.write_text("---\ntitle: Dash\n---\nHello.\n", encoding="utf-8")
    done = run_presskit("html", str(post), "-o", "-", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "<html" in done.stdout and "Hello." in done.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == ["post.md"]


def test_default_output_name_follows_the_bundle(tmp_path):
    bundle = tmp_path / "my-news"
    bundle.mkdir()
    (bundle / "index.md").write_text("---\ntitle: t\n---\nHello.\n", encoding="utf-8")
    done = run_presskit("render", str(bundle / "index.md"), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "my-news.pdf").read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize(
    ("args", "named"),
    [
        pytest.param(["render", "does-not-exist.md"], "does-not-exist.md", id="missing-post"),
        pytest.param(["render", "{tmp}"], "is a directory", id="render-folder"),
        pytest.param(["html", "{tmp}", "-o", "x.html"], "is a directory", id="html-folder"),
        pytest.param(["build", "nowhere", "-o", "x"], "nowhere", id="build-missing-path"),
        pytest.param(["render", "post.md", "--bogus"], "--bogus", id="unknown-option"),
    ],
)
def test_usage_errors_are_one_error_line(args, named, tmp_path):
    """Not click's three-line usage block: one `error:` line naming what is wrong, exit 2."""
    done = run_presskit(*(a.replace("{tmp}", str(tmp_path)) for a in args), cwd=tmp_path)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("error: ") and named in lines[0]
    if named == "is a directory":
        assert "presskit build" in lines[0]


def test_bare_presskit_prints_the_help():
    done = run_presskit()
    assert "Usage:" in done.stdout + done.stderr
    assert "error:" not in done.stderr


UNKNOWN_POST = (
    "---\ntitle: Mystery\n---\n\nBefore.\n\n{{< mystery >}}\nInside words.\n{{< /mystery >}}\n"
)


@pytest.mark.parametrize(
    ("policy", "code", "message", "kept"),
    [
        pytest.param("keep", 0, 'unsupported shortcode "mystery": content kept', True, id="keep"),
        pytest.param("drop", 0, 'unsupported shortcode "mystery" dropped', False, id="drop"),
        pytest.param("error", 1, ':7:1: unsupported shortcode "mystery"', False, id="error"),
    ],
)
def test_unknown_shortcode_policy_from_config(tmp_path, policy, code, message, kept):
    post = tmp_path / "post.md"
    post.write_text(UNKNOWN_POST, encoding="utf-8")
    (tmp_path / "presskit.toml").write_text(f'unknown_shortcodes = "{policy}"\n', encoding="utf-8")
    done = run_presskit("html", str(post), "-o", str(tmp_path / "out.html"))
    assert done.returncode == code, done.stderr
    assert message in done.stderr and "Traceback" not in done.stderr
    if code == 0:
        page = (tmp_path / "out.html").read_text(encoding="utf-8")
        assert "Before." in page
        assert ("Inside words." in page) is kept


def test_unknown_shortcode_policy_must_be_known(tmp_path):
    post = tmp_path / "post.md"
    post.write_text(UNKNOWN_POST, encoding="utf-8")
    (tmp_path / "presskit.toml").write_text('unknown_shortcodes = "ignore"\n', encoding="utf-8")
    done = run_presskit("html", str(post))
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        f"error: {tmp_path / 'presskit.toml'}: `unknown_shortcodes` must be one of "
        "keep, drop, error, got 'ignore'"
    ]
