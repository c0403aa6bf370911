import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

/** A contact center's settings, stored as JSON on its row; missing keys take the defaults. */
export const ContactCenterSettings = Type.Object({
  /** "Max Call Answer Time": how long an offer rings before it is withdrawn. */
  ringTimeoutSeconds: Type.Integer({ minimum: 5, maximum: 600, default: 30 }),
  /** 0 = infinite wrap-up (the spec's default); otherwise after-call work ends by itself after this. */
  wrapUpSeconds: Type.Integer({ minimum: 0, maximum: 3600, default: 0 }),
  recordingDefault: Type.Boolean({ default: true }),
  /** What a party on hold hears (docs/media.md): the generated hold music, or silence. */
  holdAudio: Type.Union([Type.Literal('music'), Type.Literal('silence')], { default: 'music' }),
  defaultCountry: Type.String({ minLength: 2, maxLength: 2, default: 'US' }),
  hiddenCallControls: Type.Object(
    {
      showMuteButton: Type.Boolean({ default: true }),
      showRecordButton: Type.Boolean({ default: true }),
      showAddCallerButton: Type.Boolean({ default: true }),
      showAddBlindTransferButton: Type.Boolean({ default: true }),
      showMergeButton: Type.Boolean({ default: true }),
      showSwapButton: Type.Boolean({ default: true }),
    },
    { default: {} },
  ),
  removeParticipantVariant: Type.Union(
    [Type.Literal('ALWAYS'), Type.Literal('NEVER'), Type.Literal('ALWAYS_EXCEPT_ON_HOLD')],
    { default: 'ALWAYS' },
  ),
  /** Agents may pick a waiting call of their queues in the workspace's Queue (docs/workspace.md). */
  agentsMayPickCalls: Type.Boolean({ default: false }),
  /** Custom error labels the simulator and the service may raise: label name → default message. */
  customErrorLabels: Type.Record(Type.String(), Type.String(), { default: {} }),
});
export type ContactCenterSettings = Static<typeof ContactCenterSettings>;

export function parseSettings(json: string | unknown): ContactCenterSettings {
  const raw = typeof json === 'string' ? (JSON.parse(json) as unknown) : json;
  const value = Value.Default(ContactCenterSettings, Value.Clone(raw ?? {}));
  if (!Value.Check(ContactCenterSettings, value)) {
    const first = Value.Errors(ContactCenterSettings, value).First();
    throw new Error(`invalid contact center settings: ${first?.path ?? ''} ${first?.message ?? ''}`);
  }
  return value;
}
