/**
 * The contact center definition an admin imports in the Partner Telephony setup wizard
 * (`config/contact-center.xml` filled in, docs/install.md): the contact center's active certificate
 * from the service's admin API, the ConversationVendorInfo name with the package's namespace, the
 * service URL and the custom labels' namespace.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface ContactCenterValues {
  internalName: string;
  displayName: string;
  vendorInfoApiName: string;
  certificatePem: string;
  longDistancePrefix: string;
  serviceUrl: string;
  errorLabelNamespace: string;
}

/** The developer name of the package's ConversationVendorInfo record. */
export const VENDOR_INFO = 'Switchboard';

const escapeXml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The template with every `{{name}}` replaced; throws on a missing value or a placeholder left over. */
export function renderContactCenterXml(template: string, values: ContactCenterValues): string {
  const known = values as unknown as Record<string, string>;
  const rendered = template.replace(/\{\{(\w+)\}\}/g, (whole, name: string) => {
    const value = known[name];
    if (value === undefined) throw new Error(`config/contact-center.xml: no value for ${whole}`);
    return escapeXml(value);
  });
  return rendered;
}

/** The values that follow from the package: vendor info name and label namespace. */
export function packageValues(
  namespace: string,
): Pick<ContactCenterValues, 'vendorInfoApiName' | 'errorLabelNamespace'> {
  return {
    vendorInfoApiName: namespace ? `${namespace}__${VENDOR_INFO}` : VENDOR_INFO,
    errorLabelNamespace: namespace || 'c',
  };
}

export function readTemplate(root: string): string {
  return readFileSync(join(root, 'config', 'contact-center.xml'), 'utf8');
}

export interface AdminClientCredentials {
  serviceUrl: string;
  clientId: string;
  clientSecret: string;
}

/** The two requests the certificate needs, as `--dry-run` prints them. */
export function certificateRequests(serviceUrl: string, contactCenter: string): string[] {
  return [
    `POST ${serviceUrl}/oauth/token (grant_type=client_credentials, the account's client id and secret)`,
    `GET ${serviceUrl}/admin/v1/contact-centers/${encodeURIComponent(contactCenter)}/keys`,
  ];
}

/** The contact center's active certificate (PEM), through the admin API with the account's client. */
export async function activeCertificate(
  client: AdminClientCredentials,
  contactCenter: string,
): Promise<string> {
  const basic = Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64');
  const tokenAnswer = await fetch(`${client.serviceUrl}/oauth/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials&scope=admin',
  });
  const token = (await tokenAnswer.json()) as { access_token?: string; error?: string };
  if (!tokenAnswer.ok || !token.access_token) {
    throw new Error(
      `the service refused the client credentials (${tokenAnswer.status} ${token.error ?? ''})`.trim(),
    );
  }
  const keysAnswer = await fetch(
    `${client.serviceUrl}/admin/v1/contact-centers/${encodeURIComponent(contactCenter)}/keys`,
    { headers: { authorization: `Bearer ${token.access_token}` } },
  );
  const keys = (await keysAnswer.json()) as {
    keys?: Array<{ status: string; certificatePem?: string }>;
    error?: { code: string; message: string };
  };
  if (!keysAnswer.ok) {
    throw new Error(
      `GET …/keys: ${keysAnswer.status} ${keys.error?.code ?? ''} ${keys.error?.message ?? ''}`.trim(),
    );
  }
  const active = keys.keys?.find((k) => k.status === 'active');
  if (!active?.certificatePem) {
    throw new Error(
      `contact center ${contactCenter} has no active key: rotate one (POST …/keys, then …/activate)`,
    );
  }
  return active.certificatePem;
}

export interface DefinitionRequest {
  serviceUrl: string;
  contactCenter: string;
  internalName: string;
  displayName: string;
  longDistancePrefix: string;
  namespace: string;
  out: string;
}

/**
 * Fetches the certificate (with the account's client from SWITCHBOARD_CLIENT_ID and
 * SWITCHBOARD_CLIENT_SECRET) and writes the definition to `out`; with `dryRun`, prints the requests
 * and the definition instead, sending and writing nothing. Answers the definition.
 */
export async function writeDefinition(
  root: string,
  request: DefinitionRequest,
  dryRun: boolean,
): Promise<string> {
  for (const line of certificateRequests(request.serviceUrl, request.contactCenter))
    console.log(`# ${dryRun ? 'would send' : 'sends'}: ${line}`);
  let certificatePem = '<the active certificate of the contact center>';
  if (!dryRun) {
    const clientId = process.env.SWITCHBOARD_CLIENT_ID;
    const clientSecret = process.env.SWITCHBOARD_CLIENT_SECRET;
    if (!clientId || !clientSecret) {
      throw new Error(
        "set SWITCHBOARD_CLIENT_ID and SWITCHBOARD_CLIENT_SECRET to the account's OAuth client",
      );
    }
    certificatePem = await activeCertificate(
      { serviceUrl: request.serviceUrl, clientId, clientSecret },
      request.contactCenter,
    );
  }
  const xml = renderContactCenterXml(readTemplate(root), {
    internalName: request.internalName,
    displayName: request.displayName,
    certificatePem,
    longDistancePrefix: request.longDistancePrefix,
    serviceUrl: request.serviceUrl,
    ...packageValues(request.namespace),
  });
  if (dryRun) {
    console.log(`# would write ${request.out}:`);
    console.log(xml);
  } else {
    mkdirSync(dirname(request.out), { recursive: true });
    writeFileSync(request.out, xml);
    console.log(`${request.out}: import it in Setup, Contact Centers, Import (docs/install.md)`);
  }
  return xml;
}
