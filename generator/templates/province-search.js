/* 执法公示平台（各县）: search every county's site from the province's search page.
 *
 * search/province.json (generator/province.py) lists each county's shard: its path, its search
 * manifest (with the SHA-256 the join checked) and the identifier prefixes (机关代字, region
 * code) that belong to it. A query that starts with one of those prefixes asks that county only.
 * A Chinese query first reads the routing index (search/route/: each text key with the counties
 * holding it) and asks only the counties holding all its keys, none if no county does. Any other
 * query (a credit code, Latin letters or digits) asks every county. Each county's first results
 * are shown under its name, with a link to the county's own search page for the rest. Each county's index is read by the
 * county's own code: assets/search.js, loaded just before this script with `module` defined, so
 * that it hands over its `Index` instead of running a page of its own. Every text from an index
 * is put on the page as text, never as HTML; nothing is loaded from another origin.
 */
(function () {
  "use strict";

  var FORMAT = 1;
  var api = window.module && window.module.exports;

  function fetchText(url, revalidate) {
    return fetch(url, { cache: revalidate ? "no-cache" : "default" }).then(function (r) {
      if (!r.ok) {
        throw new Error(r.status + " " + r.url);
      }
      return r.text();
    });
  }

  function setup(form) {
    var entry = new URL(form.getAttribute("data-province-search"), window.location.href);
    var root = new URL("../", entry);
    var input = form.querySelector("input[name=q]");
    var status = document.querySelector("[data-search-status]");
    var results = document.querySelector("[data-search-results]");
    var province = null;
    var indexes = {};
    var run = 0;
    var timer = null;

    function load() {
      if (!province) {
        // The province entry changes whenever a county republishes: always ask the server.
        province = fetchText(entry, true).then(JSON.parse).then(function (p) {
          if (p.version !== FORMAT) {
            throw new Error("province search version " + p.version);
          }
          return p;
        });
        province.catch(function () { province = null; });
      }
      return province;
    }

    function index(shard) {
      if (!indexes[shard.id]) {
        var manifestUrl = new URL(shard.manifest, root);
        indexes[shard.id] = new api.Index(function (path) {
          if (path === "manifest.json") {
            // Named by the digest the join checked: a new shard is a new address, so it may be cached.
            return fetchText(manifestUrl.href + "?v=" + shard.sha256.slice(0, 16), false);
          }
          return fetchText(new URL(path, manifestUrl), path.indexOf("d/") === 0);
        });
      }
      return indexes[shard.id];
    }

    var router = null;

    /* The counties that may answer `query`, as generator/province.py's ProvinceReader.route. */
    async function route(p, query) {
      var key = api.normalizeId(query);
      var routed = p.shards.filter(function (shard) {
        return key && shard.routes.some(function (prefix) { return key.indexOf(prefix) === 0; });
      });
      if (routed.length) {
        return routed;
      }
      var pieces = api.runs(query);
      if (!pieces.length || !pieces.every(function (r) { return r[0]; }) || !p.route) {
        return p.shards;
      }
      if (!router) {
        var routeUrl = new URL(p.route, entry);
        router = new api.Index(function (path) {
          // Routing files are named by their content, but for the manifest, which changes with each join.
          return fetchText(new URL(path, routeUrl), path === "manifest.json");
        });
      }
      var matched = await router.query(query);
      var found = new Set(matched.candidates.map(function (c) { return c[0]; }));
      p.shards.forEach(function (shard, n) {
        // The start of a 机关代字 may find 文书号 by prefix: that county is asked too.
        if (shard.routes.some(function (prefix) { return prefix.indexOf(key) === 0; })) {
          found.add(n);
        }
      });
      return p.shards.filter(function (shard, n) { return found.has(n); });
    }

    async function ask(shard, query, limit) {
      var shardIndex = index(shard);
      var matched = await shardIndex.query(query);
      var page = await shardIndex.page(matched, 0, limit);
      return { docs: page.docs, total: matched.candidates.length - page.rejected, partial: matched.partial,
               more: page.next < matched.candidates.length };
    }

    function item(shard, record) {
      var li = document.createElement("li");
      var kind = document.createElement("span");
      kind.className = "province-kind";
      kind.textContent = api.KINDS[record.k] || "";
      li.appendChild(kind);
      var url = new URL(shard.path + record.u, root);
      if (url.origin === window.location.origin) {
        var a = document.createElement("a");
        a.href = url.href;
        a.textContent = record.t;
        li.appendChild(a);
      } else {
        li.appendChild(document.createTextNode(record.t));
      }
      var detail = document.createElement("span");
      detail.className = "province-detail";
      detail.textContent = record.s.join(" · ");
      li.appendChild(detail);
      return li;
    }

    function group(shard, outcome, query) {
      var section = document.createElement("section");
      section.setAttribute("data-shard", shard.id);
      var heading = document.createElement("h2");
      var name = shard.county || shard.name;
      section.appendChild(heading);
      if (outcome.status === "rejected") {
        heading.textContent = name;
        var failed = document.createElement("p");
        failed.textContent = "该县的搜索索引加载失败，请稍后重试，或进入该县网站搜索。";
        section.appendChild(failed);
        return section;
      }
      var found = outcome.value;
      heading.textContent = name + "（" + found.total + " 条）";
      var list = document.createElement("ol");
      list.className = "province-results";
      found.docs.forEach(function (record) { list.appendChild(item(shard, record)); });
      section.appendChild(list);
      if (found.more || found.partial) {
        var more = document.createElement("p");
        var link = document.createElement("a");
        link.href = new URL(shard.path + "search/?q=" + encodeURIComponent(query), root).href;
        link.textContent = "在" + name + "网站查看全部结果";
        more.appendChild(link);
        section.appendChild(more);
      }
      return section;
    }

    async function search(query) {
      run += 1;
      var mine = run;
      query = query.trim();
      window.history.replaceState(null, "", query ? "?q=" + encodeURIComponent(query) : window.location.pathname);
      results.textContent = "";
      if (!query) {
        status.textContent = "";
        return;
      }
      status.textContent = "正在搜索……";
      var p;
      try {
        p = await load();
      } catch (error) {
        if (mine === run) {
          status.textContent = "跨县搜索索引加载失败，请稍后重试。";
        }
        return;
      }
      var asked;
      try {
        asked = await route(p, query);
      } catch (error) {
        asked = p.shards;  // without the routing index, every county is asked
      }
      if (mine !== run) {
        return;
      }
      var outcomes = await Promise.allSettled(asked.map(function (shard) { return ask(shard, query, p.page); }));
      if (mine !== run) {
        return;
      }
      var total = 0;
      var counties = 0;
      asked.forEach(function (shard, i) {
        var outcome = outcomes[i];
        if (outcome.status === "fulfilled" && !outcome.value.total) {
          return;
        }
        if (outcome.status === "fulfilled") {
          total += outcome.value.total;
          counties += 1;
        }
        results.appendChild(group(shard, outcome, query));
      });
      var names = asked.map(function (s) { return s.county || s.name; }).join("、");
      var key = api.normalizeId(query);
      var byPrefix = asked.some(function (shard) {
        return shard.routes.some(function (prefix) { return key.indexOf(prefix) === 0; });
      });
      var scope = asked.length === p.shards.length ? "查询了全部 " + p.shards.length + " 个县（区），"
        : byPrefix ? "按文书号或编码的前缀只查询了" + names + "，"
          : asked.length ? "只查询了含有这些字词的" + names + "，" : "各县（区）都没有这些字词，";
      status.textContent = total
        ? scope + "在 " + counties + " 个县（区）找到 " + total + " 条结果。"
        : scope + "没有找到与“" + query + "”相符的结果。";
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      window.clearTimeout(timer);
      search(input.value);
    });
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () { search(input.value); }, 300);
    });
    form.hidden = false;
    var wanted = new URLSearchParams(window.location.search).get("q");
    if (wanted) {
      input.value = wanted;
      search(wanted);
    }
  }

  if (api && api.Index) {
    Array.prototype.forEach.call(document.querySelectorAll("form[data-province-search]"), setup);
  }
})();
