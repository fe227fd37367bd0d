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
    // Ticking the radio may have scrolled the page: bring the plot back before clicking in it.
    await p.getByTestId("contour").scrollIntoViewIfNeeded();
    const svg = (await p.getByTestId("contour").locator("svg").boundingBox())!;
    // The plot area is centred in the frame: a click in the middle of it is (0, 0), the saddle.
    await p.mouse.click(svg.x + svg.width * ((56 + 488 / 2) / 560), svg.y + svg.height * ((12 + 468 / 2) / 520));
    await expect.poll(() => p.getByTestId("verdict").getAttribute("data-verdict")).toBe("saddle");
    await shot("race-saddle");
  });

  it("Optimizer race: each optimizer starts from its own learning rate, Adam gets down Rosenbrock's valley, and Tune finds rates", async () => {
    const p = await open("#/race?s=rosenbrock&opt=gd,adam");
    await expect.poll(() => p.getByTestId("contour").getAttribute("data-done"), { timeout: 20_000 }).toBe("true");
    const start = 24.2; // f(−1.2, 1)
    const finalF = async (name: string) => Number(await p.locator(`[data-testid=results] tr[data-optimizer="${name}"]`).getAttribute("data-f"));
    expect(await finalF("adam")).toBeLessThan(start / 100);
    const rates = await Promise.all(["gd", "adam", "rmsprop"].map(async (name) => Number(await p.getByTestId(`lr-${name}`).inputValue())));
    expect(new Set(rates).size).toBe(3);
    await p.getByTestId("lr-adam").fill("0.001");
    await p.getByTestId("lr-adam").dispatchEvent("change");
    await p.getByTestId("tune").click();
    await expect.poll(() => p.getByTestId("tune-status").textContent(), { timeout: 30_000 }).toContain("Best η");
    await expect.poll(() => p.getByTestId("contour").getAttribute("data-done"), { timeout: 20_000 }).toBe("true");
    expect(Number(await p.getByTestId("lr-adam").inputValue())).toBeGreaterThan(0.01);
    expect(await finalF("adam")).toBeLessThan(start / 100);
    expect(p.url()).toMatch(/lrs=[^&]*adam%3A/);
    await shot("race-tuned");
  });

  it("Training: an MLP on moons reaches 95% accuracy", async () => {
    const p = await open("#/training?data=moons&seed=1&depth=2&width=16&act=tanh&opt=adam&lr=0.03&steps=300");
    const status = p.getByTestId("status");
    await expect.poll(() => status.getAttribute("data-done"), { timeout: 60_000 }).toBe("true");
    expect(Number(await status.getAttribute("data-accuracy"))).toBeGreaterThanOrEqual(0.95);
    expect(await p.locator("[data-testid=grad-norms] rect.bar").count()).toBe(3);
    expect(await p.getByTestId("flow-warnings").textContent()).toContain("No warnings");
    await shot("training");
  });

  it("Training: a deep sigmoid net's vanishing gradients are named by the gradient-flow monitor", async () => {
    const p = await open("#/training?data=moons&depth=8&width=16&act=sigmoid&opt=adam&lr=0.01&steps=20");
    await expect.poll(() => p.getByTestId("status").getAttribute("data-done"), { timeout: 60_000 }).toBe("true");
    expect(await p.getByTestId("flow-warnings").textContent()).toContain("vanishing gradient in layers.0");
    expect(await p.locator("[data-testid=grad-norms] rect.bar").count()).toBe(9);
  });

  it("Loss landscape: Himmelblau has 9 critical points (4 minima, 4 saddles, 1 maximum), classify agrees at the maximum, and λmax is measured", async () => {
    const p = await open("#/landscape?steps=20");
    const legend = p.getByTestId("landscape-legend");
    await expect.poll(() => legend.getAttribute("data-count"), { timeout: 30_000 }).toBe("9");
    const count = (kind: string) => legend.locator(`li[data-kind="${kind}"]`).getAttribute("data-count");
    expect([await count("minimum"), await count("saddle"), await count("maximum")]).toEqual(["4", "4", "1"]);
    expect(await p.locator("[data-testid=landscape-contour] path.critical").count()).toBe(9);
    const maximum = p.locator('[data-testid=landscape-points] tr[data-kind="maximum"]');
    // Published: Himmelblau's local maximum is at (−0.270845, −0.923039), f = 181.617.
    expect(Number(await maximum.getAttribute("data-x"))).toBeCloseTo(-0.270845, 5);
    expect(Number(await maximum.getAttribute("data-y"))).toBeCloseTo(-0.923039, 5);
    await expect.poll(() => p.getByTestId("landscape-status").getAttribute("data-done"), { timeout: 60_000 }).toBe("true");
    expect(Number(await p.getByTestId("landscape-status").getAttribute("data-lambda"))).toBeGreaterThan(0);
    await expect.poll(() => p.locator("[data-testid=landscape-slice-plot] svg").count(), { timeout: 30_000 }).toBe(1);
    await p.locator('[data-testid=landscape-contour] path.critical[data-kind="maximum"]').click();
    await expect.poll(() => p.getByTestId("landscape-verdict").getAttribute("data-kind"), { timeout: 30_000 }).toBe("maximum");
    expect(p.url()).toContain("px=-0.27");
    await shot("landscape");
  });

  it("Newton's method (the README's example page): x² − 2 from 1 reaches √2 to within one unit in the last place", async () => {
    const p = await open("#/newton?f=x%5E2%20-%202&x0=1&steps=6");
    const last = p.locator("[data-testid=newton-steps] tr").last();
    // In float64 the iteration ends on √2 or its neighbour below, 2.2e-16 away.
    await expect.poll(async () => Math.abs(Number(await last.getAttribute("data-x")) - Math.SQRT2)).toBeLessThanOrEqual(2.3e-16);
    await p.getByTestId("newton-f").fill("cos(x) - x");
    await expect.poll(async () => Number(await last.getAttribute("data-x"))).toBeCloseTo(0.7390851332151607, 15);
    expect(p.url()).toContain("f=cos");
  });

  it("Integration: Simpson's error on x²·sin x over [0, π] falls 16× when n doubles; quad's values match closed forms", async () => {
    const p = await open("#/integration?f=x%5E2*sin(x)&a=0&b=pi&rule=simpson&n=16");
    const summary = p.getByTestId("integration-summary");
    const simpsonError = async (): Promise<number> => Number(await summary.getAttribute("data-estimate")) - (Math.PI ** 2 - 4);
    await expect.poll(() => summary.getAttribute("data-estimate"), { timeout: 30_000 }).toBeTruthy();
    expect(Number(await summary.getAttribute("data-reference"))).toBeCloseTo(Math.PI ** 2 - 4, 12);
    const coarse = await simpsonError();
    await p.getByTestId("integration-n").fill("32");
    await p.getByTestId("integration-n").dispatchEvent("change");
    await expect.poll(simpsonError).not.toBe(coarse);
    expect(p.url()).toContain("n=32");
    // Composite Simpson's error is C·h⁴ + O(h⁶): halving h divides it by nearly 2⁴ (16.78 from n = 16 to 32, by hand in Python).
    expect(coarse / (await simpsonError())).toBeGreaterThan(15.5);
    expect(coarse / (await simpsonError())).toBeLessThan(17.5);
    // ∫₀¹ 1/((x − 0.3)² + 0.001) + 1/√x dx = (atan(0.7/√0.001) + atan(0.3/√0.001))/√0.001 + 2.
    const r = Math.sqrt(0.001);
    const adaptive = p.getByTestId("integration-adaptive");
    await expect.poll(async () => Number(await adaptive.getAttribute("data-value")), { timeout: 30_000 }).toBeCloseTo((Math.atan(0.7 / r) + Math.atan(0.3 / r)) / r + 2, 7);
    expect(await p.locator("[data-testid=integration-partition] .edge-tick").count()).toBe(Number(await adaptive.getAttribute("data-intervals")) + 1);
    // Under N(1.5, 1) with 8 draws the pathwise estimate's variance is 4σ²/8 = 0.5; the score function's is far larger.
    const variance = async (name: string): Promise<number> => Number(await p.locator(`tr[data-estimator=${name}]`).getAttribute("data-variance"));
    await expect.poll(() => p.locator("tr[data-estimator]").count(), { timeout: 30_000 }).toBe(3);
    expect(await variance("reparameterization")).toBeGreaterThan(0.38);
    expect(await variance("reparameterization")).toBeLessThan(0.62);
    expect(await variance("score")).toBeGreaterThan(5 * (await variance("reparameterization")));
  });

  it("Models: the circled points are the SVM's support vectors (yf(x) ≤ 1, the rest ≥ 1), the GP's θ tops its likelihood surface and a clicked θ is less likely, and logistic boosting's hᵢ lie in (0, ¼]", async () => {
    const p = await open("#/models?m=svm&data=moons&seed=1&n=100&noise=0.15&kernel=rbf&C=1");
    const status = p.getByTestId("svm-status");
    await expect.poll(() => status.getAttribute("data-support"), { timeout: 30_000 }).toMatch(/^\d+$/);
    const margins = (selector: string): Promise<number[]> => p.locator(selector).evaluateAll((nodes) => nodes.map((n) => Number((n as SVGElement).dataset["margin"])));
    const circled = await margins("[data-testid=svm-plot] circle.support-vector");
    expect(circled.length).toBe(Number(await status.getAttribute("data-support")));
    expect(circled.length).toBeGreaterThan(0);
    // KKT: αᵢ > 0 only where yᵢf(xᵢ) ≤ 1; every other point is outside its margin (SMO's tol is 1e-6).
    expect(Math.max(...circled)).toBeLessThanOrEqual(1 + 1e-5);
    expect(Math.min(...await margins("[data-testid=svm-plot] circle.point[data-support=false]"))).toBeGreaterThanOrEqual(1 - 1e-5);
    expect(Number(await p.locator("[data-testid=kkt] tr").nth(1).locator("td.num").textContent())).toBeLessThan(1e-5);
    await shot("models-svm");

    await p.getByLabel("Model", { exact: true }).selectOption("gp");
    const optimum = p.getByTestId("lml-optimum");
    await expect.poll(() => optimum.count(), { timeout: 60_000 }).toBe(1);
    const top = Number(await p.locator("[data-testid=gp-surface] svg").getAttribute("data-max"));
    expect(Number(await optimum.getAttribute("data-lml"))).toBeGreaterThanOrEqual(top - 1e-6 * Math.abs(top));
    expect(p.url()).toContain("m=gp");
    // A click on the surface (short lengthscale, little noise) shows the posterior there, less likely than the fitted one.
    const chart = p.locator("[data-testid=gp-surface] svg");
    const box = (await chart.boundingBox())!;
    await chart.click({ position: { x: 0.25 * box.width, y: 0.75 * box.height } });
    await expect.poll(() => p.getByTestId("lml-picked").count()).toBe(1);
    expect(p.url()).toMatch(/logl=-?[\d.]+&lognoise=-?[\d.]+/);
    await expect.poll(async () => Number(await p.getByTestId("gp-status").getAttribute("data-lml"))).toBeLessThan(Number(await optimum.getAttribute("data-lml")));
    await shot("models-gp");

    await p.getByLabel("Model", { exact: true }).selectOption("boosting");
    const label = p.getByTestId("round-label");
    await expect.poll(() => label.getAttribute("data-round"), { timeout: 30_000 }).toBe("1");
    await p.getByTestId("round").fill("12");
    await expect.poll(() => label.getAttribute("data-round")).toBe("12");
    const h = await p.locator("[data-testid=boost-h] .stem").evaluateAll((nodes) => nodes.map((n) => Number((n as SVGElement).dataset["value"])));
    expect(h.length).toBe(60);
    expect(Math.min(...h)).toBeGreaterThan(0);
    expect(Math.max(...h)).toBeLessThanOrEqual(0.25);
    await shot("models-boosting");
  });

  it("renders every registered page without console errors on a phone and a desktop", async () => {
    // The pages come from the menu, which the shell builds from the registry: no second list.
    const p = await open("#/");
    // The shell builds the menu after importing every page (a top-level await that can outlast the load event).
    await expect.poll(() => p.locator("#nav a").count()).toBeGreaterThanOrEqual(5);
    const routes = await p.locator("#nav a").evaluateAll((links) => links.map((a) => (a as HTMLElement).dataset["page"]!));
    expect(routes.length).toBeGreaterThanOrEqual(5);
    for (const [name, size] of [["phone", { width: 390, height: 844 }], ["desktop", { width: 1280, height: 800 }]] as const) {
      await p.setViewportSize(size);
      for (const route of routes) {
        await p.goto(`${url}#/${route}`);
        const root = p.getByTestId(`page-${route}`);
        await expect.poll(() => root.getAttribute("data-busy"), { timeout: 30_000 }).toBe("0");
        expect(await root.locator("h1").textContent()).toBeTruthy();
        expect(await root.locator(".output").evaluate((e) => e.childElementCount)).toBeGreaterThan(0);
        expect(await p.getByTestId("error").textContent(), `${route} shows an error`).toBe("");
        const overflow = await p.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        expect(overflow, `${route} is wider than a ${name}`).toBeLessThanOrEqual(0);
        await shot(`${route}-${name}`);
      }
    }
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
