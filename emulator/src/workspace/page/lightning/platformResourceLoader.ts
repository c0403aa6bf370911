/**
 * Stand-in for Salesforce's `lightning/platformResourceLoader`: loads a static resource's script or
 * style sheet once per page (the console serves the package's static resources) and resolves when it
 * has loaded, as Salesforce's does.
 */
const loaded = new Map<string, Promise<void>>();

function load(url: string, element: () => HTMLScriptElement | HTMLLinkElement): Promise<void> {
  let promise = loaded.get(url);
  if (!promise) {
    promise = new Promise<void>((resolve, reject) => {
      const el = element();
      el.addEventListener('load', () => resolve(), { once: true });
      el.addEventListener('error', () => reject(new Error(`${url} did not load`)), { once: true });
      document.head.append(el);
    });
    promise.catch(() => loaded.delete(url));
    loaded.set(url, promise);
  }
  return promise;
}

export function loadScript(_component: unknown, url: string): Promise<void> {
  return load(url, () => Object.assign(document.createElement('script'), { src: url, async: false }));
}

export function loadStyle(_component: unknown, url: string): Promise<void> {
  return load(url, () => Object.assign(document.createElement('link'), { rel: 'stylesheet', href: url }));
}
