import { createElement } from 'lwc';
import PartnerSettings from 'c/partnerSettings';
import loadSettings from '@salesforce/apex/switchboard.SwitchboardPartnerSettings.load';
import saveSettings from '@salesforce/apex/switchboard.SwitchboardPartnerSettings.save';

jest.mock('@salesforce/apex/switchboard.SwitchboardPartnerSettings.load', () => ({ default: jest.fn() }), {
  virtual: true,
});
jest.mock('@salesforce/apex/switchboard.SwitchboardPartnerSettings.save', () => ({ default: jest.fn() }), {
  virtual: true,
});

const VIEW = {
  settings: {
    autoAccept: true,
    secondaryRing: { phoneNumber: '+14155551234', delaySeconds: 15 },
    callerId: '+14155550100',
    defaultOutboundQueueId: 'QUsupport',
  },
  options: {
    callerIds: [
      { phoneNumber: '+14155550100', label: 'Main line' },
      { phoneNumber: '+18005550199', label: null },
    ],
    queues: [
      { id: 'QUsupport', name: 'Support' },
      { id: 'QUsales', name: 'Sales' },
    ],
  },
};

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

async function mount() {
  const element = createElement('c-partner-settings', { is: PartnerSettings });
  document.body.appendChild(element);
  await flush();
  return element;
}

const $ = (element, selector) => element.shadowRoot.querySelector(selector);

function change(element, selector, detail) {
  $(element, selector).dispatchEvent(new CustomEvent('change', { detail }));
}

describe('c-partner-settings', () => {
  afterEach(() => {
    while (document.body.firstChild) document.body.removeChild(document.body.firstChild);
    jest.clearAllMocks();
  });

  it("shows the agent's stored settings and the contact center's options", async () => {
    loadSettings.mockResolvedValue(VIEW);
    const element = await mount();
    expect(loadSettings).toHaveBeenCalledTimes(1);
    expect($(element, '.auto-accept').checked).toBe(true);
    expect($(element, '.secondary-ring').checked).toBe(true);
    expect($(element, '.secondary-phone').value).toBe('+14155551234');
    expect($(element, '.secondary-delay').value).toBe(15);
    expect($(element, '.caller-id').value).toBe('+14155550100');
    expect($(element, '.caller-id').options).toEqual([
      { label: 'Contact center default', value: '' },
      { label: 'Main line (+14155550100)', value: '+14155550100' },
      { label: '+18005550199', value: '+18005550199' },
    ]);
    expect($(element, '.outbound-queue').value).toBe('QUsupport');
    expect($(element, '.outbound-queue').options).toEqual([
      { label: 'None', value: '' },
      { label: 'Support', value: 'QUsupport' },
      { label: 'Sales', value: 'QUsales' },
    ]);
  });

  it('hides the secondary device fields when it is off', async () => {
    loadSettings.mockResolvedValue({ ...VIEW, settings: { ...VIEW.settings, secondaryRing: null } });
    const element = await mount();
    expect($(element, '.secondary-ring').checked).toBe(false);
    expect($(element, '.secondary-phone')).toBeNull();
  });

  it('shows why the settings could not be loaded', async () => {
    loadSettings.mockRejectedValue({
      body: { message: 'You are not a member of a Switchboard contact center.' },
    });
    const element = await mount();
    expect($(element, '.load-error').textContent).toBe(
      'You are not a member of a Switchboard contact center.',
    );
    expect($(element, '.auto-accept')).toBeNull();
  });

  it('save sends every setting, with null for "none"', async () => {
    loadSettings.mockResolvedValue(VIEW);
    const element = await mount();
    change(element, '.auto-accept', { checked: false });
    change(element, '.secondary-phone', { value: ' +14155559876 ' });
    change(element, '.secondary-delay', { value: '20' });
    change(element, '.caller-id', { value: '' });
    change(element, '.outbound-queue', { value: 'QUsales' });
    const stored = {
      autoAccept: false,
      secondaryRing: { phoneNumber: '+14155559876', delaySeconds: 20 },
      callerId: null,
      defaultOutboundQueueId: 'QUsales',
    };
    saveSettings.mockResolvedValue(stored);
    await expect(element.save()).resolves.toEqual(stored);
    expect(saveSettings).toHaveBeenCalledWith({ settings: stored });
  });

  it("sends no user id: the controller and the agent's own credentials say who saves", async () => {
    loadSettings.mockResolvedValue(VIEW);
    const element = await mount();
    saveSettings.mockImplementation(({ settings }) => Promise.resolve(settings));
    await element.save();
    const [params] = saveSettings.mock.calls[0];
    expect(Object.keys(params)).toEqual(['settings']);
    expect(Object.keys(params.settings).sort()).toEqual([
      'autoAccept',
      'callerId',
      'defaultOutboundQueueId',
      'secondaryRing',
    ]);
  });

  it('tells the agent to check their own sign-in when Switchboard refuses it', async () => {
    loadSettings.mockResolvedValue(VIEW);
    const element = await mount();
    const signIn =
      "Switchboard didn't accept your sign-in. In your personal settings, under External Credentials, enter your Switchboard username and password for Switchboard Agent.";
    saveSettings.mockRejectedValue({ body: { message: signIn } });
    await expect(element.save()).rejects.toBeDefined();
    await flush();
    expect($(element, '.save-error').textContent).toBe(signIn);
  });

  it('save turns the secondary device off with null', async () => {
    loadSettings.mockResolvedValue(VIEW);
    const element = await mount();
    change(element, '.secondary-ring', { checked: false });
    saveSettings.mockImplementation(({ settings }) => Promise.resolve(settings));
    await element.save();
    expect(saveSettings.mock.calls[0][0].settings.secondaryRing).toBeNull();
  });

  it('refuses a secondary device without a number or with a bad delay, and saves nothing', async () => {
    loadSettings.mockResolvedValue(VIEW);
    const element = await mount();
    change(element, '.secondary-phone', { value: '  ' });
    await expect(element.save()).rejects.toThrow('Enter the phone number of the secondary device.');
    change(element, '.secondary-phone', { value: '+14155559876' });
    change(element, '.secondary-delay', { value: '121' });
    await expect(element.save()).rejects.toThrow('from 0 to 120');
    change(element, '.secondary-delay', { value: '2.5' });
    await expect(element.save()).rejects.toThrow('from 0 to 120');
    await flush();
    expect($(element, '.save-error').textContent).toContain('from 0 to 120');
    expect(saveSettings).not.toHaveBeenCalled();
  });

  it("shows the service's refusal and keeps the typed values", async () => {
    loadSettings.mockResolvedValue(VIEW);
    const element = await mount();
    change(element, '.secondary-phone', { value: '12' });
    saveSettings.mockRejectedValue({
      body: { message: 'Switchboard refused the request (INVALID_PARAMS).' },
    });
    await expect(element.save()).rejects.toBeDefined();
    await flush();
    expect($(element, '.save-error').textContent).toBe('Switchboard refused the request (INVALID_PARAMS).');
    expect($(element, '.secondary-phone').value).toBe('12');
  });

  it('cancel goes back to the last saved settings', async () => {
    loadSettings.mockResolvedValue(VIEW);
    const element = await mount();
    change(element, '.auto-accept', { checked: false });
    change(element, '.outbound-queue', { value: 'QUsales' });
    change(element, '.secondary-ring', { checked: false });
    element.cancel();
    await flush();
    expect($(element, '.auto-accept').checked).toBe(true);
    expect($(element, '.outbound-queue').value).toBe('QUsupport');
    expect($(element, '.secondary-phone').value).toBe('+14155551234');
  });

  it('cancel after a save keeps what was saved', async () => {
    loadSettings.mockResolvedValue(VIEW);
    const element = await mount();
    change(element, '.auto-accept', { checked: false });
    saveSettings.mockImplementation(({ settings }) => Promise.resolve(settings));
    await element.save();
    change(element, '.auto-accept', { checked: true });
    element.cancel();
    await flush();
    expect($(element, '.auto-accept').checked).toBe(false);
  });
});
