import type { PreviewServer } from "vite";

/** Builds lab/ into lab/dist. */
export function buildLab(): Promise<void>;
/** Serves lab/dist on host:port (port 0 picks a free one); resolves to the server and its URL. */
export function serveLab(options: { port: number; host: string }): Promise<{ server: PreviewServer; url: string }>;
