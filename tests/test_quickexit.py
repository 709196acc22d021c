"""A one-shot process that leaves without tearing its heap down still ends as it would."""

from __future__ import annotations

from conftest import run_python


def test_exit_handlers_run_and_output_is_flushed(tmp_path):
    marker = tmp_path / "handled"
    out = run_python(
        "import atexit, sys\n"
        "from presskit import quickexit\n"
        f"atexit.register(lambda: open({str(marker)!r}, 'w').close())\n"
        "sys.stdout.write('unflushed line')\n"
        "quickexit.leave()\n"
        "print('never')\n"
    )
    assert out == "unflushed line"
    assert marker.exists()


def test_a_thread_still_working_is_waited_for(tmp_path):
    marker = tmp_path / "finished"
    run_python(
        "import threading, time\n"
        "from presskit import quickexit\n"
        "def work():\n"
        "    time.sleep(0.3)\n"
        f"    open({str(marker)!r}, 'w').close()\n"
        "threading.Thread(target=work).start()\n"
        "quickexit.leave()\n"
    )
    assert marker.exists()
