/**
 * When the agent leg is up (seed 000): kept connected between calls, or connected when a call
 * arrives (ringing or auto-accepted) and hung up when the agent has no call left; the agent may
 * connect it by hand. Also the ring tone, the audio stats during a call (UPDATE_AUDIO_STATS every
 * STATS_MS) and the softphone's errors, published so that Omni-Channel shows them.
 */
import { publishError } from 'scv-connector-base';
import type { CallView } from '../../telephony/src/contracts/agentApi.ts';
import type { KnownCalls } from './knownCalls.ts';
import { Ringer } from './ringTone.ts';
import { backoffDelay } from './serviceClient.ts';
import type { ServiceError } from './serviceError.ts';
import type { EventPublisher } from './serviceEvents.ts';
import { ABORTED, Softphone, unsupportedBrowser, webRtcSupported } from './softphone.ts';
import { SoftphonePanel } from './softphonePanel.ts';
import type { SettingsStore, SoftphoneSettings } from './softphoneSettings.ts';
import type { VendorLog } from './vendorLog.ts';

export const STATS_MS = 5000;

/** Errors a retry cannot fix: tried again on the next call or when the agent clicks Connect. */
const PERMANENT = ['UNSUPPORTED_BROWSER', 'MICROPHONE_NOT_SHARED'];

export interface ControlDeps {
  calls: KnownCalls;
  events: EventPublisher;
  log: VendorLog;
  serviceUrl(): string;
  token(): string | null;
  deskPhone(): boolean;
}

const mine = (v: CallView) => v.participants.find((p) => p.id === v.me);

export class SoftphoneControl {
  readonly phone: Softphone;
  private readonly ringer = new Ringer();
  private readonly panel: SoftphonePanel;
  private active = false;
  private manual = false;
  private blocked = false;
  private failures = 0;
  private seenCalls = new Set<string>();
  private unsupportedReported = false;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private statsTimer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly deps: ControlDeps,
    private readonly store: SettingsStore,
  ) {
    this.phone = new Softphone({
      serviceUrl: () => deps.serviceUrl(),
      token: () => deps.token(),
      settings: () => store.value,
      changed: () => this.sync(),
    });
    this.panel = new SoftphonePanel(document, [this.phone.audio, this.ringer.audio], {
      change: (patch) => this.configure(patch),
      toggle: () => this.toggle(),
      level: () => this.phone.level(),
    });
  }

  get settings(): SoftphoneSettings {
    return this.store.value;
  }

  /** A settings change (the panel, or Omni-Channel's device selection). */
  configure(patch: Partial<SoftphoneSettings>): void {
    this.store.update(patch);
    this.phone.applySettings();
    this.sync();
  }

  /** Logged in: the leg follows the settings and the calls from now on. */
  start(): void {
    this.active = true;
    this.panel.show(true);
    this.sync();
  }

  /** A browser without WebRTC is told once per page, when the agent is ready on the soft phone. */
  private reportUnsupported(): void {
    if (this.unsupportedReported) return;
    this.unsupportedReported = true;
    this.deps.log.add('ERROR', 'softphone', 'UNSUPPORTED_BROWSER');
    publishError({ eventType: 'SOFTPHONE_ERROR', error: unsupportedBrowser() });
  }

  /** Logged out or session ended: the leg is hung up. */
  stop(): void {
    this.active = false;
    this.manual = false;
    this.blocked = false;
    clearTimeout(this.retryTimer);
    this.panel.show(false);
    this.phone.hangup();
    this.sync();
  }

  /** A new call or the agent's click: a leg that failed is tried again, its error published again. */
  private unblock(): void {
    this.blocked = false;
    this.failures = 0;
  }

  private toggle(): void {
    this.manual = this.phone.state === 'off';
    this.unblock();
    if (!this.manual) this.phone.hangup();
    this.sync();
  }

  private wanted(calls: CallView[]): boolean {
    if (!this.active || this.deps.deskPhone()) return false;
    if (!webRtcSupported()) {
      this.reportUnsupported();
      return false;
    }
    return this.manual || this.settings.agentLeg === 'keepConnected' || calls.length > 0;
  }

  /** Brings the leg, the ring tone, the stats and the panel in line with the calls and settings. */
  sync(): void {
    const calls = this.deps.calls.all();
    if (calls.some((c) => !this.seenCalls.has(c.callId))) this.unblock();
    this.seenCalls = new Set(calls.map((c) => c.callId));
    const want = this.wanted(calls);
    const state = this.phone.state;
    if (want && (state === 'off' || state === 'failed') && !this.blocked) this.connect();
    else if (!want && (state === 'connected' || state === 'failed')) this.phone.hangup();
    const ringing = this.active && !this.deps.deskPhone() && calls.some((c) => mine(c)?.state === 'ringing');
    if (ringing)
      this.ringer.start(this.settings.ringTone, this.settings.volume, this.settings.speakerDeviceId);
    else this.ringer.stop();
    const current = this.deps.calls.current();
    const talking = this.phone.state === 'connected' && current?.state === 'connected';
    if (talking && !this.statsTimer) this.statsTimer = setInterval(() => void this.publishStats(), STATS_MS);
    if (!talking) {
      clearInterval(this.statsTimer);
      this.statsTimer = undefined;
    }
    const me = current && mine(current);
    const others = current?.participants.filter((p) => p.id !== current.me && p.role !== 'supervisor');
    const notes = [
      me?.muted ? 'muted' : '',
      me?.state === 'held' ? 'you are held' : '',
      others?.some((p) => p.onHold) ? 'caller held' : '',
    ];
    this.panel.render({
      state: this.phone.state,
      call: notes.filter(Boolean).join(', '),
      connected: this.phone.state === 'connected',
      settings: this.settings,
    });
  }

  private connect(): void {
    this.blocked = true;
    this.phone.connect().then(
      () => {
        this.failures = 0;
        this.blocked = false;
        this.deps.log.add('INFO', 'softphone connected');
        this.sync();
      },
      (err: ServiceError) => {
        if (err.type === ABORTED) {
          this.blocked = false;
          this.sync();
          return;
        }
        this.deps.log.add('ERROR', 'softphone', err.message);
        if (this.failures++ === 0) void publishError({ eventType: 'SOFTPHONE_ERROR', error: err });
        if (PERMANENT.includes(err.type)) return;
        clearTimeout(this.retryTimer);
        this.retryTimer = setTimeout(() => {
          this.blocked = false;
          this.sync();
        }, backoffDelay(this.failures));
      },
    );
  }

  private async publishStats(): Promise<void> {
    const call = this.deps.calls.current();
    const sample = await this.phone.stats();
    if (call && sample) this.deps.events.audioStats(call.callId, sample.input, sample.output);
  }
}
