"""数据开放: the download page, and the files it offers (JSON, CSV, XLSX, datapackage.json).

The files are made by generator/datapackage.py from what the other pages show today; this
module adds them to the build beside the page, which lists each file with its size and SHA-256.
"""

from __future__ import annotations

from typing import Any

from .. import datapackage
from . import Context, decisions
from .feed import FEED

PAGE = f"{datapackage.FOLDER}/index.md"


def pages(ctx: Context) -> dict[str, Any]:
    sets = datapackage.datasets(ctx.corpus, ctx.schemas, ctx.site, ctx.shown, lambda d: _extra(ctx, d))
    files = datapackage.files(sets, ctx.today, ctx.site)
    # Each file hashed once: a county's files are 165 MB.
    described = {uri.rpartition("/")[2]: _file(uri.rpartition("/")[2], data) for uri, data in files.items()}
    listing = [{"dataset": dataset,
                "json": described[f"{dataset.name}.json"],
                "xlsx": described[f"{dataset.name}.xlsx"],
                "tables": [{"table": table, "csv": described[f"{table.name}.csv"],
                            "schema": datapackage.table_schema(table)} for table in dataset.tables]}
               for dataset in sets]
    every = sorted(described.values(), key=lambda f: f["name"])
    page = ctx.env.get_template("open-data.md.j2").render(
        **ctx.base, src_uri=PAGE, listing=listing, files=every, package=described[datapackage.PACKAGE], feed=FEED)
    for dataset in sets:  # written and counted: let go of the rows (a county's: ~100 MB) before the text is made
        dataset.records = []
        for table in dataset.tables:
            table.rows = []
    # Text files as text (so checks that search the generated pages read them too); workbooks as bytes.
    # Each file's bytes are let go as its text is made, so the two are never all held at once.
    out: dict[str, Any] = {PAGE: page}
    for uri in list(files):
        data = files.pop(uri)
        out[uri] = data if uri.endswith(".xlsx") else data.decode("utf-8")
    return out


def _extra(ctx: Context, decision: dict) -> dict[str, str]:
    return {datapackage.PAGE_URL: decisions.page_url(ctx, decisions.page_uri(ctx, decision)),
            datapackage.CONTENT_HASH: decisions.content_hash(decision)}


def _file(name: str, data: bytes) -> dict[str, Any]:
    return {"name": name, "bytes": len(data), "size": _size(len(data)), "sha256": datapackage.sha256(data)}


def _size(count: int) -> str:
    if count < 1024:
        return f"{count} 字节"
    if count < 1024 * 1024:
        return f"{count / 1024:.1f} KB"
    return f"{count / 1024 / 1024:.1f} MB"
