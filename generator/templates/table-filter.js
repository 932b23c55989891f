/* 执法公示平台: filter a page's table rows in the browser.
 *
 * Each row carries its values on a marker in its first cell,
 * <span data-row data-body="…" data-type="…">, and a <form data-filter hidden> holds one
 * <select data-filter-key="body"> per attribute plus an optional <input data-filter-text>.
 * An optional <select data-filter-sort> orders the rows: its values are "<attribute>-asc" or
 * "<attribute>-desc" ("amount-desc" sorts by data-amount, numbers as numbers; rows without a
 * value go last), and "" keeps the page's own order.
 * Without JavaScript the form stays hidden and the whole table shows. The chosen values are
 * kept in the address (?body=…&sort=…&q=…), so a filtered list can be linked to.
 *
 * A list too long for one page (the decisions of a county) is written as pages of rows, linked by
 * a <nav data-pager>, and its form names a file holding every row: data-filter-rows="list.json"
 * ({"attributes": [...], "rows": [[[values…], [cells…]], …]}, a cell being its text or [text,
 * address from the file]). While a filter, a sort or a search is chosen, the script shows the
 * matching rows of all pages, data-filter-page-rows at a time, with buttons to page through them
 * (?page=…); with none chosen, the page shows its own rows again.
 * Served from the site itself: nothing is loaded from another origin.
 */
(function () {
  "use strict";

  function setup(form) {
    var unit = form.getAttribute("data-filter-unit") || "项";
    var selects = Array.prototype.slice.call(form.querySelectorAll("select[data-filter-key]"));
    var search = form.querySelector("input[data-filter-text]");
    var sort = form.querySelector("select[data-filter-sort]");
    var count = form.querySelector("[data-filter-count]");
    var rows = Array.prototype.slice.call(document.querySelectorAll("[data-row]")).map(function (marker, index) {
      var tr = marker.closest("tr");
      return { tr: tr, marker: marker, text: tr.textContent.toLowerCase(), index: index };
    });
    var params = new URLSearchParams(window.location.search);

    // A list written as several pages (see above); `all` holds its rows once loaded.
    var source = form.getAttribute("data-filter-rows");
    var pageRows = parseInt(form.getAttribute("data-filter-page-rows"), 10) || 100;
    var tbody = rows.length ? rows[0].tr.parentNode : null;
    var staticPager = document.querySelector("[data-pager]");
    var scriptPager = null;
    var all = null;
    var headers = null;  // the table's header cells, whose alignment rows built from the file take
    var loading = false;
    var page = Math.max(1, parseInt(params.get("page"), 10) || 1);
    var paged = false;  // whether the table shows the script's rows rather than the page's own

    selects.forEach(function (select) {
      var wanted = params.get(select.getAttribute("data-filter-key"));
      if (wanted !== null && Array.prototype.some.call(select.options, function (o) { return o.value === wanted; })) {
        select.value = wanted;
      }
    });
    if (sort && Array.prototype.some.call(sort.options, function (o) { return o.value === params.get("sort"); })) {
      sort.value = params.get("sort");
    }
    if (search && params.get("q")) {
      search.value = params.get("q");
    }

    function number(value) {
      return /^-?\d+(\.\d+)?$/.test(value) ? parseFloat(value) : null;
    }

    function query() {
      return search ? search.value.trim().toLowerCase() : "";
    }

    function chosen() {
      return selects.some(function (select) { return select.value; }) || Boolean(sort && sort.value) || Boolean(query());
    }

    // A row's value of an attribute: on its marker (the page's own rows) or from the list's file.
    function value(row, name) {
      return row.marker ? row.marker.getAttribute("data-" + name) || "" : row.values[name] || "";
    }

    function keep(row, wanted) {
      return selects.every(function (select) {
        return !select.value || value(row, select.getAttribute("data-filter-key")) === select.value;
      }) && (!wanted || row.text.indexOf(wanted) !== -1);
    }

    function compare(a, b) {
      if (!sort || !sort.value) {
        return a.index - b.index;
      }
      var parts = sort.value.split("-");
      var direction = parts[1] === "asc" ? 1 : -1;
      var x = value(a, parts[0]);
      var y = value(b, parts[0]);
      if (!x || !y) {
        return (x ? 0 : 1) - (y ? 0 : 1) || a.index - b.index;
      }
      var compared = number(x) !== null && number(y) !== null ? number(x) - number(y) : (x < y ? -1 : x > y ? 1 : 0);
      return direction * compared || a.index - b.index;
    }

    var ordered = "";  // the order the page's own rows are in: the page's at first

    function filterThisPage() {
      if (sort && sort.value !== ordered) {
        rows.slice().sort(compare).forEach(function (row) { row.tr.parentNode.appendChild(row.tr); });
        ordered = sort.value;
      }
      var wanted = query();
      var shown = 0;
      rows.forEach(function (row) {
        var keepIt = keep(row, wanted);
        row.tr.style.display = keepIt ? "" : "none";
        if (keepIt) {
          shown += 1;
        }
      });
      if (count) {
        count.textContent = "显示 " + shown + " " + unit + "，共 " + rows.length + " " + unit;
      }
    }

    // --- a list of several pages ---------------------------------------------------------

    function showOwnRows() {
      if (paged) {
        tbody.textContent = "";
        rows.forEach(function (row) { row.tr.style.display = ""; tbody.appendChild(row.tr); });
        paged = false;
      }
      if (staticPager) {
        staticPager.hidden = false;
      }
      if (scriptPager) {
        scriptPager.hidden = true;
      }
      var first = parseInt(form.getAttribute("data-filter-first"), 10) || 1;
      if (count) {
        count.textContent = "显示第 " + first + "–" + (first + rows.length - 1) + " " + unit + "，共 " +
          form.getAttribute("data-filter-total") + " " + unit;
      }
    }

    function load() {
      if (loading) {
        return;
      }
      loading = true;
      var url = new URL(source, window.location.href);
      fetch(url.href).then(function (response) {
        if (!response.ok) {
          throw new Error(response.status);
        }
        return response.json();
      }).then(function (data) {
        all = data.rows.map(function (row, index) {
          var values = {};
          data.attributes.forEach(function (name, i) { values[name] = row[0][i]; });
          var cells = row[1].map(function (cell) {
            return Array.isArray(cell) ? { text: cell[0] || "", href: new URL(cell[1], url).href } : { text: cell };
          });
          var text = cells.map(function (cell) { return cell.text; }).join("").toLowerCase();
          return { values: values, cells: cells, text: text, index: index };
        });
        apply();
      }).catch(function () {
        loading = false;
        showOwnRows();
        if (count) {
          count.textContent = "未能载入全部记录，筛选暂不可用；下面是本页的记录。请稍后刷新重试。";
        }
      });
    }

    function rowElement(row) {
      if (row.tr) {
        return row.tr;
      }
      headers = headers || tbody.parentNode.querySelectorAll("thead th");
      var tr = document.createElement("tr");
      row.cells.forEach(function (cell, i) {
        var td = document.createElement("td");
        if (i === 0) {
          var marker = document.createElement("span");
          marker.setAttribute("data-row", "");
          Object.keys(row.values).forEach(function (name) { marker.setAttribute("data-" + name, row.values[name]); });
          td.appendChild(marker);
        }
        if (cell.href) {
          var link = document.createElement("a");
          link.href = cell.href;
          link.textContent = cell.text;
          td.appendChild(link);
        } else {
          td.appendChild(document.createTextNode(cell.text));
        }
        if (headers[i] && headers[i].style.textAlign) {
          td.style.textAlign = headers[i].style.textAlign;
        }
        tr.appendChild(td);
      });
      row.tr = tr;
      return tr;
    }

    function pagerButton(label, target, pages) {
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = label;
      button.disabled = target < 1 || target > pages;
      button.addEventListener("click", function () {
        page = target;
        apply();
        tbody.parentNode.scrollIntoView();
      });
      return button;
    }

    function showMatches() {
      var wanted = query();
      var matches = all.filter(function (row) { return keep(row, wanted); }).sort(compare);
      var pages = Math.max(1, Math.ceil(matches.length / pageRows));
      page = Math.min(page, pages);
      tbody.textContent = "";
      matches.slice((page - 1) * pageRows, page * pageRows).forEach(function (row) {
        tbody.appendChild(rowElement(row));
      });
      paged = true;
      if (staticPager) {
        staticPager.hidden = true;
      }
      if (!scriptPager) {
        scriptPager = document.createElement("nav");
        scriptPager.className = "portal-pager";
        scriptPager.setAttribute("aria-label", "筛选结果的页");
        tbody.parentNode.parentNode.insertBefore(scriptPager, tbody.parentNode.nextSibling);
      }
      scriptPager.textContent = "";
      scriptPager.hidden = pages < 2;
      var where = document.createElement("span");
      where.textContent = "第 " + page + " / " + pages + " 页";
      scriptPager.appendChild(pagerButton("上一页", page - 1, pages));
      scriptPager.appendChild(where);
      scriptPager.appendChild(pagerButton("下一页", page + 1, pages));
      if (count) {
        count.textContent = "显示 " + matches.length + " " + unit + "，共 " + all.length + " " + unit;
      }
    }

    // ---------------------------------------------------------------------------------------

    function remember() {
      var next = new URLSearchParams();
      selects.forEach(function (select) {
        if (select.value) {
          next.set(select.getAttribute("data-filter-key"), select.value);
        }
      });
      if (sort && sort.value) {
        next.set("sort", sort.value);
      }
      if (query()) {
        next.set("q", search.value.trim());
      }
      if (paged && page > 1) {
        next.set("page", String(page));
      }
      var address = next.toString();
      window.history.replaceState(null, "", address ? "?" + address : window.location.pathname);
    }

    function apply() {
      if (!source || !tbody) {
        filterThisPage();
      } else if (!chosen()) {
        showOwnRows();
      } else if (all) {
        showMatches();
      } else {
        if (count) {
          count.textContent = "正在载入全部 " + form.getAttribute("data-filter-total") + " " + unit + "……";
        }
        load();
        return;
      }
      remember();
    }

    function changed() {
      page = 1;  // a new choice shows its first page of rows
      apply();
    }

    form.addEventListener("input", changed);
    form.addEventListener("change", changed);
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    form.hidden = false;
    apply();
  }

  Array.prototype.forEach.call(document.querySelectorAll("form[data-filter]"), setup);
})();
