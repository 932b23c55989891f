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

    function order() {
      var parts = sort.value.split("-");
      var key = "data-" + parts[0];
      var direction = parts[1] === "asc" ? 1 : -1;
      var sorted = rows.slice().sort(function (a, b) {
        if (!sort.value) {
          return a.index - b.index;
        }
        var x = a.marker.getAttribute(key) || "";
        var y = b.marker.getAttribute(key) || "";
        if (!x || !y) {
          return (x ? 0 : 1) - (y ? 0 : 1) || a.index - b.index;
        }
        var compared = number(x) !== null && number(y) !== null ? number(x) - number(y) : (x < y ? -1 : x > y ? 1 : 0);
        return direction * compared || a.index - b.index;
      });
      sorted.forEach(function (row) { row.tr.parentNode.appendChild(row.tr); });
    }

    var ordered = "";  // the order the rows are in: the page's own at first

    function apply() {
      if (sort && sort.value !== ordered) {
        order();
        ordered = sort.value;
      }
      var query = search ? search.value.trim().toLowerCase() : "";
      var shown = 0;
      rows.forEach(function (row) {
        var keep = selects.every(function (select) {
          return !select.value || row.marker.getAttribute("data-" + select.getAttribute("data-filter-key")) === select.value;
        }) && (!query || row.text.indexOf(query) !== -1);
        row.tr.style.display = keep ? "" : "none";
        if (keep) {
          shown += 1;
        }
      });
      if (count) {
        count.textContent = "显示 " + shown + " " + unit + "，共 " + rows.length + " " + unit;
      }
      var next = new URLSearchParams();
      selects.forEach(function (select) {
        if (select.value) {
          next.set(select.getAttribute("data-filter-key"), select.value);
        }
      });
      if (sort && sort.value) {
        next.set("sort", sort.value);
      }
      if (query) {
        next.set("q", search.value.trim());
      }
      var address = next.toString();
      window.history.replaceState(null, "", address ? "?" + address : window.location.pathname);
    }

    form.addEventListener("input", apply);
    form.addEventListener("change", apply);
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    form.hidden = false;
    apply();
  }

  Array.prototype.forEach.call(document.querySelectorAll("form[data-filter]"), setup);
})();
