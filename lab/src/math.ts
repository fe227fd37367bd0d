/** KaTeX rendering, with the LaTeX source kept on the element for copying and for tests. */
import katex from "katex";
import "katex/dist/katex.min.css";

export function renderMath(element: HTMLElement, latex: string, displayMode = false): void {
  element.dataset["latex"] = latex;
  katex.render(latex, element, { displayMode, throwOnError: false, output: "htmlAndMathml" });
}

export function math(latex: string, displayMode = false): HTMLElement {
  const element = document.createElement(displayMode ? "div" : "span");
  renderMath(element, latex, displayMode);
  return element;
}
