/** What every page provides to the shell: an id for the URL, a title, and mount/unmount. */
export interface Page {
  id: string;
  title: string;
  /** Builds the page into root from the URL's state; returns what to do when leaving it. */
  mount(root: HTMLElement, params: URLSearchParams): () => void;
}
