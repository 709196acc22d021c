"""Outputs: a failed or stopped render leaves the previous PDF byte-identical and no temp file;
an unwritable target is one error line naming it."""

from __future__ import annotations

from hostile_kit import assert_well_behaved, make_site, run, temp_files

PREVIOUS = b"%PDF-1.7 the previous, good output"


def test_success_replaces_the_previous_output_atomically(tmp_path):
    site = make_site(tmp_path)
    site.post.write_text("---\ntitle: Fine\n---\n\nBody.\n", encoding="utf-8")
    site.out.write_bytes(PREVIOUS)
    done = run("render", str(site.post), "-o", str(site.out))
    assert done.returncode == 0, done.stderr
    assert site.out.read_bytes().startswith(b"%PDF-1.") and site.out.read_bytes() != PREVIOUS
    assert temp_files(site.out.parent) == []


def test_failed_render_keeps_the_previous_output(tmp_path):
    site = make_site(tmp_path)
    site.post.write_text("---\ntitle: [broken\n---\n", encoding="utf-8")
    site.out.write_bytes(PREVIOUS)
    done = run("render", str(site.post), "-o", str(site.out))
    assert_well_behaved(done, site.post)
    assert done.returncode == 1
    assert site.out.read_bytes() == PREVIOUS
    assert temp_files(site.out.parent) == []


def test_output_under_a_regular_file_is_one_error_line(tmp_path):
    site = make_site(tmp_path)
    site.post.write_text("---\ntitle: Fine\n---\n\nBody.\n", encoding="utf-8")
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    out = blocker / "post.pdf"
    done = run("render", str(site.post), "-o", str(out))
    assert_well_behaved(done, out)
    assert done.returncode == 1
    assert done.stderr.startswith(f"error: {out}: cannot write output")


def test_output_in_an_unwritable_filesystem_is_one_error_line(tmp_path):
    site = make_site(tmp_path)
    site.post.write_text("---\ntitle: Fine\n---\n\nBody.\n", encoding="utf-8")
    out = "/proc/presskit-cannot-write-here.pdf"
    done = run("render", str(site.post), "-o", out)
    # why the ignore below: a path outside any site: the helper takes it as a str too
    assert_well_behaved(done, out)  # type: ignore[arg-type]
    assert done.returncode == 1
    assert "cannot write output" in done.stderr


def test_stuck_render_is_stopped_and_keeps_the_previous_output(tmp_path):
    site = make_site(tmp_path)
    # Many seconds of layout (the stop comes long before): 16 times the half second allowed.
    slow = "\n\n".join("w" * 50_000 for _ in range(4))
    site.post.write_text("---\ntitle: Slow\n---\n\n" + slow + "\n", encoding="utf-8")
    site.out.write_bytes(PREVIOUS)
    done = run("render", str(site.post), "-o", str(site.out), "--timeout", "0.5")
    assert_well_behaved(done, site.post)
    assert done.returncode == 1
    assert done.stderr == f"error: {site.post}: render took longer than 0.5 s; stopped\n"
    assert site.out.read_bytes() == PREVIOUS
    assert temp_files(site.out.parent) == []
