// Entry of widget.js, the script a customer's site embeds:
//   <script src="https://hub.example/widget.js" async></script>
// It must read document.currentScript synchronously, before anything awaits.
import { resolveConfig, findOwnScript } from './config.js';
import { ChatConnection } from './connection.js';
import { ChatStore } from './store.js';
import { WidgetView } from './view.js';

const HOST_TAG = 'pasokh-chat';
const config = resolveConfig(findOwnScript());

function boot(): void {
  // Loaded twice (the snippet pasted twice, a SPA re-inserting it): one widget.
  if (document.querySelector(HOST_TAG)) return;
  const host = document.createElement(HOST_TAG);
  document.body.append(host);

  const store = new ChatStore();
  const connection = new ChatConnection(config, store);
  new WidgetView(host, config, store, connection);

  // A returning visitor (or one with unsent messages) connects at once, so
  // agent replies and the outbox do not wait for the panel to be opened.
  if (store.token !== null || (store.profile !== null && store.pending.length > 0)) connection.start();
}

if (document.body) boot();
else document.addEventListener('DOMContentLoaded', boot, { once: true });
