import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './console/App.js';
import { I18nProvider } from './console/i18n/I18nProvider.js';
import './console/styles.css';

const container = document.getElementById('root');
if (!container) throw new Error('#root is missing from index.html');

createRoot(container).render(
  <StrictMode>
    <I18nProvider>
      <App />
    </I18nProvider>
  </StrictMode>,
);
