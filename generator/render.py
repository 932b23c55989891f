"""Render the corpus into Markdown pages for mkdocs-material.

The pages are plain Markdown plus a little HTML, so the generator does not depend on the
theme's internals (material 9.x reaches end of life in 2027; Zensical reads the same
mkdocs.yml). Every value from the data is escaped for both HTML and Markdown: department
fields are text, never markup (a ``[点我](javascript:…)`` in a field stays literal text).
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import re
from collections.abc import Callable
from pathlib import Path as FsPath
from typing import Any

import jinja2
from markupsafe import Markup

from .corpus import Corpus
from .display import display_until
from .flowchart import flowchart_svg
from .schemas import SchemaSet
from .workdays import parse_date

TEMPLATES = FsPath(__file__).resolve().parent / "templates"

# Characters that HTML or Markdown would interpret; written as numeric entities they show
# as themselves and start no markup.
_SPECIAL = {char: f"&#{ord(char)};" for char in "&<>\"'`*_[]()#|\\!{}~"}
_TABLE = str.maketrans({**_SPECIAL, "\n": " ", "\r": " "})
# Most values (Chinese text, dates, codes) have none of them: a search in C is ~20x cheaper than
# a translation of a Chinese string, and a county's pages escape millions of values.
_ANY_SPECIAL = re.compile("[" + re.escape("".join(_SPECIAL)) + "\n\r]")


def escape(value: Any) -> Markup:
    if isinstance(value, Markup):
        return value
    if value is None:
        return Markup("")
    text = str(value)
    return Markup(text.translate(_TABLE) if _ANY_SPECIAL.search(text) else text)  # noqa: S704 - the escaping itself


def environment() -> jinja2.Environment:
    # No autoreload: editing a template in the middle of a build is not useful, and checking each
    # template's time on every use was ~5% of writing a county's 43,000 record pages.
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        auto_reload=False,
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # noqa: S701 - `finalize` escapes every value for HTML *and* Markdown
        finalize=escape,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.bytecode_cache = bytecode_cache()
    env.filters["money"] = lambda v: f"{v:,.2f}" if isinstance(v, (int, float)) else v
    env.globals["flowchart"] = flowchart_svg
    return env


def bytecode_cache() -> jinja2.BytecodeCache | None:
    """Where Jinja keeps the templates it compiled, for the next build (None: nowhere to keep it).

    Compiling the theme's and the generator's templates from their source took ~0.3 s of every
    build; loaded compiled, ~0.02 s. A template is compiled again when its source or what else
    decides its code (`_compiled_with`) changed. The code is loaded with `marshal`, which can run
    anything: the folder is this user's (`cache.user_folder`), never the project's, where a pull
    request could place a file."""
    from .cache import user_folder

    folder = user_folder() / "jinja"
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError:
        return None
    return _CompiledTemplates(str(folder))


class _CompiledTemplates(jinja2.FileSystemBytecodeCache):
    """Jinja's cache of compiled templates, keyed by what decides the code too, not only by the
    template's name, file and source (Jinja's own key): the same file loaded with other options
    (``trim_blocks``, ``finalize``, a filter that now takes the context…) must not get its code."""

    def get_bucket(self, environment: jinja2.Environment, name: str, filename: str | None,
                   source: str) -> jinja2.bccache.Bucket:
        return super().get_bucket(environment, name, f"{filename}\0{_compiled_with(environment)}", source)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):  # a full disk: compiled again next time, as before
            super().dump_bytecode(bucket)


#: The environment's settings that shape how a template's source is read.
_SYNTAX = ("block_start_string", "block_end_string", "variable_start_string", "variable_end_string",
           "comment_start_string", "comment_end_string", "line_statement_prefix", "line_comment_prefix",
           "trim_blocks", "lstrip_blocks", "newline_sequence", "keep_trailing_newline")


def _compiled_with(env: jinja2.Environment) -> str:
    """What besides a template's source decides the code Jinja compiles it to: Jinja's version, the
    environment's syntax and options, and how each filter and test is called (``pass_context``…)."""
    def named(value: Any) -> str:
        if not callable(value):
            return repr(value)
        return f"{getattr(value, '__module__', '')}.{getattr(value, '__qualname__', '')}"

    calls = (f"{kind} {name} {getattr(function, 'jinja_pass_arg', '')}"
             for kind, table in (("filter", env.filters), ("test", env.tests))
             for name, function in sorted(table.items()))
    parts = [jinja2.__version__, *(repr(getattr(env, setting)) for setting in _SYNTAX),
             repr((env.optimized, env.is_async, env.sandboxed)), named(env.finalize), named(env.autoescape),
             *sorted(env.extensions), *calls]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def visible(decision: dict, today: datetime.date, site: Any = None) -> bool:
    """Whether a decision is on display on `today` (withdrawn ones show only a notice).

    From its publication to the end of its legal display period (display.py), whatever
    ``display_until`` says: the display-periods rule makes sure the two agree.
    """
    if isinstance(decision.get("party"), dict) and decision["party"].get("minor") is True:
        return False
    published, until = parse_date(decision.get("published_on")), display_until(decision, site)
    return published is not None and until is not None and published <= today <= until


def pages(corpus: Corpus, today: datetime.date, schemas: SchemaSet | None = None, *,
          directory_urls: bool = True, defer: bool = False,
          on_job: Callable[[Any], None] | None = None, memo: Any = None, basis: str | None = None) -> dict[str, Any]:
    """src URI → content of every generated page (see generator/pages/: Markdown, files, HtmlPage).

    `directory_urls` is mkdocs' ``use_directory_urls``: it decides the address of each page,
    which some pages print (the decision pages' QR codes). With `defer`, record pages stay
    `Deferred` until the build writes them, and the open data files are a `FileJob`, handed to
    `on_job` as soon as it exists (the build starts writing them while the other pages are made).
    `memo` (reuse.Memo) and the build's `basis`: values made from one record each, kept between builds.
    """
    from .pages import render_all

    return render_all(corpus, today, environment(), schemas, directory_urls=directory_urls, defer=defer,
                      on_job=on_job, memo=memo, basis=basis)
