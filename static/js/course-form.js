// Live weight total on the course form, and the explanation that goes with it; the server computes
// and explains it again on every submit. A static file, not an inline script, so the
// Content-Security-Policy can forbid inline scripts.
(function () {
  var total = document.getElementById("weight-total");
  var rows = document.getElementById("rules-rows");
  if (!total || !rows) { return; }
  // The same cases as templates/courses/_rules_summary.html.
  function state(sum) {
    if (sum === 100) { return "complete"; }
    if (sum > 100) { return "over"; }
    return sum ? "under" : "none";
  }
  // As the server reads a weight (sms/forms.py PLAIN_NUMBER): "12abc" counts as nothing, not as 12.
  var plainNumber = /^[+-]?(?:[0-9]+(?:[.,][0-9]*)?|[.,][0-9]+)$/;
  var language = document.documentElement.lang || undefined;
  function update() {
    var sum = 0;
    document.querySelectorAll("#rules-rows .rule-weight").forEach(function (input) {
      var text = (input.value || "").trim();
      if (plainNumber.test(text)) { sum += parseFloat(text.replace(",", ".")); }
    });
    sum = Math.round(sum * 100) / 100;
    // 17,5 on a Greek page, as the server writes it.
    total.textContent = sum.toLocaleString(language, {useGrouping: false, maximumFractionDigits: 2});
    var shown = state(sum);
    document.querySelectorAll("#rules-explanation [data-rules-state]").forEach(function (explanation) {
      explanation.hidden = explanation.getAttribute("data-rules-state") !== shown;
    });
  }
  rows.addEventListener("input", update);
})();
