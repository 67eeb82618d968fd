// "Copy the first row's maximum and date down" on the grade roster: fills blank cells only.
(function () {
  var button = document.getElementById("fill-down");
  if (!button) { return; }
  button.addEventListener("click", function () {
    ["max_grade", "date_submitted"].forEach(function (name) {
      var inputs = document.querySelectorAll("#roster-table input[name$='-" + name + "']");
      if (!inputs.length || !inputs[0].value) { return; }
      inputs.forEach(function (input) { if (!input.value) { input.value = inputs[0].value; } });
    });
  });
})();
