/** JSON over HTTP to the service (login, logout), with XMLHttpRequest: CORS-checked like any page. */
import { unreachable } from './serviceError.ts';

export interface HttpAnswer {
  status: number;
  body: unknown;
}

export function postJson(
  url: string,
  body?: unknown,
  token?: string,
  timeoutMs = 10_000,
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    xhr.timeout = timeoutMs;
    if (body !== undefined) xhr.setRequestHeader('content-type', 'application/json');
    if (token) xhr.setRequestHeader('authorization', `Bearer ${token}`);
    xhr.onload = () => {
      let parsed: unknown = null;
      try {
        parsed = JSON.parse(xhr.responseText) as unknown;
      } catch {
        parsed = null;
      }
      resolve({ status: xhr.status, body: parsed });
    };
    xhr.onerror = () => reject(unreachable());
    xhr.ontimeout = () => reject(unreachable());
    xhr.send(body === undefined ? null : JSON.stringify(body));
  });
}
