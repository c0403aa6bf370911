/**
 * The contact center configuration the emulated Salesforce sends with SETUP_CONNECTOR: the fields of
 * the developer guide's sample (chapter 7, "Perform Headless SSO"), `userPresenceStatuses` (chapter
 * 12, "Two-Way Agent Status Syncing") and the partner's own settings section (ours: `reqSwitchboard`,
 * docs/emulator.md).
 */

export interface PresenceStatus {
  statusId: string;
  statusName: string;
  hasChannels: boolean;
  isOffline: boolean;
}

/** The guide's example statuses (the same ids as the service's demo data). */
export const GUIDE_PRESENCE_STATUSES: PresenceStatus[] = [
  { statusId: '0', statusName: 'Offline', hasChannels: false, isOffline: true },
  { statusId: '0N5xx0000004CSO', statusName: 'Available', hasChannels: true, isOffline: false },
  { statusId: '0N5xx0000004D56', statusName: 'Away', hasChannels: false, isOffline: false },
  { statusId: '0N5xx0000004D3U', statusName: 'Busy', hasChannels: false, isOffline: false },
];

export interface WorkspaceUser {
  /** Salesforce user id (005…). */
  userId: string;
  /** Salesforce username (an e-mail-like login); `?user=` picks a user by it or by its id. */
  userName: string;
  name: string;
  /** Sees the supervisor panel. */
  supervisor?: boolean;
}

export interface ContactCenterDefinition {
  /** The contact center's internal name (= its API name, `reqInternalName`). */
  internalName: string;
  displayName: string;
  /** The CallCenter record id (04v…). */
  callCenterId: string;
  /** The partner settings section (`/reqSwitchboard/…` keys), as the admin filled it in. */
  partnerSettings: Record<string, string>;
  /** A certificate PEM for `reqTelephonyIntegrationCertificate`, if the contact center has one. */
  certificate?: string | undefined;
}

export interface OrgDefinition {
  id: string;
  /** The My Domain name: the console runs on `https://<domain>.lightning.force.com`. */
  domain: string;
}

export function contactCenterConfig(
  org: OrgDefinition,
  cc: ContactCenterDefinition,
  user: WorkspaceUser,
  statuses: PresenceStatus[],
  scrtUrl: string,
): Record<string, unknown> {
  const presence = Object.fromEntries(
    statuses.map((s) => [
      s.statusId,
      {
        statusName: s.statusName,
        hasChannels: String(s.hasChannels),
        isOffline: String(s.isOffline),
        statusId: s.statusId,
      },
    ]),
  );
  return {
    '/displayNameLabel': 'Display Name',
    '/internalNameLabel': 'Internal Name',
    '/reqGeneralInfo/reqAdapterUrl': cc.partnerSettings['/reqSwitchboard/reqServiceUrl'] ?? '',
    '/reqGeneralInfo/reqDisplayName': cc.displayName,
    '/reqGeneralInfo/reqInternalName': cc.internalName,
    '/reqGeneralInfo/reqSalesforceCompatibilityMode': 'Lightning',
    '/reqGeneralInfo/reqSoftphoneHeight': '400',
    '/reqGeneralInfo/reqSoftphoneWidth': '360',
    '/reqGeneralInfo/reqUseApi': 'true',
    '/reqGeneralInfo/reqVendorInfoApiName': 'switchboard__Switchboard',
    '/reqHvcc/reqTelephonyProvider': 'switchboard',
    ...(cc.certificate ? { '/reqHvcc/reqTelephonyIntegrationCertificate': cc.certificate } : {}),
    ...cc.partnerSettings,
    callCenterId: cc.callCenterId,
    callCenterType: 'SCVBYOT',
    isACAllowed: true,
    isHvSEnabled: false,
    orgDomainName: org.domain,
    organizationId: org.id,
    phoneServiceChannelId: '0N9xx0000000001AAA',
    phoneServiceChannelName: 'sfdc_phone',
    scrtUrl,
    userId: user.userId,
    userName: user.userName,
    userPresenceStatuses: JSON.stringify(presence),
  };
}
