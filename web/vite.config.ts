import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

/** Paths the API answers; the dev server forwards them to it so that the page and API share an origin. */
const API_PATHS = [
  "/auth",
  "/users",
  "/invoices",
  "/transactions",
  "/blockchain",
  "/api-clients",
  "/oauth",
  "/webhooks",
  "/health",
  "/openapi.json",
  "/docs",
];
const API_URL = process.env.SETTLE_API_URL ?? "http://127.0.0.1:8000";

/**
 * The page: `vite build --config web/vite.config.ts` writes web/dist (index.html + hashed assets),
 * which the API serves from its own origin. `vite --config web/vite.config.ts` serves it in
 * development with the API paths proxied to SETTLE_API_URL (default http://127.0.0.1:8000).
 */
export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  base: "/",
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    sourcemap: true,
    chunkSizeWarningLimit: 600,
  },
  server: {
    host: "127.0.0.1",
    port: 5173,
    proxy: Object.fromEntries(API_PATHS.map((path) => [path, { target: API_URL, changeOrigin: false }])),
  },
});
