/* Member statistics charts: data from /api/v1/stats/members (the URL is in #stats-charts data-url).
   Plain ES5 and XMLHttpRequest so old office browsers work. */
(function () {
  "use strict";
  var root = document.getElementById("stats-charts");
  if (!root || !window.echarts) { return; }
  var text = root.dataset;

  function names(entries) { return entries.map(function (e) { return e.label; }); }
  function counts(entries) { return entries.map(function (e) { return e.count; }); }
  function pieData(entries) {
    return entries.filter(function (e) { return e.count > 0; })
      .map(function (e) { return { name: e.label, value: e.count }; });
  }
  // Category labels are long Chinese names: vertical bars tilt them, horizontal bars wrap them onto
  // two lines, and both reserve the room they need (containLabel) so nothing overlaps or is cut.
  function bar(entries, horizontal) {
    var label = horizontal
      ? { interval: 0, width: 125, overflow: "break", lineHeight: 13 }
      : { interval: 0, rotate: entries.length > 5 ? 35 : 0, width: 110, overflow: "truncate" };
    var category = { type: "category", data: names(entries), axisLabel: label, inverse: horizontal };
    var value = { type: "value", minInterval: 1 };
    return {
      tooltip: { trigger: "axis" },
      grid: { left: horizontal ? 10 : 30, right: horizontal ? 30 : 10, top: 20, bottom: 10, containLabel: true },
      xAxis: horizontal ? value : category,
      yAxis: horizontal ? category : value,
      series: [{ type: "bar", name: text.textCount, data: counts(entries), label: { show: true, position: horizontal ? "right" : "top" } }]
    };
  }
  // Pies name their slices in the legend with the count ("汉族 18"); the wider ones also label the
  // slices, the narrow ones list the legend under the pie and leave the labels to the tooltip.
  function pie(data, narrow) {
    var byName = {};
    data.forEach(function (d) { byName[d.name] = d.value; });
    return {
      tooltip: { trigger: "item", formatter: "{b}: {c} ({d}%)" },
      legend: {
        type: "scroll", bottom: 0, orient: narrow ? "vertical" : "horizontal", height: narrow ? 70 : null,
        formatter: function (name) { return name + " " + byName[name]; }
      },
      series: [{
        type: "pie", radius: narrow ? ["25%", "50%"] : ["30%", "55%"], center: narrow ? ["50%", "35%"] : ["50%", "44%"], data: data,
        label: narrow ? { show: false } : { formatter: "{b}\n{c}", width: 90, overflow: "break" },
        labelLine: { show: !narrow }
      }]
    };
  }
  function options(stats) {
    return {
      age_bands: bar(stats.age_bands, false),
      education_party: bar(stats.education.party_bands, false),
      education_town: pie(pieData(stats.education.town_bands), false),
      occupation: bar(stats.occupation, true),
      join_period: bar(stats.join_period, true),
      gender: pie([{ name: text.textWomen, value: stats.women }, { name: text.textMen, value: stats.total - stats.women }], true),
      ethnicity: pie(pieData(stats.ethnicity), true)
    };
  }
  function render(stats) {
    var all = options(stats);
    var nodes = root.querySelectorAll("[data-chart]");
    var charts = [];
    for (var i = 0; i < nodes.length; i++) {
      var chart = window.echarts.init(nodes[i]);
      chart.setOption(all[nodes[i].getAttribute("data-chart")]);
      nodes[i].setAttribute("data-rendered", "1");
      charts.push(chart);
    }
    window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
    root.setAttribute("data-loaded", "1");
  }
  var request = new XMLHttpRequest();
  request.open("GET", root.getAttribute("data-url"));
  request.setRequestHeader("Accept", "application/json");
  request.onload = function () {
    if (request.status === 200) {
      render(JSON.parse(request.responseText));
    } else {
      root.insertAdjacentHTML("afterbegin", '<div class="col-12"><div class="alert alert-danger"></div></div>');
      root.querySelector(".alert").textContent = text.textError;
    }
  };
  request.send();
})();
