/* 执法公示平台: search the site in the browser, from the static index under search/.
 *
 * The index (generator/search_index.py) is sharded: manifest.json names each shard by its first
 * key, so a query downloads the manifest, the few shards holding its keys and the records it
 * shows, and nothing else. Names and titles are found by Chinese substring (character bigrams,
 * then the query checked against the record's text); 文书号, 统一社会信用代码 and item codes by
 * exact value and by prefix. Every text from the index is put on the page as text, never as HTML.
 * Served from the site itself: nothing is loaded from another origin.
 *
 * The page holds <form data-search="…/manifest.json" data-search-root="…/" hidden>, an input,
 * a [data-search-status] live region, an <ol data-search-results> and a [data-search-more] button.
 * Without JavaScript the form stays hidden. The query is kept in the address (?q=…).
 */
(function () {
  "use strict";

  var VERSION = 1;
  var PREFIX_SHARDS = 2;
  var TEXT_SHARDS = 4;
  var MIN_PREFIX = 4;
  var KINDS = { a: "执法主体", l: "法律法规", b: "裁量基准", i: "执法事项", d: "执法决定" };
  var RUNS = /([\u3005-\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u{20000}-\u{3134f}]+)|([0-9a-z]+)/gu;

  function normalize(text) {
    return text.normalize("NFKC").toLowerCase();
  }

  /* [isChinese, run] for each run of Chinese characters or of ASCII letters and digits. */
  function runs(text) {
    var out = [];
    normalize(text).replace(RUNS, function (run, chinese) {
      out.push([Boolean(chinese), run]);
      return run;
    });
    return out;
  }

  function normalizeId(text) {
    return normalize(text).replace(/[[(【〖〘]/g, "〔").replace(/[\])】〗〙]/g, "〕").replace(/\s+/g, "");
  }

  function bigrams(run) {
    var chars = Array.from(run);
    var out = [];
    for (var i = 0; i + 1 < chars.length; i += 1) {
      if (out.indexOf(chars[i] + chars[i + 1]) === -1) {
        out.push(chars[i] + chars[i + 1]);
      }
    }
    return out;
  }

  function matches(record, pieces) {
    var text = normalize([record.t].concat(record.s, record.x || []).join("\n"));
    return pieces.every(function (piece) { return text.indexOf(piece) !== -1; });
  }

  /* The index behind `load(path)`, which resolves to a file's text (path relative to search/). */
  function Index(load) {
    var files = {};
    var self = this;

    function get(path) {
      if (!files[path]) {
        files[path] = load(path).then(JSON.parse);
      }
      return files[path];
    }

    function shardOf(manifest, index, key) {
      var shards = manifest[index];
      var low = 0;
      var high = shards.length - 1;
      while (low < high) {
        var middle = (low + high + 1) >> 1;
        if (shards[middle][0] <= key) {
          low = middle;
        } else {
          high = middle - 1;
        }
      }
      return low;
    }

    function entries(manifest, index, shard) {
      return get(manifest[index][shard][1]).then(function (rows) {
        return rows.map(function (row) {
          var total = 0;
          return [row[0], row[1].map(function (delta) { total += delta; return total; })];
        });
      });
    }

    function lookup(manifest, index, key) {
      return entries(manifest, index, shardOf(manifest, index, key)).then(function (rows) {
        var row = rows.find(function (r) { return r[0] === key; });
        return row ? row[1] : [];
      });
    }

    /* {entries: [[key, records]] for keys starting with `prefix`, partial: whether some were not read}. */
    async function prefixed(manifest, index, prefix, limit) {
      var first = shardOf(manifest, index, prefix);
      var end = prefix + "\uffff";
      var out = [];
      for (var step = 0; step <= limit; step += 1) {
        if (first + step >= manifest[index].length || (step && manifest[index][first + step][0] >= end)) {
          return { entries: out, partial: false };
        }
        if (step === limit) {
          return { entries: out, partial: true };
        }
        (await entries(manifest, index, first + step)).forEach(function (row) {
          if (row[0].startsWith(prefix)) {
            out.push(row);
          }
        });
      }
      return { entries: out, partial: false };
    }

    async function identifiers(manifest, key) {
      if (!key) {
        return { found: [], partial: false };
      }
      if (Array.from(key).length < MIN_PREFIX) {
        return { found: (await lookup(manifest, "ids", key)).map(function (n) { return [n, true]; }), partial: false };
      }
      var result = await prefixed(manifest, "ids", key, PREFIX_SHARDS);
      var exact = [];
      var rest = new Set();
      result.entries.forEach(function (row) {
        row[1].forEach(function (n) {
          if (row[0] === key) {
            exact.push(n);
          } else {
            rest.add(n);
          }
        });
      });
      var found = exact.map(function (n) { return [n, true]; });
      Array.from(rest).filter(function (n) { return exact.indexOf(n) === -1; }).sort(function (a, b) { return a - b; })
        .forEach(function (n) { found.push([n, false]); });
      return { found: found, partial: result.partial };
    }

    async function text(manifest, queryRuns) {
      var keys = [];
      var singles = [];
      queryRuns.forEach(function (r) {
        if (r[0] && Array.from(r[1]).length === 1) {
          singles.push(r[1]);
        } else if (r[0]) {
          bigrams(r[1]).forEach(function (k) { keys.push(k); });
        } else {
          keys.push(r[1]);
        }
      });
      var rare = keys.filter(function (k) { return !Object.prototype.hasOwnProperty.call(manifest.common, k); });
      var chosen = [];
      var shards = [];
      (rare.length ? rare : keys).forEach(function (key) {
        var shard = shardOf(manifest, "text", key);
        if (shards.indexOf(shard) !== -1 || shards.length < TEXT_SHARDS) {
          if (shards.indexOf(shard) === -1) {
            shards.push(shard);
          }
          chosen.push(key);
        }
      });
      var partial = chosen.length > 0 && rare.length === 0;
      var lists = await Promise.all(chosen.map(function (key) { return lookup(manifest, "text", key); }));
      if (!lists.length) {
        var result = await prefixed(manifest, "text", singles[0], TEXT_SHARDS);
        var all = {};
        result.entries.forEach(function (row) { row[1].forEach(function (n) { all[n] = true; }); });
        lists = [Object.keys(all).map(Number)];
        partial = result.partial || result.entries.some(function (row) {
          return Object.prototype.hasOwnProperty.call(manifest.common, row[0]);
        });
      }
      var found = lists.reduce(function (acc, list) {
        var wanted = new Set(list);
        return acc.filter(function (n) { return wanted.has(n); });
      });
      return { found: found.sort(function (a, b) { return a - b; }), partial: partial };
    }

    this.manifest = function () {
      return get("manifest.json").then(function (manifest) {
        if (manifest.version !== VERSION) {
          throw new Error("search index version " + manifest.version);
        }
        return manifest;
      });
    };

    this.doc = function (manifest, number) {
      return get("d/" + Math.floor(number / manifest.chunk) + ".json").then(function (rows) {
        return rows[number % manifest.chunk];
      });
    };

    /* A query's matches: {pieces, candidates: [[record, sure]], partial}. */
    this.query = async function (query) {
      var manifest = await self.manifest();
      var queryRuns = runs(query);
      var ids = await identifiers(manifest, normalizeId(query));
      var exact = ids.found.length > 0 && ids.found[0][1];
      var partial = ids.partial;
      // An identifier hit needs no check: the credit code it matched is not among the shown text.
      var candidates = ids.found.map(function (found) { return [found[0], true]; });
      if (queryRuns.length && !exact) {
        var found = await text(manifest, queryRuns);
        partial = partial || found.partial;
        found.found.forEach(function (n) { candidates.push([n, false]); });
      }
      var seen = new Set();
      return {
        manifest: manifest,
        pieces: queryRuns.map(function (r) { return r[1]; }),
        candidates: candidates.filter(function (c) { return !seen.has(c[0]) && seen.add(c[0]); }),
        partial: partial,
      };
    };

    /* Results matches.candidates[from…] until `limit` records pass the check: {docs, next, rejected}. */
    this.page = async function (matched, from, limit) {
      var docs = [];
      var rejected = 0;
      var next = from;
      while (next < matched.candidates.length && docs.length < limit) {
        var candidate = matched.candidates[next];
        next += 1;
        var record = await self.doc(matched.manifest, candidate[0]);
        if (candidate[1] || matches(record, matched.pieces)) {
          docs.push(record);
        } else {
          rejected += 1;
        }
      }
      return { docs: docs, next: next, rejected: rejected };
    };
  }

  // One result as a list item: its kind, its title (a link when the page is on this site) and the
  // line under it; `prefix` names the CSS classes (the county and the province search pages).
  function resultItem(record, url, prefix) {
    var li = document.createElement("li");
    var kind = document.createElement("span");
    kind.className = prefix + "-kind";
    kind.textContent = KINDS[record.k] || "";
    li.appendChild(kind);
    if (url.origin === window.location.origin) {
      var a = document.createElement("a");
      a.href = url.href;
      a.textContent = record.t;
      li.appendChild(a);
    } else {
      li.appendChild(document.createTextNode(record.t));
    }
    var detail = document.createElement("span");
    detail.className = prefix + "-detail";
    detail.textContent = record.s.join(" · ");
    li.appendChild(detail);
    return li;
  }

  var api = { normalize: normalize, runs: runs, normalizeId: normalizeId, Index: Index, KINDS: KINDS,
              resultItem: resultItem };
  if (typeof module === "object" && module.exports) {
    module.exports = api;
    return;
  }

  function setup(form) {
    var manifestUrl = new URL(form.getAttribute("data-search"), window.location.href);
    var root = new URL(form.getAttribute("data-search-root"), window.location.href);
    var input = form.querySelector("input[name=q]");
    var status = document.querySelector("[data-search-status]");
    var list = document.querySelector("[data-search-results]");
    var more = document.querySelector("[data-search-more]");
    var index = new Index(function (path) {
      // The manifest and the record files keep their names from build to build: ask the server
      // whether they changed. Shard names carry their content's hash and never change.
      var revalidate = path === "manifest.json" || path.indexOf("d/") === 0;
      return fetch(new URL(path, manifestUrl), { cache: revalidate ? "no-cache" : "default" }).then(function (r) {
        if (!r.ok) {
          throw new Error(r.status + " " + r.url);
        }
        return r.text();
      });
    });
    var state = { run: 0, matched: null, next: 0, total: 0, shown: 0 };
    var timer = null;

    function item(record) {
      return resultItem(record, new URL(record.u, root), "portal-search");
    }

    function say(query) {
      if (!state.total) {
        status.textContent = "没有找到与“" + query + "”相符的结果。";
      } else {
        status.textContent = "找到 " + state.total + " 条结果" + (state.shown < state.total ? "，显示前 " + state.shown + " 条" : "") +
          (state.matched.partial ? "。所查词语较常见，只列出了部分结果，请输入更完整的名称、文书号或信用代码。" : "。");
      }
      more.hidden = state.next >= state.matched.candidates.length;
    }

    async function show(run, query) {
      var page = await index.page(state.matched, state.next, state.matched.manifest.page);
      if (run !== state.run) {
        return;
      }
      state.next = page.next;
      state.total -= page.rejected;
      state.shown += page.docs.length;
      page.docs.forEach(function (record) { list.appendChild(item(record)); });
      say(query);
    }

    async function search(query) {
      state.run += 1;
      var run = state.run;
      query = query.trim();
      window.history.replaceState(null, "", query ? "?q=" + encodeURIComponent(query) : window.location.pathname);
      list.textContent = "";
      more.hidden = true;
      if (!query) {
        status.textContent = "";
        return;
      }
      status.textContent = "正在搜索……";
      try {
        var matched = await index.query(query);
        if (run !== state.run) {
          return;
        }
        state.matched = matched;
        state.next = 0;
        state.shown = 0;
        state.total = matched.candidates.length;
        await show(run, query);
      } catch (error) {
        if (run === state.run) {
          status.textContent = "搜索索引加载失败，请稍后重试。";
        }
      }
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
    more.addEventListener("click", function () {
      var run = state.run;
      var first = list.children.length;
      show(run, input.value.trim()).then(function () {
        var link = list.children[first] && list.children[first].querySelector("a");
        if (link) {
          link.focus();
        }
      }).catch(function () {
        status.textContent = "搜索索引加载失败，请稍后重试。";
      });
    });
    form.hidden = false;
    var wanted = new URLSearchParams(window.location.search).get("q");
    if (wanted) {
      input.value = wanted;
      search(wanted);
    }
  }

  Array.prototype.forEach.call(document.querySelectorAll("form[data-search]"), setup);
})();
