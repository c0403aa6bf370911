/**
 * The Metadata API's types as `@salesforce/types` declares them (`lib/metadata.d.ts`): each type's
 * fields in WSDL order, whether a field is required, a list, and its type; string literal unions
 * (enumerations) with their values.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface FieldDef {
  name: string;
  type: string;
  list: boolean;
  optional: boolean;
}

export type TypeDef = { kind: 'object'; fields: FieldDef[] } | { kind: 'enum'; values: string[] };

const OBJECT_START = /^export type (\w+) = (?:([\w\s&]+?) & )?\{$/;
const ENUM = /^export type (\w+) = ((?:'[^']*'(?: \| )?)+);$/;
const FIELD = /^\s+(\w+)(\?)?: ([\w]+)(\[\])?;$/;

export function parseMetadataTypes(source: string): Map<string, TypeDef> {
  const types = new Map<string, TypeDef>();
  const bases = new Map<string, string[]>();
  let current: { name: string; fields: FieldDef[] } | null = null;
  for (const line of source.split('\n')) {
    if (current) {
      const field = FIELD.exec(line);
      if (field) {
        current.fields.push({
          name: field[1] as string,
          optional: field[2] === '?',
          type: field[3] as string,
          list: field[4] === '[]',
        });
      } else if (line.startsWith('}')) {
        types.set(current.name, { kind: 'object', fields: current.fields });
        current = null;
      }
      continue;
    }
    const start = OBJECT_START.exec(line);
    if (start) {
      current = { name: start[1] as string, fields: [] };
      if (start[2])
        bases.set(
          current.name,
          start[2].split('&').map((b) => b.trim()),
        );
      continue;
    }
    const enumeration = ENUM.exec(line);
    if (enumeration) {
      const values = [...(enumeration[2] as string).matchAll(/'([^']*)'/g)].map((m) => m[1] as string);
      types.set(enumeration[1] as string, { kind: 'enum', values });
    }
  }
  // A type extending others (`Metadata & {…}`) lists the bases' fields first, as the WSDL does.
  const resolve = (name: string, seen: Set<string>): FieldDef[] => {
    const own = types.get(name);
    const fields = own?.kind === 'object' ? own.fields : [];
    const inherited = (bases.get(name) ?? []).flatMap((b) =>
      seen.has(b) ? [] : resolve(b, new Set([...seen, b])),
    );
    const all = [...inherited, ...fields];
    return all.filter((f, i) => all.findIndex((g) => g.name === f.name) === i);
  };
  for (const name of bases.keys())
    types.set(name, { kind: 'object', fields: resolve(name, new Set([name])) });
  return types;
}

export function loadMetadataTypes(): Map<string, TypeDef> {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
  return parseMetadataTypes(
    readFileSync(join(root, 'node_modules/@salesforce/types/lib/metadata.d.ts'), 'utf8'),
  );
}
