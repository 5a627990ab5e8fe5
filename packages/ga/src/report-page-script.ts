// The script of the report page: reads the report from the page's JSON and draws each chart with
// Chart.js. It is text, not a function, so that no build step rewrites what runs in the browser.

export const REPORT_PAGE_SCRIPT = `
'use strict';
(function () {
  var report = JSON.parse(document.getElementById('report-data').textContent);
  var PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];
  var OTHER_COLOR = '#c9ced6';
  var MAX_VERSIONS = 8;
  var MAX_SLICES = 7;
  var MAX_COUNTRIES = 12;

  Chart.defaults.animation = false;
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.color = '#3d4451';
  Chart.defaults.plugins.legend.labels.boxWidth = 12;

  var number = new Intl.NumberFormat('en-US');
  var compact = new Intl.NumberFormat('en-US', { notation: 'compact' });
  function compactTick(value) { return compact.format(value); }
  var day = new Intl.DateTimeFormat('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' });
  var labels = report.periods.map(function (period) {
    var label = day.format(new Date(period + 'T00:00:00Z'));
    return report.interval === 'week' ? 'week of ' + label : label;
  });

  function color(i) { return PALETTE[i % PALETTE.length]; }

  function percent(part, whole) { return whole ? Math.round((part / whole) * 1000) / 10 : 0; }

  /** The first rows, and the rest as one "other" slice. */
  function slices(rows, max) {
    var kept = rows.slice(0, max);
    var rest = rows.slice(max);
    var result = kept.map(function (row) { return { name: row.name, imports: row.imports }; });
    if (rest.length > 0) {
      result.push({ name: rest.length + ' other', imports: rest.reduce(function (sum, row) { return sum + row.imports; }, 0) });
    }
    return result;
  }

  function draw(id, config) {
    var canvas = document.getElementById(id);
    if (!canvas) return;
    new Chart(canvas, config);
  }

  function doughnut(id, rows) {
    var shown = slices(rows, MAX_SLICES);
    var total = shown.reduce(function (sum, row) { return sum + row.imports; }, 0);
    draw(id, {
      type: 'doughnut',
      data: {
        labels: shown.map(function (row) { return row.name + ' (' + percent(row.imports, total) + '%)'; }),
        datasets: [{
          data: shown.map(function (row) { return row.imports; }),
          backgroundColor: shown.map(function (row, i) { return i < MAX_SLICES ? color(i) : OTHER_COLOR; }),
          borderWidth: 1,
        }],
      },
      options: {
        maintainAspectRatio: false,
        cutout: '55%',
        plugins: {
          legend: { position: 'right' },
          tooltip: { callbacks: { label: function (item) { return ' ' + number.format(item.raw) + ' imports'; } } },
        },
      },
    });
  }

  function horizontalBars(id, rows, max) {
    var shown = slices(rows, max);
    draw(id, {
      type: 'bar',
      data: {
        labels: shown.map(function (row) { return row.name; }),
        datasets: [{ label: 'imports', data: shown.map(function (row) { return row.imports; }), backgroundColor: color(0), maxBarThickness: 22 }],
      },
      options: {
        indexAxis: 'y',
        maintainAspectRatio: false,
        plugins: { legend: { display: false } },
        scales: {
          x: { beginAtZero: true, ticks: { precision: 0, callback: compactTick } },
          y: { grid: { display: false }, ticks: { autoSkip: false } },
        },
      },
    });
  }

  draw('chart-timeline', {
    type: 'line',
    data: {
      labels: labels,
      datasets: [
        {
          label: 'imports',
          data: report.timeline.map(function (counts) { return counts.imports; }),
          borderColor: color(0),
          backgroundColor: 'rgba(78, 121, 167, 0.18)',
          fill: 'origin',
          tension: 0.25,
          pointRadius: 0,
        },
        {
          label: 'users',
          data: report.timeline.map(function (counts) { return counts.users; }),
          borderColor: color(1),
          backgroundColor: color(1),
          tension: 0.25,
          pointRadius: 0,
        },
      ],
    },
    options: {
      maintainAspectRatio: false,
      interaction: { mode: 'index', intersect: false },
      scales: {
        y: { beginAtZero: true, ticks: { precision: 0, callback: compactTick } },
        x: { ticks: { maxTicksLimit: 12 } },
      },
    },
  });

  // Adoption: each version's share of the period's imports, stacked to 100%.
  var versions = report.versions.filter(function (version) { return version.imports > 0; });
  var newest = versions.slice(0, MAX_VERSIONS);
  var older = versions.slice(MAX_VERSIONS);
  var series = newest.map(function (version, i) {
    return { label: version.name, timeline: version.timeline, color: color(i) };
  });
  if (older.length > 0) {
    series.push({
      label: older.length + ' older',
      timeline: report.periods.map(function (_, p) {
        return older.reduce(function (sum, version) { return sum + version.timeline[p]; }, 0);
      }),
      color: OTHER_COLOR,
    });
  }
  draw('chart-versions', {
    type: 'line',
    data: {
      labels: labels,
      datasets: series.reverse().map(function (line) {
        return {
          label: line.label,
          data: line.timeline.map(function (imports, p) { return percent(imports, report.timeline[p].imports); }),
          borderColor: line.color,
          backgroundColor: line.color,
          fill: true,
          pointRadius: 0,
          borderWidth: 1,
          tension: 0.2,
        };
      }),
    },
    options: {
      maintainAspectRatio: false,
      interaction: { mode: 'index', intersect: false },
      plugins: {
        legend: { position: 'right', reverse: true },
        tooltip: { callbacks: { label: function (item) { return ' ' + item.dataset.label + ': ' + item.raw + '%'; } } },
      },
      scales: {
        y: { stacked: true, min: 0, max: 100, ticks: { callback: function (value) { return value + '%'; } } },
        x: { ticks: { maxTicksLimit: 12 } },
      },
    },
  });

  doughnut('chart-runtimes', report.runtimes);
  doughnut('chart-os', report.os);
  doughnut('chart-ci', report.ci);
  horizontalBars('chart-countries', report.countries, MAX_COUNTRIES);
  if (report.packages) horizontalBars('chart-packages', report.packages, MAX_COUNTRIES);
})();
`
