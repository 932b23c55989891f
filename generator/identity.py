"""The identity a government site must show in every page footer (《政府网站发展指引》,
国办发〔2017〕47号): 主办单位, 联系方式, 网站标识码, ICP 备案号 and 公安机关备案号, all from
data/site.yaml. A production build refuses to publish without them. The footer also names the
release and commit the site was built from (release.py).
"""

from __future__ import annotations

from typing import Any

from markupsafe import escape

from .corpus import Corpus
from .problems import Problem
from .release import Release

#: site.yaml fields a production build needs, with the names the footer shows.
PRODUCTION_FIELDS = {
    "sponsor": "主办单位",
    "contact": "联系方式",
    "site_code": "网站标识码",
    "icp": "ICP 备案号",
    "police_filing": "公安机关备案号",
}
SOURCE = "《政府网站发展指引》（国办发〔2017〕47号）"


def production_problems(corpus: Corpus) -> list[Problem]:
    """What data/site.yaml lacks for a production build (a preview build may lack them)."""
    site = corpus.site
    data = site.data if site is not None and isinstance(site.data, dict) else {}
    return [Problem("site-identity-missing",
                    f"正式发布的网站必须在页脚显示{title}：请在 data/site.yaml 中填写 {key}。",
                    "data/site.yaml", path=() if site is None else (), source=SOURCE)
            for key, title in PRODUCTION_FIELDS.items() if not data.get(key)]


def footer_html(site: dict[str, Any], release: Release | None = None) -> str:
    """The footer line: every value escaped (site.yaml is data, not markup), then the release."""
    parts = []
    if site.get("sponsor"):
        parts.append(f"主办单位：{escape(site['sponsor'])}")
    contact = site.get("contact") if isinstance(site.get("contact"), dict) else {}
    if contact.get("phone"):
        parts.append(f"联系电话：{escape(contact['phone'])}")
    if contact.get("email"):
        parts.append(f"电子邮箱：{escape(contact['email'])}")
    if site.get("site_code"):
        parts.append(f"网站标识码：{escape(site['site_code'])}")
    if site.get("icp"):
        parts.append(f"{escape(site['icp'])}")
    if site.get("police_filing"):
        parts.append(f"{escape(site['police_filing'])}")
    if release is not None:
        parts.append(f'<span class="portal-release">{escape(release.footer())}</span>')
    return '<span class="portal-identity">' + "　".join(parts) + "</span>"
