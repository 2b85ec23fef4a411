// Progressive enhancement only: every page works without this file.
// Filter forms marked data-auto-submit apply a changed select or checkbox at once; typing in
// the search box still waits for Enter or the Apply button.
(function () {
  "use strict";
  document.querySelectorAll("form[data-auto-submit]").forEach(function (form) {
    // Say so, since the page changes without a button press.
    var heading = form.querySelector("h2");
    if (heading) {
      var note = document.createElement("p");
      note.className = "hint";
      note.textContent = "The list updates as soon as you change a choice.";
      heading.insertAdjacentElement("afterend", note);
    }
    form.addEventListener("change", function (event) {
      var target = event.target;
      if (target.matches("select, input[type=checkbox]")) {
        // Keep the person where they were: the same control has focus on the new page.
        try { sessionStorage.setItem("wps-refocus", target.name); } catch (e) { /* private mode */ }
        form.requestSubmit ? form.requestSubmit() : form.submit();
      }
    });
    var name = null;
    try { name = sessionStorage.getItem("wps-refocus"); sessionStorage.removeItem("wps-refocus"); } catch (e) { /* none */ }
    if (name && form.elements[name]) {
      form.elements[name].focus({ preventScroll: false });
    }
  });
  // Move focus to the error summary so screen readers announce it first.
  var summary = document.querySelector("[data-error-summary]");
  if (summary) { summary.focus(); }
})();
// Printing from the browser: folded sections (<details>, such as the report's updates and the
// paragraph texts) print open, since paper cannot be unfolded; they fold back after printing.
// Without JavaScript they print as they are shown.
(function () {
  "use strict";
  var opened = [];
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details:not([open])").forEach(function (details) {
      details.open = true;
      opened.push(details);
    });
  });
  window.addEventListener("afterprint", function () {
    opened.forEach(function (details) { details.open = false; });
    opened = [];
  });
})();
