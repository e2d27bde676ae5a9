import type { Chart } from '../scenario';
import {
  esc,
  frame,
  legend,
  LEGEND_ROW_HEIGHT,
  legendRows,
  niceTicks,
  PALETTE,
  referenceLine,
  shortNumber,
  yAxis,
} from './svg';

/** Options of {@link barChart}. */
export interface BarChartOptions {
  /** File name under `docs/bench/`, without `.svg`. */
  name: string;
  /** Title drawn above the chart. */
  title: string;
  /** Unit of the values (y axis). */
  unit: string;
  /** Groups along the x axis, e.g. `['p50', 'p99']`. */
  categories: string[];
  /** One bar per category each, side by side; `values[i]` belongs to `categories[i]`. */
  series: Array<{ name: string; values: number[] }>;
  /** A target drawn as a dashed line. */
  target?: { value: number; label: string };
  /** Width in pixels. Default: 720. */
  width?: number;
  /** Height in pixels. Default: 340. */
  height?: number;
}

/** A grouped vertical bar chart with value labels, as an SVG document. */
export function barChart(options: BarChartOptions): Chart {
  const width = options.width ?? 720;
  const names = options.series.map((s) => s.name);
  const extra = (legendRows(names, width).length - 1) * LEGEND_ROW_HEIGHT;
  const height = (options.height ?? 340) + extra;
  const plot = { left: 70, right: width - 20, top: 50, bottom: height - 70 - extra };
  const values = options.series.flatMap((s) => s.values).filter(Number.isFinite);
  const ticks = niceTicks(Math.max(...values, options.target?.value ?? 0) * 1.08);
  const top = ticks[ticks.length - 1] ?? 1;
  const y = (v: number) => plot.bottom - (Math.max(0, v) / top) * (plot.bottom - plot.top);
  const groupWidth = (plot.right - plot.left) / options.categories.length;
  const barWidth = Math.min(70, (groupWidth * 0.8) / options.series.length);
  const body = yAxis(ticks, y, plot.left, plot.right, options.unit);
  options.categories.forEach((category, c) => {
    const groupLeft =
      plot.left + c * groupWidth + (groupWidth - barWidth * options.series.length) / 2;
    options.series.forEach((series, s) => {
      const value = series.values[c] ?? Number.NaN;
      if (!Number.isFinite(value)) return;
      const x = groupLeft + s * barWidth;
      body.push(
        `<rect x="${x + 2}" y="${y(value)}" width="${barWidth - 4}" height="${plot.bottom - y(value)}" fill="${PALETTE[s % PALETTE.length]}"><title>${esc(`${series.name} ${category}: ${value} ${options.unit}`)}</title></rect>`,
        `<text x="${x + barWidth / 2}" y="${y(value) - 4}" text-anchor="middle" font-size="11">${esc(shortNumber(value))}</text>`,
      );
    });
    body.push(
      `<text x="${plot.left + (c + 0.5) * groupWidth}" y="${plot.bottom + 18}" text-anchor="middle">${esc(category)}</text>`,
    );
  });
  body.push(
    `<line x1="${plot.left}" x2="${plot.right}" y1="${plot.bottom}" y2="${plot.bottom}" stroke="#444444"/>`,
  );
  if (options.target)
    body.push(referenceLine(y(options.target.value), plot.left, plot.right, options.target.label));
  body.push(...legend(names, width, height - 22 - extra));
  return {
    name: options.name,
    title: options.title,
    svg: frame(width, height, options.title, body),
  };
}
