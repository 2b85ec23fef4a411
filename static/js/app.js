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
