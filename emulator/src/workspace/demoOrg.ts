/** The emulated org of the demo: the service's demo tenant (telephony/src/devData.ts) seen from Salesforce. */
import { GUIDE_PRESENCE_STATUSES } from './contactCenterConfig.ts';
import type { WorkspaceOptions } from './server.ts';

export const DEMO_ORG_DOMAIN = 'myorg';

export const DEMO_WORKSPACE: Omit<WorkspaceOptions, 'connectorUrl'> = {
  org: { id: '00D000000000001AAA', domain: DEMO_ORG_DOMAIN },
  contactCenter: {
    internalName: 'SwitchboardDemo',
    displayName: 'Switchboard Demo Contact Center',
    callCenterId: '04v000000000001AAA',
    partnerSettings: { '/reqSwitchboard/reqContactCenter': 'SwitchboardDemo' },
  },
  users: [
    { userId: '005000000000001AAA', userName: 'ada@switchboard.demo', name: 'Ada Lovelace' },
    { userId: '005000000000002AAA', userName: 'grace@switchboard.demo', name: 'Grace Hopper' },
    { userId: '005000000000003AAA', userName: 'alan@switchboard.demo', name: 'Alan Turing' },
    {
      userId: '005000000000004AAA',
      userName: 'sam@switchboard.demo',
      name: 'Sam Supervisor',
      supervisor: true,
    },
  ],
  presenceStatuses: GUIDE_PRESENCE_STATUSES,
  /** The demo org's Presence Configuration: Busy after a missed call ("Update Status on Push Time-Out"). */
  statusOnPushTimeout: GUIDE_PRESENCE_STATUSES.find((s) => s.statusName === 'Busy')?.statusId ?? null,
  /** The org's custom labels the demo's custom errors name (the managed package's, once it is in this checkout). */
  labels: { Switchboard_Error_TrunkDown: 'The phone line is down. Try again in a minute.' },
};
