/* 执法公示平台（各县）: search every county's site from the province's search page.
 *
 * search/province.json (generator/province.py) lists each county's shard: its path, its search
 * manifest (with the SHA-256 the join checked) and the identifier prefixes (机关代字, region
 * code) that belong to it. A query that starts with one of those prefixes asks that county only.
 * A Chinese query first reads the routing index (search/route/: each text key with the counties
 * holding it) and asks only the counties holding all its keys, none if no county does. Any other
 * query (a credit code, Latin letters or digits) goes to every county. Counties are asked
 * province.json `batch` at a time; a button asks the next batch. Each county's first results
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
    var more = document.querySelector("[data-search-more]");
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
      return api.resultItem(record, new URL(shard.path + record.u, root), "province");
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

    /* The query of the current run: the counties routed to, how many were asked, what they found. */
    var state = null;

    function say() {
      var p = state.province;
      var routed = state.routed;
      var names = routed.map(function (s) { return s.county || s.name; }).join("、");
      var key = api.normalizeId(state.query);
      var byPrefix = routed.some(function (shard) {
        return shard.routes.some(function (prefix) { return key.indexOf(prefix) === 0; });
      });
      var scope = routed.length === p.shards.length ? "查询全部 " + p.shards.length + " 个县（区）"
        : byPrefix ? "按文书号或编码的前缀只查询" + names
          : routed.length ? "只查询含有这些字词的" + (routed.length > 3 ? routed.length + " 个县（区）" : names)
            : "各县（区）都没有这些字词";
      var left = routed.length - state.next;
      var progress = left > 0 ? "（已查询 " + state.next + " 个，还有 " + left + " 个未查询）" : "";
      status.textContent = scope + progress + "，" + (state.total
        ? "在 " + state.counties + " 个县（区）找到 " + state.total + " 条结果。"
        : "没有找到与“" + state.query + "”相符的结果。");
      more.hidden = left <= 0;
      more.textContent = "继续查询其他 " + Math.min(left, p.batch || left) + " 个县（区）";
    }

    /* Ask the next batch of routed counties (province.json `batch` at a time) and show what they found. */
    async function next(mine) {
      var p = state.province;
      var batch = state.routed.slice(state.next, state.next + (p.batch || state.routed.length));
      state.next += batch.length;
      more.hidden = true;
      var outcomes = await Promise.allSettled(batch.map(function (shard) { return ask(shard, state.query, p.page); }));
      if (mine !== run) {
        return;
      }
      batch.forEach(function (shard, i) {
        var outcome = outcomes[i];
        if (outcome.status === "fulfilled" && !outcome.value.total) {
          return;
        }
        if (outcome.status === "fulfilled") {
          state.total += outcome.value.total;
          state.counties += 1;
        }
        results.appendChild(group(shard, outcome, state.query));
      });
      say();
    }

    async function search(query) {
      run += 1;
      var mine = run;
      query = query.trim();
      window.history.replaceState(null, "", query ? "?q=" + encodeURIComponent(query) : window.location.pathname);
      results.textContent = "";
      more.hidden = true;
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
      var routed;
      try {
        routed = await route(p, query);
      } catch (error) {
        routed = p.shards;  // without the routing index, every county is asked
      }
      if (mine !== run) {
        return;
      }
      state = { province: p, query: query, routed: routed, next: 0, total: 0, counties: 0 };
      await next(mine);
    }

    more.addEventListener("click", function () {
      var first = results.children.length;
      next(run).then(function () {
        var link = results.children[first] && results.children[first].querySelector("a");
        if (link) {
          link.focus();
        }
      });
    });

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
