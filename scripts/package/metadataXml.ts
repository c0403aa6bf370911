/**
 * Checks a `-meta.xml` file against its Metadata API type: it parses, its root element is the type
 * its suffix implies, every element is a field of its type in WSDL order, required fields are there,
 * and booleans, numbers and enumerations have valid values.
 */
import { JSDOM } from 'jsdom';
import type { FieldDef, TypeDef } from './metadataTypes.ts';

export const METADATA_NAMESPACE = 'http://soap.sforce.com/2006/04/metadata';

/** Suffix of a source file → its root element (the Metadata API type) and the folder it lives in. */
export const SUFFIXES: Array<{ suffix: string; type: string; folder: RegExp }> = [
  { suffix: '.cls-meta.xml', type: 'ApexClass', folder: /\/classes\/[^/]+$/ },
  { suffix: '.page-meta.xml', type: 'ApexPage', folder: /\/pages\/[^/]+$/ },
  { suffix: '.js-meta.xml', type: 'LightningComponentBundle', folder: /\/lwc\/([^/]+)\/\1\.js-meta\.xml$/ },
  { suffix: '.cmp-meta.xml', type: 'AuraDefinitionBundle', folder: /\/aura\/([^/]+)\/\1\.cmp-meta\.xml$/ },
  { suffix: '.resource-meta.xml', type: 'StaticResource', folder: /\/staticresources\/[^/]+$/ },
  { suffix: '.object-meta.xml', type: 'CustomObject', folder: /\/objects\/([^/]+)\/\1\.object-meta\.xml$/ },
  { suffix: '.field-meta.xml', type: 'CustomField', folder: /\/objects\/[^/]+\/fields\/[^/]+$/ },
  { suffix: '.layout-meta.xml', type: 'Layout', folder: /\/layouts\/[^/]+$/ },
  { suffix: '.permissionset-meta.xml', type: 'PermissionSet', folder: /\/permissionsets\/[^/]+$/ },
  { suffix: '.labels-meta.xml', type: 'CustomLabels', folder: /\/labels\/[^/]+$/ },
  {
    suffix: '.messageChannel-meta.xml',
    type: 'LightningMessageChannel',
    folder: /\/messageChannels\/[^/]+$/,
  },
  { suffix: '.namedCredential-meta.xml', type: 'NamedCredential', folder: /\/namedCredentials\/[^/]+$/ },
  {
    suffix: '.externalCredential-meta.xml',
    type: 'ExternalCredential',
    folder: /\/externalCredentials\/[^/]+$/,
  },
  {
    suffix: '.ConversationVendorInformation-meta.xml',
    type: 'ConversationVendorInfo',
    folder: /\/ConversationVendorInformation\/[^/]+$/,
  },
];

/** Elements typed `string` that hold free-form XML (e.g. an LWC's `targetConfigs`). */
const OPAQUE = new Set(['LightningComponentBundle.targetConfigs']);
/** Bundle configuration files, not read by the WSDL parser: any element order. */
const ANY_ORDER = new Set(['LightningComponentBundle']);

export function parseXml(xml: string): Document {
  return new JSDOM(xml, { contentType: 'text/xml' }).window.document;
}

function childElements(element: Element): Element[] {
  return [...element.children];
}

function checkValue(value: string, field: FieldDef, types: Map<string, TypeDef>): string | null {
  if (field.type === 'boolean')
    return value === 'true' || value === 'false' ? null : `not a boolean: "${value}"`;
  if (field.type === 'number') return /^-?\d+(\.\d+)?$/.test(value) ? null : `not a number: "${value}"`;
  const def = types.get(field.type);
  if (def?.kind === 'enum' && !def.values.includes(value)) {
    return `"${value}" is not one of ${def.values.join(', ')}`;
  }
  return null;
}

/** Problems of one element against its type, with the element path in each message. */
export function checkElement(
  element: Element,
  typeName: string,
  types: Map<string, TypeDef>,
  path: string,
): string[] {
  const def = types.get(typeName);
  if (!def || def.kind !== 'object') return [`${path}: unknown type ${typeName}`];
  const problems: string[] = [];
  let lastIndex = -1;
  let lastName = '';
  const seen = new Set<string>();
  for (const child of childElements(element)) {
    const name = child.localName;
    const index = def.fields.findIndex((f) => f.name === name);
    const here = `${path}/${name}`;
    if (index < 0) {
      problems.push(`${here}: ${typeName} has no field "${name}"`);
      continue;
    }
    if (index < lastIndex && !ANY_ORDER.has(typeName))
      problems.push(`${here}: must come before ${lastName} (Metadata API order)`);
    lastIndex = index;
    lastName = name;
    const field = def.fields[index] as FieldDef;
    if (seen.has(name) && !field.list) problems.push(`${here}: only one ${name} is allowed`);
    seen.add(name);
    const fieldType = types.get(field.type);
    if (fieldType?.kind === 'object') {
      problems.push(...checkElement(child, field.type, types, here));
    } else if (child.children.length > 0) {
      if (!OPAQUE.has(`${typeName}.${name}`))
        problems.push(`${here}: ${field.type} value cannot have elements`);
    } else {
      const problem = checkValue((child.textContent ?? '').trim(), field, types);
      if (problem) problems.push(`${here}: ${problem}`);
    }
  }
  for (const field of def.fields) {
    const scalar = !field.list && types.get(field.type)?.kind !== 'object';
    if (!field.optional && scalar && !seen.has(field.name)) {
      problems.push(`${path}: ${typeName} requires ${field.name}`);
    }
  }
  return problems;
}

/** Problems of a `-meta.xml` file (its path relative to the project, for the messages). */
export function checkMetadataFile(relPath: string, xml: string, types: Map<string, TypeDef>): string[] {
  const expected = SUFFIXES.find((s) => relPath.endsWith(s.suffix));
  if (!expected) return [`${relPath}: unknown metadata suffix`];
  if (!expected.folder.test(`/${relPath}`)) return [`${relPath}: a ${expected.type} is not in its folder`];
  let doc: Document;
  try {
    doc = parseXml(xml);
  } catch (e) {
    return [`${relPath}: not well-formed XML: ${(e as Error).message}`];
  }
  const root = doc.documentElement;
  if (root.localName !== expected.type)
    return [`${relPath}: root element ${root.localName}, expected ${expected.type}`];
  if (root.namespaceURI !== METADATA_NAMESPACE)
    return [`${relPath}: root element not in ${METADATA_NAMESPACE}`];
  return checkElement(root, expected.type, types, relPath);
}
