/**
 * JSON schemas of the OpenAPI document as a reader takes them in: one row per field (dotted
 * paths, `[]` for array items) with its type and constraints, and an example value built from
 * the `example`s the schemas carry, their formats, enums and bounds.
 */

/** A JSON schema as the document holds it (3.1: JSON Schema 2020-12). */
export interface Schema {
  $ref?: string;
  type?: string | string[];
  format?: string;
  enum?: unknown[];
  const?: unknown;
  pattern?: string;
  description?: string;
  example?: unknown;
  default?: unknown;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  items?: Schema;
  allOf?: Schema[];
  anyOf?: Schema[];
  oneOf?: Schema[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
}

/** A field of a schema as the page lists it. */
export interface FieldRow {
  path: string;
  type: string;
  required: boolean;
  notes: string;
}

/** Resolves `#/components/schemas/X` references against `components`. */
export class SchemaView {
  constructor(private readonly schemas: Record<string, Schema>) {}

  resolve(s: Schema): Schema {
    if (!s.$ref) {
      if (!s.allOf) return s;
      const parts = s.allOf.map((p) => this.resolve(p));
      return parts.reduce((a, p) => ({
        ...a,
        ...p,
        properties: { ...a.properties, ...p.properties },
        required: [...(a.required ?? []), ...(p.required ?? [])],
      }), {} as Schema);
    }
    const name = s.$ref.replace("#/components/schemas/", "");
    return this.resolve(this.schemas[name] ?? {});
  }

  /** The component a schema names, if any (`Reservation`). */
  nameOf(s: Schema): string | null {
    return s.$ref ? s.$ref.replace("#/components/schemas/", "") : null;
  }

  /** A schema's type as a reader says it: `string (date)`, `integer | null`, `Reservation`. */
  typeOf(raw: Schema): string {
    const s = this.resolve(raw);
    const named = this.nameOf(raw);
    if (named) return named;
    const alternatives = s.anyOf ?? s.oneOf;
    if (alternatives) return alternatives.map((a) => this.typeOf(a)).join(" | ");
    const types = [s.type ?? (s.properties ? "object" : "any")].flat();
    return types.map((t) => {
      if (t === "array") return `array of ${s.items ? this.typeOf(s.items) : "any"}`;
      if (t === "string" && s.format) return `string (${s.format})`;
      return t;
    }).join(" | ");
  }

  /** What else a value must be: bounds, pattern, enum, default. */
  notesOf(raw: Schema): string {
    const s = this.resolve(raw);
    const notes: string[] = [];
    if (s.enum) notes.push(`one of ${s.enum.map((e) => JSON.stringify(e)).join(", ")}`);
    if (s.const !== undefined) notes.push(`always ${JSON.stringify(s.const)}`);
    const range = (lo?: number, hi?: number, unit = "") =>
      lo !== undefined && hi !== undefined
        ? `${lo} to ${hi}${unit}`
        : lo !== undefined
        ? `at least ${lo}${unit}`
        : hi !== undefined
        ? `at most ${hi}${unit}`
        : null;
    const value = range(s.minimum, s.maximum);
    if (value) notes.push(value);
    if (s.exclusiveMinimum !== undefined) notes.push(`more than ${s.exclusiveMinimum}`);
    const length = range(s.minLength, s.maxLength, " characters");
    if (length) notes.push(length);
    const items = range(s.minItems, s.maxItems, " items");
    if (items) notes.push(items);
    if (s.pattern) notes.push(`matches ${s.pattern}`);
    if (s.default !== undefined) notes.push(`default ${JSON.stringify(s.default)}`);
    if (s.description) notes.push(s.description);
    return notes.join("; ");
  }

  /** Every field of `schema`, depth first; a named component nested inside is not expanded. */
  fields(schema: Schema, prefix = "", depth = 0): FieldRow[] {
    const s = this.resolve(schema);
    const rows: FieldRow[] = [];
    for (const [name, raw] of Object.entries(s.properties ?? {})) {
      const path = prefix ? `${prefix}.${name}` : name;
      const field = this.resolve(raw);
      rows.push({
        path,
        type: this.typeOf(raw),
        required: s.required?.includes(name) ?? false,
        notes: this.notesOf(raw),
      });
      if (depth > 4 || (this.nameOf(raw) && depth > 0)) continue;
      if (field.properties || field.allOf) rows.push(...this.fields(field, path, depth + 1));
      const item = field.items && this.resolve(field.items);
      if (item && (item.properties || item.allOf) && !(this.nameOf(field.items!) && depth > 0)) {
        rows.push(...this.fields(item, `${path}[]`, depth + 1));
      }
    }
    return rows;
  }

  /**
   * An example value of `schema`: its own `example`, else one made from its parts. Optional
   * fields appear when they carry an example of their own.
   */
  example(raw: Schema, depth = 0): unknown {
    const s = this.resolve(raw);
    if (s.example !== undefined) return s.example;
    if (s.const !== undefined) return s.const;
    if (s.enum) return s.enum[0];
    if (depth > 6) return null;
    const alternatives = s.anyOf ?? s.oneOf;
    if (alternatives) return this.example(alternatives[0], depth + 1);
    const type = [s.type ?? (s.properties ? "object" : "string")].flat().find((t) => t !== "null");
    switch (type) {
      case "object":
        return Object.fromEntries(
          Object.entries(s.properties ?? {})
            .filter(([name, p]) =>
              s.required?.includes(name) || this.resolve(p).example !== undefined
            )
            .map(([name, p]) => [name, this.example(p, depth + 1)]),
        );
      case "array":
        return s.items ? [this.example(s.items, depth + 1)] : [];
      case "integer":
      case "number":
        return s.default ?? s.minimum ?? (s.exclusiveMinimum ?? 0) + 1;
      case "boolean":
        return true;
      default:
        return stringExample(s);
    }
  }
}

function stringExample(s: Schema): string {
  if (s.default !== undefined) return String(s.default);
  switch (s.format) {
    case "date":
      return "2027-06-01";
    case "date-time":
      return "2027-05-14T09:30:00.000Z";
    case "uuid":
      return "01937a4c-5e2b-7c3d-9e4f-a5b6c7d8e9f0";
    case "email":
      return "ada@example.com";
    case "uri":
      return "https://example.com/";
  }
  return "text";
}
