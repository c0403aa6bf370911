/**
 * Offline checks of the managed package (`force-app/`), for what `sf project convert source` lets
 * through silently (docs/package.md): metadata files against their types, Apex syntax, files without
 * their `-meta.xml` (or the reverse), references between components, the `.forceignore`, and the
 * contact center XML template.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { checkApexSource } from './apexSource.ts';
import { checkMetadataFile, parseXml } from './metadataXml.ts';
import type { TypeDef } from './metadataTypes.ts';

export interface Findings {
  errors: string[];
  warnings: string[];
  counts: Record<string, number>;
}

/** Static resources written by another build (the connector bundle): missing is a warning. */
export const BUILT_RESOURCES = new Set(['switchboardConnector']);

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? walk(full) : [full];
  });
}

const text = (doc: Document, tag: string): string[] =>
  [...doc.getElementsByTagName(tag)].map((e) => (e.textContent ?? '').trim());

/** `c:name` or `ns:name` → `name`. */
const componentName = (fqn: string): string => fqn.slice(fqn.indexOf(':') + 1);

/** Hosts that must never ship (documentation placeholders): the service URL comes from the installation. */
export const FORBIDDEN_HOSTS = /\bexample\.(com|org|net)\b/i;

/** The namespace of `sfdx-project.json` ('' when none: a developer's own scratch org). */
export function projectNamespace(root: string): string {
  const file = join(root, 'sfdx-project.json');
  if (!existsSync(file)) return '';
  return ((JSON.parse(readFileSync(file, 'utf8')) as { namespace?: string }).namespace ?? '').trim();
}

export function checkPackage(root: string, types: Map<string, TypeDef>): Findings {
  const findings: Findings = { errors: [], warnings: [], counts: {} };
  const { errors, warnings } = findings;
  const count = (what: string) => (findings.counts[what] = (findings.counts[what] ?? 0) + 1);
  const base = join(root, 'force-app', 'main', 'default');
  const files = walk(join(root, 'force-app')).map((f) => relative(root, f).split(sep).join('/'));
  const fileSet = new Set(files);
  const read = (rel: string) => readFileSync(join(root, rel), 'utf8');
  const dir = (sub: string) => `force-app/main/default/${sub}/`;
  const inDir = (sub: string) => files.filter((f) => f.startsWith(dir(sub)));
  const docs = new Map<string, Document>();
  const namespace = projectNamespace(root);
  /** Component references: `<namespace>:name`, or `c:name` without a namespace. */
  const componentPrefix = `${namespace || 'c'}:`;
  /** API names of the package's own components as other metadata names them: `<namespace>__Name`. */
  const apiPrefix = namespace ? `${namespace}__` : '';

  // No placeholder host anywhere: the service URL is the installation's (docs/package.md).
  for (const rel of files) {
    const content = readFileSync(join(root, rel));
    if (content.includes(0)) continue;
    const match = FORBIDDEN_HOSTS.exec(content.toString('utf8'));
    if (match)
      errors.push(`${rel}: placeholder host ${match[0]} (the service URL comes from the installation)`);
  }

  for (const rel of files.filter((f) => f.endsWith('-meta.xml'))) {
    count('metadata files');
    const xml = read(rel);
    errors.push(...checkMetadataFile(rel, xml, types));
    try {
      docs.set(rel, parseXml(xml));
    } catch {
      // reported by checkMetadataFile
    }
  }

  // Apex: syntax, and every class with its meta (convert drops a class without one silently).
  const classes = new Set<string>();
  for (const rel of inDir('classes')) {
    if (rel.endsWith('.cls')) {
      count('Apex classes');
      classes.add(rel.slice(dir('classes').length, -'.cls'.length));
      if (!fileSet.has(`${rel}-meta.xml`)) errors.push(`${rel}: no ${rel.split('/').pop()}-meta.xml`);
      errors.push(...checkApexSource(rel, read(rel)));
    } else if (rel.endsWith('.cls-meta.xml')) {
      if (!fileSet.has(rel.slice(0, -'-meta.xml'.length))) errors.push(`${rel}: no class for this meta file`);
    } else {
      errors.push(`${rel}: not an Apex class or its meta file`);
    }
  }

  // Static resources: content and meta in pairs.
  const resources = new Set<string>();
  for (const rel of inDir('staticresources')) {
    const name = rel.slice(dir('staticresources').length).split('.')[0] as string;
    if (rel.endsWith('.resource-meta.xml')) {
      resources.add(name);
      const content = inDir('staticresources').some(
        (f) => f !== rel && f.slice(dir('staticresources').length).split('.')[0] === name,
      );
      if (!content)
        (BUILT_RESOURCES.has(name) ? warnings : errors).push(`${rel}: no content file (not built yet?)`);
    } else if (!fileSet.has(`${dir('staticresources')}${name}.resource-meta.xml`)) {
      (BUILT_RESOURCES.has(name) ? warnings : errors).push(`${rel}: no ${name}.resource-meta.xml`);
    }
  }

  // Bundles: LWC and Aura folders with their main files.
  const lwc = new Set(inDir('lwc').map((f) => f.split('/')[4] as string));
  for (const name of lwc) {
    count('Lightning web components');
    for (const needed of [`${name}.js`, `${name}.js-meta.xml`]) {
      if (!fileSet.has(`${dir('lwc')}${name}/${needed}`)) errors.push(`${dir('lwc')}${name}: no ${needed}`);
    }
  }
  const aura = new Set(inDir('aura').map((f) => f.split('/')[4] as string));
  for (const name of aura) {
    count('Aura components');
    for (const needed of [`${name}.cmp`, `${name}.cmp-meta.xml`]) {
      if (!fileSet.has(`${dir('aura')}${name}/${needed}`)) errors.push(`${dir('aura')}${name}: no ${needed}`);
    }
  }
  const pages = new Set(
    inDir('pages')
      .filter((f) => f.endsWith('.page'))
      .map((f) => f.slice(dir('pages').length, -'.page'.length)),
  );
  for (const page of pages) {
    const rel = `${dir('pages')}${page}.page`;
    if (!fileSet.has(`${rel}-meta.xml`)) errors.push(`${rel}: no ${page}.page-meta.xml`);
    for (const [, resource] of read(rel).matchAll(/\$Resource\.(\w+)/g)) {
      if (!resources.has(resource as string)) {
        (BUILT_RESOURCES.has(resource as string) ? warnings : errors).push(
          `${rel}: static resource ${resource} does not exist${BUILT_RESOURCES.has(resource as string) ? ' (not built yet?)' : ''}`,
        );
      }
    }
  }

  // References between components.
  const names = (sub: string, suffix: string) =>
    new Set(
      inDir(sub)
        .filter((f) => f.endsWith(suffix))
        .map((f) => (f.split('/').pop() as string).slice(0, -suffix.length)),
    );
  const objects = new Set(inDir('objects').map((f) => f.split('/')[4] as string));
  const namedCredentials = names('namedCredentials', '.namedCredential-meta.xml');
  const channels = names('messageChannels', '.messageChannel-meta.xml');
  const labels = new Set<string>();
  const principals = new Set<string>();
  for (const [rel, doc] of docs) {
    if (rel.endsWith('.labels-meta.xml')) {
      for (const label of doc.getElementsByTagName('labels')) {
        labels.add((label.getElementsByTagName('fullName')[0]?.textContent ?? '').trim());
      }
    }
    if (rel.endsWith('.externalCredential-meta.xml')) {
      const credential = (rel.split('/').pop() as string).slice(0, -'.externalCredential-meta.xml'.length);
      for (const parameter of doc.getElementsByTagName('externalCredentialParameters')) {
        const type = parameter.getElementsByTagName('parameterType')[0]?.textContent?.trim();
        const name = parameter.getElementsByTagName('parameterName')[0]?.textContent?.trim();
        if (type === 'NamedPrincipal' || type === 'PerUserPrincipal') principals.add(`${credential}-${name}`);
      }
    }
  }
  const must = (rel: string, what: string, name: string, known: Set<string>) => {
    if (!known.has(name)) errors.push(`${rel}: ${what} ${name} does not exist in the package`);
  };
  const mustPrefix = (rel: string, what: string, reference: string, prefix: string) => {
    if (!reference.startsWith(prefix)) {
      errors.push(`${rel}: ${what} ${reference} must start with ${prefix} (namespace "${namespace}")`);
    }
  };
  for (const [rel, doc] of docs) {
    if (rel.endsWith('.ConversationVendorInformation-meta.xml')) {
      count('ConversationVendorInfo records');
      const developerName = text(doc, 'developerName')[0];
      if (`${developerName}.ConversationVendorInformation-meta.xml` !== rel.split('/').pop()) {
        errors.push(`${rel}: developerName ${developerName} must match the file name`);
      }
      for (const c of text(doc, 'integrationClass')) must(rel, 'integrationClass', c, classes);
      for (const n of text(doc, 'namedCredential')) must(rel, 'namedCredential', n, namedCredentials);
      for (const o of text(doc, 'customConfig')) must(rel, 'customConfig object', o, objects);
      for (const r of text(doc, 'customIcon')) must(rel, 'customIcon static resource', r, resources);
      for (const b of text(doc, 'bridgeComponent')) {
        mustPrefix(rel, 'bridgeComponent', b, componentPrefix);
        must(rel, 'bridgeComponent', componentName(b), new Set([...lwc, ...aura]));
      }
      for (const t of text(doc, 'telephonySettingsComponent')) {
        mustPrefix(rel, 'telephonySettingsComponent', t, componentPrefix);
        must(rel, 'telephonySettingsComponent', componentName(t), lwc);
      }
      const connectorUrl = text(doc, 'connectorUrl')[0] ?? '';
      const page = /^\/apex\/(\w+)$/.exec(connectorUrl);
      if (page) {
        mustPrefix(rel, 'connector page', page[1] as string, apiPrefix);
        must(rel, 'connector page', (page[1] as string).slice(apiPrefix.length), pages);
      } else if (!/^https:\/\//.test(connectorUrl))
        errors.push(`${rel}: connectorUrl must be https:// or /apex/<page>`);
    }
    if (rel.endsWith('.permissionset-meta.xml')) {
      for (const c of text(doc, 'apexClass')) must(rel, 'Apex class', c, classes);
      for (const p of text(doc, 'apexPage')) must(rel, 'Visualforce page', p, pages);
      for (const p of text(doc, 'externalCredentialPrincipal'))
        must(rel, 'external credential principal', p, principals);
      for (const o of text(doc, 'object')) must(rel, 'object', o, objects);
    }
    if (rel.endsWith('.namedCredential-meta.xml')) {
      for (const c of text(doc, 'externalCredential')) {
        must(rel, 'external credential', c, names('externalCredentials', '.externalCredential-meta.xml'));
      }
    }
  }
  for (const rel of inDir('classes').filter((f) => f.endsWith('.cls'))) {
    for (const [, label] of read(rel).matchAll(/\bLabel\.(\w+)/g))
      must(rel, 'custom label', label as string, labels);
  }
  const auraEnabled = new Set<string>();
  for (const rel of inDir('classes').filter((f) => f.endsWith('.cls'))) {
    const cls = (rel.split('/').pop() as string).slice(0, -'.cls'.length);
    for (const [, method] of read(rel).matchAll(
      /@AuraEnabled(?:\([^)]*\))?\s+public\s+static\s+[\w.<>, ]+?\s+(\w+)\s*\(/g,
    )) {
      auraEnabled.add(`${cls}.${method}`);
    }
  }
  for (const rel of [...inDir('lwc'), ...inDir('aura')].filter(
    (f) => /\.(js|cmp)$/.test(f) && !f.includes('/__tests__/'),
  )) {
    const source = read(rel);
    for (const [, method] of source.matchAll(/@salesforce\/apex\/([\w.]+)/g)) {
      const classPrefix = namespace ? `${namespace}.` : '';
      mustPrefix(rel, 'Apex method', method as string, classPrefix);
      must(rel, 'AuraEnabled method', (method as string).slice(classPrefix.length), auraEnabled);
    }
    for (const [, channel] of source.matchAll(/(?:messageChannel\/|messageChannel type=")(\w+)__c/g)) {
      mustPrefix(rel, 'message channel', channel as string, apiPrefix);
      must(rel, 'message channel', (channel as string).slice(apiPrefix.length), channels);
    }
  }

  // LWC tests stay out of the package.
  const forceignore = existsSync(join(root, '.forceignore')) ? read('.forceignore') : '';
  if (!forceignore.split('\n').some((l) => l.trim() === '**/__tests__/**')) {
    errors.push('.forceignore: must list **/__tests__/** (LWC tests are not package source)');
  }
  if (!existsSync(base)) errors.push('force-app/main/default: missing');

  errors.push(...checkContactCenterTemplate(root));
  return findings;
}

/** The contact center XML the admin imports: the template's required sections and items. */
export function checkContactCenterTemplate(root: string): string[] {
  const rel = 'config/contact-center.xml';
  if (!existsSync(join(root, rel))) return [`${rel}: missing`];
  let doc: Document;
  try {
    doc = parseXml(readFileSync(join(root, rel), 'utf8'));
  } catch (e) {
    return [`${rel}: not well-formed XML: ${(e as Error).message}`];
  }
  const problems: string[] = [];
  if (doc.documentElement.localName !== 'callCenter')
    problems.push(`${rel}: root element must be callCenter`);
  const sections = [...doc.getElementsByTagName('section')];
  if (sections.length > 500) problems.push(`${rel}: more than 500 sections`);
  const required: Record<string, string[]> = {
    reqGeneralInfo: ['reqDisplayName', 'reqInternalName', 'reqVendorInfoApiName'],
    reqHvcc: ['reqTelephonyIntegrationCertificate', 'reqLongDistPrefix'],
  };
  for (const [section, items] of Object.entries(required)) {
    const element = sections.find((s) => s.getAttribute('name') === section);
    if (!element) {
      problems.push(`${rel}: no section ${section}`);
      continue;
    }
    const present = new Set([...element.getElementsByTagName('item')].map((i) => i.getAttribute('name')));
    for (const item of items)
      if (!present.has(item)) problems.push(`${rel}: section ${section} has no item ${item}`);
  }
  for (const section of sections) {
    if (section.getElementsByTagName('item').length > 1000)
      problems.push(`${rel}: a section has more than 1000 items`);
  }
  return problems;
}
