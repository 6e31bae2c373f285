/* The application form: character counters and upload progress. The page works without it. */
(function () {
  "use strict";

  function updateCounter(textarea) {
    var counter = document.querySelector('[data-counter-for="' + textarea.id + '"]');
    if (!counter) { return; }
    counter.hidden = false;
    var count = counter.querySelector(".count");
    if (count) { count.textContent = String(textarea.value.length); }
  }

  function initCounters(root) {
    var areas = root.querySelectorAll("textarea[data-counter]");
    for (var i = 0; i < areas.length; i++) { updateCounter(areas[i]); }
  }

  document.addEventListener("input", function (event) {
    if (event.target.matches && event.target.matches("textarea[data-counter]")) {
      updateCounter(event.target);
    }
  });

  function progressOf(element) {
    var block = element.closest ? element.closest(".question--file") : null;
    return block ? block.querySelector("progress") : null;
  }

  document.addEventListener("htmx:xhr:progress", function (event) {
    var bar = progressOf(event.target);
    if (!bar || !event.detail.lengthComputable) { return; }
    bar.hidden = false;
    bar.value = Math.round((event.detail.loaded / event.detail.total) * 100);
  });

  document.addEventListener("htmx:beforeRequest", function (event) {
    var bar = progressOf(event.target);
    if (bar && event.target.name === "upload") {
      bar.hidden = false;
      bar.value = 0;
    }
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { initCounters(document); });
  } else {
    initCounters(document);
  }
})();
