/** The queue view: per queue the waiting calls, longest wait first, with counts; and ringing devices. */
import { card, duration, h, replaceIfChanged, table } from '../../../../shared/dom.ts';
import { agentName, type Panel, type Snapshot } from './context.ts';
import type { ContactCenterView } from './simulatorApi.ts';

export function queuesPanel(): Panel {
  const body = h('div', { 'data-testid': 'queues' });
  const devices = h('div', { 'data-testid': 'devices' });
  return {
    el: card(
      'Queues',
      body,
      h('h3', { class: 'slds-text-heading_small slds-m-vertical_x-small' }, 'Ringing devices'),
      devices,
    ),
    render(snapshot: Snapshot, cc: ContactCenterView | undefined) {
      const queues = snapshot.queues.find((q) => q.contactCenterId === cc?.id)?.queues ?? [];
      replaceIfChanged(body, JSON.stringify(queues), () => [
        table(
          [
            'Queue',
            'Waiting',
            'Longest wait',
            'Estimated wait',
            'Available agents',
            'Waiting calls (longest first)',
          ],
          queues.map((q) => [
            h('span', { 'data-testid': `queue-${q.name}` }, q.name),
            h('span', { 'data-testid': `queue-waiting-${q.name}` }, String(q.waiting)),
            duration(q.longestWaitSeconds * 1000),
            duration(q.estimatedWaitSeconds * 1000),
            String(q.availableAgents),
            [...q.calls]
              .sort((a, b) => b.waitSeconds - a.waitSeconds)
              .map((c) => h('div', {}, `${c.from} — ${duration(c.waitSeconds * 1000)} (${c.callType})`)),
          ]),
        ),
      ]);
      const mine = snapshot.devices;
      replaceIfChanged(devices, JSON.stringify(mine), () =>
        mine.length === 0
          ? [h('p', { class: 'slds-text-color_weak' }, 'No device is ringing.')]
          : mine.map((d) =>
              h(
                'div',
                {},
                `${d.device.replace('_', ' ')} ${d.phoneNumber ?? ''} of ${agentName(snapshot, d.userId)} rings for ${d.callId}`,
              ),
            ),
      );
    },
  };
}
