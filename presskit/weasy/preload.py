"""Importing this module imports WeasyPrint as presskit tunes it (`engine.import_weasyprint`).

For a process that runs nothing but imports modules by name, and that workers are then forked
from: the Dask executor's fork server (`presskit.batch.cluster.FORK_PRELOAD`). A plain
`import weasyprint` there would leave each worker to load it again with presskit's patches;
this does the 0.2 s of it once, before the fork.
"""

import warnings

from presskit import weasy
from presskit.weasy.engine import import_weasyprint

with warnings.catch_warnings():
    # An untested WeasyPrint is announced once, by the build's own process.
    warnings.simplefilter("ignore", weasy.UntestedWeasyPrint)
    import_weasyprint()
