/**
 * The org's custom labels, as Salesforce resolves a connector's CustomError (`labelName`,
 * `namespace`): the managed package's labels (force-app/main/default/labels/*.labels-meta.xml, when
 * the package is in this checkout) plus any the workspace is given.
 */
import fs from 'node:fs';
import path from 'node:path';

const LABEL =
  /<labels>[\s\S]*?<fullName>([^<]+)<\/fullName>[\s\S]*?<value>([^<]*)<\/value>[\s\S]*?<\/labels>/g;

function unescapeXml(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

/** name → value from a CustomLabels metadata file's text. */
export function parseCustomLabels(xml: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of xml.matchAll(LABEL)) out[(m[1] as string).trim()] = unescapeXml(m[2] as string);
  return out;
}

/** Every `*.labels-meta.xml` under `dir` (none when the folder is absent). */
export function loadPackageLabels(dir: string): Record<string, string> {
  if (!fs.existsSync(dir)) return {};
  const out: Record<string, string> = {};
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.labels-meta.xml')))
    Object.assign(out, parseCustomLabels(fs.readFileSync(path.join(dir, file), 'utf8')));
  return out;
}
