// Progressive enhancement for the WSoA ledger's pages; every page works without it.
//
// When a form comes back with problems, move focus to the error summary (as the GOV.UK
// Design System's error summary does), so that keyboard and screen-reader users hear
// "There is a problem" and can follow its links to the fields.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector("[data-module='error-summary']");
    if (summary) {
      summary.focus();
    }
    // Links in the summary move focus to the field, not only scroll to it, and bring the
    // question into view with it: the fieldset's legend for a date input or radios, else the
    // field's label (as GOV.UK Frontend's error summary does).
    document.querySelectorAll(".error-summary__list a").forEach(function (link) {
      link.addEventListener("click", function (event) {
        var id = link.getAttribute("href").slice(1);
        var target = document.getElementById(id);
        if (target && !/^(INPUT|SELECT|TEXTAREA|BUTTON)$/.test(target.tagName)) {
          // A group (a date input): its first field.
          target = target.querySelector("input, select, textarea") || target;
        }
        if (target) {
          event.preventDefault();
          var fieldset = target.closest("fieldset");
          var legend = fieldset && fieldset.querySelector("legend");
          var label = target.id && document.querySelector("label[for='" + target.id + "']");
          (legend || label || target).scrollIntoView();
          target.focus({ preventScroll: true });
        }
      });
    });
  });
})();
