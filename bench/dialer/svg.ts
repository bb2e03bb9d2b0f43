/** A hand-written SVG chart: talk minutes per agent-hour against abandonment, one panel per scenario. */
import type { Line } from './report.js';

const COLORS: Record<string, string> = {
  pasokh: '#d62728',
  progressive: '#7f7f7f',
  'fixed-ratio': '#1f77b4',
  'vicidial-adapt': '#ff7f0e',
  'expected-value': '#2ca02c',
  oracle: '#111111',
};

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function chart(lines: Line[]): string {
  const scenarios = [...new Set(lines.map((l) => l.scenario))];
  const cols = Math.min(3, scenarios.length);
  const rows = Math.ceil(scenarios.length / cols);
  const pw = 360;
  const ph = 260;
  const margin = { left: 48, right: 14, top: 30, bottom: 38 };
  const top = 56;
  const width = cols * pw;
  const height = top + rows * ph;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`);
  out.push(`<rect width="100%" height="100%" fill="#fff"/>`);
  out.push(`<text x="10" y="18" font-size="14" font-weight="bold">Dialer: talk minutes per agent-hour vs abandonment (30-day, FCC counting)</text>`);
  let lx = 10;
  for (const [name, color] of Object.entries(COLORS)) {
    out.push(`<circle cx="${lx + 5}" cy="36" r="5" fill="${color}"/><text x="${lx + 14}" y="40">${esc(name)}</text>`);
    lx += 24 + name.length * 6.5;
  }
  out.push(`<text x="${lx + 10}" y="40" fill="#999">dashed: 2.5 % and 3 %</text>`);
  scenarios.forEach((scenario, i) => {
    const ox = (i % cols) * pw;
    const oy = top + Math.floor(i / cols) * ph;
    const pts = lines.filter((l) => l.scenario === scenario);
    const xMax = Math.max(0.04, ...pts.map((l) => l.abandon_30d)) * 1.08;
    const yMax = 60;
    const iw = pw - margin.left - margin.right;
    const ih = ph - margin.top - margin.bottom;
    const X = (v: number) => ox + margin.left + (v / xMax) * iw;
    const Y = (v: number) => oy + margin.top + ih - (v / yMax) * ih;
    out.push(`<g>`);
    out.push(`<text x="${ox + margin.left}" y="${oy + 18}" font-weight="bold">${esc(scenario)}</text>`);
    out.push(`<rect x="${X(0)}" y="${Y(yMax)}" width="${iw}" height="${ih}" fill="none" stroke="#ccc"/>`);
    for (let y = 0; y <= yMax; y += 10) {
      out.push(`<line x1="${X(0)}" x2="${X(xMax)}" y1="${Y(y)}" y2="${Y(y)}" stroke="#eee"/><text x="${X(0) - 6}" y="${Y(y) + 4}" text-anchor="end">${y}</text>`);
    }
    const step = xMax > 0.2 ? 0.05 : xMax > 0.08 ? 0.02 : 0.01;
    for (let x = 0; x <= xMax + 1e-9; x += step) {
      out.push(`<text x="${X(x)}" y="${Y(0) + 14}" text-anchor="middle">${Math.round(x * 100)}%</text>`);
    }
    for (const cap of [0.025, 0.03]) {
      if (cap <= xMax) out.push(`<line x1="${X(cap)}" x2="${X(cap)}" y1="${Y(0)}" y2="${Y(yMax)}" stroke="#999" stroke-dasharray="4 3"/>`);
    }
    out.push(`<text x="${X(xMax / 2)}" y="${Y(0) + 30}" text-anchor="middle" fill="#555">abandoned</text>`);
    out.push(`<text transform="translate(${ox + 12},${Y(yMax / 2)}) rotate(-90)" text-anchor="middle" fill="#555">talk min / agent-hour</text>`);
    for (const l of pts) {
      const color = COLORS[l.policy] ?? '#000';
      const label = `${l.policy}${l['variant'] ? ` (${String(l['variant'])})` : ''}: ${l.talk_min_per_agent_hour} min/h, ${(l.abandon_30d * 100).toFixed(2)} %`;
      out.push(`<circle cx="${X(l.abandon_30d).toFixed(1)}" cy="${Y(l.talk_min_per_agent_hour).toFixed(1)}" r="5" fill="${color}" fill-opacity="0.85"><title>${esc(label)}</title></circle>`);
    }
    out.push(`</g>`);
  });
  out.push(`</svg>`);
  return out.join('\n') + '\n';
}
