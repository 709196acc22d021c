"""`python -m presskit` is the `presskit` command."""

from presskit.cli import main

main()
