"""axe-core on the main pages: no serious or critical WCAG 2.1 A/AA violation.

WCAG 2.1 AA stands in for GB/T 37668-2019 level 2. axe-core comes from the npm registry,
pinned with its integrity hash in tests/browser/package-lock.json; `make test` installs it
with ``npm ci`` into tests/browser/node_modules/ (not committed).
"""

from __future__ import annotations

import pytest

from .conftest import AXE, unavailable
from .test_site import decision_links

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_violations(page) -> list[str]:
    """``rule-id (impact): selector`` for each serious or critical violation on the page."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS)
    return [f"{v['id']} ({v['impact']}): {', '.join(str(n['target']) for n in v['nodes'][:3])} — {v['help']}"
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("which", ["home", "decision list", "decision", "withdrawn decision", "agency"])
def test_no_serious_or_critical_accessibility_violation(page, server: str, which: str):
    if not AXE.is_file():
        unavailable(f"{AXE} not found: run `npm ci --prefix tests/browser` (make test does)")
    shown, withdrawn = decision_links(page, server)
    url = {"home": server, "decision list": server + "decisions/", "decision": shown[0],
           "withdrawn decision": withdrawn[0], "agency": server + "agencies/lsscjgj/"}[which]
    page.goto(url)
    assert axe_violations(page) == []
