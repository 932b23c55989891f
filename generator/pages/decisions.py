"""执法决定公示: the list of decisions on display."""

from __future__ import annotations

from . import Context


def pages(ctx: Context) -> dict[str, str]:
    return {"decisions/index.md": ctx.env.get_template("decisions.md.j2").render(**ctx.base, decisions=ctx.shown)}
