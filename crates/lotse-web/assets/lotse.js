// Lotse: small helpers shared by every page. Pages work without them; they only add comfort.
// No inline handlers anywhere (the Content-Security-Policy forbids them), so behaviour is bound
// here through data attributes.
(function () {
  "use strict";

  // <form data-confirm="Wirklich löschen?"> asks before it is sent.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });

  // <select data-autosubmit> sends its form when the choice changes.
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.hasAttribute && el.hasAttribute("data-autosubmit") && el.form) {
      el.form.requestSubmit ? el.form.requestSubmit() : el.form.submit();
    }
  });

  // <button data-print> opens the print dialog.
  document.addEventListener("click", function (event) {
    var el = event.target.closest && event.target.closest("[data-print]");
    if (el) {
      event.preventDefault();
      window.print();
    }
  });

  // Shown only where JavaScript runs (e.g. the print button).
  document.documentElement.classList.add("js");
})();
