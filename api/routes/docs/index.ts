import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Hono } from "hono";
import type { AppEnv } from "../../middleware/context";

/** Strict CSP for the docs page: everything from this origin, nothing from a CDN. */
const DOCS_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'";

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Settle API</title>
<link rel="stylesheet" href="/docs/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script>
</body>
</html>
`;

const INIT = `window.ui = SwaggerUIBundle({ url: "/openapi.json", dom_id: "#swagger-ui", deepLinking: true, withCredentials: true });\n`;

/**
 * /docs: Swagger UI served from the local swagger-ui-dist package (works offline), reading
 * /openapi.json. Assets are read once, on first use.
 */
export function docsRoutes() {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const dist = (require("swagger-ui-dist") as { getAbsoluteFSPath(): string }).getAbsoluteFSPath();
  const assets = new Map<string, { body: string; type: string }>();
  const asset = (name: string, type: string) => {
    let a = assets.get(name);
    if (!a) assets.set(name, (a = { body: readFileSync(join(dist, name), "utf8"), type }));
    return a;
  };
  const send = (body: string, type: string) =>
    new Response(body, { headers: { "Content-Type": type, "Content-Security-Policy": DOCS_CSP, "Cache-Control": "public, max-age=3600" } });

  return new Hono<AppEnv>()
    .get("/", () => send(PAGE, "text/html; charset=utf-8"))
    .get("/init.js", () => send(INIT, "text/javascript; charset=utf-8"))
    .get("/swagger-ui.css", () => {
      const a = asset("swagger-ui.css", "text/css; charset=utf-8");
      return send(a.body, a.type);
    })
    .get("/swagger-ui-bundle.js", () => {
      const a = asset("swagger-ui-bundle.js", "text/javascript; charset=utf-8");
      return send(a.body, a.type);
    });
}
