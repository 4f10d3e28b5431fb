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

  function initDatePickers() {
    if (window.jalaliDatepicker) {
      window.jalaliDatepicker.startWatch({
        persianDigits: document.documentElement.lang === "fa",
        autoReadOnlyInput: false,
        time: false,
        zIndex: 2000
      });
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    initMenu(document);
    initDatePickers();
  });
  document.addEventListener("htmx:afterSettle", initDatePickers);
})();
