import type { AppDeps } from "./context";
import type { SessionSettings } from "./session";

/** Sessions for the auth and other routers, derived from deps. */
export function sessionSettings(deps: AppDeps): SessionSettings {
  return { db: deps.db, secret: deps.jwtSecret, origin: deps.config.publicOrigin, ttlSeconds: deps.config.jwtTtlSeconds };
}
