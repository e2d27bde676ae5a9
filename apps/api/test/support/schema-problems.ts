/** A JSON Schema, as the OpenAPI document holds it. */
type Schema = Record<string, unknown>;

/** Where `$ref`s point: the document's `components.schemas`. */
export type SchemaComponents = Readonly<Record<string, Schema>>;

const REF_PREFIX = '#/components/schemas/';

/**
 * What keeps `value` from matching `schema`, as `path: problem` lines (none when it matches).
 * It checks the structure an API answer must have: `$ref`, `type`, `enum`, `const`,
 * `properties`, `required`, `additionalProperties`, `items`, `anyOf` and `oneOf` (as any-of);
 * not lengths, ranges or patterns.
 */
export function schemaProblems(
  value: unknown,
  schema: Schema,
  components: SchemaComponents,
  path = '$',
): string[] {
  if (typeof schema.$ref === 'string') {
    const target = components[schema.$ref.slice(REF_PREFIX.length)];
    if (!target) return [`${path}: unknown $ref ${schema.$ref}`];
    return schemaProblems(value, target, components, path);
  }
  const choices = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined;
  if (choices) {
    const fits = choices.some((c) => schemaProblems(value, c, components, path).length === 0);
    return fits ? [] : [`${path}: matches none of ${choices.length} choices`];
  }
  if ('const' in schema && value !== schema.const) {
    return [`${path}: ${JSON.stringify(value)} is not ${JSON.stringify(schema.const)}`];
  }
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) {
    return [`${path}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`];
  }
  const types = schema.type === undefined ? [] : ([schema.type].flat() as string[]);
  if (types.length > 0 && !types.some((type) => isOfType(value, type))) {
    return [`${path}: ${JSON.stringify(value)} is not of type ${types.join('|')}`];
  }
  if (Array.isArray(value) && schema.items) {
    return value.flatMap((item, i) =>
      schemaProblems(item, schema.items as Schema, components, `${path}[${i}]`),
    );
  }
  if (isRecord(value)) return objectProblems(value, schema, components, path);
  return [];
}

function objectProblems(
  value: Record<string, unknown>,
  schema: Schema,
  components: SchemaComponents,
  path: string,
): string[] {
  const properties = (schema.properties ?? {}) as Record<string, Schema>;
  const required = (schema.required ?? []) as string[];
  const extra = schema.additionalProperties;
  const problems = required
    .filter((key) => !(key in value))
    .map((key) => `${path}.${key}: required but missing`);
  for (const [key, item] of Object.entries(value)) {
    const property = properties[key] ?? (isRecord(extra) ? extra : undefined);
    if (property) problems.push(...schemaProblems(item, property, components, `${path}.${key}`));
    else if (extra === false) problems.push(`${path}.${key}: not in the schema`);
  }
  return problems;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isOfType(value: unknown, type: string): boolean {
  switch (type) {
    case 'null':
      return value === null;
    case 'array':
      return Array.isArray(value);
    case 'object':
      return isRecord(value);
    case 'integer':
      return Number.isInteger(value);
    default:
      return typeof value === type;
  }
}
