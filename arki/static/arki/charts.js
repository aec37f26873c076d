/* Arki's one way to draw a chart: a <canvas data-chart="ID"> reads its data from the JSON
   script element ID ({labels: [...], series: [{label, values}], target?}). The same figures
   are always in a table beside the chart, so the chart is an enhancement, not the only copy. */
(function () {
  "use strict";
  var palette = ["#0b4f8a", "#b35c00", "#1d6b2f", "#7a1f6b", "#4a5260", "#a4161a"];
  function draw(canvas) {
    var source = document.getElementById(canvas.dataset.chart);
    if (!source || typeof window.Chart === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    var datasets = data.series.map(function (series, index) {
      return {
        label: series.label,
        data: series.values,
        borderColor: palette[index % palette.length],
        backgroundColor: palette[index % palette.length],
        // A hidden figure is a gap, never a line drawn across it; a goal's ratings (not rated
        // at every meeting) may be joined with data-span-gaps.
        spanGaps: canvas.dataset.spanGaps === "true",
        tension: 0,
        pointRadius: 4
      };
    });
    if (data.target !== undefined && data.target !== null) {
      datasets.push({
        label: data.targetLabel || "",
        data: data.labels.map(function () { return data.target; }),
        borderColor: "#1b1e23",
        borderDash: [6, 4],
        pointRadius: 0
      });
    }
    var scale = {};
    if (canvas.dataset.min !== undefined) { scale.min = Number(canvas.dataset.min); }
    if (canvas.dataset.max !== undefined) { scale.max = Number(canvas.dataset.max); }
    if (data.integer) { scale.ticks = { precision: 0 }; } // counts: whole numbers on the axis
    var chart = new window.Chart(canvas, {
      type: canvas.dataset.type || "line",
      data: { labels: data.labels, datasets: datasets },
      options: { animation: false, responsive: true, scales: { y: scale }, plugins: { legend: { position: "bottom" } } }
    });
    if (canvas.dataset.pngName) {
      var link = document.createElement("a");
      link.className = "chart-download";
      link.download = canvas.dataset.pngName;
      link.textContent = canvas.dataset.pngLabel || "PNG";
      link.href = chart.toBase64Image("image/png", 1);
      canvas.parentNode.appendChild(link);
    }
  }
  function init() { document.querySelectorAll("canvas[data-chart]").forEach(draw); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
