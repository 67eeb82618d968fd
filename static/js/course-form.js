// Live weight total on the course form; the server computes and explains it again on every submit.
// A static file, not an inline script, so the Content-Security-Policy can forbid inline scripts.
(function () {
  var total = document.getElementById("weight-total");
  var rows = document.getElementById("rules-rows");
  if (!total || !rows) { return; }
  function update() {
    var sum = 0;
    document.querySelectorAll("#rules-rows .rule-weight").forEach(function (input) {
      var value = parseFloat((input.value || "").replace(",", "."));
      if (!isNaN(value)) { sum += value; }
    });
    total.textContent = Math.round(sum * 100) / 100;
  }
  rows.addEventListener("input", update);
})();
