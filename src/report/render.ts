/** The report as Markdown and as one self-contained HTML page (inline styles and SVG, no links out). */
import type { Cell, Claim, Plot, Report, Table } from "./types.js";
import { sig } from "./util.js";

const COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf", "#7f7f7f", "#bcbd22", "#393b79", "#637939"];

function formatCell(v: Cell | undefined): string {
  if (v === undefined) return "";
  if (typeof v === "number") return Number.isInteger(v) && Math.abs(v) < 1e9 ? String(v) : sig(v, 4);
  return String(v);
}

const escapeHtml = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const escapeMd = (s: string): string => s.replace(/\|/g, "\\|");

/** A line chart of each series against its index; log y drops non-positive values. */
export function plotSvg(plot: Plot, width = 560, height = 300): string {
  const m = { left: 56, right: 150, top: 24, bottom: 36 };
  const tf = (v: number) => (plot.logY ? Math.log10(v) : v);
  const usable = (v: number) => Number.isFinite(v) && (!plot.logY || v > 0);
  const points = plot.series.flatMap((s) => s.values.filter(usable).map(tf));
  const n = Math.max(2, ...plot.series.map((s) => s.values.length));
  const [lo, hi] = points.length ? [Math.min(...points), Math.max(...points)] : [0, 1];
  const span = hi - lo || 1;
  const x = (i: number) => m.left + (i / (n - 1)) * (width - m.left - m.right);
  const y = (v: number) => m.top + (1 - (tf(v) - lo) / span) * (height - m.top - m.bottom);
  const lines = plot.series.map((s, k) => {
    const end = s.values.findIndex((v) => !usable(v));
    const kept = end < 0 ? s.values : s.values.slice(0, end);
    const step = Math.max(1, Math.floor(kept.length / 400));
    const pts = kept.filter((_, i) => i % step === 0 || i === kept.length - 1).map((v, j, arr) => `${x(j === arr.length - 1 ? kept.length - 1 : j * step).toFixed(1)},${y(v).toFixed(1)}`);
    const color = COLORS[k % COLORS.length]!;
    return `<polyline fill="none" stroke="${color}" stroke-width="1.5" points="${pts.join(" ")}"/><text x="${width - m.right + 8}" y="${m.top + 12 + 13 * k}" fill="${color}">${escapeHtml(s.label)}</text>`;
  });
  const tick = (v: number) => (plot.logY ? `1e${Math.round(v)}` : sig(v));
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11" role="img" aria-label="${escapeHtml(plot.title)}">`,
    `<text x="${m.left}" y="15" font-weight="bold">${escapeHtml(plot.title)}</text>`,
    `<rect x="${m.left}" y="${m.top}" width="${width - m.left - m.right}" height="${height - m.top - m.bottom}" fill="none" stroke="#999"/>`,
    `<text x="4" y="${m.top + 10}">${tick(hi)}</text><text x="4" y="${height - m.bottom}">${tick(lo)}</text>`,
    `<text x="${m.left}" y="${height - 8}">${escapeHtml(plot.xLabel)}: 0 … ${n - 1}; y: ${escapeHtml(plot.yLabel)}${plot.logY ? " (log scale)" : ""}</text>`,
    ...lines,
    "</svg>",
  ].join("\n");
}

/** The Lab page that replays a table, as text (index.html links nowhere, so it stays self-contained). */
function replay(t: Table): string {
  return t.lab ? ` Replay it in the Lab (npm start, then #/${t.lab.route}): ${t.lab.how}.` : "";
}

function tableMarkdown(t: Table): string {
  const header = `| ${t.columns.join(" | ")} |\n| ${t.columns.map(() => "---").join(" | ")} |`;
  const body = t.rows.map((r) => `| ${t.columns.map((c) => escapeMd(formatCell(r[c]))).join(" | ")} |`).join("\n");
  return `## Table ${t.id}: ${t.title}\n\n${t.method}${replay(t)}\n\n${header}\n${body}\n`;
}

function claimsMarkdown(claims: readonly Claim[]): string {
  const rows = claims.map((c) => `| ${escapeMd(c.claim)} | ${escapeMd(c.source)} | **${c.verdict}** | ${escapeMd(c.evidence)} |`).join("\n");
  return `## Claims\n\n| claim | source | verdict | evidence |\n| --- | --- | --- | --- |\n${rows}\n`;
}

/** report.md. */
export function reportMarkdown(report: Report, tables: readonly Table[]): string {
  return [
    "# nabla report: the survey's tables as experiments",
    `Seed ${report.seed}${report.quick ? ", quick run" : ""}; ran in ${report.seconds.toFixed(1)} s. Every number below was computed by this run; report.json holds the same rows.`,
    ...tables.map(tableMarkdown),
    claimsMarkdown(report.claims),
  ].join("\n\n");
}

function tableHtml(t: Table): string {
  const head = t.columns.map((c) => `<th>${escapeHtml(c)}</th>`).join("");
  const body = t.rows.map((r) => `<tr>${t.columns.map((c) => `<td>${escapeHtml(formatCell(r[c]))}</td>`).join("")}</tr>`).join("\n");
  const plots = t.plots.map((p) => `<figure>${plotSvg(p)}</figure>`).join("\n");
  return `<section id="table-${t.id}"><h2>Table ${t.id}: ${escapeHtml(t.title)}</h2><p>${escapeHtml(t.method + replay(t))}</p><div class="scroll"><table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></div>${plots}</section>`;
}

const STYLE = "body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ccc;padding:3px 6px;text-align:left;vertical-align:top}th{background:#f3f3f3}.scroll{overflow-x:auto}figure{margin:1em 0}.confirmed{color:#1a7f37}.refuted{color:#cf222e}.depends{color:#9a6700}";

/** index.html: self-contained, no scripts, no external or relative references. */
export function reportHtml(report: Report, tables: readonly Table[]): string {
  const claims = report.claims.map((c) => `<tr><td>${escapeHtml(c.claim)}</td><td>${escapeHtml(c.source)}</td><td class="${c.verdict}"><b>${c.verdict}</b></td><td>${escapeHtml(c.evidence)}</td></tr>`).join("\n");
  return [
    "<!doctype html>", '<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>nabla report</title><style>${STYLE}</style></head><body>`,
    "<h1>nabla report: the survey's tables as experiments</h1>",
    `<p>Seed ${report.seed}${report.quick ? ", quick run" : ""}; ran in ${report.seconds.toFixed(1)} s. Every number was computed by this run.</p>`,
    ...tables.map(tableHtml),
    `<section id="claims"><h2>Claims</h2><div class="scroll"><table><thead><tr><th>claim</th><th>source</th><th>verdict</th><th>evidence</th></tr></thead><tbody>${claims}</tbody></table></div></section>`,
    "</body></html>",
  ].join("\n");
}
