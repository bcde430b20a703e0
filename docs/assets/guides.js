/*
 * 办事指南 in the browser: the 情形 filter, staff mode with a filled 补正材料通知书, printing,
 * and 长辈模式 (elderly mode).
 *
 * Plain script, no framework and no requests, so the site works on an intranet. Every page is
 * complete without it: the full material list, conditions, times and contacts are in the HTML;
 * this only hides what does not apply and adds controls that need a script to work.
 * Works with Material's instant navigation on or off: page set-up runs for every new document
 * (document$), clicks are handled once, by delegation.
 */
(function () {
  "use strict";

  var root = document.documentElement;
  var KEYS = { elderly: "guides.elderly", staff: "guides.staff" };
  // How long an applicant has to bring what is missing, in working days
  var CORRECTION_DAYS = 5;
  var WEEKDAYS = "日一二三四五六";

  function remembered(key) {
    try {
      return window.localStorage.getItem(key) === "1";
    } catch (e) {
      return false; // storage blocked (private mode, policy): the mode just is not remembered
    }
  }

  function remember(key, on) {
    try {
      window.localStorage.setItem(key, on ? "1" : "0");
    } catch (e) {
      /* not remembered; the mode still applies to this page */
    }
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      node.setAttribute(name, attrs[name]);
    });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  /* ------------------------------------------------------------------ dates */

  function isoDate(date) {
    function two(n) {
      return (n < 10 ? "0" : "") + n;
    }
    return date.getFullYear() + "-" + two(date.getMonth() + 1) + "-" + two(date.getDate());
  }

  function parseIsoDate(text) {
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text || "");
    return m ? new Date(+m[1], +m[2] - 1, +m[3]) : null;
  }

  // 2026年11月27日（星期五）: dates written the Chinese way, as on the printed slips
  function chineseDate(date, withWeekday) {
    var text = date.getFullYear() + "年" + (date.getMonth() + 1) + "月" + date.getDate() + "日";
    return withWeekday ? text + "（星期" + WEEKDAYS.charAt(date.getDay()) + "）" : text;
  }

  /*
   * The one place that counts working days. The day of receipt does not count (a period starts
   * the next day); Saturdays and Sundays are skipped unless the calendar lists them as make-up
   * working days (调休), and the calendar's public holidays are skipped too.
   * calendar: {holidays: ["2026-10-01", ...], workdays: ["2026-09-27", ...]}, both optional.
   */
  function addWorkingDays(start, days, calendar) {
    var holidays = {};
    var workdays = {};
    ((calendar && calendar.holidays) || []).forEach(function (d) {
      holidays[d] = true;
    });
    ((calendar && calendar.workdays) || []).forEach(function (d) {
      workdays[d] = true;
    });
    var day = new Date(start.getFullYear(), start.getMonth(), start.getDate());
    var left = days;
    while (left > 0) {
      day.setDate(day.getDate() + 1);
      var key = isoDate(day);
      var weekend = day.getDay() === 0 || day.getDay() === 6;
      if (workdays[key] || (!weekend && !holidays[key])) left -= 1;
    }
    return day;
  }

  // A holiday calendar the build may put in the page: <script type="application/json" id="guide-calendar">
  function pageCalendar() {
    var node = document.getElementById("guide-calendar");
    if (!node) return {};
    try {
      return JSON.parse(node.textContent);
    } catch (e) {
      return {};
    }
  }

  /* ------------------------------------------------------------ situations */

  /*
   * A material or condition with data-when="applicant.company agent.proxy" applies when any one
   * of those options holds; with data-when-all="…" only when every one of them holds. A question
   * left at 全部显示 (or a multiple-choice question with nothing ticked) could be answered either
   * way, so what depends on it stays visible: only what cannot apply to the answers is hidden.
   */
  function holds(ref, chosen, questionOf) {
    var answers = chosen[questionOf[ref]];
    return !answers || answers.indexOf(ref) >= 0;
  }

  function applies(item, chosen, questionOf) {
    var any = (item.getAttribute("data-when") || "").split(/\s+/).filter(Boolean);
    var all = (item.getAttribute("data-when-all") || "").split(/\s+/).filter(Boolean);
    var test = function (ref) { return holds(ref, chosen, questionOf); };
    return (!any.length || any.some(test)) && all.every(test);
  }

  function setUpSituations(form) {
    if (form.hasAttribute("data-guide-ready")) return;
    form.setAttribute("data-guide-ready", "");
    var scope = form.closest("article") || document;
    var questionOf = {};
    var questionText = {};
    var optionText = {};
    form.querySelectorAll("fieldset").forEach(function (fieldset) {
      var legend = fieldset.querySelector("legend");
      fieldset.querySelectorAll("input[type=radio], input[type=checkbox]").forEach(function (radio) {
        questionText[radio.name] = legend ? legend.textContent.trim() : radio.name;
        if (radio.value) {
          questionOf[radio.value] = radio.name;
          optionText[radio.value] = radio.parentNode.textContent.trim();
        }
      });
    });
    var status = el("p", { class: "guide-situations-status", role: "status" });
    form.appendChild(status);
    // What a printout was made from, since print follows the chosen 情形
    var printNote = el("p", { class: "guide-print-only guide-print-situations" });
    form.parentNode.insertBefore(printNote, form.nextSibling);

    function update() {
      var chosen = {};
      var chosenText = [];
      form.querySelectorAll("input[type=radio]:checked, input[type=checkbox]:checked").forEach(function (radio) {
        if (radio.value) {
          (chosen[radio.name] = chosen[radio.name] || []).push(radio.value);
          chosenText.push(questionText[radio.name] + optionText[radio.value]);
        }
      });
      var counts = { material: [0, 0], condition: [0, 0] };
      var replaced = 0;
      scope.querySelectorAll("[data-when]").forEach(function (item) {
        var show = applies(item, chosen, questionOf);
        item.hidden = !show;
      });
      // Counted and numbered after filtering: 1, 2, 3 … without gaps; a material that shared
      // data or an electronic licence replaces is listed but not counted as one to bring
      var number = 0;
      scope.querySelectorAll("tr[data-material]").forEach(function (row) {
        if (row.closest(".guide-notice")) return;
        var cell = row.querySelector("[data-guide-number]");
        if (!row.hidden) {
          number += 1;
          if (cell) cell.textContent = String(number);
        }
        if (row.hasAttribute("data-replaced")) {
          if (!row.hidden) replaced += 1;
          return;
        }
        counts.material[1] += 1;
        if (!row.hidden) counts.material[0] += 1;
      });
      scope.querySelectorAll("ol.guide-conditions > li").forEach(function (item) {
        counts.condition[1] += 1;
        if (!item.hidden) counts.condition[0] += 1;
      });
      var m = counts.material;
      var c = counts.condition;
      var extra = replaced ? "；另有 " + replaced + " 项可用电子证照或共享数据替代，不用提交" : "";
      document.querySelectorAll("[data-guide-count]").forEach(function (node) {
        node.textContent = String(m[0]);
      });
      document.querySelectorAll("[data-guide-count-note]").forEach(function (node) {
        node.textContent = chosenText.length ? "按您选择的情形" : "按情形增减";
      });
      if (chosenText.length) {
        status.textContent = "按您选择的情形：需要提交 " + m[0] + " 项材料（共 " + m[1] + " 项）" + extra + "，满足 " + c[0] + " 项受理条件。";
        printNote.textContent = "本打印件按以下情形列出材料和条件：" + chosenText.join("；") + "。全部情形见网页。";
      } else {
        status.textContent = "未选择情形，显示全部 " + m[1] + " 项材料" + extra + "，" + c[1] + " 项受理条件。";
        printNote.textContent = "本打印件列出全部情形的材料和条件。";
      }
      root.dispatchEvent(new CustomEvent("guide:situations"));
    }

    form.addEventListener("change", update);
    // A form restored by the back button keeps its answers: filter again
    window.addEventListener("pageshow", update);
    update();
  }

  /* ------------------------------------------------- staff: 补正材料通知书 */

  function readJson(id) {
    var node = document.getElementById(id);
    if (!node) return null;
    try {
      return JSON.parse(node.textContent);
    } catch (e) {
      return null;
    }
  }

  // The 窗口版: tick boxes, applicant, date and place, and the filled notice. Only in staff
  // mode (entered from the link at the end of the page or with ?staff); never in the public view.
  function setUpStaff(table, notice) {
    if (table.hasAttribute("data-guide-ready")) return;
    table.setAttribute("data-guide-ready", "");
    var wrap = table.closest(".guide-table-wrap") || table;
    var bar = el("div", { class: "guide-staff-bar", id: "guide-staff", role: "group", "aria-label": "窗口版：补正材料通知书" });
    var head = el("p", { class: "guide-staff-head" });
    head.appendChild(el("strong", {}, "窗口版"));
    head.appendChild(document.createTextNode(" 在上表“缺件”一栏勾选缺少或者不符合要求的材料，可写明需要补正的内容；填写申请人和收件日期后打印。"));
    var toggle = el("button", { type: "button", class: "guide-button guide-staff-toggle", "aria-pressed": "true", "data-guide-staff": "" }, "退出窗口版");
    var panel = el("div", { class: "guide-staff-panel", id: "guide-staff-panel" });
    var applicantLabel = el("label", { class: "guide-field" }, "申请人");
    var applicant = el("input", { type: "text", name: "applicant", autocomplete: "off" });
    applicantLabel.appendChild(applicant);
    var receivedLabel = el("label", { class: "guide-field" }, "收件日期");
    var received = el("input", { type: "date", name: "received", value: isoDate(new Date()) });
    receivedLabel.appendChild(received);
    // Where the application was received: the implementing agency and its hall, from the
    // same facts the PDF slips print (guide-places); none chosen leaves the lines blank
    var places = readJson("guide-places") || [];
    var placeLabel = el("label", { class: "guide-field" }, "受理地点");
    var place = el("select", { name: "place" });
    place.appendChild(el("option", { value: "" }, "（打印后手写）"));
    places.forEach(function (p, i) {
      place.appendChild(el("option", { value: String(i), "data-implementation": p.implementation_code }, p.agency + "：" + p.window));
    });
    if (places.length === 1) place.value = "0";
    placeLabel.appendChild(place);
    var stubLabel = el("label", { class: "guide-field guide-field--check" });
    var stub = el("input", { type: "checkbox", name: "stub" });
    stubLabel.appendChild(stub);
    stubLabel.appendChild(document.createTextNode("同时打印存根"));
    var summary = el("p", { class: "guide-staff-summary", role: "status" });
    var printButton = el("button", { type: "button", class: "guide-button guide-button--primary", "data-guide-print-notice": "" }, "打印补正材料通知书");
    [placeLabel, applicantLabel, receivedLabel, stubLabel, summary, printButton].forEach(function (node) {
      panel.appendChild(node);
    });
    [head, panel, toggle].forEach(function (node) {
      bar.appendChild(node);
    });
    wrap.parentNode.insertBefore(bar, wrap.nextSibling);
    syncToggles();

    // The card's place, when staff chose one there
    notice.choosePlace = function (implementation) {
      if (places.length < 2) return;
      places.forEach(function (p, i) {
        if (p.implementation_code === implementation) place.value = String(i);
      });
    };

    var days = parseInt(notice.getAttribute("data-notice-days"), 10) || CORRECTION_DAYS;
    var notifyDays = parseInt(notice.getAttribute("data-notify-days"), 10) || 5;
    // the blanks as the template drew them, to draw again when a field is emptied
    notice.querySelectorAll("[data-fill]").forEach(function (node) {
      node.blankHTML = node.innerHTML;
    });

    function tickedRows() {
      return Array.prototype.filter.call(table.querySelectorAll("tr[data-material]"), function (row) {
        var box = row.querySelector("input[name=missing]");
        return box && box.checked && !row.hidden;
      });
    }

    function deadline() {
      var start = parseIsoDate(received.value);
      return start ? addWorkingDays(start, days, pageCalendar()) : null;
    }

    function update() {
      var rows = tickedRows();
      var due = deadline();
      summary.textContent =
        "已勾选 " + rows.length + " 项缺件；补正期限：" + (due ? chineseDate(due, true) : "请先填写收件日期") + "。";
    }

    // A ticked material gets a line for what exactly is wrong with it
    table.addEventListener("change", function (event) {
      var box = event.target;
      if (box.name !== "missing") return;
      var cell = box.closest("td");
      var note = cell.querySelector(".guide-missing-note");
      if (box.checked && !note) {
        var name = box.closest("tr").querySelector(".guide-material-name");
        note = el("input", { type: "text", class: "guide-missing-note", placeholder: "需要补正的内容", "aria-label": (name ? name.textContent : "") + "：需要补正的内容" });
        cell.appendChild(note);
      } else if (!box.checked && note) {
        note.remove();
      }
      update();
    });
    [applicant, received].forEach(function (input) {
      input.addEventListener("input", update);
    });
    root.addEventListener("guide:situations", update);

    // Fields printed plain in the PDF (local facts); the others bold, as filled in
    var PLAIN = { agency: 1, window: 1, phones: 1, complaint_phone: 1, implementation_code: 1, abbreviation: 1, year: 1, missing_list: 1 };

    function put(field, value) {
      notice.querySelectorAll("[data-fill=" + field + "]").forEach(function (node) {
        if (!value) {
          node.innerHTML = node.blankHTML;
        } else if (PLAIN[field]) {
          node.textContent = value;
        } else {
          node.textContent = "";
          node.appendChild(el("span", { class: "filled" }, value));
        }
      });
      notice.querySelectorAll("[data-fill-optional=" + field + "]").forEach(function (node) {
        node.hidden = !value;
      });
    }

    // Fills the notice from the form; returns false (and says why) when there is nothing to print
    notice.fill = function () {
      var rows = tickedRows();
      var start = parseIsoDate(received.value);
      if (!rows.length || !start) {
        summary.textContent = !rows.length ? "请先在上表“缺件”一栏勾选需要补正的材料。" : "请先填写收件日期。";
        summary.setAttribute("role", "alert");
        return false;
      }
      summary.setAttribute("role", "status");
      var chosen = place.value === "" ? null : places[parseInt(place.value, 10)];
      var local = function (key) { return chosen ? chosen[key] || "" : ""; };
      var calendar = pageCalendar();
      put("applicant", applicant.value.trim());
      put("received", chineseDate(start));
      put("deadline", chineseDate(addWorkingDays(start, days, calendar)));
      put("within", String(days));
      put("notify_by", chineseDate(addWorkingDays(start, notifyDays, calendar)));
      put("year", String(start.getFullYear()));
      ["agency", "window", "phones", "complaint_phone", "implementation_code", "abbreviation"].forEach(function (key) {
        put(key, local(key));
      });
      var ticked = {};
      rows.forEach(function (row) {
        var note = row.querySelector(".guide-missing-note");
        ticked[row.getAttribute("data-material")] = (note && note.value.trim()) || "请补交";
      });
      var names = [];
      notice.querySelectorAll("tr[data-material]").forEach(function (tr) {
        var id = tr.getAttribute("data-material");
        var missing = Object.prototype.hasOwnProperty.call(ticked, id);
        tr.classList.toggle("missing", missing);
        tr.querySelector("[data-fill-box]").textContent = missing ? "☑" : "☐";
        tr.querySelector("[data-fill-why]").textContent = missing ? ticked[id] : "";
        if (missing) names.push(tr.querySelector(".mname").textContent);
      });
      put("missing_list", names.join("、"));
      notice.querySelectorAll("[data-stub]").forEach(function (node) {
        node.hidden = !stub.checked;
      });
      return true;
    };
    update();
  }

  /* ------------------------------------------------------- the first card */

  var REGION_KEY = "guides.region";

  function storedRegion() {
    try {
      return window.localStorage.getItem(REGION_KEY) || "";
    } catch (e) {
      return "";
    }
  }

  /*
   * 去哪办 on the first screen: the hall of the region the visitor chose (remembered on the
   * device), else the first hall the directory lists. The hall list and the contacts further
   * down follow the same choice (assets/regions.js), and so does a printout.
   */
  function setUpCard(card) {
    if (card.hasAttribute("data-guide-ready")) return;
    card.setAttribute("data-guide-ready", "");
    var halls = readJson("guide-halls") || [];
    var select = card.querySelector("[data-guide-card-place]");
    if (!halls.length) return;

    function best(code) {
      if (!code) return 0;
      var tests = [
        function (h) { return h.code === code; },
        function (h) { return code.indexOf(h.prefix) === 0; },
        function (h) { return code.indexOf(h.scope) === 0; }
      ];
      for (var t = 0; t < tests.length; t += 1) {
        for (var i = 0; i < halls.length; i += 1) if (tests[t](halls[i])) return i;
      }
      return 0;
    }

    function show(i, remember) {
      var h = halls[i];
      var set = function (sel, text) {
        var node = card.querySelector(sel);
        if (node) node.textContent = text;
      };
      set("[data-guide-card-hall]", h.hall);
      set("[data-guide-card-window]", h.window);
      set("[data-guide-card-address]", h.address);
      set("[data-guide-card-hours]", h.hours);
      var phones = card.querySelector("[data-guide-card-phones]");
      if (phones) {
        phones.textContent = "";
        h.phones.forEach(function (p) {
          phones.appendChild(el("a", { class: "guide-tel", href: "tel:" + p }, p));
        });
      }
      card.querySelectorAll("[data-guide-card-online]").forEach(function (a) {
        if (h.online) a.setAttribute("href", h.online);
      });
      if (select) select.value = String(i);
      if (remember) {
        try {
          window.localStorage.setItem(REGION_KEY, h.code);
        } catch (e) {
          /* not remembered */
        }
      }
      var notice = document.getElementById("guide-notice");
      if (notice && notice.choosePlace) notice.choosePlace(h.implementation);
      // the hall list and contacts below: the chosen region only (regions.js filters)
      // print shows this place only: its hall and its agency
      document.querySelectorAll("[data-guide-place-rows]").forEach(function (block) {
        block.classList.add("guide-place-chosen");
        block.querySelectorAll("tr[data-hall]").forEach(function (row) {
          var id = row.getAttribute("data-hall");
          row.classList.toggle("guide-chosen", id === h.id || id === h.implementation);
        });
      });
      var filter = document.querySelector("[data-guide-hall-filter] select");
      if (filter && filter.querySelector("option[value='" + h.code + "']")) {
        filter.value = h.code;
        filter.dispatchEvent(new Event("change"));
      }
    }

    if (select) {
      select.closest("label").hidden = false;
      select.addEventListener("change", function () {
        show(parseInt(select.value, 10) || 0, true);
      });
    }
    var start = best(storedRegion());
    // after regions.js has set up its filter on this page
    window.setTimeout(function () {
      show(start, false);
    }, 0);
  }

  /* ----------------------------------------------------------------- print */

  function setUpPrint(article) {
    if (article.hasAttribute("data-guide-ready")) return;
    article.setAttribute("data-guide-ready", "");
    // Paper cannot be clicked: print the address after every link that leaves the page
    article.querySelectorAll("a[href]").forEach(function (a) {
      var href = a.getAttribute("href");
      if (/^(#|tel:|mailto:|javascript:)/i.test(href) || a.closest(".guide-notice")) return;
      // a page of this site is found by its name, not by an address on paper
      if (a.host === location.host) return;
      if (a.textContent.trim() === a.href) return;
      a.setAttribute("data-print-href", a.href);
    });
    var summary = article.querySelector("[data-guide-card]") || article.querySelector(".guide-summary");
    if (!summary) return;
    var actions = el("p", { class: "guide-page-actions" });
    actions.appendChild(el("button", { type: "button", class: "guide-button", "data-guide-print-page": "" }, "打印本页"));
    summary.parentNode.insertBefore(actions, summary.nextSibling);
    var canonical = document.querySelector("link[rel=canonical]");
    var source = el(
      "p",
      { class: "guide-print-only guide-print-source" },
      "本指南网址：" + (canonical ? canonical.href : location.href.split("?")[0]) + "　打印日期：" + chineseDate(new Date())
    );
    var title = article.querySelector("h1");
    if (title) title.parentNode.insertBefore(source, title.nextSibling);
  }

  function printPage() {
    root.classList.remove("guide-printing-notice");
    window.print();
  }

  function printNotice() {
    var notice = document.getElementById("guide-notice");
    if (!notice || !notice.fill || !notice.fill()) return;
    root.classList.add("guide-printing-notice");
    window.print();
  }

  window.addEventListener("afterprint", function () {
    root.classList.remove("guide-printing-notice");
  });

  /* ------------------------------------------------ 长辈模式 and staff mode */

  function syncToggles() {
    document.querySelectorAll("[data-guide-elderly]").forEach(function (button) {
      button.setAttribute("aria-pressed", String(root.classList.contains("guide-elderly")));
    });
    document.querySelectorAll("button[data-guide-staff]").forEach(function (button) {
      button.setAttribute("aria-pressed", String(root.classList.contains("guide-staff")));
    });
  }

  function setMode(cls, key, on) {
    root.classList.toggle(cls, on);
    remember(key, on);
    syncToggles();
  }

  document.addEventListener("click", function (event) {
    var target = event.target.closest("[data-guide-elderly],[data-guide-staff],[data-guide-print-notice],[data-guide-print-page]");
    if (!target) return;
    if (target.hasAttribute("data-guide-elderly")) setMode("guide-elderly", KEYS.elderly, !root.classList.contains("guide-elderly"));
    else if (target.hasAttribute("data-guide-staff")) {
      event.preventDefault();
      var on = !root.classList.contains("guide-staff");
      setMode("guide-staff", KEYS.staff, on);
      var bar = document.getElementById("guide-staff");
      if (on && bar) bar.scrollIntoView({ block: "start" });
    }
    else if (target.hasAttribute("data-guide-print-notice")) printNotice();
    else printPage();
  });

  // A mode switched in another tab applies here too
  window.addEventListener("storage", function (event) {
    if (event.key === KEYS.elderly) root.classList.toggle("guide-elderly", event.newValue === "1");
    if (event.key === KEYS.staff) root.classList.toggle("guide-staff", event.newValue === "1");
    syncToggles();
  });

  /* ------------------------------------------------------------------ pages */

  function setUpPage() {
    // The head script set the classes before the first paint; keep them if it could not run
    root.classList.toggle("guide-elderly", remembered(KEYS.elderly));
    // ?staff opens the 窗口版 (a link staff can bookmark); it is then remembered like the button
    if (/[?&]staff(=|&|$)/.test(location.search)) remember(KEYS.staff, true);
    root.classList.toggle("guide-staff", remembered(KEYS.staff));
    root.classList.add("guide-js");
    var article = document.querySelector("article.md-content__inner") || document.querySelector("article");
    if (article) setUpPrint(article);
    document.querySelectorAll("form[data-guide-situations]").forEach(setUpSituations);
    var card = document.querySelector("[data-guide-card]");
    if (card) setUpCard(card);
    var table = document.querySelector("table[data-guide-materials]");
    var notice = document.getElementById("guide-notice");
    if (table && notice) setUpStaff(table, notice);
    syncToggles();
  }

  // For tests and for other scripts on the page (e.g. a holiday calendar loaded later)
  window.guides = {
    addWorkingDays: addWorkingDays,
    chineseDate: chineseDate,
    isoDate: isoDate,
    applies: applies
  };

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(setUpPage);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUpPage);
  } else {
    setUpPage();
  }
})();
