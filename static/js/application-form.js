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

  /* A conflict settled with "Take the saved answer": put the saved value back into the question,
     so that the next save sends it and not the person's (the server keeps it either way). */
  function putBack(radio) {
    var key = radio.name.slice("choice-".length);
    var value = JSON.parse(radio.getAttribute("data-stored") || '""');
    var name = key === "title" ? "title" : "answer_" + key;
    var inputs = document.querySelectorAll('#answers-form [name="' + name + '"]');
    for (var i = 0; i < inputs.length; i++) {
      var input = inputs[i];
      if (input.type === "checkbox" || input.type === "radio") {
        input.checked = Array.isArray(value) ? value.indexOf(input.value) !== -1 : input.value === value;
      } else {
        input.value = Array.isArray(value) ? value.join("\n") : value;
        if (input.matches("textarea[data-counter]")) { updateCounter(input); }
      }
    }
  }

  /* Autosave: the form's hx-trigger is "answer-changed", raised here for every change but a file
     chosen (files upload with their own button). A trigger filter (change[…]) would need eval,
     which the Content-Security-Policy forbids. */
  document.addEventListener("change", function (event) {
    var form = event.target.closest ? event.target.closest("#answers-form") : null;
    if (form && event.target.type !== "file") {
      form.dispatchEvent(new CustomEvent("answer-changed"));
    }
  });

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches && target.matches('input[type="radio"][name^="choice-"][value="theirs"]') && target.checked) {
      putBack(target);
    }
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { initCounters(document); });
  } else {
    initCounters(document);
  }
})();
