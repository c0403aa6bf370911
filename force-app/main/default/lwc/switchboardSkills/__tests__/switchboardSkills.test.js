import { createElement } from 'lwc';
import SwitchboardSkills from 'c/switchboardSkills';
import {
  answer,
  deliver,
  mount,
  requests,
  reset,
  settle,
} from '../../switchboardWorkspaceClient/__tests__/fakeConnector';

describe('c-switchboard-skills', () => {
  afterEach(reset);

  it('shows each queue with waiting calls, longest and estimated wait', async () => {
    answer({
      'skills.list': () => ({
        queues: [
          {
            queueId: 'q1',
            name: 'Support',
            waiting: 3,
            longestWaitSeconds: 125,
            estimatedWaitSeconds: 40,
            availableAgents: 1,
          },
        ],
      }),
    });
    const el = mount(createElement, 'c-switchboard-skills', SwitchboardSkills);
    await settle();
    const row = el.shadowRoot.querySelector('tr.skill');
    expect(row.querySelector('.name').textContent).toBe('Support');
    expect(row.querySelector('.waiting').textContent).toBe('3');
    expect(row.querySelector('.longest').textContent).toBe('2:05');
    expect(row.querySelector('.estimated').textContent).toBe('0:40');
  });

  it('reloads on a queue event and shows an error as an alert', async () => {
    let fail = false;
    answer({
      'skills.list': () => {
        if (fail)
          throw { code: 'GENERIC_ERROR', message: 'GENERIC_ERROR: the Switchboard service is unreachable' };
        return { queues: [] };
      },
    });
    const el = mount(createElement, 'c-switchboard-skills', SwitchboardSkills);
    await settle();
    expect(el.shadowRoot.querySelector('.empty')).not.toBeNull();
    fail = true;
    deliver({ switchboard: 'workspace.event', topic: 'queue', data: {} });
    await settle();
    expect(requests('skills.list')).toHaveLength(2);
    expect(el.shadowRoot.querySelector('c-switchboard-alert').message).toBe(
      'GENERIC_ERROR: the Switchboard service is unreachable',
    );
  });
});
