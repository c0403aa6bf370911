import { LightningElement, api } from 'lwc';
import loadSettings from '@salesforce/apex/switchboard.SwitchboardPartnerSettings.load';
import saveSettings from '@salesforce/apex/switchboard.SwitchboardPartnerSettings.save';

const NONE = '';
const DEFAULT_DELAY_SECONDS = 10;
const MAX_DELAY_SECONDS = 120;

function errorText(error) {
  return (error && error.body && error.body.message) || (error && error.message) || String(error);
}

/**
 * Omni-Channel's Additional Settings for Switchboard (ConversationVendorInfo
 * `telephonySettingsComponent`): auto-accept, a secondary device that rings after a delay, the
 * caller ID and the default outbound queue, saved through the Switchboard service. Omni-Channel
 * calls `save` and `cancel`.
 */
export default class PartnerSettings extends LightningElement {
  loading = true;
  loadError = null;
  saveError = null;

  autoAccept = false;
  secondaryRingEnabled = false;
  secondaryPhoneNumber = NONE;
  secondaryDelaySeconds = DEFAULT_DELAY_SECONDS;
  callerId = NONE;
  defaultOutboundQueueId = NONE;

  callerIdOptions = [];
  queueOptions = [];
  saved = null;

  get ready() {
    return !this.loading && !this.loadError;
  }

  get maxDelaySeconds() {
    return MAX_DELAY_SECONDS;
  }

  connectedCallback() {
    loadSettings()
      .then((view) => {
        this.callerIdOptions = [{ label: 'Contact center default', value: NONE }].concat(
          view.options.callerIds.map((c) => ({
            label: c.label ? `${c.label} (${c.phoneNumber})` : c.phoneNumber,
            value: c.phoneNumber,
          })),
        );
        this.queueOptions = [{ label: 'None', value: NONE }].concat(
          view.options.queues.map((q) => ({ label: q.name, value: q.id })),
        );
        this.apply(view.settings);
        this.saved = view.settings;
      })
      .catch((error) => {
        this.loadError = errorText(error);
      })
      .finally(() => {
        this.loading = false;
      });
  }

  /** Called by Omni-Channel when the agent saves the settings. */
  @api
  save() {
    this.saveError = null;
    let settings;
    try {
      settings = this.collect();
    } catch (error) {
      this.saveError = error.message;
      return Promise.reject(error);
    }
    return saveSettings({ settings })
      .then((stored) => {
        this.saved = stored;
        this.apply(stored);
        return stored;
      })
      .catch((error) => {
        this.saveError = errorText(error);
        throw error;
      });
  }

  /** Called by Omni-Channel when the agent cancels: back to the last saved settings. */
  @api
  cancel() {
    this.saveError = null;
    if (this.saved) this.apply(this.saved);
  }

  apply(settings) {
    this.autoAccept = settings.autoAccept === true;
    this.secondaryRingEnabled = Boolean(settings.secondaryRing);
    this.secondaryPhoneNumber = settings.secondaryRing ? settings.secondaryRing.phoneNumber : NONE;
    this.secondaryDelaySeconds = settings.secondaryRing
      ? settings.secondaryRing.delaySeconds
      : DEFAULT_DELAY_SECONDS;
    this.callerId = settings.callerId || NONE;
    this.defaultOutboundQueueId = settings.defaultOutboundQueueId || NONE;
  }

  collect() {
    let secondaryRing = null;
    if (this.secondaryRingEnabled) {
      const phoneNumber = (this.secondaryPhoneNumber || '').trim();
      const delaySeconds = Number(this.secondaryDelaySeconds);
      if (!phoneNumber) throw new Error('Enter the phone number of the secondary device.');
      if (!Number.isInteger(delaySeconds) || delaySeconds < 0 || delaySeconds > MAX_DELAY_SECONDS) {
        throw new Error(`The ring delay is a whole number of seconds from 0 to ${MAX_DELAY_SECONDS}.`);
      }
      secondaryRing = { phoneNumber, delaySeconds };
    }
    return {
      autoAccept: this.autoAccept,
      secondaryRing,
      callerId: this.callerId || null,
      defaultOutboundQueueId: this.defaultOutboundQueueId || null,
    };
  }

  handleAutoAcceptChange(event) {
    this.autoAccept = event.detail.checked;
  }

  handleSecondaryRingChange(event) {
    this.secondaryRingEnabled = event.detail.checked;
  }

  handleSecondaryPhoneChange(event) {
    this.secondaryPhoneNumber = event.detail.value;
  }

  handleSecondaryDelayChange(event) {
    this.secondaryDelaySeconds = event.detail.value;
  }

  handleCallerIdChange(event) {
    this.callerId = event.detail.value;
  }

  handleQueueChange(event) {
    this.defaultOutboundQueueId = event.detail.value;
  }
}
