// Starts Redoc on /api/v1/docs/ (templates/drf_spectacular/redoc.html) with this page's
// Content-Security-Policy nonce, which Redoc puts on the <style> elements it adds: the policy
// refuses styles without it. The schema's address is the script's data-spec-url.
(function () {
  "use strict";
  var script = document.currentScript;
  Redoc.init(script.getAttribute("data-spec-url"), { nonce: script.nonce }, document.getElementById("redoc-container"));
})();
