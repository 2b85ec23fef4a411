// Improves the progress-reports block: polls each unfinished version's status.json and
// moves its bar; when one finishes (or fails) the page reloads to show the link or the
// error. Without JavaScript the block says the state and offers a refresh link.
(function () {
  "use strict";
  var cells = Array.prototype.slice.call(document.querySelectorAll("[data-report-status]"));
  var pending = cells.filter(function (cell) { return cell.querySelector("progress"); });
  if (!pending.length || !window.fetch) { return; }

  function poll() {
    Promise.all(pending.map(function (cell) {
      return fetch(cell.getAttribute("data-report-status"), { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          if (!data) { return false; }
          var bar = cell.querySelector("progress");
          var label = cell.querySelector(".report-state");
          if (bar) { bar.value = data.progress; bar.textContent = data.progress + "%"; }
          if (label) { label.textContent = data.state_label + ": " + data.progress + "%"; }
          return data.state === "done" || data.state === "failed";
        })
        .catch(function () { return false; });
    })).then(function (finished) {
      if (finished.some(Boolean)) { window.location.reload(); return; }
      window.setTimeout(poll, 2000);
    });
  }
  window.setTimeout(poll, 1000);
})();
