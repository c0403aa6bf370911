/** The connector's pure logic: configuration, backoff, the log ring, destinations, call legs. */
import { Contact } from 'scv-connector-base';
import { describe, expect, it } from 'vitest';
import type { CallView, ParticipantView } from '../../telephony/src/contracts/agentApi.ts';
import { addedParties, callContinues, counterpart } from '../src/callMapping.ts';
import { parseConnectorConfig, parsePresenceStatuses } from '../src/contactCenterConfig.ts';
import { BACKOFF_INITIAL_MS, BACKOFF_MAX_MS, backoffDelay } from '../src/serviceClient.ts';
import { ServiceError } from '../src/serviceError.ts';
import { destinationOf } from '../src/telephonyConnector.ts';
import { VendorLog } from '../src/vendorLog.ts';

describe('contact center configuration', () => {
  const base = {
    '/reqGeneralInfo/reqInternalName': 'Support',
    organizationId: '00D000000000001',
    userId: '005x',
  };

  it('defaults the service URL to the page origin and the tenant to the org and internal name', () => {
    expect(parseConnectorConfig(base, 'https://sb.example.com')).toEqual({
      serviceUrl: 'https://sb.example.com',
      wsUrl: 'wss://sb.example.com/agent/v1/socket',
      orgId: '00D000000000001EAA',
      contactCenter: 'Support',
      salesforceUserId: '005x',
      presenceStatuses: [],
      errorLabelNamespace: 'c',
      loginFrameHeight: 350,
    });
  });

  it('reads the reqSwitchboard section: service URL with a path, contact center, org, namespace, frame height', () => {
    const settings = parseConnectorConfig(
      {
        ...base,
        '/reqSwitchboard/reqServiceUrl': 'http://10.0.0.5:8080/switchboard/',
        '/reqSwitchboard/reqContactCenter': 'SupportEU',
        '/reqSwitchboard/reqOrgId': '00D000000000002AAA',
        '/reqSwitchboard/reqErrorLabelNamespace': 'sbrd',
        '/reqSwitchboard/reqLoginFrameHeight': '420',
      },
      'https://org.vf.force.com',
    );
    expect(settings).toMatchObject({
      serviceUrl: 'http://10.0.0.5:8080/switchboard',
      wsUrl: 'ws://10.0.0.5:8080/switchboard/agent/v1/socket',
      contactCenter: 'SupportEU',
      orgId: '00D000000000002AAA',
      errorLabelNamespace: 'sbrd',
      loginFrameHeight: 420,
    });
  });

  it('refuses a bad URL or a missing tenant with INVALID_PARAMS', () => {
    const bad = (config: Record<string, unknown>) => {
      try {
        parseConnectorConfig(config, 'https://sb.example.com');
      } catch (err) {
        return err instanceof ServiceError ? err.type : String(err);
      }
      return 'accepted';
    };
    expect(bad({ ...base, '/reqSwitchboard/reqServiceUrl': 'not a url' })).toBe('INVALID_PARAMS');
    expect(bad({ ...base, '/reqSwitchboard/reqServiceUrl': 'javascript:alert(1)' })).toBe('INVALID_PARAMS');
    expect(bad({ organizationId: '00D000000000001' })).toBe('INVALID_PARAMS');
    expect(bad({ '/reqGeneralInfo/reqInternalName': 'Support' })).toBe('INVALID_PARAMS');
  });

  it('reads userPresenceStatuses as JSON or as a map, with string booleans', () => {
    const map = {
      '0': { statusName: 'Offline', hasChannels: 'false', isOffline: 'true', statusId: '0' },
      '0N5A': { statusName: 'Available', hasChannels: true, isOffline: false },
    };
    const expected = [
      { statusId: '0', statusName: 'Offline', hasChannels: false, isOffline: true },
      { statusId: '0N5A', statusName: 'Available', hasChannels: true, isOffline: false },
    ];
    expect(parsePresenceStatuses(map)).toEqual(expected);
    expect(parsePresenceStatuses(JSON.stringify(map))).toEqual(expected);
    expect(parsePresenceStatuses(undefined)).toEqual([]);
    expect(() => parsePresenceStatuses('{')).toThrow(ServiceError);
  });
});

describe('reconnection backoff', () => {
  it('doubles from the initial delay up to the cap, with 50–100 % jitter', () => {
    expect(backoffDelay(0, () => 0)).toBe(BACKOFF_INITIAL_MS / 2);
    expect(backoffDelay(0, () => 1)).toBe(BACKOFF_INITIAL_MS);
    expect(backoffDelay(3, () => 1)).toBe(BACKOFF_INITIAL_MS * 8);
    expect(backoffDelay(30, () => 1)).toBe(BACKOFF_MAX_MS);
    expect(backoffDelay(30, () => 0)).toBe(BACKOFF_MAX_MS / 2);
  });
});

describe('the vendor log', () => {
  it('keeps the last lines, oldest first', () => {
    const log = new VendorLog(3);
    for (const n of [1, 2, 3, 4, 5]) log.add('INFO', `line ${n}`);
    expect(log.lines().map((l) => l.split('|')[3]?.trim())).toEqual(['line 3', 'line 4', 'line 5']);
    log.add('ERROR', 'with payload', { phone: 1 });
    expect(log.lines()[2]).toMatch(/\|ERROR\|SWITCHBOARD\|with payload \{"phone":1\}\n$/);
  });
});

describe('destinations', () => {
  it('maps Salesforce contacts to the agent API destinations', () => {
    expect(destinationOf(new Contact({ type: 'Agent', id: 'US1' }))).toEqual({
      type: 'agent',
      userId: 'US1',
    });
    expect(destinationOf(new Contact({ type: 'Queue', id: 'QU1' }))).toEqual({
      type: 'queue',
      queueId: 'QU1',
    });
    expect(destinationOf(new Contact({ type: 'Flow', id: 'ns__Route' }))).toEqual({
      type: 'flow',
      flowName: 'ns__Route',
    });
    expect(destinationOf(new Contact({ phoneNumber: '4155550100', prefix: '+1' }))).toEqual({
      type: 'phoneNumber',
      phoneNumber: '+14155550100',
    });
    expect(destinationOf(new Contact({ phoneNumber: '+442071234567', prefix: '+1' }))).toEqual({
      type: 'phoneNumber',
      phoneNumber: '+442071234567',
    });
    expect(() => destinationOf(new Contact({ type: 'PhoneNumber' }))).toThrow('no phone number');
    expect(() => destinationOf(new Contact({ type: 'Agent' }))).toThrow('has no id');
  });
});

describe('call legs', () => {
  const party = (id: string, role: ParticipantView['role'], state: string, userId: string | null = null) =>
    ({
      id,
      role,
      type: {
        initial_caller: 'Initial_Caller',
        agent: 'Agent',
        third_party: 'Third_Party',
        supervisor: 'Supervisor',
      }[role],
      userId,
      name: null,
      phoneNumber: userId ? null : `+1415555${id.slice(-4).padStart(4, '0')}`,
      state,
      muted: false,
      onHold: state === 'held',
      isConsult: false,
    }) as ParticipantView;
  const view = (me: string, participantType: string, callType: string, participants: ParticipantView[]) =>
    ({ me, participantType, callType, participants }) as unknown as CallView;

  it("the agent's counterpart is the customer; for the caller of an internal call, the agent they called", () => {
    const inbound = view('a', 'Agent', 'Inbound', [
      party('c', 'initial_caller', 'connected'),
      party('a', 'agent', 'connected', 'U1'),
    ]);
    expect(counterpart(inbound)?.id).toBe('c');
    const internal = view('a', 'Initial_Caller', 'InternalCall', [
      party('a', 'initial_caller', 'connected', 'U1'),
      party('b', 'agent', 'ringing', 'U2'),
    ]);
    expect(counterpart(internal)?.id).toBe('b');
  });

  it('added parties: third parties and agents the agent added, not the supervisor nor the original agent', () => {
    const consult = view('a', 'Agent', 'Inbound', [
      party('c', 'initial_caller', 'held'),
      party('a', 'agent', 'connected', 'U1'),
      party('t', 'third_party', 'dialing'),
      party('b', 'agent', 'ringing', 'U2'),
      party('s', 'supervisor', 'connected', 'U9'),
      party('x', 'third_party', 'ended'),
    ]);
    expect(addedParties(consult).map((p) => p.id)).toEqual(['t', 'b']);
    const added = view('b', 'Agent', 'AddParticipant', [
      party('c', 'initial_caller', 'held'),
      party('a', 'agent', 'connected', 'U1'),
      party('b', 'agent', 'connected', 'U2'),
    ]);
    expect(addedParties(added)).toEqual([]);
  });

  it('a call goes on while two parties talk, or one talks and one is on the way', () => {
    const c = (states: string[]) =>
      callContinues(
        view(
          'a',
          'Agent',
          'Inbound',
          states.map((s, i) => party(`p${i}`, i ? 'third_party' : 'agent', s)),
        ),
      );
    expect(c(['connected', 'held'])).toBe(true);
    expect(c(['connected', 'ringing'])).toBe(true);
    expect(c(['connected', 'ended'])).toBe(false);
    expect(c(['connected'])).toBe(false);
  });
});
