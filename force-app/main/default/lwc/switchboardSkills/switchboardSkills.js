import { LightningElement, wire } from 'lwc';
import { MessageContext } from 'lightning/messageService';
import {
  errorMessage,
  keepFresh,
  formatDuration,
  listOf,
  openWorkspaceClient,
  REFRESH_MS,
} from 'c/switchboardWorkspaceClient';

/** Skills: the agent's queues with the number of calls waiting, the longest and the estimated wait. */
export default class SwitchboardSkills extends LightningElement {
  @wire(MessageContext) messageContext;

  skills = [];
  error = '';
  loading = true;
  client;
  stop;

  connectedCallback() {
    this.client = openWorkspaceClient(this.messageContext, 'switchboardSkills');
    this.client.onEvent('queue', () => this.refresh());
    this.stop = keepFresh(() => this.refresh(), REFRESH_MS.skills);
  }

  disconnectedCallback() {
    this.stop();
    this.client.close();
  }

  async refresh() {
    try {
      this.skills = listOf(await this.client.request('skills.list'), 'queues');
      this.error = '';
      return true;
    } catch (err) {
      this.error = errorMessage(err);
      return false;
    } finally {
      this.loading = false;
    }
  }

  get rows() {
    return this.skills.map((skill) => ({
      ...skill,
      longest: formatDuration(skill.longestWaitSeconds),
      estimated: formatDuration(skill.estimatedWaitSeconds),
    }));
  }

  get isEmpty() {
    return !this.loading && this.skills.length === 0;
  }
}
