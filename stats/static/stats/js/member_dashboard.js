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
  function bar(entries, horizontal) {
    var category = { type: "category", data: names(entries), axisLabel: { interval: 0, width: 120, overflow: "truncate" } };
    var value = { type: "value", minInterval: 1 };
    return {
      tooltip: { trigger: "axis" },
      grid: { left: horizontal ? 130 : 40, right: 20, top: 20, bottom: horizontal ? 20 : 60 },
      xAxis: horizontal ? value : category,
      yAxis: horizontal ? category : value,
      series: [{ type: "bar", name: text.textCount, data: counts(entries), label: { show: true, position: horizontal ? "right" : "top" } }]
    };
  }
  function pie(data) {
    return {
      tooltip: { trigger: "item", formatter: "{b}: {c} ({d}%)" },
      legend: { bottom: 0, type: "scroll" },
      series: [{ type: "pie", radius: ["35%", "65%"], center: ["50%", "45%"], data: data }]
    };
  }
  function options(stats) {
    return {
      age_bands: bar(stats.age_bands, false),
      education_party: bar(stats.education.party_bands, false),
      education_town: pie(pieData(stats.education.town_bands)),
      occupation: bar(stats.occupation, true),
      join_period: pie(pieData(stats.join_period)),
      gender: pie([{ name: text.textWomen, value: stats.women }, { name: text.textMen, value: stats.total - stats.women }]),
      ethnicity: pie(pieData(stats.ethnicity))
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
