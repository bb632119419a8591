// charts.js draws the dashboard's charts with Apache ECharts (served from
// the site, /static/vendor/echarts). Each chart's option is a JSON block in
// the page (<script type="application/json">), written by the server: no
// inline script, so the Content-Security-Policy can forbid it. Without
// JavaScript the tables under the charts carry the same figures.
(function () {
  "use strict";
  if (typeof echarts === "undefined") {
    return;
  }
  var lang = (document.documentElement.lang || "zh-CN").toLowerCase();
  var locale = lang.indexOf("zh") === 0 ? "ZH" : "EN";
  var charts = [];
  var nodes = document.querySelectorAll("[data-chart]");
  for (var i = 0; i < nodes.length; i++) {
    var el = nodes[i];
    var src = document.getElementById(el.getAttribute("data-chart"));
    if (!src) {
      continue;
    }
    var option;
    try {
      option = JSON.parse(src.textContent);
    } catch (e) {
      continue; // the table below still shows the figures
    }
    el.classList.add("drawn");
    var chart = echarts.init(el, null, { renderer: "canvas", locale: locale });
    chart.setOption(option);
    charts.push(chart);
    // The chart says it all; its table stays one click away.
    var card = el.parentNode;
    var table = card && card.querySelector("details.chart-table");
    if (table) {
      table.removeAttribute("open");
    }
  }
  var pending = 0;
  window.addEventListener("resize", function () {
    if (pending) {
      return;
    }
    pending = window.requestAnimationFrame(function () {
      pending = 0;
      for (var j = 0; j < charts.length; j++) {
        charts[j].resize();
      }
    });
  });
})();
