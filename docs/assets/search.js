/* Site search with Pagefind (the bundle under pagefind/, written by the build).
   Every form[data-guide-search] is a plain GET form to the search page, so it works without
   JavaScript as a way there. With it, results appear under the box as one types (typing, an
   IME's committed text, voice input or a paste: every "input" event counts). Nothing of the
   index is fetched until a search box gets focus: a visitor who never searches downloads none
   of it. The search page (data-guide-search-page) reads ?q= and offers filters by department,
   region, matter type and 个人/法人. The region chosen on the home page (localStorage
   "guides.region") is offered as the region filter there. */
(function () {
  "use strict";

  var LIMIT = { panel: 8, page: 30 };
  var FILTERS = [
    ["audience", "办事对象"],
    ["type", "事项类型"],
    ["department", "部门"],
    ["region", "地区"]
  ];
  var REGION_KEY = "guides.region";
  var loading = null;

  function siteRoot() {
    var config = document.getElementById("__config");
    var base = ".";
    try { base = JSON.parse(config.textContent).base || "."; } catch (e) { /* the page's own folder */ }
    return new URL(base.replace(/\/?$/, "/"), document.baseURI);
  }

  function load() {
    if (!loading) {
      var root = siteRoot();
      loading = import(new URL("pagefind/pagefind.js", root).href).then(function (pagefind) {
        // Results are stored as /matters/<code>/; the base puts them under this site's own path
        return pagefind.options({ baseUrl: root.pathname }).then(function () {
          return pagefind.init();
        }).then(function () { return pagefind; });
      });
      loading.catch(function () { loading = null; });
    }
    return loading;
  }

  function text(tag, className, value) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (value) node.textContent = value;
    return node;
  }

  // Pagefind's excerpt is the indexed text (escaped) with <mark> around the matched words:
  // keep the marks, and nothing else as markup.
  // Pagefind joins the record's blocks with ". "; each block ends with "。", so drop the join.
  function excerpt(html) {
    var node = text("p", "gs-result__text");
    String(html || "").replace(/^[.\s]+/, "").replace(/(。)?\.\s/g, "。").split(/(<\/?mark>)/).reduce(function (parent, piece) {
      if (piece === "<mark>") { var mark = document.createElement("mark"); node.appendChild(mark); return mark; }
      if (piece === "</mark>") return node;
      var holder = document.createElement("textarea");
      holder.innerHTML = piece.replace(/<[^>]*>/g, "");
      parent.appendChild(document.createTextNode(holder.value));
      return parent;
    }, node);
    return node;
  }

  function render(panel, query, results, shown, isPage) {
    panel.textContent = "";
    var count = text("p", "gs-count");
    count.setAttribute("role", "status");
    count.textContent = results.length ? "找到 " + results.length + " 项" : "没有找到“" + query + "”。换个说法试试，例如事项名称或“开饭店”“办社保卡”。";
    panel.appendChild(count);
    if (!shown.length) return;
    var list = text("ol", "gs-results");
    shown.forEach(function (data) {
      var item = text("li", "gs-result");
      var link = text("a", "gs-result__link");
      link.href = data.url;
      link.appendChild(text("strong", "gs-result__title", data.meta.title));
      item.appendChild(link);
      var facts = [data.meta.department, data.meta.days ? "承诺时限 " + data.meta.days : "", data.meta.online ? "网办：" + data.meta.online : ""];
      item.appendChild(text("p", "gs-result__meta", facts.filter(Boolean).join(" · ")));
      // the summary's first sentence says what the matter is; the excerpt is kept for pages
      // without one (the index's text, cut into words, reads less well)
      item.appendChild(data.meta.summary ? text("p", "gs-result__text", data.meta.summary) : excerpt(data.excerpt));
      list.appendChild(item);
    });
    panel.appendChild(list);
    if (!isPage && results.length > shown.length) {
      var more = text("a", "gs-more", "查看全部 " + results.length + " 项和筛选");
      more.href = new URL("search/?q=" + encodeURIComponent(query), siteRoot()).href;
      panel.appendChild(more);
    }
  }

  function chosenFilters(form) {
    var filters = {};
    form.querySelectorAll("[data-guide-filter]").forEach(function (select) {
      if (select.value) filters[select.getAttribute("data-guide-filter")] = select.value;
    });
    return filters;
  }

  function buildFilters(form, pagefind) {
    var box = form.querySelector("[data-guide-search-filters]");
    if (!box || box.dataset.ready) return Promise.resolve();
    box.dataset.ready = "1";
    return pagefind.filters().then(function (available) {
      var stored = "";
      try { stored = JSON.parse(localStorage.getItem(REGION_KEY) || "{}").name || ""; } catch (e) { /* none */ }
      FILTERS.forEach(function (pair) {
        var values = Object.keys(available[pair[0]] || {}).sort();
        if (!values.length) return;
        var label = text("label", "gs-filter");
        label.appendChild(text("span", "gs-filter__name", pair[1]));
        var select = text("select");
        select.setAttribute("data-guide-filter", pair[0]);
        select.appendChild(new Option("全部", ""));
        values.forEach(function (value) { select.appendChild(new Option(value, value)); });
        if (pair[0] === "region" && values.indexOf(stored) >= 0) select.value = stored;
        label.appendChild(select);
        box.appendChild(label);
      });
      box.hidden = false;
    });
  }

  function setup(form) {
    if (form.dataset.ready) return;
    form.dataset.ready = "1";
    var input = form.querySelector("input[type=search]");
    var panel = form.querySelector("[data-guide-search-results]");
    var isPage = form.hasAttribute("data-guide-search-page");
    var serial = 0;
    var timer = null;

    function run() {
      var query = input.value.trim();
      var filters = chosenFilters(form);
      var mine = ++serial;
      if (!query && !Object.keys(filters).length) { panel.hidden = true; panel.textContent = ""; return; }
      load().then(function (pagefind) {
        return buildFilters(form, pagefind).then(function () {
          return pagefind.search(query || null, { filters: chosenFilters(form) }).then(function (search) {
            // The index and the browser do not always cut Chinese into the same words; when
            // nothing is found, search again one character a word (every name is indexed so too)
            if (!query || (search && search.results.length) || !/[\u3400-\u9fff]/.test(query)) return search;
            return pagefind.search(Array.from(query.replace(/\s+/g, "")).join(" "), { filters: chosenFilters(form) });
          });
        }).then(function (search) {
          var results = (search && search.results) || [];
          return Promise.all(results.slice(0, isPage ? LIMIT.page : LIMIT.panel).map(function (r) { return r.data(); })).then(function (shown) {
            if (mine !== serial) return;
            render(panel, query, results, shown, isPage);
            panel.hidden = false;
          });
        });
      }).catch(function () {
        if (mine !== serial) return;
        panel.textContent = "";
        panel.appendChild(text("p", "gs-count", "搜索暂时无法使用，请刷新页面重试，或从首页按部门浏览。"));
        panel.hidden = false;
      });
    }

    function soon() {
      clearTimeout(timer);
      timer = setTimeout(run, 120);
    }

    input.addEventListener("focus", function () { load(); if (isPage) buildFiltersLater(); });
    input.addEventListener("input", function (event) { if (!event.isComposing) soon(); });
    input.addEventListener("compositionend", soon);
    form.addEventListener("change", function (event) { if (event.target.hasAttribute("data-guide-filter")) run(); });
    if (isPage) {
      form.addEventListener("submit", function (event) { event.preventDefault(); run(); });
      var query = new URLSearchParams(location.search).get("q");
      if (query) { input.value = query; run(); } else { input.focus(); }
    } else {
      // Escape closes the dropdown; Enter goes to the search page (the form's own action)
      form.addEventListener("keydown", function (event) {
        if (event.key === "Escape") { panel.hidden = true; input.blur(); }
      });
      document.addEventListener("click", function (event) {
        if (!form.contains(event.target)) panel.hidden = true;
      });
    }

    function buildFiltersLater() {
      load().then(function (pagefind) { return buildFilters(form, pagefind); }).catch(function () { /* shown on search */ });
    }
  }

  // The home page's region switcher: the choice is remembered on this device and links to the
  // region's page (what can be done there, and where).
  function regionSwitcher(box) {
    if (box.dataset.ready) return;
    box.dataset.ready = "1";
    var select = box.querySelector("select");
    var link = box.querySelector("[data-guide-region-link]");
    function show() {
      var option = select.options[select.selectedIndex];
      link.hidden = !select.value;
      if (select.value) {
        link.href = new URL(option.getAttribute("data-url"), siteRoot()).href;
        link.textContent = "查看" + option.textContent.trim() + "可办的事项和办理点";
      }
    }
    try {
      var stored = JSON.parse(localStorage.getItem(REGION_KEY) || "{}");
      if (stored.code) select.value = stored.code;
    } catch (e) { /* none stored */ }
    select.addEventListener("change", function () {
      try {
        if (select.value) localStorage.setItem(REGION_KEY, JSON.stringify({ code: select.value, name: select.options[select.selectedIndex].textContent.trim() }));
        else localStorage.removeItem(REGION_KEY);
      } catch (e) { /* private mode: the choice lasts this page */ }
      show();
    });
    show();
    box.hidden = false;
  }

  function init() {
    document.querySelectorAll("form[data-guide-search]").forEach(setup);
    document.querySelectorAll("[data-guide-region-switcher]").forEach(regionSwitcher);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
