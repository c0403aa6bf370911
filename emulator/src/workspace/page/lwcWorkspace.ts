/**
 * Places the managed package's workspace LWCs in the emulated console, as an admin places them on the
 * Switchboard app page of the console app (next to the Omni-Channel utility, which hosts the
 * connector): Queue, Skills, Contact history, Callbacks, My stats, and the Wallboard for supervisors.
 * The components are the package's own files, compiled by the LWC compiler (../lwcBundle.ts).
 */

export interface WorkspaceComponent {
  tag: string;
  ctor: unknown;
  supervisorOnly: boolean;
}

type CreateElement = (tag: string, options: { is: unknown }) => HTMLElement;

export async function mountWorkspace(
  createElement: CreateElement,
  components: WorkspaceComponent[],
): Promise<void> {
  const user = new URLSearchParams(location.search).get('user') ?? '';
  const res = await fetch(`/workspace/v1/config${user ? `?user=${encodeURIComponent(user)}` : ''}`);
  if (!res.ok) return;
  const config = (await res.json()) as { user: { supervisor?: boolean } };
  const region = document.createElement('section');
  region.className = 'sb-app-page';
  region.dataset.testid = 'switchboard-app-page';
  region.setAttribute('aria-labelledby', 'sb-app-page-title');
  const title = document.createElement('h1');
  title.id = 'sb-app-page-title';
  title.className = 'slds-text-heading_medium slds-m-bottom_small';
  title.textContent = 'Switchboard';
  const grid = document.createElement('div');
  grid.className = 'sb-app-page-grid';
  region.append(title, grid);
  for (const c of components) {
    if (c.supervisorOnly && !config.user.supervisor) continue;
    const cell = document.createElement('div');
    cell.className = 'sb-app-page-cell';
    cell.append(createElement(c.tag, { is: c.ctor }));
    grid.append(cell);
  }
  (await mainColumn()).prepend(region);
}

/** The console's main column (main.ts lays it out once its configuration has loaded). */
function mainColumn(): Promise<Element> {
  return new Promise((resolve) => {
    const found = document.querySelector('.omni-main');
    if (found) return resolve(found);
    const observer = new MutationObserver(() => {
      const main = document.querySelector('.omni-main');
      if (!main) return;
      observer.disconnect();
      resolve(main);
    });
    observer.observe(document.body, { childList: true, subtree: true });
  });
}
