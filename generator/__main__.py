"""`python -m generator` is the same as the `portal` command."""

from .cli import program

program()
