// starling report: every time-series chart of the page, drawn by one
// function on top of uPlot. A chart is described by a spec (its series
// and, per run, its columns); drawing the same holder again with a spec
// of the same shape only hands uPlot the new data, so the web UI can
// redraw every chart once a second without rebuilding any.
(function (global) {
  "use strict";
  var U = global.StarlingUtil;

  /** How each unit's values are written on axes and in legends. */
  var FORMATS = {
    us: U.duration,
    rate: function (v) {
      return U.rate(v) + "/s";
    },
    ratio: U.percent,
    count: U.count,
  };

  /** One colour per kind of line, the same on every chart. */
  var COLORS = {
    users: "#0e7490",
    requests: "#2563eb",
    failures: "#dc2626",
    p50: "#16a34a",
    p95: "#d97706",
    p99: "#9333ea",
    p99c: "#db2777",
    success: "#059669",
  };

  /** Steps between time ticks, in seconds. */
  var TIME_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 28800, 86400];

  /** Drawn holders, for resizing with the window. */
  var holders = [];

  /** From zero up, with room above the highest point. */
  function fromZero(u, min, max) {
    return [0, max > 0 ? max * 1.08 : 1];
  }

  function ratioRange() {
    return [0, 1.02];
  }

  /**
   * Draws `spec` in `holder`, or updates the chart already there.
   *
   * spec = {
   *   series: [{label, color, scale ("y" or "y2"), unit}], one run's lines;
   *   runs: [{x: [seconds], ys: [[..] per series]}], one per run, base
   *     first: with two runs every series is drawn twice, the base dashed;
   *   runLabels: ["base", "new"], prefixed to labels with two runs;
   *   height, width (default: the holder's width), small (no axes or legend)
   * }
   */
  function draw(holder, spec) {
    var data = columns(spec);
    var shape = shapeKey(spec);
    var width = spec.width || holder.clientWidth || 600;
    var height = spec.height || 200;
    var current = holder._starlingChart;
    if (current && current.shape === shape) {
      current.spec = spec;
      current.plot.setData(data);
      if (current.width !== width || current.height !== height) {
        current.plot.setSize({ width: width, height: height });
        current.width = width;
        current.height = height;
      }
      return current.plot;
    }
    release(holder);
    var plot = new global.uPlot(options(spec, width, height), data, holder);
    holder._starlingChart = { plot: plot, shape: shape, width: width, height: height, spec: spec };
    holder.classList.add("chart-plot");
    holders.push(holder);
    return plot;
  }

  /** Destroys the chart in `holder`, if any (its holder left the page). */
  function release(holder) {
    var current = holder._starlingChart;
    if (!current) return;
    current.plot.destroy();
    holder._starlingChart = null;
    var i = holders.indexOf(holder);
    if (i >= 0) holders.splice(i, 1);
  }

  /** What decides whether uPlot's options must change. */
  function shapeKey(spec) {
    var parts = [spec.runs.length, spec.small ? 1 : 0];
    spec.series.forEach(function (s) {
      parts.push(s.label, s.color, s.scale || "y", s.unit);
    });
    (spec.runLabels || []).forEach(function (l) {
      parts.push(l);
    });
    return JSON.stringify(parts);
  }

  /** uPlot's data: x then every series; two runs joined on one x axis. */
  function columns(spec) {
    var tables = spec.runs.map(function (run) {
      var table = [run.x];
      spec.series.forEach(function (s, i) {
        table.push(run.ys[i] || []);
      });
      return table;
    });
    if (tables.length === 1) return tables[0];
    return global.uPlot.join(tables);
  }

  function unitOf(spec, scale) {
    for (var i = 0; i < spec.series.length; i++) {
      if ((spec.series[i].scale || "y") === scale) return spec.series[i].unit;
    }
    return "count";
  }

  function options(spec, width, height) {
    var two = spec.runs.length > 1;
    var series = [{ label: "time", value: function (u, v) { return v == null ? "-" : U.clock(v); } }];
    spec.runs.forEach(function (run, r) {
      var base = two && r === 0;
      spec.series.forEach(function (s) {
        var format = FORMATS[s.unit] || U.count;
        series.push({
          label: (two ? (spec.runLabels || ["base", "new"])[r] + " " : "") + s.label,
          stroke: s.color,
          width: spec.small ? 1.25 : base ? 1.5 : 2,
          dash: base ? [6, 4] : undefined,
          scale: s.scale || "y",
          spanGaps: true,
          points: { show: false },
          value: function (u, v) {
            return v == null ? "-" : format(v);
          },
        });
      });
    });
    var scales = { x: { time: false } };
    var axes = [
      {
        show: !spec.small,
        // Whole seconds, minutes and hours: ticks land on clock values.
        incrs: TIME_STEPS,
        values: function (u, splits) {
          return splits.map(U.clock);
        },
      },
    ];
    ["y", "y2"].forEach(function (scale, i) {
      var used = spec.series.some(function (s) {
        return (s.scale || "y") === scale;
      });
      if (!used) return;
      var unit = unitOf(spec, scale);
      var format = FORMATS[unit] || U.count;
      scales[scale] = { range: unit === "ratio" ? ratioRange : fromZero };
      axes.push({
        show: !spec.small,
        scale: scale,
        side: i === 0 ? 3 : 1,
        size: 64,
        grid: { show: i === 0 },
        values: function (u, splits) {
          return splits.map(format);
        },
      });
    });
    return {
      width: width,
      height: height,
      series: series,
      scales: scales,
      axes: axes,
      legend: { show: !spec.small },
      cursor: spec.small ? { show: false } : { points: { show: false } },
      padding: spec.small ? [4, 2, 4, 2] : undefined,
    };
  }

  /** Follows the window's width (charts with their own width stay). */
  var pending = false;
  global.addEventListener("resize", function () {
    if (pending) return;
    pending = true;
    global.requestAnimationFrame(function () {
      pending = false;
      holders.slice().forEach(function (holder) {
        var current = holder._starlingChart;
        if (!current) return;
        if (!holder.isConnected) {
          release(holder);
          return;
        }
        if (current.spec.width) return;
        var width = holder.clientWidth;
        if (width && width !== current.width) {
          current.plot.setSize({ width: width, height: current.height });
          current.width = width;
        }
      });
    });
  });

  /** Every chart drawn under `root`, as {holder, plot}: for tests and the UI. */
  function under(root) {
    var found = [];
    holders.forEach(function (holder) {
      if (holder._starlingChart && root.contains(holder)) {
        found.push({ holder: holder, plot: holder._starlingChart.plot });
      }
    });
    return found;
  }

  global.StarlingCharts = { draw: draw, release: release, under: under, colors: COLORS, formats: FORMATS };
})(window);
