"""What the local pool's fork server imports, once: each worker is forked from it warm.

Imported by `multiprocessing.forkserver` (see `presskit.batch.workers`), never by presskit
itself. A warm-up that fails here is not reported here: the server would print a traceback
to the user's terminal and die. Each worker forked from a cold server warms up itself and
sends the parent the one-line error it meets (`_worker_main`).
"""

import contextlib
import signal
import warnings

# Ctrl-C reaches the whole process group; it is the parent's to handle (it stops this server).
# multiprocessing ignores it here only once the preload is done: arriving during the imports,
# it printed this process's KeyboardInterrupt traceback under the parent's one-line error.
_interrupt = signal.signal(signal.SIGINT, signal.SIG_IGN)
try:
    import presskit.cli  # noqa: F401 - a worker runs the parent's main script again: presskit's
    from presskit import weasy
    from presskit.batch import workers

    warnings.simplefilter("ignore", weasy.UntestedWeasyPrint)  # the parent says it, once
    with contextlib.suppress(Exception):  # met again, and reported, by every worker
        workers.warm_up()
finally:
    signal.signal(signal.SIGINT, _interrupt)  # what the workers forked from here inherit
