"""The decision list's facets (body, type, year, town) and sorting (date, amount) in a real browser."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

LIST = "decisions/"
FACETS = ["body", "type", "year", "town"]


def shown(page, *attributes: str) -> list[tuple[str, ...]]:
    """The chosen data attributes of each visible row, top to bottom."""
    return [tuple(row) for row in page.eval_on_selector_all(
        "article [data-row]", "(ms, names) => ms.filter(m => m.closest('tr').offsetParent !== null)"
                              ".map(m => names.map(n => m.getAttribute('data-' + n)))", list(attributes))]


def settled(page) -> str:
    """The list's count once the script has loaded what it needed (the rows of all pages of a long list)."""
    page.wait_for_function("(c => c.length > 0 && !c.includes('载入'))"
                           "(document.querySelector('[data-filter-count]').textContent)")
    return page.locator("[data-filter-count]").inner_text()


def test_the_list_has_the_four_facets_and_a_sort(page, server: str):
    page.goto(server + LIST)
    form = page.locator("form[data-filter]")
    assert form.is_visible()
    keys = [s.get_attribute("data-filter-key") for s in form.locator("select[data-filter-key]").all()]
    assert keys == FACETS
    total = page.locator("article [data-row]").count()
    assert page.locator("[data-filter-count]").inner_text() == f"显示 {total} 件，共 {total} 件"


def test_facets_narrow_the_list_combine_and_are_kept_in_the_address(page, server: str):
    page.goto(server + LIST)
    total = len(shown(page, "body"))
    page.select_option("select[data-filter-key=body]", "lsscjgj")
    by_body = shown(page, "body", "year")
    assert 0 < len(by_body) < total and {body for body, _ in by_body} == {"lsscjgj"}
    page.select_option("select[data-filter-key=year]", "2024")
    both = shown(page, "body", "year")
    assert 0 < len(both) < len(by_body) and set(both) == {("lsscjgj", "2024")}
    page.select_option("select[data-filter-key=type]", "行政处罚")
    three = shown(page, "body", "year", "type")
    assert three and set(three) == {("lsscjgj", "2024", "行政处罚")}
    assert parse_qs(urlsplit(page.url).query) == {"body": ["lsscjgj"], "year": ["2024"], "type": ["行政处罚"]}
    page.reload()
    assert shown(page, "body", "year", "type") == three  # the address restores them


def test_the_town_facet_keeps_the_decisions_of_that_town(page, server: str):
    page.goto(server + LIST)
    page.select_option("select[data-filter-key=town]", "太保镇")
    towns = shown(page, "town")
    assert towns and set(towns) == {("太保镇",)}
    assert page.locator("[data-filter-count]").inner_text().startswith(f"显示 {len(towns)} 件")


def test_sorting_by_amount_and_by_date_reorders_the_visible_rows(page, server: str):
    page.goto(server + LIST)
    newest_first = [d for (d,) in shown(page, "date")]
    assert newest_first == sorted(newest_first, reverse=True)
    page.select_option("select[data-filter-sort]", "amount-desc")
    amounts = [a for (a,) in shown(page, "amount")]
    given = [float(a) for a in amounts if a]
    assert len(given) >= 5 and given == sorted(given, reverse=True)
    assert amounts == [a for a in amounts if a] + [""] * amounts.count("")  # no amount: last
    page.select_option("select[data-filter-sort]", "amount-asc")
    assert [float(a) for (a,) in shown(page, "amount") if a] == sorted(given)
    page.select_option("select[data-filter-sort]", "date-asc")
    assert [d for (d,) in shown(page, "date")] == sorted(newest_first)
    page.select_option("select[data-filter-key=body]", "lsscjgj")
    dates = shown(page, "body", "date")
    assert {b for b, _ in dates} == {"lsscjgj"} and [d for _, d in dates] == sorted(d for _, d in dates)
    assert parse_qs(urlsplit(page.url).query) == {"body": ["lsscjgj"], "sort": ["date-asc"]}
    # the amount column shows what the rows are sorted by
    page.select_option("select[data-filter-sort]", "amount-desc")
    first = page.locator("article tbody tr:visible").first.locator("td").nth(5).inner_text()
    assert float(first.replace(",", "")) == max(float(a) for (b, a) in shown(page, "body", "amount") if a)


def test_without_javascript_the_whole_list_shows_in_date_order(browser, server: str):
    context = browser.new_context(java_script_enabled=False, service_workers="block")
    try:
        page = context.new_page()
        page.goto(server + LIST)
        assert not page.locator("form[data-filter]").is_visible()
        rows = page.locator("article [data-row]")
        assert rows.count() > 20 and page.locator("article tr:visible [data-row]").count() == rows.count()
    finally:
        context.close()
