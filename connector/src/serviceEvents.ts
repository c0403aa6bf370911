/**
 * Service events → `publishEvent` with the payload class the base library checks, one at a time and
 * in order. Events that only confirm what the agent did in Omni-Channel never get here: the base
 * library reports those from the method's result (see ServiceClient's echoes).
 */
import {
  AgentStatusInfo,
  AudioStats,
  AudioStatsElement,
  CallResult,
  HangupResult,
  MuteToggleResult,
  publishEvent,
  RecordingToggleResult,
  StatsInfo,
  SuperviseCallResult,
  SupervisorHangupResult,
} from 'scv-connector-base';
import type { CallView, EventData } from '../../telephony/src/contracts/agentApi.ts';
import {
  callContinues,
  holdToggleResultOf,
  isConnection,
  participantResultOf,
  phoneCallOf,
  removedPartyCallOf,
  supervisedCallInfoOf,
  type MappingContext,
} from './callMapping.ts';
import type { KnownCalls } from './knownCalls.ts';
import { callIdOf, type ServiceEvent } from './serviceClient.ts';
import type { StreamStats } from './softphoneStats.ts';
import type { VendorLog } from './vendorLog.ts';

/** How long events wait for CONNECTOR_READY's snapshot at most. */
const HOLD_LIMIT_MS = 15_000;

type StatsSample = {
  inputChannelStats?: Record<string, number>;
  outputChannelStats?: Record<string, number>;
};

function statsInfo(raw: Record<string, number> | undefined): StatsInfo | undefined {
  return raw ? new StatsInfo(raw) : undefined;
}

export class EventPublisher {
  private chain: Promise<void> = Promise.resolve();
  private held: ServiceEvent[] | null = null;
  private holdTimer: ReturnType<typeof setTimeout> | undefined;
  /** Calls with audio stats sent: service call id → the vendor call key they were sent under. */
  private readonly statsCalls = new Map<string, string>();
  private afterReport: ServiceEvent[] = [];

  constructor(
    private readonly ctx: () => MappingContext,
    private readonly calls: KnownCalls,
    private readonly log: VendorLog,
  ) {}

  /**
   * From the connection until the base library has read the active calls for CONNECTOR_READY,
   * events wait: nothing reaches Salesforce before CONNECTOR_READY (see snapshotTaken).
   */
  holdUntilReady(): void {
    this.held = [];
    clearTimeout(this.holdTimer);
    this.holdTimer = setTimeout(() => this.release(-1), HOLD_LIMIT_MS);
  }

  /**
   * CONNECTOR_READY's active calls were read after event `seq`: the call events up to `seq` are in
   * that snapshot already; the rest go out once CONNECTOR_READY is posted (the next task).
   */
  snapshotTaken(seq: number): void {
    if (this.held) setTimeout(() => this.release(seq), 0);
  }

  private release(snapshotSeq: number): void {
    clearTimeout(this.holdTimer);
    const held = this.held ?? [];
    this.held = null;
    for (const e of held) if (e.seq > snapshotSeq || callIdOf(e) === null) this.enqueue(e);
  }

  /** An event from the service. */
  accept(event: ServiceEvent): void {
    if (this.held) this.held.push(event);
    else this.enqueue(event);
  }

  /**
   * Events a request caused that must reach Salesforce only after the base library has reported the
   * request's own outcome (AFTER_CALL_WORK_STARTED after HANGUP, the customer's hold after
   * PARTICIPANT_ADDED): they wait for `reported()`.
   */
  defer(events: ServiceEvent[]): void {
    this.afterReport.push(...events);
  }

  /** The base library reports in the continuation of the current promise: deferred events go next task. */
  reported(): void {
    const events = this.afterReport;
    this.afterReport = [];
    if (events.length > 0) setTimeout(() => events.forEach((e) => this.enqueue(e)), 0);
  }

  /** After a reconnection that could not resume: tells Salesforce what changed meanwhile. */
  resync(views: CallView[]): void {
    this.chain = this.chain.then(async () => {
      const ctx = this.ctx();
      const now = new Map(views.map((v) => [v.callId, v]));
      for (const known of this.calls.all()) {
        if (now.has(known.callId)) continue;
        this.calls.forget(known.callId);
        await this.send(
          'HANGUP',
          new HangupResult({ calls: [phoneCallOf(known, ctx, { reason: 'ended' })] }),
        );
      }
      for (const view of views) {
        const before = this.calls.get(view.callId);
        this.calls.update(view);
        if (before?.state === view.state) continue;
        const event = view.state === 'connected' ? 'CALL_CONNECTED' : 'CALL_STARTED';
        await this.send(event, new CallResult({ call: phoneCallOf(view, ctx) }));
      }
    });
  }

  /** The call ended for the agent: the audio stats collected for it are complete (MOS). */
  async callEnded(callId: string): Promise<void> {
    this.calls.forget(callId);
    const key = this.statsCalls.get(callId);
    if (key === undefined) return;
    this.statsCalls.delete(callId);
    await this.send('UPDATE_AUDIO_STATS', new AudioStats({ callId: key, isAudioStatsCompleted: true }));
  }

  /** The softphone's measured stats of a call the agent is on, in order with the call's events. */
  audioStats(callId: string, input: StreamStats, output: StreamStats): void {
    this.chain = this.chain
      .then(async () => {
        const view = this.calls.get(callId);
        if (this.held || !view) return;
        this.statsCalls.set(callId, view.vendorCallKey);
        const stats = [
          new AudioStatsElement({
            inputChannelStats: new StatsInfo(input),
            outputChannelStats: new StatsInfo(output),
          }),
        ];
        await this.send('UPDATE_AUDIO_STATS', new AudioStats({ callId: view.vendorCallKey, stats }));
      })
      .catch((err: unknown) => this.log.add('ERROR', 'could not publish audio stats', String(err)));
  }

  private enqueue(event: ServiceEvent): void {
    this.chain = this.chain
      .then(() => this.dispatch(event))
      .catch((err: unknown) => this.log.add('ERROR', `could not publish ${event.event}`, String(err)));
  }

  private async send(eventType: string, payload: unknown): Promise<void> {
    this.log.add('INFO', `publish ${eventType}`);
    await publishEvent({ eventType, payload });
  }

  private async dispatch(e: ServiceEvent): Promise<void> {
    const ctx = this.ctx();
    const view = (e.data as { call?: CallView }).call;
    if (view && e.event !== 'HANGUP' && e.event !== 'SUPERVISOR_HANGUP') this.calls.update(view);
    switch (e.event) {
      case 'CALL_STARTED':
      case 'QUEUED_CALL_STARTED':
      case 'CALL_CONNECTED':
      case 'CALL_UPDATED':
        return this.send(e.event, new CallResult({ call: phoneCallOf(view as CallView, ctx) }));
      case 'HANGUP': {
        const d = e.data as EventData['HANGUP'];
        await this.callEnded(d.call.callId);
        const hangup = { reason: d.reason, agentStatus: d.agentStatus, closeCallOnError: d.closeCallOnError };
        return this.send('HANGUP', new HangupResult({ calls: [phoneCallOf(d.call, ctx, hangup)] }));
      }
      case 'PARTICIPANT_ADDED':
      case 'PARTICIPANT_CONNECTED': {
        const d = e.data as EventData['PARTICIPANT_CONNECTED'];
        return this.send(e.event, participantResultOf(d.call, d.participantId, ctx));
      }
      case 'PARTICIPANT_REMOVED': {
        const d = e.data as EventData['PARTICIPANT_REMOVED'];
        // When the call ends with this departure, HANGUP follows and says it all. Only a connection of
        // this agent's is removed: not a supervisor (CALL_BARGED_IN announced them), not the agent who
        // added this agent to the call (Salesforce was never told of them as a participant).
        const gone = d.call.participants.find((p) => p.id === d.participantId);
        if (!callContinues(d.call) || !gone || !isConnection(d.call, gone)) return;
        const call = removedPartyCallOf(d.call, d.participantId, d.reason ?? 'ended', ctx);
        return this.send('PARTICIPANT_REMOVED', new CallResult({ call }));
      }
      case 'MUTE_TOGGLE': {
        const d = e.data as EventData['MUTE_TOGGLE'];
        return this.send(
          'MUTE_TOGGLE',
          new MuteToggleResult({ isMuted: d.muted, call: phoneCallOf(d.call, ctx) }),
        );
      }
      case 'HOLD_TOGGLE':
      case 'PARTICIPANTS_SWAPPED':
        return this.send(e.event, holdToggleResultOf(view as CallView, ctx));
      case 'PARTICIPANTS_CONFERENCED':
        return this.send(e.event, holdToggleResultOf(view as CallView, ctx, true));
      case 'RECORDING_TOGGLE': {
        const d = e.data as EventData['RECORDING_TOGGLE'];
        return this.send('RECORDING_TOGGLE', new RecordingToggleResult({ isRecordingPaused: d.paused }));
      }
      case 'SET_AGENT_STATUS': {
        const statusId = (e.data as EventData['SET_AGENT_STATUS']).status.salesforceStatusId;
        if (statusId) await this.send('SET_AGENT_STATUS', new AgentStatusInfo({ statusId }));
        return;
      }
      case 'AFTER_CALL_WORK_STARTED': {
        const d = e.data as EventData['AFTER_CALL_WORK_STARTED'];
        this.calls.remember(d.vendorCallKey, d.callId);
        return this.send(e.event, { callId: d.vendorCallKey });
      }
      case 'WRAP_UP_ENDED':
        return this.send(e.event, {
          callId: (e.data as EventData['WRAP_UP_ENDED']).vendorCallKey,
          callStatus: 'ended',
        });
      case 'UPDATE_AUDIO_STATS': {
        const d = e.data as EventData['UPDATE_AUDIO_STATS'];
        this.statsCalls.set(d.callId, d.vendorCallKey);
        const stats = (d.stats as StatsSample[]).map(
          (s) =>
            new AudioStatsElement({
              inputChannelStats: statsInfo(s.inputChannelStats),
              outputChannelStats: statsInfo(s.outputChannelStats),
            }),
        );
        return this.send('UPDATE_AUDIO_STATS', new AudioStats({ callId: d.vendorCallKey, stats }));
      }
      case 'SUPERVISOR_CALL_STARTED':
      case 'SUPERVISOR_CALL_CONNECTED':
      case 'SUPERVISOR_BARGED_IN':
        return this.send(e.event, new SuperviseCallResult({ call: phoneCallOf(view as CallView, ctx) }));
      case 'SUPERVISOR_HANGUP': {
        this.calls.forget((view as CallView).callId);
        const call = phoneCallOf(view as CallView, ctx, { reason: 'ended' });
        return this.send('SUPERVISOR_HANGUP', new SupervisorHangupResult({ calls: [call] }));
      }
      case 'CALL_BARGED_IN': {
        const d = e.data as EventData['CALL_BARGED_IN'];
        return this.send('CALL_BARGED_IN', supervisedCallInfoOf(d.call, d.supervisorName));
      }
      case 'MESSAGE':
        return this.send('MESSAGE', (e.data as EventData['MESSAGE']).message);
      case 'AGENT_CONFIG_UPDATED':
        // Omni-Channel learns of device changes from setAgentConfig's result; there is no event for it.
        return;
    }
  }
}
