/**
 * The Lab in a real headless Chromium: each page is used as a person would use it (typing,
 * dragging, clicking, pressing run), and the assertions read what is rendered. Screenshots of
 * every page go to lab/test-artifacts/ to be looked at.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { PreviewServer } from "vite";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { buildLab, serveLab } from "../lab/scripts/serve.mjs";

const ARTIFACTS = join(import.meta.dirname, "..", "lab", "test-artifacts");
const FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

let server: PreviewServer;
let url: string;
let context: BrowserContext;
let profile: string;
let page: Page;
let problems: string[] = [];

beforeAll(async () => {
  await buildLab();
  ({ server, url } = await serveLab({ port: 0, host: "127.0.0.1" }));
  profile = mkdtempSync(join(tmpdir(), "nabla-lab-chromium-"));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: FLAGS,
    viewport: { width: 1280, height: 800 },
  });
  mkdirSync(ARTIFACTS, { recursive: true });
}, 120_000);

afterAll(async () => {
  await context?.close();
  await server?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

async function open(hash: string): Promise<Page> {
  problems = [];
  page = await context.newPage();
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console: ${message.text()}`);
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  await page.goto(`${url}${hash}`);
  return page;
}

afterEach(async () => {
  await page?.close();
  expect(problems).toEqual([]);
});

const shot = (name: string): Promise<Buffer> => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });

describe("the Lab in Chromium", () => {
  it("Derivatives: shows the symbolic derivative of x^2*sin(x) and its value at the dragged point", async () => {
    const p = await open("#/derivatives?f=exp(x)");
    const input = p.getByRole("textbox", { name: "f(x) =" });
    await input.fill("x^2*sin(x)");
    const dfLatex = p.getByTestId("df-latex").locator("[data-latex]");
    await expect.poll(() => dfLatex.getAttribute("data-latex")).toContain("\\cos");
    expect(await dfLatex.getAttribute("data-latex")).toBe("f'(x) = 2 x \\sin\\left(x\\right) + x^{2} \\cos\\left(x\\right)");
    expect(await p.getByTestId("df-latex").locator(".katex").count()).toBe(1);

    // Drag the point to near x = 2 on the plot.
    const box = (await p.getByTestId("plot-f").locator("svg").boundingBox())!;
    const handle = (await p.getByTestId("handle").boundingBox())!;
    await p.mouse.move(handle.x + handle.width / 2, handle.y + handle.height / 2);
    await p.mouse.down();
    await p.mouse.move(handle.x + handle.width / 2 + box.width * 0.08, handle.y, { steps: 5 });
    await p.mouse.up();
    const x0Field = p.getByTestId("x0-input");
    await expect.poll(async () => Number(await x0Field.inputValue())).toBeGreaterThan(1.3);
    const x0 = Number(await x0Field.inputValue());
    const exact = 2 * x0 * Math.sin(x0) + x0 * x0 * Math.cos(x0);
    const cell = (method: string) => p.locator(`tr[data-method="${method}"] td[data-value]`);
    await expect.poll(async () => Number(await cell("Symbolic").getAttribute("data-value"))).toBeCloseTo(exact, 12);
    for (const method of ["Forward mode", "Reverse mode"]) expect(Number(await cell(method).getAttribute("data-value"))).toBeCloseTo(exact, 12);
    expect(Number(await cell("Numerical").getAttribute("data-value"))).toBeCloseTo(exact, 6);
    await p.getByLabel("Taylor order").selectOption("5");
    await expect.poll(() => p.locator(".line.taylor").count()).toBe(5);
    expect(p.url()).toContain("order=5");
    await shot("derivatives");
  });

  it("Backpropagation: the backward pass fills the neuron's graph with the right gradients", async () => {
    const p = await open("#/backprop");
    await expect.poll(() => p.locator(".node").count()).toBeGreaterThan(5);
    await p.getByTestId("step").click();
    await p.getByTestId("run-forward").click();
    const [w, x, b, y] = [0.5, 1.5, -1, 1];
    const a = 1 / (1 + Math.exp(-(w * x + b)));
    const loss = (a - y) ** 2;
    const dz = 2 * (a - y) * a * (1 - a);
    const output = p.locator('.node[data-node="^"] .node-value');
    expect(Number(await output.getAttribute("data-value"))).toBeCloseTo(loss, 12);
    expect(await p.locator(".node-grad[data-grad]").count()).toBe(0);
    await p.getByTestId("run-backward").click();
    const grad = (name: string) => p.locator(`.node[data-node="${name}"] .node-grad`).getAttribute("data-grad");
    expect(Number(await grad("w"))).toBeCloseTo(dz * x, 12);
    expect(Number(await grad("x"))).toBeCloseTo(dz * w, 12);
    expect(Number(await grad("b"))).toBeCloseTo(dz, 12);
    expect(Number(await grad("y"))).toBeCloseTo(-2 * (a - y), 12);
    expect(Number(await p.locator('[data-autodiff="w"]').textContent())).toBeCloseTo(dz * x, 10);
    await shot("backprop");

    // A reused variable: both paths into x add up, d/dx (x·sin x + x²) = sin x + x cos x + 2x.
    await p.getByRole("textbox", { name: "Expression L =" }).fill("x*sin(x) + x^2");
    await expect.poll(() => p.locator('.node[data-node="sin"]').count()).toBe(1);
    await p.getByTestId("run-backward").click();
    const x1 = Number(await p.locator('input[data-var="x"]').inputValue());
    expect(Number(await grad("x"))).toBeCloseTo(Math.sin(x1) + x1 * Math.cos(x1) + 2 * x1, 12);
    await expect.poll(() => p.getByTestId("narration").textContent()).toContain("paths meet");
    await shot("backprop-shared");
  });

  it("Optimizer race: L-BFGS reaches Rosenbrock's minimum, and a click at the saddle gets the Hessian verdict", async () => {
    const p = await open("#/race?s=rosenbrock&opt=gd,adam");
    const done = () => p.getByTestId("contour").getAttribute("data-done");
    await expect.poll(done, { timeout: 20_000 }).toBe("true");
    for (const name of ["Momentum", "Newton", "BFGS", "L-BFGS"]) await p.getByLabel(name, { exact: true }).check();
    await p.getByTestId("race").click();
    await expect.poll(() => p.locator("[data-testid=results] tbody tr").count(), { timeout: 20_000 }).toBe(6);
    await expect.poll(done, { timeout: 20_000 }).toBe("true");
    expect(await p.locator(".line.path").count()).toBe(6);
    const lbfgs = p.locator('[data-testid=results] tr[data-optimizer="lbfgs"]');
    expect(Math.abs(Number(await lbfgs.getAttribute("data-x")) - 1)).toBeLessThan(1e-4);
    expect(Math.abs(Number(await lbfgs.getAttribute("data-y")) - 1)).toBeLessThan(1e-4);
    expect(p.url()).toContain("lbfgs");
    await shot("race-rosenbrock");

    await p.getByLabel("Surface").selectOption("saddle");
    await expect.poll(done, { timeout: 20_000 }).toBe("true");
    await p.getByTestId("click-inspect").check();
    const svg = (await p.getByTestId("contour").locator("svg").boundingBox())!;
    // The plot area is centred in the frame: a click in the middle of it is (0, 0), the saddle.
    await p.mouse.click(svg.x + svg.width * ((56 + 488 / 2) / 560), svg.y + svg.height * ((12 + 468 / 2) / 520));
    await expect.poll(() => p.getByTestId("verdict").getAttribute("data-verdict")).toBe("saddle");
    await shot("race-saddle");
  });

  it("Training: an MLP on moons reaches 95% accuracy", async () => {
    const p = await open("#/training?data=moons&seed=1&depth=2&width=16&act=tanh&opt=adam&lr=0.03&steps=300");
    const status = p.getByTestId("status");
    await expect.poll(() => status.getAttribute("data-done"), { timeout: 60_000 }).toBe("true");
    expect(Number(await status.getAttribute("data-accuracy"))).toBeGreaterThanOrEqual(0.95);
    expect(await p.locator("[data-testid=grad-norms] rect.bar").count()).toBe(3);
    await shot("training");
  });

  it("is readable on a phone-sized screen", async () => {
    const p = await open("#/derivatives");
    await p.setViewportSize({ width: 390, height: 844 });
    await expect.poll(() => p.locator("tr[data-method]").count()).toBe(4);
    const overflow = await p.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await shot("derivatives-phone");
  });
});
