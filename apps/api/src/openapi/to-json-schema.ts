import { z } from 'zod';

/** A JSON Schema (draft 2020-12, the dialect of OpenAPI 3.1), as a plain object. */
export type JsonSchema = Record<string, unknown>;

/**
 * The JSON Schema of a zod schema, as OpenAPI 3.1 embeds it: draft 2020-12 without the
 * `$schema` line. `input` describes what a request may send (defaults make fields optional);
 * `output` what an answer carries.
 */
export function toJsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const converted: JsonSchema = z.toJSONSchema(schema, { target: 'draft-2020-12', io });
  delete converted.$schema;
  return converted;
}
