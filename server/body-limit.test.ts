// Oversized bodies are refused before anything reads them: the client gets 413 while it is
// still sending, the connection is closed, and the server keeps answering everyone else. The
// server here is server/index.ts's order of handlers with a stand-in for Next that reads bodies.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_REQUEST_BODY_BYTES, rejectOversizedBody } from "@/server/body-limit";

let base: string;
let server: http.Server;
let bytesReadDownstream = 0;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (rejectOversizedBody(req, res)) return;
    req.on("data", (chunk: Buffer) => (bytesReadDownstream += chunk.length));
    req.on("end", () => res.writeHead(200, { "content-type": "text/plain" }).end("ok"));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

interface Upload {
  status: number;
  contentType: string | undefined;
  body: string;
  /** Bytes the client had written when the answer arrived. */
  sentWhenAnswered: number;
}

/** Announces `size` bytes and sends them 64 KiB at a time, as long as the server lets it. */
function upload(path: string, size: number): Promise<Upload> {
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = false;
    const request = http.request(`${base}${path}`, { method: "POST", headers: { "content-length": String(size), "content-type": "application/json" } });
    request.on("response", (res) => {
      answered = true;
      const sentWhenAnswered = sent;
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, contentType: res.headers["content-type"], body, sentWhenAnswered }));
    });
    request.on("error", (error) => (answered ? undefined : reject(error)));
    const chunk = Buffer.alloc(64 * 1024, "x");
    const pump = () => {
      if (answered || request.destroyed) return;
      if (sent >= size) return void request.end();
      sent += chunk.length;
      if (request.write(chunk)) setImmediate(pump);
      else request.once("drain", pump);
    };
    pump();
  });
}

describe("request bodies outside the verification endpoint", () => {
  it("answers a 30 MB post 413 before it has been sent, in the API's error shape under /api", async () => {
    const before = bytesReadDownstream;
    const api = await upload("/api/v1/projects/default/keys", 30 * 1024 * 1024);
    expect(api.status).toBe(413);
    expect(api.contentType).toBe("application/json");
    expect(JSON.parse(api.body)).toEqual({ error: { code: "payload_too_large", message: "Request bodies are limited to 1 MiB." } });
    expect(api.sentWhenAnswered).toBeLessThan(30 * 1024 * 1024);

    const page = await upload("/sign-in", 30 * 1024 * 1024);
    expect(page.status).toBe(413);
    expect(page.contentType).toBe("text/html; charset=utf-8");
    expect(page.body).toContain("<h1>Request too large</h1>");
    expect(bytesReadDownstream).toBe(before);
  });

  it("lets a body of exactly the limit through", async () => {
    const before = bytesReadDownstream;
    const result = await upload("/sign-in", MAX_REQUEST_BODY_BYTES);
    expect(result.status).toBe(200);
    expect(bytesReadDownstream - before).toBe(MAX_REQUEST_BODY_BYTES);
  });

  it("keeps answering others while 30 clients each announce 30 MB", async () => {
    const before = bytesReadDownstream;
    const uploads = Array.from({ length: 30 }, () => upload("/sign-in", 30 * 1024 * 1024));
    const meanwhile = await fetch(`${base}/sign-in`);
    expect(meanwhile.status).toBe(200);
    const results = await Promise.all(uploads);
    expect(results.map((r) => r.status)).toEqual(Array(30).fill(413));
    expect(bytesReadDownstream).toBe(before);
  });
});
