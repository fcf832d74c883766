import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { serveStatic } from "@hono/node-server/serve-static";
import { Hono, type MiddlewareHandler } from "hono";
import type { AppEnv } from "../../middleware/context";

/** Hashed build outputs never change under the same name; everything else is revalidated. */
const IMMUTABLE = "public, max-age=31536000, immutable";
/**
 * No plugins, no <base> or form posts elsewhere, no framing (clickjacking). Scripts are not
 * restricted: Firefox applies a page's script-src to the provider MetaMask injects inline, so a
 * strict one would hide the wallet (MetaMask/metamask-extension#3133).
 */
const CONTENT_SECURITY_POLICY = ["object-src 'none'", "base-uri 'self'", "form-action 'self'", "frame-ancestors 'none'"].join("; ");

/**
 * The web page (web/dist, built by `npm run build:web`) from the API's own origin, so that SIWE's
 * domain is the page's host. Mounted after every API route: it only answers GET and HEAD requests
 * that no API route answered, with the built file at that path, or (for a browser asking for HTML)
 * index.html, the page's entry for any of its routes. Other requests fall through to the API's JSON
 * 404. While web/dist is missing, a browser gets a short page saying how to build it.
 *
 * @param distDir the built page (WEB_DIST_DIR, default web/dist)
 */
export function webRoutes(distDir: string): Hono<AppEnv> {
  const indexFile = join(distDir, "index.html");
  let files: MiddlewareHandler | undefined;
  const router = new Hono<AppEnv>();
  router.on(["GET", "HEAD"], "*", async (c, next) => {
    const wantsPage = (c.req.header("accept") ?? "").includes("text/html");
    if (!existsSync(indexFile)) {
      if (!wantsPage) return next();
      return c.html(
        '<!doctype html><meta charset="utf-8"><title>Settle</title><h1>The web page is not built</h1>' +
          "<p>Run <code>npm run build:web</code> (or start everything with <code>npm start</code>), then reload.</p>",
        503,
      );
    }
    files ??= serveStatic({ root: distDir });
    // serveStatic answers when the file exists, and calls the function it is given otherwise. Its
    // onFound hook runs after the response is made, so the headers go on the response itself.
    let missing = false;
    const answered = await files(c, async () => {
      missing = true;
    });
    if (!missing) {
      const found = answered ?? c.res;
      found.headers.set("Cache-Control", c.req.path.startsWith("/assets/") ? IMMUTABLE : "no-cache");
      if (found.headers.get("content-type")?.startsWith("text/html")) found.headers.set("Content-Security-Policy", CONTENT_SECURITY_POLICY);
      return found;
    }
    if (!wantsPage) return next();
    c.header("Cache-Control", "no-cache");
    c.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
    return c.html(readFileSync(indexFile, "utf8"));
  });
  return router;
}
