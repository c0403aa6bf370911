/**
 * The softphone's panel in the connector's own document (below the login form's place): the agent
 * leg's state, the microphone level, muted / held, a connect button (seed 000's "phone icon") and the
 * integrated softphone settings. Omni-Channel's host protocol carries none of this (docs/emulator.md).
 */
import type { SoftphoneSettings } from './softphoneSettings.ts';

const STYLE = `.sb-phone{font:13px/1.4 -apple-system,"Segoe UI",Roboto,Arial,sans-serif;margin:8px 12px;color:#181818}
.sb-phone label{display:block;margin:4px 0}.sb-phone meter{width:120px;vertical-align:middle}`;

const PANEL = `<p>Audio: <b data-testid="softphone-state"></b> <span data-testid="softphone-call"></span>
<meter data-testid="softphone-level" min="0" max="1" value="0"></meter>
<button type="button" data-testid="softphone-connect"></button></p>
<label>Agent leg <select name="agentLeg" data-testid="softphone-agent-leg"><option value="onDemand">Connect when a call arrives</option><option value="keepConnected">Keep connected between calls</option></select></label>
<label>Headset volume <input name="volume" type="range" min="0" max="1" step="0.05" data-testid="softphone-volume"></label>
<label>Ring tone <select name="ringTone" data-testid="softphone-ring-tone"><option value="classic">Classic</option><option value="chirp">Chirp</option><option value="off">Off</option></select></label>
<label><input name="voiceProcessing" type="checkbox" data-testid="softphone-voice-processing"> Echo cancellation, noise suppression, automatic gain</label>`;

export interface PanelView {
  state: string;
  call: string;
  connected: boolean;
  settings: SoftphoneSettings;
}

export class SoftphonePanel {
  readonly el: HTMLElement;
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    doc: Document,
    audio: HTMLAudioElement[],
    private readonly on: {
      change(patch: Partial<SoftphoneSettings>): void;
      toggle(): void;
      level(): number;
    },
  ) {
    const style = doc.createElement('style');
    style.textContent = STYLE;
    doc.head.appendChild(style);
    this.el = doc.createElement('form');
    this.el.className = 'sb-phone';
    this.el.dataset.testid = 'softphone';
    this.el.hidden = true;
    this.el.innerHTML = PANEL;
    this.el.append(...audio);
    (doc.getElementById('switchboard') ?? doc.body).appendChild(this.el);
    this.el.addEventListener('change', (e) => {
      const input = e.target as HTMLInputElement;
      const value =
        input.type === 'checkbox'
          ? input.checked
          : input.type === 'range'
            ? Number(input.value)
            : input.value;
      this.on.change({ [input.name]: value });
    });
    this.q('[data-testid=softphone-connect]').addEventListener('click', () => this.on.toggle());
  }

  private q<T extends HTMLElement = HTMLInputElement>(selector: string): T {
    return this.el.querySelector(selector) as T;
  }

  show(visible: boolean): void {
    this.el.hidden = !visible;
  }

  render(v: PanelView): void {
    this.q('[data-testid=softphone-state]').textContent = v.state;
    this.q('[data-testid=softphone-call]').textContent = v.call;
    this.q('[data-testid=softphone-connect]').textContent = v.state === 'off' ? 'Connect' : 'Disconnect';
    this.q('[name=agentLeg]').value = v.settings.agentLeg;
    this.q('[name=volume]').value = String(v.settings.volume);
    this.q('[name=ringTone]').value = v.settings.ringTone;
    this.q('[name=voiceProcessing]').checked = v.settings.voiceProcessing;
    const meter = this.q<HTMLMeterElement>('meter');
    clearInterval(this.timer);
    if (v.connected) this.timer = setInterval(() => (meter.value = this.on.level()), 200);
    else meter.value = 0;
  }
}
