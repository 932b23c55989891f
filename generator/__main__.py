"""`python -m generator` is the same as the `portal` command."""

from .cli import main

main(prog_name="portal")
