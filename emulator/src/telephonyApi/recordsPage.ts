/** The records page: every VoiceCall with its fields, transcripts and flow executions, as escaped HTML. */
import type { EmulatedVoiceCall, FlowRoute } from './types.ts';

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(value: unknown): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? '');
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}

function table(headers: string[], rows: unknown[][]): string {
  if (rows.length === 0) return '<p class="none">none</p>';
  const head = headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`).join('\n');
  return `<table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

const time = (ms: number) => new Date(ms).toISOString();
const route = (r: FlowRoute) => (r.type === 'agent' ? `agent ${r.userId}` : `queue ${r.queueId}`);

function renderVoiceCall(vc: EmulatedVoiceCall): string {
  const ids = [
    ['contact center', `${vc.callCenterApiName} (org ${vc.orgId})`],
    ['vendorCallKey', vc.vendorCallKey],
    ['conversation', vc.conversationKey],
    [
      'parent / previous / next',
      `${vc.parentVoiceCallId ?? '–'} / ${vc.previousCallId ?? '–'} / ${vc.nextCallId ?? '–'}`,
    ],
    ['disposition', vc.callDisposition],
    ['created', time(vc.createdAt)],
    ['pending routing', vc.pendingRouting ? route(vc.pendingRouting.route) : '–'],
  ];
  return `<section>
<h2>${escapeHtml(vc.voiceCallId)}</h2>
${table(['', ''], ids)}
<h3>Fields</h3>
${table(['field', 'value'], Object.entries(vc.fields))}
<h3>Participants</h3>
${table(
  ['participantKey', 'type'],
  vc.participants.map((p) => [p.participantKey, p.type]),
)}
<h3>Updates</h3>
${table(
  ['at', 'body'],
  vc.updates.map((u) => [time(u.at), u.body]),
)}
<h3>Transcripts</h3>
${table(
  ['start', 'end', 'sender', 'participant', 'messageId', 'content'],
  vc.transcripts.map((t) => [
    time(t.startTime),
    time(t.endTime),
    t.senderType,
    t.participantId,
    t.messageId,
    t.content,
  ]),
)}
<h3>Flow executions</h3>
${table(
  ['at', 'request', 'matched by', 'route'],
  vc.flowExecutions.map((f) => [time(f.at), f.request, f.matchedBy, route(f.route)]),
)}
<h3>Real-time conversation events</h3>
${table(
  ['received', 'service', 'events'],
  vc.conversationEvents.map((e) => [time(e.receivedAt), e.service, e.events]),
)}
</section>`;
}

export function renderRecordsPage(voiceCalls: EmulatedVoiceCall[]): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="refresh" content="5">
<title>Telephony API emulator: VoiceCall records</title>
<style>
body { font-family: system-ui, sans-serif; margin: 1.5rem; color: #181818; }
section { border-top: 1px solid #c9c9c9; padding: .5rem 0 1rem; }
table { border-collapse: collapse; margin: .25rem 0; }
th, td { border: 1px solid #e5e5e5; padding: .2rem .5rem; text-align: left; vertical-align: top; font-size: .85rem; }
td { white-space: pre-wrap; word-break: break-word; max-width: 48rem; }
.none { color: #706e6b; font-size: .85rem; }
</style>
</head>
<body>
<h1>VoiceCall records (${voiceCalls.length})</h1>
${voiceCalls.length === 0 ? '<p class="none">No VoiceCall records yet.</p>' : voiceCalls.map(renderVoiceCall).join('\n')}
</body>
</html>
`;
}
