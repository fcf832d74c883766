import { connect } from "node:net";

/** One HTTP/1.1 response read off a raw socket. */
export interface RawResponse {
  status: number;
  /** Header names in lower case. */
  headers: Record<string, string>;
  body: string;
}

/** What a raw connection saw: every response it could parse, and how the connection ended. */
export interface RawExchange {
  responses: RawResponse[];
  /** True when the server ended the connection (FIN or reset) before the client gave up waiting. */
  closedByServer: boolean;
  /** A socket error seen on the way (EPIPE while still writing after the server closed, ECONNRESET), if any. */
  error?: string;
}

/** Parses consecutive HTTP/1.1 responses with Content-Length bodies out of `text`. */
export function parseResponses(text: string): RawResponse[] {
  const out: RawResponse[] = [];
  let rest = text;
  for (;;) {
    const headEnd = rest.indexOf("\r\n\r\n");
    if (headEnd < 0) return out;
    const [statusLine, ...lines] = rest.slice(0, headEnd).split("\r\n");
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(":");
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    const length = Number(headers["content-length"] ?? 0);
    const body = rest.slice(headEnd + 4, headEnd + 4 + length);
    out.push({ status: Number(statusLine!.split(" ")[1]), headers, body });
    rest = rest.slice(headEnd + 4 + length);
  }
}

/**
 * Opens one TCP connection to 127.0.0.1:`port`, writes `parts` in order with `gapMs` between them (a body sent
 * slowly, as over a real network), and collects what comes back until the server closes or `waitMs` passes.
 */
export function rawExchange(port: number, parts: string[], gapMs: number, waitMs = 4000): Promise<RawExchange> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    let data = "";
    let error: string | undefined;
    let closedByServer = false;
    const giveUp = setTimeout(() => socket.destroy(), waitMs);
    socket.on("data", (chunk: Buffer) => (data += chunk.toString("latin1")));
    socket.on("end", () => (closedByServer = true));
    socket.on("error", (err: NodeJS.ErrnoException) => {
      error = err.code ?? err.message;
      closedByServer = true;
    });
    socket.on("close", () => {
      clearTimeout(giveUp);
      resolve({ responses: parseResponses(data), closedByServer, ...(error ? { error } : {}) });
    });
    let next = 0;
    const writeNext = () => {
      if (socket.destroyed || next >= parts.length) return;
      socket.write(parts[next++]!, () => setTimeout(writeNext, gapMs));
    };
    socket.on("connect", writeNext);
  });
}
