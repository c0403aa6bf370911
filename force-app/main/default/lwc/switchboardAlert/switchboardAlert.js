import { LightningElement, api } from 'lwc';

/** An SLDS error alert for a failed workspace request (role alert: screen readers announce it). */
export default class SwitchboardAlert extends LightningElement {
  @api message;
}
