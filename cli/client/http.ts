/**
 * berth's api as a client calls it over HTTP, with one API key: what `chaos`, the fault tests
 * and the test toolbox send their requests with.
 */

/** Sends one request: `fetch` against a URL, or an in-process app's `request`. */
export type Send = (path: string, init: RequestInit) => Promise<Response>;

/** An answer: its status, its body as JSON (as text when it is not JSON), its headers. */
export interface Answer {
  status: number;
  // deno-lint-ignore no-explicit-any -- response bodies are whatever JSON the api sent
  body: any;
  headers: Headers;
}

/**
 * One request as a client makes it: a JSON body (a string goes as it is) with its
 * Content-Type, `Authorization: Bearer <key>` unless `key` is null, then `headers`.
 */
export async function request(
  send: Send,
  key: string | null,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
  signal?: AbortSignal,
): Promise<Answer> {
  const res = await send(path, {
    method,
    headers: {
      ...(body !== undefined ? { "content-type": "application/json" } : {}),
      ...(key ? { authorization: `Bearer ${key}` } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    signal,
  });
  const text = await res.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = text;
  }
  return { status: res.status, body: json, headers: res.headers };
}

/** A client of the api at `url` with `key`. */
export function apiClient(url: string, key: string) {
  const send: Send = (path, init) => fetch(`${url}${path}`, init);
  return {
    url,
    /** One request and its answer, whatever the status. */
    send: (
      method: string,
      path: string,
      body?: unknown,
      headers?: Record<string, string>,
      signal?: AbortSignal,
    ) => request(send, key, method, path, body, headers, signal),
    /** One request that must succeed: its body, or an Error naming the answer. */
    async must(method: string, path: string, body?: unknown, headers?: Record<string, string>) {
      const r = await request(send, key, method, path, body, headers);
      if (r.status < 200 || r.status >= 300) {
        throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
      }
      return r.body;
    },
  };
}

/** A client of the api at one URL with one key. */
export type ApiClient = ReturnType<typeof apiClient>;
