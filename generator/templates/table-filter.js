/* 执法公示平台: filter a page's table rows in the browser.
 *
 * Each row carries its values on a marker in its first cell,
 * <span data-row data-body="…" data-type="…">, and a <form data-filter hidden> holds one
 * <select data-filter-key="body"> per attribute plus an optional <input data-filter-text>.
 * Without JavaScript the form stays hidden and the whole table shows. The chosen values are
 * kept in the address (?body=…&q=…), so a filtered list can be linked to.
 * Served from the site itself: nothing is loaded from another origin.
 */
(function () {
  "use strict";

  function setup(form) {
    var unit = form.getAttribute("data-filter-unit") || "项";
    var selects = Array.prototype.slice.call(form.querySelectorAll("select[data-filter-key]"));
    var search = form.querySelector("input[data-filter-text]");
    var count = form.querySelector("[data-filter-count]");
    var rows = Array.prototype.slice.call(document.querySelectorAll("[data-row]")).map(function (marker) {
      var tr = marker.closest("tr");
      return { tr: tr, marker: marker, text: tr.textContent.toLowerCase() };
    });
    var params = new URLSearchParams(window.location.search);

    selects.forEach(function (select) {
      var wanted = params.get(select.getAttribute("data-filter-key"));
      if (wanted !== null && Array.prototype.some.call(select.options, function (o) { return o.value === wanted; })) {
        select.value = wanted;
      }
    });
    if (search && params.get("q")) {
      search.value = params.get("q");
    }

    function apply() {
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
