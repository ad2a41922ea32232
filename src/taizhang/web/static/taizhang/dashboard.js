/* The dashboard's (驾驶舱) charts, drawn with the vendored Apache ECharts on canvas from the
   page's data island (#dashboard-data, #dashboard-labels). No inline script or style: the
   Content-Security-Policy allows neither. The numbers are in the HTML tables as well, so the
   page reads without this file; the indicators' progress is HTML only (bars hatched where
   the figure read may be wrong, with the reason to hover or tap, and the office's buttons). */
(function () {
  "use strict";

  // Status colours come with the labels (web/dashboard.py), keyed by the status codes that
  // chinese/statuses.py alone defines; the order of labels.statuses is the legend's.
  var COLOURS = {
    red: "#c62828",
    yellow: "#e0a100",
    green: "#2e7d32",
    muted: "#757575"
  };
  var LIGHTS = ["red", "yellow", "green", "completed"];
  var FONT = '"Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif';

  function read(id) {
    var element = document.getElementById(id);
    return element ? JSON.parse(element.textContent) : null;
  }

  var data = read("dashboard-data");
  var labels = read("dashboard-labels");
  var root = document.getElementById("dashboard");
  var printButton = document.getElementById("dash-print");
  if (printButton) {
    printButton.addEventListener("click", function () { window.print(); });
  }
  if (!data || !labels || !root || typeof window.echarts === "undefined") {
    return;
  }
  var STATUSES = Object.keys(labels.statuses);
  for (var code in labels.status_colours) {
    COLOURS[code] = labels.status_colours[code];
  }
  root.classList.add("charts-on");

  var charts = [];

  function number(value) {
    return Number(value).toLocaleString("zh-CN", { maximumFractionDigits: 2 });
  }

  function narrow(element) {
    return element.clientWidth < 560;
  }

  function draw(id, build) {
    var element = document.getElementById(id);
    if (!element) {
      return;
    }
    var chart = window.echarts.init(element, null, { renderer: "canvas", locale: "ZH" });
    var entry = { chart: chart, element: element, build: build };
    render(entry);
    charts.push(entry);
  }

  function render(entry) {
    var option = entry.build(entry.element);
    option.animation = false;
    // Tooltips drawn on the canvas: the HTML ones carry style="" attributes the
    // Content-Security-Policy refuses (and would put user text into innerHTML).
    option.tooltip = Object.assign({ renderMode: "richText", confine: true }, option.tooltip || {});
    option.textStyle = { fontFamily: FONT, fontSize: 13, color: "#333" };
    entry.chart.setOption(option, true);
    entry.chart.resize();
  }

  function empty(option) {
    option.graphic = [{
      type: "text", left: "center", top: "middle",
      style: { text: labels.no_data, fill: COLOURS.muted, fontSize: 14, fontFamily: FONT }
    }];
    return option;
  }

  function statusChart(element) {
    var items = STATUSES.filter(function (key) { return data.totals[key] > 0; }).map(function (key) {
      return { name: labels.statuses[key], value: data.totals[key], itemStyle: { color: COLOURS[key] } };
    });
    var small = narrow(element);
    var option = {
      tooltip: { trigger: "item", formatter: "{b}：{c}" + labels.tasks + "（{d}%）" },
      legend: { bottom: 0, icon: "circle", itemGap: 16 },
      title: {
        text: String(data.totals.tasks), subtext: labels.total,
        left: "center", top: "38%", itemGap: 2,
        textStyle: { fontSize: 26, fontWeight: "bold", color: "#222", fontFamily: FONT },
        subtextStyle: { fontSize: 12, color: COLOURS.muted, fontFamily: FONT }
      },
      series: [{
        type: "pie", radius: small ? ["38%", "60%"] : ["45%", "68%"], center: ["50%", "46%"],
        avoidLabelOverlap: true, minAngle: 4, percentPrecision: 0,
        itemStyle: { borderColor: "#fff", borderWidth: 2 },
        label: { formatter: "{b}\n{c}" + labels.tasks + " {d}%", lineHeight: 18 },
        data: items
      }]
    };
    return items.length ? option : empty(option);
  }

  function lightChart() {
    return {
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      grid: { left: 40, right: 16, top: 30, bottom: 30 },
      xAxis: {
        type: "category", data: LIGHTS.map(function (key) { return labels.lights[key]; }),
        axisTick: { show: false }, axisLabel: { fontSize: 14 }
      },
      yAxis: { type: "value", minInterval: 1, splitLine: { lineStyle: { color: "#eee" } } },
      series: [{
        type: "bar", barMaxWidth: 56,
        label: { show: true, position: "top", formatter: "{c}" + labels.tasks, fontSize: 14, fontWeight: "bold" },
        data: LIGHTS.map(function (key) {
          return { value: data.lights[key], itemStyle: { color: COLOURS[key], borderRadius: [3, 3, 0, 0] } };
        })
      }]
    };
  }

  function historyChart() {
    var rounds = data.history.map(function (round) { return round.round; });
    var shown = STATUSES.filter(function (key) {
      return data.history.some(function (round) { return round[key] > 0; });
    });
    return {
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0, icon: "circle", itemGap: 16 },
      grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: rounds, axisTick: { show: false } },
      yAxis: { type: "value", minInterval: 1, splitLine: { lineStyle: { color: "#eee" } } },
      series: shown.map(function (key) {
        return {
          name: labels.statuses[key], type: "bar", stack: "tasks", barMaxWidth: 64,
          itemStyle: { color: COLOURS[key] },
          label: {
            show: true, color: "#fff",
            formatter: function (params) { return params.value > 0 ? params.value : ""; }
          },
          data: data.history.map(function (round) { return round[key]; })
        };
      })
    };
  }

  draw("chart-status", statusChart);
  draw("chart-lights", lightChart);
  draw("chart-history", historyChart);

  var pending = false;
  var printing = window.matchMedia ? window.matchMedia("print") : null;
  function resize() {
    // Printed, the canvases are scaled by the stylesheet; drawing them again there would
    // measure containers whose height is the canvas's own.
    if (pending || (printing && printing.matches)) {
      return;
    }
    pending = true;
    window.requestAnimationFrame(function () {
      pending = false;
      charts.forEach(render);
    });
  }
  window.addEventListener("resize", resize);
}());
