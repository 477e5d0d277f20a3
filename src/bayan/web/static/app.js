/* Bayan dashboard charts (Apache ECharts, vendored in this directory).
 *
 * Pages pass their data in <script type="application/json" id="..."> blocks, which the
 * browser never executes; this file reads and parses them. Tooltips escape every
 * value they show, and click targets must be same-site paths.
 */
(function () {
  "use strict";

  var FORMAT_COLOURS = {
    astana: "#1f77b4",
    quad: "#d62728",
    arab_ministerial: "#2ca02c",
    arab_league: "#8c564b",
    csto: "#9467bd",
    geneva_un: "#17becf",
    issg: "#bcbd22",
    sochi: "#ff7f0e",
    bilateral: "#e377c2",
    berlin_libya: "#6b6ecf",
    libya_5plus5: "#ad494a",
    libya_lpdf: "#8ca252",
    jeddah_sudan: "#e7969c",
    small_group: "#393b79",
    gcc: "#637939",
    oic: "#843c39",
    other: "#7f7f7f"
  };
  var EXTRA = ["#3182bd", "#e6550d", "#31a354", "#756bb1", "#636363", "#fd8d3c", "#74c476", "#9e9ac8"];
  var FONT = '"Noto Naskh Arabic", "Noto Sans Arabic", "Amiri", "DejaVu Sans", Tahoma, sans-serif';

  function colourFor(key, i) {
    if (key && Object.prototype.hasOwnProperty.call(FORMAT_COLOURS, key)) {
      return FORMAT_COLOURS[key];
    }
    return key ? EXTRA[i % EXTRA.length] : "#aaaaaa";
  }

  function esc(value) {
    return String(value === null || value === undefined ? "" : value)
      .replace(/&/g, "&amp;")
      .replace(/</g, "&lt;")
      .replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;")
      .replace(/'/g, "&#39;");
  }

  function readJson(id) {
    var el = document.getElementById(id);
    if (!el) { return null; }
    try {
      return JSON.parse(el.textContent);
    } catch (e) {
      return null;
    }
  }

  function go(url) {
    // only same-site paths: never javascript: or another host
    if (typeof url === "string" && url.charAt(0) === "/" && url.charAt(1) !== "/") {
      window.location.assign(url);
    }
  }

  function isRtl() {
    return (document.documentElement.getAttribute("dir") || "").toLowerCase() === "rtl";
  }

  function markReady(el) {
    el.setAttribute("data-ready", "1");
  }

  function resizeWith(chart) {
    window.addEventListener("resize", function () { chart.resize(); });
  }

  // ------------------------------------------------------------------ timeline

  function timeline() {
    var el = document.getElementById("timeline-chart");
    var data = readJson("timeline-data");
    if (!el || !data || typeof echarts === "undefined") { return; }
    var L = data.labels || {};
    var formats = data.formats || [];
    var byFormat = {};
    formats.forEach(function (f) { byFormat[f.key || ""] = []; });
    (data.items || []).forEach(function (m) {
      if (!m.date) { return; }
      var k = m.format || "";
      if (!byFormat[k]) { byFormat[k] = []; }
      byFormat[k].push({
        value: [m.date, m.format_name],
        meeting: m,
        symbolSize: 12 + Math.min(m.sources || 1, 6) * 4,
        itemStyle: m.by_reference ? { opacity: 0.45 } : { opacity: 0.9 }
      });
    });
    var series = formats.map(function (f, i) {
      return {
        name: f.name,
        type: "scatter",
        data: byFormat[f.key || ""] || [],
        itemStyle: { color: colourFor(f.key, i), borderColor: "#fff", borderWidth: 1 },
        emphasis: { focus: "series" }
      };
    });
    var rtl = isRtl();
    var chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption({
      animation: false,
      textStyle: { fontFamily: FONT },
      grid: rtl ? { left: 30, right: 190, top: 50, bottom: 60 } : { left: 190, right: 30, top: 50, bottom: 60 },
      legend: { top: 0, type: "scroll", textStyle: { fontFamily: FONT } },
      tooltip: {
        trigger: "item",
        formatter: function (p) {
          var m = (p.data && p.data.meeting) || {};
          var lines = ["<b>" + esc(m.format_name) + (m.round !== null && m.round !== undefined ? " · " + esc(L.round) + " " + esc(m.round) : "") + "</b>"];
          lines.push(esc(L.date) + ": " + esc(m.date) + (m.end && m.end !== m.date ? " → " + esc(m.end) : ""));
          if (m.place) { lines.push(esc(L.place) + ": " + esc(m.place)); }
          lines.push(esc(L.sources) + ": " + esc(m.sources));
          if (m.by_reference) { lines.push(esc(L.by_reference)); }
          return lines.join("<br>");
        }
      },
      xAxis: { type: "time", inverse: rtl, axisLabel: { hideOverlap: true } },
      yAxis: { type: "category", position: rtl ? "right" : "left",
               data: formats.map(function (f) { return f.name; }), axisLabel: { fontFamily: FONT } },
      dataZoom: [{ type: "inside", xAxisIndex: 0 }, { type: "slider", xAxisIndex: 0, height: 18, bottom: 8 }],
      series: series
    });
    chart.on("click", function (p) {
      if (p.data && p.data.meeting) { go(p.data.meeting.url); }
    });
    chart.on("finished", function () { markReady(el); });
    markReady(el);
    resizeWith(chart);
    window.bayanCharts = window.bayanCharts || {};
    window.bayanCharts.timeline = chart;
  }

  // ------------------------------------------------------------------ heatmap

  function heatmap() {
    var el = document.getElementById("heatmap-chart");
    var data = readJson("heatmap-data");
    if (!el || !data || typeof echarts === "undefined") { return; }
    var L = data.labels || {};
    var rtl = isRtl();
    var max = 1;
    (data.cells || []).forEach(function (c) { if (c.value[2] > max) { max = c.value[2]; } });
    var chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption({
      animation: false,
      textStyle: { fontFamily: FONT },
      grid: rtl ? { left: 30, right: 190, top: 50, bottom: 150 } : { left: 190, right: 30, top: 50, bottom: 150 },
      tooltip: {
        formatter: function (p) {
          var c = p.data || {};
          return "<b>" + esc(c.topic) + "</b><br>" + esc(c.column) + "<br>" +
            esc(L.evidence_count) + ": " + esc(c.value ? c.value[2] : "");
        }
      },
      xAxis: { type: "category", data: data.x || [], splitArea: { show: true }, inverse: rtl,
               axisLabel: { rotate: rtl ? -40 : 40, interval: 0, fontFamily: FONT, width: 170, overflow: "truncate" } },
      yAxis: { type: "category", data: data.y || [], splitArea: { show: true }, position: rtl ? "right" : "left",
               axisLabel: { fontFamily: FONT } },
      visualMap: { min: 0, max: max, calculable: false, orient: "horizontal", top: 0,
                   left: rtl ? 30 : "auto", right: rtl ? "auto" : 30, itemHeight: 140, itemWidth: 12,
                   text: [String(max), "0"], inRange: { color: ["#e8f3f7", "#7fb8cf", "#0b5c7a"] } },
      series: [{
        type: "heatmap",
        data: data.cells || [],
        label: { show: true },
        emphasis: { itemStyle: { shadowBlur: 6, shadowColor: "rgba(0,0,0,0.4)" } }
      }]
    });
    chart.on("click", function (p) { if (p.data) { go(p.data.url); } });
    chart.on("finished", function () { markReady(el); });
    markReady(el);
    resizeWith(chart);
    window.bayanCharts = window.bayanCharts || {};
    window.bayanCharts.heatmap = chart;
  }

  // ------------------------------------------------------------------ follow-ups

  function followups() {
    var el = document.getElementById("followups-chart");
    var data = readJson("followups-data");
    if (!el || !data || typeof echarts === "undefined") { return; }
    var colours = { fulfilled: "#1f6f3a", pending: "#8a939c", overdue: "#a15c00" };
    var chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption({
      animation: false,
      textStyle: { fontFamily: FONT },
      tooltip: { trigger: "item", formatter: function (p) { return esc(p.name) + ": " + esc(p.value); } },
      legend: { bottom: 0, textStyle: { fontFamily: FONT } },
      series: [{
        type: "pie",
        radius: ["40%", "70%"],
        data: (data.items || []).map(function (d) {
          return { name: d.label, value: d.count, itemStyle: { color: colours[d.key] || "#888" } };
        }),
        label: { show: false }
      }]
    });
    markReady(el);
    resizeWith(chart);
  }

  // ------------------------------------------------------------------ evidence

  function scrollToEvidence() {
    var mark = document.getElementById("hl");
    if (mark && typeof mark.scrollIntoView === "function") {
      mark.scrollIntoView({ block: "center" });
    }
  }

  function autoSubmit() {
    var selects = document.querySelectorAll("select[data-autosubmit]");
    Array.prototype.forEach.call(selects, function (s) {
      s.addEventListener("change", function () { if (s.form) { s.form.submit(); } });
    });
  }

  function init() {
    timeline();
    heatmap();
    followups();
    scrollToEvidence();
    autoSubmit();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
