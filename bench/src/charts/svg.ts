/** Colours of the series, in order (colour-blind-safe Okabe–Ito). */
export const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00'];

/** Colour of target and reference lines. */
export const REFERENCE_COLOUR = '#C0392B';

/** Escapes text for SVG content and attributes. */
export function esc(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/** Round tick values from 0 to at least `max`: steps of 1, 2 or 5 times a power of ten. */
export function niceTicks(max: number, count = 5): number[] {
  const top = max > 0 && Number.isFinite(max) ? max : 1;
  const raw = top / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 2.5, 5, 10].find((m) => m * power >= raw) ?? 10) * power;
  const ticks: number[] = [];
  for (let v = 0; v < top + step * 0.999; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

/** A short label of a number: 12,300 → `12.3k`, 0.5 → `0.5`. */
export function shortNumber(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  const abs = Math.abs(value);
  if (abs >= 1_000_000) return `${trim(value / 1_000_000)}M`;
  if (abs >= 10_000) return `${trim(value / 1000)}k`;
  if (abs >= 100) return String(Math.round(value));
  return trim(value);
}

function trim(value: number): string {
  return String(Number(value.toFixed(value >= 100 ? 0 : value >= 10 ? 1 : 2)));
}

/** Frame of a chart: the SVG element, a white background and the title. */
export function frame(width: number, height: number, title: string, body: string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="12" role="img" aria-label="${esc(title)}">`,
    `<title>${esc(title)}</title>`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${width / 2}" y="24" text-anchor="middle" font-size="14" font-weight="bold">${esc(title)}</text>`,
    ...body,
    '</svg>',
    '',
  ].join('\n');
}

/** The y axis: grid lines and labels of `ticks`, for a plot area from `top` to `bottom`. */
export function yAxis(
  ticks: number[],
  scale: (v: number) => number,
  left: number,
  right: number,
  unit: string,
): string[] {
  const lines = ticks.map(
    (t) =>
      `<line x1="${left}" x2="${right}" y1="${scale(t)}" y2="${scale(t)}" stroke="#dddddd"/>` +
      `<text x="${left - 6}" y="${scale(t) + 4}" text-anchor="end" fill="#444444">${esc(shortNumber(t))}</text>`,
  );
  const middle = (scale(0) + scale(ticks[ticks.length - 1] ?? 0)) / 2;
  lines.push(
    `<text x="16" y="${middle}" text-anchor="middle" fill="#444444" transform="rotate(-90 16 ${middle})">${esc(unit)}</text>`,
  );
  return lines;
}

/** A dashed horizontal reference line with its label at the right end, or the left one (`at`). */
export function referenceLine(
  y: number,
  left: number,
  right: number,
  label: string,
  at: 'left' | 'right' = 'right',
): string {
  const x = at === 'right' ? right - 4 : left + 4;
  return (
    `<line x1="${left}" x2="${right}" y1="${y}" y2="${y}" stroke="${REFERENCE_COLOUR}" stroke-width="1.5" stroke-dasharray="6 4"/>` +
    `<text x="${x}" y="${y - 5}" text-anchor="${at === 'right' ? 'end' : 'start'}" fill="${REFERENCE_COLOUR}" stroke="#ffffff" stroke-width="3" paint-order="stroke">${esc(label)}</text>`
  );
}

/** Height of one legend row, px. */
export const LEGEND_ROW_HEIGHT = 18;

/** The legend's items laid out in rows no wider than `width - 40`: each row's names. */
export function legendRows(names: string[], width: number): string[][] {
  const rows: string[][] = [[]];
  let used = 0;
  for (const name of names) {
    const w = itemWidth(name);
    const row = rows[rows.length - 1] as string[];
    if (row.length > 0 && used + w > width - 40) {
      rows.push([name]);
      used = w;
    } else {
      row.push(name);
      used += w;
    }
  }
  return rows;
}

/** A legend of coloured squares, in centred rows (see {@link legendRows}) from `y` down. */
export function legend(names: string[], width: number, y: number): string[] {
  const items: string[] = [];
  let i = 0;
  legendRows(names, width).forEach((row, r) => {
    const rowY = y + r * LEGEND_ROW_HEIGHT;
    let x = (width - row.reduce((a, n) => a + itemWidth(n), 0)) / 2;
    for (const name of row) {
      items.push(
        `<rect x="${x}" y="${rowY - 9}" width="12" height="12" fill="${PALETTE[i % PALETTE.length]}"/>` +
          `<text x="${x + 16}" y="${rowY + 1}">${esc(name)}</text>`,
      );
      x += itemWidth(name);
      i += 1;
    }
  });
  return items;
}

function itemWidth(name: string): number {
  return 28 + name.length * 6.6;
}
