/* The error summary (templates/includes/error_summary.html, GOV.UK's pattern): focus it when the
   page loads so that a screen reader reads it and the person sees it; its links move focus to the
   question and show the question's label or legend with it. Answers that an autosave (htmx) marks
   or clears are marked invalid or valid too. The page works without this script: the summary is
   at the top and its links are plain anchors. */
(function () {
  "use strict";

  function focusSummary(root) {
    var summary = (root || document).querySelector("[data-error-summary]");
    if (summary) {
      summary.focus();
    }
    return summary;
  }

  function labelOf(input) {
    var legend = input.closest("fieldset") && input.closest("fieldset").querySelector("legend");
    if (legend && (input.type === "radio" || input.type === "checkbox" || input.type === "file")) {
      return legend;
    }
    return (input.id && document.querySelector('label[for="' + input.id + '"]')) || legend || input;
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-error-summary] a[data-target]");
    if (!link) { return; }
    var input = document.getElementById(link.getAttribute("data-target"));
    if (!input) { return; }
    event.preventDefault();
    labelOf(input).scrollIntoView();
    input.focus({ preventScroll: true });
    if (window.history && window.history.replaceState) {
      window.history.replaceState(null, "", "#" + input.id);
    }
  });

  /* After an autosave swapped an answer's error box: the inputs it describes follow it. */
  function syncInvalid() {
    var inputs = document.querySelectorAll("input[aria-describedby], select[aria-describedby], textarea[aria-describedby]");
    for (var i = 0; i < inputs.length; i++) {
      var ids = inputs[i].getAttribute("aria-describedby").split(/\s+/);
      for (var j = 0; j < ids.length; j++) {
        if (!/(^errors-|_errors$)/.test(ids[j])) { continue; }
        var box = document.getElementById(ids[j]);
        if (!box) { continue; }
        if (box.querySelector(".errors li")) {
          inputs[i].setAttribute("aria-invalid", "true");
        } else {
          inputs[i].removeAttribute("aria-invalid");
        }
      }
    }
  }

  document.addEventListener("htmx:afterSettle", function (event) {
    syncInvalid();
    var target = event.detail && event.detail.target;
    if (target && target.querySelector && target.querySelector("[data-error-summary]")) {
      focusSummary(target);
    }
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { focusSummary(document); });
  } else {
    focusSummary(document);
  }
})();
