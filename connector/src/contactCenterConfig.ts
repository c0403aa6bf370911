/**
 * The contact center configuration Salesforce sends with SETUP_CONNECTOR (`init(config)`): our
 * partner settings section `reqSwitchboard`, the org and user ids, `userPresenceStatuses`.
 * The fields are documented in docs/connector.md (the managed package generates the XML from it).
 */
import { caseSafeId } from '../../shared/salesforceIds.ts';
import { ServiceError } from './serviceError.ts';

export const SECTION = '/reqSwitchboard/';

export interface PresenceStatus {
  statusId: string;
  statusName: string;
  hasChannels: boolean;
  isOffline: boolean;
}

export interface ConnectorSettings {
  /** The service's base URL (no trailing slash); its agent socket is `wsUrl`. */
  serviceUrl: string;
  wsUrl: string;
  orgId: string;
  contactCenter: string;
  salesforceUserId: string;
  presenceStatuses: PresenceStatus[];
  /** Namespace of the custom labels named by CustomError (the managed package's, else `c`). */
  errorLabelNamespace: string;
  loginFrameHeight: number;
}

function text(config: Record<string, unknown>, key: string): string | undefined {
  const value = config[key];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function flag(value: unknown): boolean {
  return value === true || value === 'true';
}

/** `userPresenceStatuses`: a map (or its JSON) of statusId → { statusName, hasChannels, isOffline }. */
export function parsePresenceStatuses(raw: unknown): PresenceStatus[] {
  let value = raw;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value) as unknown;
    } catch {
      throw new ServiceError('INVALID_PARAMS', 'userPresenceStatuses is not JSON');
    }
  }
  if (value === undefined || value === null) return [];
  if (typeof value !== 'object')
    throw new ServiceError('INVALID_PARAMS', 'userPresenceStatuses is not a map');
  return Object.entries(value as Record<string, Record<string, unknown>>).map(([id, s]) => ({
    statusId: typeof s.statusId === 'string' ? s.statusId : id,
    statusName: typeof s.statusName === 'string' && s.statusName ? s.statusName : id,
    hasChannels: flag(s.hasChannels),
    isOffline: flag(s.isOffline),
  }));
}

/** The service URL as typed by the admin, or the page's origin (connector-URL mode). */
function serviceUrlOf(config: Record<string, unknown>, pageOrigin: string): URL {
  const raw = text(config, `${SECTION}reqServiceUrl`) ?? pageOrigin;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ServiceError('INVALID_PARAMS', `${SECTION}reqServiceUrl is not a URL: ${raw}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new ServiceError('INVALID_PARAMS', `${SECTION}reqServiceUrl must be http(s): ${raw}`);
  return url;
}

export function parseConnectorConfig(config: Record<string, unknown>, pageOrigin: string): ConnectorSettings {
  const url = serviceUrlOf(config, pageOrigin);
  const base = `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
  const contactCenter =
    text(config, `${SECTION}reqContactCenter`) ?? text(config, '/reqGeneralInfo/reqInternalName');
  const orgId = text(config, `${SECTION}reqOrgId`) ?? text(config, 'organizationId');
  if (!contactCenter) throw new ServiceError('INVALID_PARAMS', 'the contact center has no internal name');
  if (!orgId) throw new ServiceError('INVALID_PARAMS', 'the configuration has no organizationId');
  const height = Number(text(config, `${SECTION}reqLoginFrameHeight`) ?? 350);
  return {
    serviceUrl: base,
    wsUrl: `${url.protocol === 'https:' ? 'wss:' : 'ws:'}//${url.host}${url.pathname.replace(/\/+$/, '')}/agent/v1/socket`,
    orgId: caseSafeId(orgId),
    contactCenter,
    salesforceUserId: text(config, 'userId') ?? '',
    presenceStatuses: parsePresenceStatuses(config.userPresenceStatuses),
    errorLabelNamespace: text(config, `${SECTION}reqErrorLabelNamespace`) ?? 'c',
    loginFrameHeight: Number.isFinite(height) && height >= 200 ? height : 350,
  };
}
