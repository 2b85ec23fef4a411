// Progressive enhancement only: every page works without this file.
// Filter forms marked data-auto-submit apply a changed select or checkbox at once; typing in
// the search box still waits for Enter or the Apply button.
(function () {
  "use strict";
  document.querySelectorAll("form[data-auto-submit]").forEach(function (form) {
    form.addEventListener("change", function (event) {
      var target = event.target;
      if (target.matches("select, input[type=checkbox]")) {
        form.requestSubmit ? form.requestSubmit() : form.submit();
      }
    });
  });
  // Move focus to the error summary so screen readers announce it first.
  var summary = document.querySelector("[data-error-summary]");
  if (summary) { summary.focus(); }
})();
