import { OpenAPIHono } from "@hono/zod-openapi";
import { bodyLimit } from "hono/body-limit";
import { cors } from "hono/cors";
import { requestId } from "hono/request-id";
import { secureHeaders } from "hono/secure-headers";
import type { AppDeps, AppEnv } from "./middleware/context";
import { errorResponse, onError, onNotFound, validationHook } from "./lib/errors";
import { RateLimiter, rateLimit } from "./middleware/rate-limit";
import { apiClientRoutes } from "./routes/api-clients";
import { authRoutes } from "./routes/auth";
import { blockchainRoutes } from "./routes/blockchain";
import { tokenRoutes } from "./routes/blockchain/tokens";
import { docsRoutes } from "./routes/docs";
import { documentRoutes } from "./routes/documents";
import { einvoiceRoutes } from "./routes/einvoices";
import { customerRoutes } from "./routes/customers";
import { exportRoutes } from "./routes/export";
import { healthRoutes } from "./routes/health";
import { invoiceRoutes } from "./routes/invoices";
import { invoiceBatchRoutes } from "./routes/invoices/batch";
import { invoiceRelayRoutes } from "./routes/invoices/relay";
import { invoiceTransactionRoutes } from "./routes/invoices/transactions";
import { oauthRoutes } from "./routes/oauth";
import { paymentRoutes } from "./routes/payments";
import { transactionRoutes } from "./routes/transactions";
import { userRoutes } from "./routes/users";
import { webRoutes } from "./routes/web";
import { webhookRoutes } from "./routes/webhooks";
import { STALE_HEADER, markStale } from "./middleware/stale";

/** Version reported in the OpenAPI document. */
export const API_VERSION = "0.1.0";

/**
 * Builds the whole API as a Hono app without listening (tests call `app.request()`; main.ts serves
 * it). Middleware, in order: request id, per-request logger and access log, secure headers, CORS
 * for the configured origins, body size limit, rate limit on /auth/* and /oauth/*; then one router per resource,
 * /openapi.json, /docs, the web page (web/dist) for everything else, and the single error handler.
 */
export function createApp(deps: AppDeps) {
  const now = deps.now ?? Date.now;
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook as never });

  app.use(requestId());
  app.use(async (c, next) => {
    const log = deps.logger.child({ reqId: c.get("requestId") });
    c.set("log", log);
    const start = performance.now();
    await next();
    log.info(
      { method: c.req.method, path: c.req.path, status: c.res.status, ms: Math.round((performance.now() - start) * 10) / 10 },
      "request",
    );
  });
  app.use(secureHeaders({ crossOriginResourcePolicy: "same-origin", referrerPolicy: "no-referrer" }));
  const allowCors = cors({
    origin: (origin) => (deps.config.corsOrigins.includes(origin) ? origin : null),
    credentials: true,
    allowMethods: ["GET", "POST", "PATCH", "DELETE", "OPTIONS"],
    allowHeaders: ["Authorization", "Content-Type", "Idempotency-Key", "X-Request-Id"],
    exposeHeaders: ["X-Request-Id", "Retry-After", "Idempotent-Replayed", STALE_HEADER],
    maxAge: 600,
  });
  // Only requests with an Origin take part in CORS. Hono's cors middleware writes to c.res before
  // the handler runs, which makes @hono/node-server stream every response instead of writing it in
  // one go (a third of a cached GET /transactions): the others just get Vary: Origin.
  app.use(async (c, next) => {
    if (c.req.header("origin") !== undefined) return allowCors(c, next);
    await next();
    c.res.headers.append("Vary", "Origin");
  });
  // A 413 is answered before the rest of the body is read; the server would then drop the connection
  // once draining it takes too long, silently, after advertising keep-alive. `Connection: close`
  // says so up front: clients open a new connection instead of failing on a reused one.
  const limitBody = bodyLimit({
    maxSize: deps.config.bodyLimitBytes,
    onError: (c) => {
      c.header("Connection", "close");
      return errorResponse(c, 413, "payload_too_large", `The body is larger than ${deps.config.bodyLimitBytes} bytes`, {
        limitBytes: deps.config.bodyLimitBytes,
      });
    },
  });
  // GET and HEAD carry no body: skipping them also keeps @hono/node-server from building a full
  // Request object (reading .body does), which costs more than the rest of a cached read.
  app.use((c, next) => (c.req.method === "GET" || c.req.method === "HEAD" ? next() : limitBody(c, next)));
  const authLimit = rateLimit(new RateLimiter(deps.config.authRateLimitPerMinute, 60_000), deps.config.trustProxy, now);
  app.use("/auth/*", authLimit);
  app.use(markStale(deps.index, now));
  app.use("/oauth/*", authLimit);

  app.openAPIRegistry.registerComponent("securitySchemes", "bearer", { type: "http", scheme: "bearer", bearerFormat: "JWT" });
  const routed = app
    .route("/auth", authRoutes(deps))
    .route("/users", userRoutes(deps))
    .route("/invoices", exportRoutes(deps))
    .route("/invoices", einvoiceRoutes(deps))
    .route("/invoices", invoiceRoutes(deps))
    .route("/invoices", invoiceTransactionRoutes(deps))
    .route("/invoices", invoiceRelayRoutes(deps))
    .route("/invoices", invoiceBatchRoutes(deps))
    .route("/invoices", documentRoutes(deps))
    .route("/invoices", paymentRoutes(deps))
    .route("/customers", customerRoutes(deps))
    .route("/transactions", transactionRoutes(deps))
    .route("/blockchain", blockchainRoutes(deps))
    .route("/blockchain", tokenRoutes(deps))
    .route("/api-clients", apiClientRoutes(deps))
    .route("/oauth", oauthRoutes(deps))
    .route("/webhooks", webhookRoutes(deps))
    .route("/health", healthRoutes(deps))
    .route("/docs", docsRoutes());
  app.doc31("/openapi.json", {
    openapi: "3.1.0",
    info: {
      title: "Settle API",
      version: API_VERSION,
      description:
        "Invoices paid into an on-chain escrow, staking, and their indexed history. Sign in with Ethereum (GET /auth/nonce, POST /auth/verify), then send `Authorization: Bearer <token>`. Amounts are uint256 decimal strings. Errors are `{ error: { code, message, details? } }`.",
    },
  });

  // Last: the page only gets what no API route answered.
  app.route("/", webRoutes(deps.config.webDistDir));

  app.onError(onError(deps.logger));
  app.notFound(onNotFound);
  return routed;
}

/** The API's type (every route with its schemas), for the page's typed `hc<AppType>` client. */
export type AppType = ReturnType<typeof createApp>;
