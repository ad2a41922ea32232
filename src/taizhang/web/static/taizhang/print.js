// A button marked data-print prints the page (the browser's dialog also saves it as PDF).
// A file of its own: the Content-Security-Policy allows no inline script.
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
})();
