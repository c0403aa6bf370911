import { createElement } from 'lwc';
import SwitchboardAlert from 'c/switchboardAlert';

describe('c-switchboard-alert', () => {
  afterEach(() => {
    while (document.body.firstChild) document.body.removeChild(document.body.firstChild);
  });

  it('shows its message in an SLDS error alert that screen readers announce', async () => {
    const element = createElement('c-switchboard-alert', { is: SwitchboardAlert });
    element.message = 'FORBIDDEN: supervisors only';
    document.body.appendChild(element);
    const alert = element.shadowRoot.querySelector('.slds-notify_alert');
    expect(alert.getAttribute('role')).toBe('alert');
    expect(alert.classList.contains('slds-alert_error')).toBe(true);
    expect(alert.textContent).toBe('FORBIDDEN: supervisors only');
    element.message = 'TIMEOUT';
    await Promise.resolve();
    expect(alert.textContent).toBe('TIMEOUT');
  });
});
