/**
 * The telephony login page (developer guide chapter 7, "Develop a Telephony System Login Page"):
 * a small form in the connector's own document, which Omni-Channel shows after SHOW_LOGIN.
 * SLDS class names, with just enough inline style to look right where SLDS is not loaded.
 */
const STYLE = `.sb-login{font:13px/1.4 -apple-system,"Segoe UI",Roboto,Arial,sans-serif;max-width:320px;margin:16px auto;padding:0 12px;color:#181818}
.sb-login h1{font-size:16px;margin:0 0 12px}.sb-login .slds-form-element{margin-bottom:12px}
.sb-login label{display:block;font-size:12px;color:#444;margin-bottom:2px}
.sb-login .slds-input{box-sizing:border-box;width:100%;padding:6px 10px;border:1px solid #c9c9c9;border-radius:4px}
.sb-login .slds-button_brand{padding:6px 16px;border:0;border-radius:4px;background:#0176d3;color:#fff;cursor:pointer}
.sb-login .slds-button_brand:disabled{background:#c9c9c9}.sb-status{min-height:1.4em;margin:0 0 8px}.sb-error{color:#ba0517}`;

const FORM = `<h1 class="slds-text-heading_small">Switchboard</h1>
<div class="slds-form-element"><label class="slds-form-element__label" for="sb-username">Username</label>
<div class="slds-form-element__control"><input class="slds-input" id="sb-username" name="username" autocomplete="username" required></div></div>
<div class="slds-form-element"><label class="slds-form-element__label" for="sb-password">Password</label>
<div class="slds-form-element__control"><input class="slds-input" id="sb-password" name="password" type="password" autocomplete="current-password" required></div></div>
<p class="sb-status" role="alert"></p>
<button class="slds-button slds-button_brand" type="submit">Log in</button>`;

/** Logs in with the username and password; resolves with an error to show, or null on success. */
export type LoginHandler = (username: string, password: string) => Promise<string | null>;

export class LoginForm {
  private form: HTMLFormElement | null = null;

  constructor(
    private readonly doc: Document,
    private readonly login: LoginHandler,
  ) {}

  show(message = ''): void {
    const form = this.form ?? this.render();
    form.hidden = false;
    this.field('password').value = '';
    this.status(message, message !== '');
  }

  hide(): void {
    if (this.form) this.form.hidden = true;
  }

  private field(name: string): HTMLInputElement {
    return this.form?.elements.namedItem(name) as HTMLInputElement;
  }

  private status(text: string, isError: boolean): void {
    const p = this.form?.querySelector('.sb-status');
    if (!p) return;
    p.textContent = text;
    p.classList.toggle('sb-error', isError);
  }

  private render(): HTMLFormElement {
    const style = this.doc.createElement('style');
    style.textContent = STYLE;
    this.doc.head.appendChild(style);
    const form = this.doc.createElement('form');
    form.className = 'slds-form sb-login';
    form.noValidate = true;
    form.innerHTML = FORM;
    (this.doc.getElementById('switchboard') ?? this.doc.body).appendChild(form);
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.submit();
    });
    this.form = form;
    return form;
  }

  private async submit(): Promise<void> {
    const username = this.field('username').value.trim();
    const password = this.field('password').value;
    if (!username || !password) {
      this.status('Enter your username and password.', true);
      return;
    }
    const button = this.form?.querySelector('button');
    if (button) button.disabled = true;
    this.status('Logging in…', false);
    const error = await this.login(username, password);
    if (button) button.disabled = false;
    if (error) this.show(error);
  }
}
