/** KaTeX rendering, with the LaTeX source kept on the element for copying and for tests (its CSS is loaded by main.ts). */
import katex from "katex";

export function renderMath(element: HTMLElement, latex: string, displayMode = false): void {
  element.dataset["latex"] = latex;
  katex.render(latex, element, { displayMode, throwOnError: false, output: "htmlAndMathml" });
}

export function math(latex: string, displayMode = false): HTMLElement {
  const element = document.createElement(displayMode ? "div" : "span");
  renderMath(element, latex, displayMode);
  return element;
}
