// Charts: every <figure class="chart"> (templates/includes/chart.html) is drawn with Chart.js from
// the JSON beside its canvas. Chart.js itself (about 200 kB) is loaded only on a page that has a
// chart, from the figure's data-chart-lib. Colours come from CSS custom properties
// (--rt-chart-<key>), so a theme or dark mode changes every chart. Chart.js sizes its canvas
// through the CSSOM, which the Content Security Policy allows (it forbids style attributes and
// inline <style>, neither of which is used). Keyboard: the canvas takes focus, the arrow keys
// (and Home, End) move the tooltip between points and a live region reads the point out; Enter
// opens the point's link where it has one.
(() => {
  "use strict";

  const reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)");
  const darkScheme = window.matchMedia("(prefers-color-scheme: dark)");
  const DASHES = [[], [6, 4], [2, 3], [10, 3, 2, 3]];
  const POINT_STYLES = ["circle", "rect", "triangle", "rectRot"];

  const cssVar = (name, fallback) =>
    getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;

  // A palette key ("accent", "grey-hollow") as fill, stroke and border width.
  const paint = (key) => {
    const hollow = key.endsWith("-hollow");
    const stroke = cssVar(`--rt-chart-${key.replace(/-hollow$/, "")}`, "#1d4ed8");
    return { fill: hollow ? "rgba(0, 0, 0, 0)" : stroke, stroke, width: hollow ? 2 : 0, hollow };
  };

  const readData = (canvas) => {
    const script = document.getElementById(canvas.dataset.chartData);
    return script ? JSON.parse(script.textContent) : null;
  };

  // Where a bar has no value but should still be seen (a cancelled meeting): a short stub.
  const plotted = (data, spec) => {
    if (!spec.stub_missing) return spec.values;
    const numbers = data.datasets.flatMap((d) => d.values).filter((v) => v !== null);
    const top = data.y.max ?? Math.max(1, ...numbers);
    const bottom = data.y.min ?? 0;
    return spec.values.map((v) => (v === null ? bottom + (top - bottom) * 0.04 : v));
  };

  const datasetConfig = (data, spec, index) => {
    const keys = spec.point_colours || spec.values.map(() => spec.colour);
    const paints = keys.map(paint);
    const own = paint(spec.colour);
    const base = { label: spec.name, data: plotted(data, spec) };
    if (data.kind === "line") {
      return {
        ...base,
        borderColor: own.stroke,
        backgroundColor: own.stroke,
        borderWidth: 2,
        borderDash: DASHES[index % DASHES.length],
        pointStyle: POINT_STYLES[index % POINT_STYLES.length],
        pointBackgroundColor: paints.map((p) => (p.hollow ? "#fff" : p.fill)),
        pointBorderColor: paints.map((p) => p.stroke),
        pointBorderWidth: 2,
        pointRadius: 4,
        pointHoverRadius: 7,
        spanGaps: false,
        tension: 0,
      };
    }
    return {
      ...base,
      backgroundColor: paints.map((p) => p.fill),
      borderColor: paints.map((p) => p.stroke),
      borderWidth: paints.map((p) => p.width),
      hoverBorderWidth: 2,
      hoverBorderColor: cssVar("--rt-focus", "#1d4ed8"),
      borderRadius: 2,
      maxBarThickness: 48,
    };
  };

  // Dashed reference lines (data.guides) across the value axis, each with its label.
  const guidesPlugin = (data, colours) => ({
    id: "roundtableGuides",
    afterDatasetsDraw(chart) {
      if (!data.guides.length) return;
      const { ctx, chartArea } = chart;
      const scale = chart.scales[data.horizontal ? "x" : "y"];
      ctx.save();
      ctx.strokeStyle = colours.guide;
      ctx.fillStyle = colours.text;
      ctx.setLineDash([3, 3]);
      ctx.font = `12px ${colours.font}`;
      data.guides.forEach((guide) => {
        const at = scale.getPixelForValue(guide.value);
        ctx.beginPath();
        if (data.horizontal) {
          ctx.moveTo(at, chartArea.top);
          ctx.lineTo(at, chartArea.bottom);
          ctx.stroke();
          ctx.textAlign = "center";
          ctx.fillText(guide.label, at, chartArea.top - 4);
        } else {
          ctx.moveTo(chartArea.left, at);
          ctx.lineTo(chartArea.right, at);
          ctx.stroke();
          ctx.textAlign = "right";
          ctx.fillText(guide.label, chartArea.right, at - 4);
        }
      });
      ctx.restore();
    },
  });

  const config = (data) => {
    const colours = {
      text: cssVar("--pico-color", "#373c44"),
      muted: cssVar("--pico-muted-color", "#646b79"),
      grid: cssVar("--pico-muted-border-color", "#e7eaf0"),
      guide: cssVar("--rt-chart-guide", "#6b7280"),
      font: getComputedStyle(document.body).fontFamily,
    };
    const stacked = data.kind === "stacked";
    // Counts get whole-number ticks; figures with decimals (ratings, SD) get one decimal.
    const whole = data.datasets.every((d) =>
      d.values.every((v) => v === null || Number.isInteger(v)),
    );
    const valueAxis = {
      display: data.y.show,
      min: data.y.min ?? undefined,
      max: data.y.max ?? undefined,
      stacked,
      grid: { color: colours.grid },
      ticks: {
        color: colours.muted,
        callback: (v) => `${v}${data.y.unit}`,
        precision: whole ? 0 : 1,
      },
      title: { display: Boolean(data.y.label), text: data.y.label, color: colours.muted },
    };
    const labelAxis = {
      stacked,
      grid: { display: false },
      ticks: { color: colours.muted, autoSkip: true, maxRotation: 0 },
    };
    const legend = {
      display: data.legend ? data.legend.length > 0 : data.datasets.length > 1,
      position: "bottom",
      labels: { color: colours.text, usePointStyle: data.kind === "line", boxWidth: 12 },
    };
    if (data.legend) {
      legend.onClick = () => {};
      legend.labels.generateLabels = () =>
        data.legend.map((entry) => {
          const p = paint(entry.colour);
          return {
            text: entry.label,
            fillStyle: p.fill,
            strokeStyle: p.stroke,
            lineWidth: p.hollow ? 2 : 0,
            fontColor: colours.text,
            hidden: false,
          };
        });
    }
    const title = (items) => {
      const labels = data.long_labels || data.labels;
      return items.length ? labels[items[0].dataIndex] : "";
    };
    return {
      type: data.kind === "line" ? "line" : "bar",
      data: {
        labels: data.labels,
        datasets: data.datasets.map((spec, i) => datasetConfig(data, spec, i)),
      },
      plugins: [guidesPlugin(data, colours)],
      options: {
        responsive: true,
        maintainAspectRatio: false,
        indexAxis: data.horizontal ? "y" : "x",
        animation: reducedMotion.matches ? false : { duration: 300 },
        interaction: { mode: "index", intersect: false },
        layout: { padding: { top: data.guides.length ? 16 : 4 } },
        scales: data.horizontal ? { x: valueAxis, y: labelAxis } : { x: labelAxis, y: valueAxis },
        plugins: {
          legend,
          tooltip: {
            callbacks: {
              title,
              label: (item) => {
                const spec = data.datasets[item.datasetIndex];
                const text = spec.texts[item.dataIndex];
                return data.datasets.length > 1 ? `${spec.name}: ${text}` : text;
              },
            },
          },
        },
        onClick: (event, elements) => {
          const link = data.links && elements.length ? data.links[elements[0].index] : null;
          if (link) window.location.assign(link);
        },
        onHover: (event, elements) => {
          const link = data.links && elements.length ? data.links[elements[0].index] : null;
          event.native.target.style.cursor = link ? "pointer" : "default";
        },
      },
    };
  };

  // Keyboard: move the active point with the arrows, read it out, Enter opens its link.
  const keyboard = (canvas, data) => {
    const figure = canvas.closest("figure");
    const announcer = figure.querySelector("[data-chart-announce]");
    const count = data.labels.length;
    let index = -1;

    const show = (i) => {
      const chart = window.Chart.getChart(canvas);
      if (!chart) return;
      index = i;
      const active = [];
      data.datasets.forEach((spec, d) => {
        const value = chart.data.datasets[d].data[i];
        if (value !== null && value !== undefined && chart.isDatasetVisible(d)) {
          active.push({ datasetIndex: d, index: i });
        }
      });
      chart.setActiveElements(active);
      if (active.length) {
        const element = chart.getDatasetMeta(active[0].datasetIndex).data[i];
        chart.tooltip.setActiveElements(active, { x: element.x, y: element.y });
      } else {
        chart.tooltip.setActiveElements([], { x: 0, y: 0 });
      }
      chart.update();
      const label = (data.long_labels || data.labels)[i];
      const figures = data.datasets.map((spec) =>
        data.datasets.length > 1 ? `${spec.name}: ${spec.texts[i]}` : spec.texts[i],
      );
      const link = data.links && data.links[i] ? " Enter opens it." : "";
      announcer.textContent = `${label}: ${figures.join(", ")}.${link} (${i + 1} of ${count})`;
    };

    canvas.addEventListener("keydown", (event) => {
      let next = index;
      switch (event.key) {
        case "ArrowRight":
        case "ArrowDown":
          next = index < 0 ? 0 : Math.min(count - 1, index + 1);
          break;
        case "ArrowLeft":
        case "ArrowUp":
          next = index < 0 ? 0 : Math.max(0, index - 1);
          break;
        case "Home":
          next = 0;
          break;
        case "End":
          next = count - 1;
          break;
        case "Enter":
          if (index >= 0 && data.links && data.links[index]) {
            window.location.assign(data.links[index]);
          }
          return;
        case "Escape":
          canvas.blur();
          return;
        default:
          return;
      }
      event.preventDefault();
      show(next);
    });
    canvas.addEventListener("blur", () => {
      const chart = window.Chart.getChart(canvas);
      index = -1;
      if (!chart) return;
      chart.setActiveElements([]);
      chart.tooltip.setActiveElements([], { x: 0, y: 0 });
      chart.update();
    });
  };

  const draw = (canvas) => {
    const data = readData(canvas);
    if (!data || window.Chart.getChart(canvas)) return;
    canvas.parentElement.hidden = false;
    new window.Chart(canvas, config(data));
    if (!canvas.dataset.chartKeys) {
      canvas.dataset.chartKeys = "1";
      keyboard(canvas, data);
    }
  };

  let loading = null;
  const withLibrary = (source, then) => {
    if (window.Chart) return then();
    if (!loading) {
      loading = new Promise((resolve, reject) => {
        const script = document.createElement("script");
        script.src = source;
        script.onload = resolve;
        script.onerror = reject;
        document.head.appendChild(script);
      });
    }
    return loading.then(then);
  };

  const drawAll = (root) => {
    const canvases = [...root.querySelectorAll("figure.chart canvas[data-chart-data]")];
    if (root.matches && root.matches("figure.chart canvas[data-chart-data]")) canvases.push(root);
    if (!canvases.length) return;
    const source = canvases[0].closest("figure").dataset.chartLib;
    withLibrary(source, () => {
      window.Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
      canvases.forEach(draw);
    });
  };

  // Redraw with the new colours when the colour scheme changes.
  const redrawAll = () => {
    if (!window.Chart) return;
    document.querySelectorAll("figure.chart canvas[data-chart-data]").forEach((canvas) => {
      const chart = window.Chart.getChart(canvas);
      if (chart) chart.destroy();
      draw(canvas);
    });
  };

  document.addEventListener("DOMContentLoaded", () => drawAll(document));
  // Content swapped in by htmx (the formation proposal after a move) brings new charts; the
  // charts it replaces are let go.
  document.addEventListener("htmx:beforeSwap", (event) => {
    if (!window.Chart || !event.detail.target) return;
    event.detail.target.querySelectorAll("canvas").forEach((canvas) => {
      const chart = window.Chart.getChart(canvas);
      if (chart) chart.destroy();
    });
  });
  document.addEventListener("htmx:load", (event) => drawAll(event.detail.elt));
  darkScheme.addEventListener("change", redrawAll);
  reducedMotion.addEventListener("change", redrawAll);
  window.roundtableCharts = { drawAll, redrawAll };
})();
