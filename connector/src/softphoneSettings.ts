/**
 * The integrated softphone's settings (seed 000, "Configure Softphone Settings"): the agent leg kept
 * connected between calls or connected when a call arrives, headset volume, ring tone, the devices
 * Omni-Channel selects (SET_AGENT_CONFIG's speakerDeviceId / microphoneDeviceId) and the browser's voice
 * processing. They belong to the agent's browser (device ids only mean something there): kept in
 * localStorage per org, contact center and Salesforce user. The contact center configuration gives
 * the defaults (`/reqSwitchboard/reqAgentLeg`, `/reqSwitchboard/reqVoiceProcessing`).
 */
export type AgentLegMode = 'keepConnected' | 'onDemand';
export type RingTone = 'classic' | 'chirp' | 'off';

export interface SoftphoneSettings {
  agentLeg: AgentLegMode;
  /** Headset volume, 0 to 1. */
  volume: number;
  ringTone: RingTone;
  speakerDeviceId: string;
  microphoneDeviceId: string;
  /** echoCancellation, noiseSuppression and autoGainControl of getUserMedia. */
  voiceProcessing: boolean;
}

const RING_TONES: RingTone[] = ['classic', 'chirp', 'off'];

/** The defaults: the contact center's, else connect on demand with voice processing on. */
export function defaultSettings(config: Record<string, unknown>): SoftphoneSettings {
  return {
    agentLeg: config['/reqSwitchboard/reqAgentLeg'] === 'keepConnected' ? 'keepConnected' : 'onDemand',
    volume: 1,
    ringTone: 'classic',
    speakerDeviceId: '',
    microphoneDeviceId: '',
    voiceProcessing: String(config['/reqSwitchboard/reqVoiceProcessing']) !== 'false',
  };
}

/** Settings from storage (or a patch): unknown or out-of-range values keep the base's. */
export function mergeSettings(base: SoftphoneSettings, raw: unknown): SoftphoneSettings {
  const r = (raw ?? {}) as Partial<Record<keyof SoftphoneSettings, unknown>>;
  const text = (v: unknown, d: string) => (typeof v === 'string' && v.length <= 256 ? v : d);
  return {
    agentLeg: r.agentLeg === 'keepConnected' || r.agentLeg === 'onDemand' ? r.agentLeg : base.agentLeg,
    volume: typeof r.volume === 'number' && r.volume >= 0 && r.volume <= 1 ? r.volume : base.volume,
    ringTone: RING_TONES.includes(r.ringTone as RingTone) ? (r.ringTone as RingTone) : base.ringTone,
    speakerDeviceId: text(r.speakerDeviceId, base.speakerDeviceId),
    microphoneDeviceId: text(r.microphoneDeviceId, base.microphoneDeviceId),
    voiceProcessing: typeof r.voiceProcessing === 'boolean' ? r.voiceProcessing : base.voiceProcessing,
  };
}

export class SettingsStore {
  value: SoftphoneSettings;

  constructor(
    private readonly key: string,
    defaults: SoftphoneSettings,
  ) {
    let saved: unknown = null;
    try {
      saved = JSON.parse(localStorage.getItem(key) ?? 'null');
    } catch {
      // Unreadable or refused storage: the defaults.
    }
    this.value = mergeSettings(defaults, saved);
  }

  update(patch: Partial<SoftphoneSettings>): SoftphoneSettings {
    this.value = mergeSettings(this.value, patch);
    try {
      localStorage.setItem(this.key, JSON.stringify(this.value));
    } catch {
      // Kept for this page only.
    }
    return this.value;
  }
}
