// Draws each chart from the figure written beside it, with the plotly.min.js beside this file.
// Without JavaScript (or if drawing fails) the chart's PNG shows instead, with its alt text.
(function () {
  if (!window.Plotly) { return; }
  document.querySelectorAll("div.chart[data-figure]").forEach(function (div) {
    var figure = JSON.parse(document.getElementById(div.dataset.figure).textContent);
    var img = div.querySelector("img");
    if (img) { img.hidden = true; }
    Plotly.newPlot(div, figure.data, figure.layout, { displayModeBar: false, responsive: true })
      .then(function () {
        div.setAttribute("role", "img");
        div.setAttribute("aria-label", img ? img.alt : "");
        if (img) { img.remove(); }
      }, function () {
        if (img) { img.hidden = false; }
      });
  });
})();
