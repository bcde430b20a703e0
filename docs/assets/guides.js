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
      scope.querySelectorAll("[data-when]").forEach(function (item) {
        var show = applies(item, chosen, questionOf);
        item.hidden = !show;
        var kind = item.hasAttribute("data-material") ? "material" : item.tagName === "LI" ? "condition" : null;
        if (kind) {
          counts[kind][1] += 1;
          if (show) counts[kind][0] += 1;
        }
      });
      var m = counts.material;
      var c = counts.condition;
      if (chosenText.length) {
        status.textContent = "按您选择的情形：需要提交 " + m[0] + " 项材料（共 " + m[1] + " 项），满足 " + c[0] + " 项受理条件。";
        printNote.textContent = "本打印件按以下情形列出材料和条件：" + chosenText.join("；") + "。全部情形见网页。";
      } else {
        status.textContent = "未选择情形，显示全部 " + m[1] + " 项材料、" + c[1] + " 项受理条件。";
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

  function setUpStaff(table, notice) {
    if (table.hasAttribute("data-guide-ready")) return;
    table.setAttribute("data-guide-ready", "");
    var wrap = table.closest(".guide-table-wrap") || table;
    var bar = el("div", { class: "guide-staff-bar" });
    var toggle = el(
      "button",
      { type: "button", class: "guide-button guide-staff-toggle", "aria-pressed": "false", "data-guide-staff": "" },
      "窗口工作人员：勾选缺件材料"
    );
    var panel = el("div", { class: "guide-staff-panel", id: "guide-staff-panel", role: "group", "aria-label": "补正材料通知书" });
    toggle.setAttribute("aria-controls", panel.id);
    panel.appendChild(el("p", { class: "guide-help" }, "在上表“缺件”一栏勾选缺少或者不符合要求的材料，可写明需要补正的内容；填写申请人和收件日期后打印。"));
    var applicantLabel = el("label", { class: "guide-field" }, "申请人");
    var applicant = el("input", { type: "text", name: "applicant", autocomplete: "off" });
    applicantLabel.appendChild(applicant);
    var receivedLabel = el("label", { class: "guide-field" }, "收件日期");
    var received = el("input", { type: "date", name: "received", value: isoDate(new Date()) });
    receivedLabel.appendChild(received);
    // Where the application was received: the implementing agency and its hall, from the
    // same facts the PDF slips print (guide-places); none chosen leaves the lines blank
    var places = [];
    var placesBlock = notice.querySelector("#guide-places");
    if (placesBlock) {
      try {
        places = JSON.parse(placesBlock.textContent);
      } catch (error) {
        places = [];
      }
    }
    var placeLabel = el("label", { class: "guide-field" }, "受理地点");
    var place = el("select", { name: "place" });
    place.appendChild(el("option", { value: "" }, "（打印后手写）"));
    places.forEach(function (p, i) {
      place.appendChild(el("option", { value: String(i) }, p.agency + "：" + p.window));
    });
    if (places.length === 1) place.value = "0";
    placeLabel.appendChild(place);
    var summary = el("p", { class: "guide-staff-summary", role: "status" });
    var printButton = el("button", { type: "button", class: "guide-button guide-button--primary", "data-guide-print-notice": "" }, "打印补正材料通知书");
    [placeLabel, applicantLabel, receivedLabel, summary, printButton].forEach(function (node) {
      panel.appendChild(node);
    });
    bar.appendChild(toggle);
    bar.appendChild(panel);
    wrap.parentNode.insertBefore(bar, wrap.nextSibling);
    syncToggles();

    var days = parseInt(notice.getAttribute("data-notice-days"), 10) || CORRECTION_DAYS;

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
      var name = applicant.value.trim();
      var applicantField = notice.querySelector("[data-notice=applicant]");
      applicantField.textContent = name;
      applicantField.classList.toggle("guide-notice-blank", !name);
      notice.querySelector("[data-notice=received]").textContent = chineseDate(start);
      notice.querySelector("[data-notice=deadline]").textContent = chineseDate(addWorkingDays(start, days, pageCalendar()), true);
      notice.querySelector("[data-notice=days]").textContent = String(days);
      notice.querySelector("[data-notice=issued]").textContent = chineseDate(start);
      var chosen = place.value === "" ? null : places[parseInt(place.value, 10)];
      [["agency", "agency"], ["window", "window"], ["hours", "hours"], ["phones", "phones"], ["complaint", "complaint_phone"]].forEach(function (pair) {
        notice.querySelectorAll("[data-notice=" + pair[0] + "]").forEach(function (field) {
          var value = chosen ? chosen[pair[1]] || "" : "";
          field.textContent = value;
          field.classList.toggle("guide-notice-blank", !value);
        });
      });
      var body = notice.querySelector("[data-notice=materials]");
      body.textContent = "";
      rows.forEach(function (row, i) {
        var tr = el("tr", { "data-material": row.getAttribute("data-material") });
        var material = row.querySelector(".guide-material-name");
        var note = row.querySelector(".guide-missing-note");
        var what = note ? note.value.trim() : "";
        tr.appendChild(el("td", {}, String(i + 1)));
        tr.appendChild(el("td", {}, material ? material.textContent : row.getAttribute("data-material")));
        tr.appendChild(el("td", what ? {} : { class: "guide-notice-blank" }, what));
        body.appendChild(tr);
      });
      return true;
    };
    update();
  }

  /* ----------------------------------------------------------------- print */

  function setUpPrint(article) {
    if (article.hasAttribute("data-guide-ready")) return;
    article.setAttribute("data-guide-ready", "");
    // Paper cannot be clicked: print the address after every link that leaves the page
    article.querySelectorAll("a[href]").forEach(function (a) {
      var href = a.getAttribute("href");
      if (/^(#|tel:|mailto:|javascript:)/i.test(href) || a.closest(".guide-notice")) return;
      if (a.textContent.trim() === a.href) return;
      a.setAttribute("data-print-href", a.href);
    });
    var summary = article.querySelector(".guide-summary");
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
    document.querySelectorAll("[data-guide-staff]").forEach(function (button) {
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
    else if (target.hasAttribute("data-guide-staff")) setMode("guide-staff", KEYS.staff, !root.classList.contains("guide-staff"));
    else if (target.hasAttribute("data-guide-print-notice")) printNotice();
    else printPage();
  });

  /*
   * Material searches on keyup. Text that arrives without a key (voice input, a paste from the
   * long-press menu, some phone keyboards committing Chinese) would show no results: pass each
   * finished input on as a keyup. Input still being composed by an IME waits for its commit.
   */
  function searchNow(event) {
    var input = event.target;
    if (!input.matches || !input.matches("[data-md-component=search-query]") || event.isComposing) return;
    input.dispatchEvent(new KeyboardEvent("keyup", { bubbles: true }));
  }
  document.addEventListener("input", searchNow);
  // Chrome sends the last input of a composition before compositionend, still marked composing
  document.addEventListener("compositionend", searchNow);

  // A mode switched in another tab applies here too
  window.addEventListener("storage", function (event) {
    if (event.key === KEYS.elderly) root.classList.toggle("guide-elderly", event.newValue === "1");
    if (event.key === KEYS.staff) root.classList.toggle("guide-staff", event.newValue === "1");
    syncToggles();
  });

  /* ------------------------------------------------------------------ pages */

  function setUpPage() {
    // Material's search is a dialog without a name; screen readers announce it as 搜索
    document.querySelectorAll(".md-search[role=dialog]:not([aria-label])").forEach(function (dialog) {
      dialog.setAttribute("aria-label", "搜索");
    });
    // The head script set the classes before the first paint; keep them if it could not run
    root.classList.toggle("guide-elderly", remembered(KEYS.elderly));
    root.classList.toggle("guide-staff", remembered(KEYS.staff));
    root.classList.add("guide-js");
    var article = document.querySelector("article.md-content__inner") || document.querySelector("article");
    if (article) setUpPrint(article);
    document.querySelectorAll("form[data-guide-situations]").forEach(setUpSituations);
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
