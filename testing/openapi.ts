/**
 * Test support: holds an api to its OpenAPI document. Every answer is matched to the operation
 * of its method and path and checked by openapi-response-validator (npm): the status must be
 * declared, the Content-Type one the status declares, the body valid against its schema
 * (formats checked with zod's own). The checker remembers which operations answered what, so a
 * test can tell which ones it never saw succeed.
 */
import { z } from "zod";
import responseValidator from "openapi-response-validator";

/** The package is CommonJS: its class is the default export of its exports. */
const ResponseValidator = responseValidator.default;

/** What the checker needs of an OpenAPI document. */
export interface ContractDocument {
  paths: Record<string, Record<string, Operation>>;
  components?: Record<string, unknown>;
}

interface Operation {
  operationId: string;
  responses: Record<string, { content?: Record<string, unknown> }>;
}

/** An answer as a client saw it. */
export interface Answer {
  method: string;
  /** the path without the query */
  path: string;
  status: number;
  headers: Headers;
  text: string;
}

const formats: Record<string, (value: unknown) => boolean> = {
  uuid: (v) => z.uuid().safeParse(v).success,
  date: (v) => z.iso.date().safeParse(v).success,
  "date-time": (v) => z.iso.datetime({ offset: true }).safeParse(v).success,
  email: (v) => z.email().safeParse(v).success,
};

/** `type/subtype` and its parameters, lower case. */
function mediaType(value: string) {
  const [essence, ...params] = value.split(";").map((p) => p.trim().toLowerCase());
  return { essence, params: params.filter(Boolean).map((p) => p.replace(/\s*=\s*/, "=")) };
}

/** True when `actual` is the declared media type (its parameters may add to the declared). */
function sameMediaType(declared: string, actual: string): boolean {
  const d = mediaType(declared);
  const a = mediaType(actual);
  return d.essence === a.essence && d.params.every((p) => a.params.includes(p));
}

export class ContractChecker {
  readonly #operations: { method: string; pattern: RegExp; literal: number; op: Operation }[];
  readonly #validators = new Map<
    string,
    { validateResponse(status: number, body: unknown): unknown }
  >();
  /** operationId → the statuses it answered */
  readonly seen = new Map<string, Set<number>>();

  constructor(readonly doc: ContractDocument) {
    this.#operations = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, op]) => ({
        method: method.toUpperCase(),
        pattern: new RegExp(
          `^${path.replace(/[.]/g, "\\.").replace(/\{\w+\}/g, "[^/]+")}$`,
        ),
        literal: path.replace(/\{\w+\}/g, "").length,
        op,
      }))
    );
  }

  /** The operation `method path` is, the most literal match first (`/rates/applied`). */
  operationOf(method: string, path: string): Operation | undefined {
    return this.#operations
      .filter((o) => o.method === method && o.pattern.test(path))
      .sort((a, b) => b.literal - a.literal)[0]?.op;
  }

  /** Why `answer` breaks the contract; empty when it keeps it. */
  problems(answer: Answer): string[] {
    const op = this.operationOf(answer.method, answer.path);
    if (!op) return [`no operation is declared for ${answer.method} ${answer.path}`];
    (this.seen.get(op.operationId) ?? this.seen.set(op.operationId, new Set()).get(
      op.operationId,
    )!).add(answer.status);
    const declared = op.responses[String(answer.status)];
    if (!declared) {
      return [`${op.operationId} does not declare ${answer.status}`];
    }
    const type = answer.headers.get("content-type");
    const types = Object.keys(declared.content ?? {});
    if (!types.length) {
      return answer.text ? [`${op.operationId} ${answer.status} declares no body, got one`] : [];
    }
    if (!type || !types.some((t) => sameMediaType(t, type))) {
      return [`${op.operationId} ${answer.status} is ${type}, declared ${types.join(" or ")}`];
    }
    let body: unknown = answer.text;
    if (/json/.test(mediaType(type).essence)) {
      try {
        body = JSON.parse(answer.text);
      } catch {
        return [`${op.operationId} ${answer.status} is not JSON: ${answer.text.slice(0, 200)}`];
      }
    }
    const result = this.#validator(op).validateResponse(answer.status, body) as
      | { errors: { path?: string; message: string }[] }
      | undefined;
    return (result?.errors ?? []).map((e) =>
      `${op.operationId} ${answer.status}: ${e.path ?? ""} ${e.message}`
    );
  }

  #validator(op: Operation) {
    const known = this.#validators.get(op.operationId);
    if (known) return known;
    const v = new ResponseValidator({
      responses: op.responses as never,
      components: this.doc.components as never,
      customFormats: formats,
    });
    this.#validators.set(op.operationId, v);
    return v;
  }

  /** Operations that never answered a 2xx here. */
  unexercised(): string[] {
    return this.#operations
      .map((o) => o.op.operationId)
      .filter((id) => ![...(this.seen.get(id) ?? [])].some((s) => s >= 200 && s < 300));
  }
}
