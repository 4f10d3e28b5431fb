// Ravabet's own behaviour: the phone menu and Jalali date pickers. No inline scripts (CSP).
(function () {
  "use strict";

  function initMenu(root) {
    root.querySelectorAll("[data-nav-toggle]").forEach(function (button) {
      button.addEventListener("click", function () {
        var nav = document.getElementById(button.getAttribute("aria-controls"));
        var open = nav.classList.toggle("open");
        button.setAttribute("aria-expanded", open ? "true" : "false");
      });
    });
  }

  // --- Jalali date pickers (@majidh1/jalalidatepicker) ----------------------------------------
  // Inputs opt in with data-jdp; date-only inputs add data-jdp-only-date, so the picker runs
  // with time on and date inputs switch it off. The picker listens on <body>, so inputs that
  // htmx adds later work without starting it again (starting twice would open two pickers).
  var PERSIAN_DIGITS = "\u06f0\u06f1\u06f2\u06f3\u06f4\u06f5\u06f6\u06f7\u06f8\u06f9";
  var ARABIC_DIGITS = "\u0660\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669";
  var pickerStarted = false;
  var pendingRestore = null;

  function latinDigits(text) {
    return text.replace(/[\u06f0-\u06f9\u0660-\u0669]/g, function (digit) {
      var index = PERSIAN_DIGITS.indexOf(digit);
      return String(index >= 0 ? index : ARABIC_DIGITS.indexOf(digit));
    });
  }

  function persianDigits(text) {
    return text.replace(/[0-9]/g, function (digit) { return PERSIAN_DIGITS.charAt(+digit); });
  }

  function isPickerInput(element) {
    return element instanceof HTMLInputElement && element.hasAttribute("data-jdp");
  }

  function pad(number) {
    return number.length === 1 ? "0" + number : number;
  }

  // The form the picker can read: Latin digits, "YYYY/MM/DD" zero-padded, "HH:MM".
  function pickerValue(text) {
    var latin = latinDigits(text.trim());
    var match = /^(\d{4})\s*[\/\-.\u066b]\s*(\d{1,2})\s*[\/\-.\u066b]\s*(\d{1,2})(?:\s+(\d{1,2}):(\d{2}))?/.exec(latin);
    if (!match) return latin;
    var value = match[1] + "/" + pad(match[2]) + "/" + pad(match[3]);
    return match[4] ? value + " " + pad(match[4]) + ":" + match[5] : value;
  }

  function initDatePickers() {
    if (pickerStarted || !window.jalaliDatepicker) return;
    pickerStarted = true;
    var persian = document.documentElement.lang === "fa";
    var options = {
      persianDigits: persian,
      autoReadOnlyInput: false,
      time: true,
      hasSecond: false,
      zIndex: 2000
    };
    if (!persian) {
      options.days = ["Sa", "Su", "Mo", "Tu", "We", "Th", "Fr"];
      options.months = ["Farvardin", "Ordibehesht", "Khordad", "Tir", "Mordad", "Shahrivar",
        "Mehr", "Aban", "Azar", "Dey", "Bahman", "Esfand"];
    }
    window.jalaliDatepicker.startWatch(options);

    // The picker reads the input with parseInt, which knows only Latin digits and wants
    // "1405/09/01". While it opens (its focusin listener on <body> runs between these two),
    // it is handed that form; then the value the person sees is put back unchanged.
    document.addEventListener("focusin", function (event) {
      var input = event.target;
      if (!isPickerInput(input)) return;
      var readable = pickerValue(input.value);
      if (readable !== input.value) {
        pendingRestore = { input: input, value: input.value };
        input.value = readable;
      }
    }, true);
    document.addEventListener("focusin", function (event) {
      if (pendingRestore && pendingRestore.input === event.target) {
        event.target.value = pendingRestore.value;
      }
      pendingRestore = null;
    });

    // The picker writes Latin digits; in Persian the input shows Persian ones, like the page
    // around it (and like the server renders it). Capture phase: before htmx reads the form.
    if (persian) {
      document.addEventListener("change", function (event) {
        var input = event.target;
        if (isPickerInput(input) && persianDigits(input.value) !== input.value) {
          input.value = persianDigits(input.value);
        }
      }, true);
    }
  }

  // --- The top bar's search box: results as you type (htmx), closed by Escape or a click
  // elsewhere; ArrowDown moves from the box into the results.
  function initSearchBox() {
    document.querySelectorAll("[data-suggest]").forEach(function (form) {
      var box = form.querySelector(".suggest");
      var input = form.querySelector("input[type=search]");
      function close() { box.innerHTML = ""; }
      form.addEventListener("keydown", function (event) {
        var links = Array.prototype.slice.call(box.querySelectorAll("a"));
        var at = links.indexOf(document.activeElement);
        if (event.key === "Escape") {
          close();
          input.focus();
        } else if (event.key === "ArrowDown" && links.length) {
          event.preventDefault();
          links[Math.min(at + 1, links.length - 1)].focus();
        } else if (event.key === "ArrowUp" && at >= 0) {
          event.preventDefault();
          if (at === 0) { input.focus(); } else { links[at - 1].focus(); }
        }
      });
      document.addEventListener("click", function (event) {
        if (!form.contains(event.target)) close();
      });
      input.addEventListener("input", function () { if (!input.value.trim()) close(); });
    });
  }

  // --- The triage queue: one key per judgement on the focused story. Physical keys
  // (event.code), so the shortcuts work with the Persian keyboard layout as well.
  function keyOf(event) {
    var code = event.code || "";
    if (code.indexOf("Key") === 0) return code.slice(3).toLowerCase();
    if (code.indexOf("Digit") === 0) return code.slice(5);
    if (code.indexOf("Numpad") === 0) return code.slice(6);
    return "";
  }

  function initTriageKeys() {
    var queue = document.querySelector("[data-triage-queue]");
    if (!queue) return;
    function rows() { return Array.prototype.slice.call(queue.querySelectorAll(".story-row")); }
    function currentRow() { return document.activeElement && document.activeElement.closest ? document.activeElement.closest(".story-row") : null; }
    document.addEventListener("keydown", function (event) {
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      var target = event.target;
      if (target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return;
      var key = keyOf(event);
      var all = rows();
      var row = currentRow();
      var at = row ? all.indexOf(row) : -1;
      if (key === "j" || key === "k") {
        event.preventDefault();
        var next = key === "j" ? Math.min(at + 1, all.length - 1) : Math.max(at - 1, 0);
        if (all[next]) { all[next].focus(); all[next].scrollIntoView({ block: "nearest" }); }
        return;
      }
      if (!row) return;
      if (key === "o" || (event.key === "Enter" && target === row)) {
        event.preventDefault();
        window.location.assign(row.getAttribute("data-open-url"));
        return;
      }
      if (key && row.querySelector('[data-key="' + key + '"]')) {
        event.preventDefault();
        judge(row.getAttribute("data-story"), key);
      }
    });

    // One judgement after another: each waits for the previous answer, then reads the row
    // as it is now (a toggle sends the opposite of its current state) and swaps it.
    var pending = Promise.resolve();
    function judge(story, key) {
      pending = pending.then(function () {
        var row = queue.querySelector('.story-row[data-story="' + story + '"]');
        var button = row && row.querySelector('[data-key="' + key + '"]');
        if (!button || button.disabled) return null;
        var question = button.getAttribute("hx-confirm");
        if (question && !window.confirm(question)) return null;
        var values = JSON.parse(button.getAttribute("hx-vals") || "{}");
        return htmx.ajax("POST", button.getAttribute("hx-post"), {
          source: row, target: row, swap: "outerHTML", values: values
        }).then(function () {
          var again = queue.querySelector('.story-row[data-story="' + story + '"]');
          if (again) again.focus();
        });
      }).catch(function () { /* htmx reports failed requests itself */ });
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    initMenu(document);
    initSearchBox();
    initTriageKeys();
    initDatePickers();
  });
  document.addEventListener("htmx:afterSettle", initDatePickers);
})();
