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

/** Options of {@link lineChart}. */
export interface LineChartOptions {
  /** File name under `docs/bench/`, without `.svg`. */
  name: string;
  /** Title drawn above the chart. */
  title: string;
  /** Unit of the values (y axis). */
  unit: string;
  /** Unit of the x axis, e.g. `s`. */
  xLabel: string;
  /** Lines: `[x, y]` points each. */
  series: Array<{ name: string; points: Array<[number, number]> }>;
  /** Horizontal dashed lines (limits, targets). */
  references?: Array<{ value: number; label: string }>;
  /** Width in pixels. Default: 720. */
  width?: number;
  /** Height in pixels. Default: 340. */
  height?: number;
}

/** A line chart from a y of 0, with reference lines, as an SVG document. */
export function lineChart(options: LineChartOptions): Chart {
  const width = options.width ?? 720;
  const names = options.series.map((s) => s.name);
  const extra = (legendRows(names, width).length - 1) * LEGEND_ROW_HEIGHT;
  const height = (options.height ?? 340) + extra;
  const plot = { left: 70, right: width - 20, top: 50, bottom: height - 70 - extra };
  const points = options.series.flatMap((s) => s.points);
  const refs = options.references ?? [];
  const ticks = niceTicks(Math.max(...points.map((p) => p[1]), ...refs.map((r) => r.value)) * 1.08);
  const top = ticks[ticks.length - 1] ?? 1;
  const xs = points.map((p) => p[0]);
  const minX = Math.min(...xs, 0);
  const maxX = Math.max(...xs, 1);
  const x = (v: number) => plot.left + ((v - minX) / (maxX - minX)) * (plot.right - plot.left);
  const y = (v: number) => plot.bottom - (Math.max(0, v) / top) * (plot.bottom - plot.top);
  const body = yAxis(ticks, y, plot.left, plot.right, options.unit);
  for (const t of niceTicks(maxX - minX, 6).filter((v) => v <= maxX - minX)) {
    body.push(
      `<text x="${x(minX + t)}" y="${plot.bottom + 18}" text-anchor="middle" fill="#444444">${esc(shortNumber(minX + t))}</text>`,
    );
  }
  body.push(
    `<text x="${(plot.left + plot.right) / 2}" y="${plot.bottom + 36}" text-anchor="middle" fill="#444444">${esc(options.xLabel)}</text>`,
    `<line x1="${plot.left}" x2="${plot.right}" y1="${plot.bottom}" y2="${plot.bottom}" stroke="#444444"/>`,
  );
  refs.forEach((ref, i) =>
    body.push(
      referenceLine(y(ref.value), plot.left, plot.right, ref.label, i % 2 ? 'left' : 'right'),
    ),
  );
  options.series.forEach((series, i) => {
    const path = series.points
      .map(([px, py]) => `${x(px).toFixed(1)},${y(py).toFixed(1)}`)
      .join(' ');
    body.push(
      `<polyline points="${path}" fill="none" stroke="${PALETTE[i % PALETTE.length]}" stroke-width="2"><title>${esc(series.name)}</title></polyline>`,
    );
  });
  body.push(...legend(names, width, height - 12 - extra));
  return {
    name: options.name,
    title: options.title,
    svg: frame(width, height, options.title, body),
  };
}
