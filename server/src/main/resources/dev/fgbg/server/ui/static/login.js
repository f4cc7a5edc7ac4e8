// Sign-in: the token goes once, in an Authorization header, to /api/login, which sets an
// HttpOnly session cookie. The field has no name, so the form can never put it in a URL.
import { app, el, ready } from './common.js';

const input = el('input', { type: 'password', id: 'token', autocomplete: 'current-password', autofocus: true, placeholder: 'token' });
const message = el('p', { class: 'muted', id: 'message' });
const form = el('form', { class: 'panel login', id: 'login' },
  el('h1', {}, 'Sign in'),
  el('p', { class: 'lead' }, 'This server asks for one of the tokens of its --token-file.'),
  el('label', { for: 'token' }, 'Token'), input,
  el('button', { type: 'submit' }, 'Sign in'), message);

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  message.textContent = '';
  const r = await fetch('/api/login', { headers: { Authorization: 'Bearer ' + input.value.trim() }, credentials: 'same-origin' });
  if (r.ok) {
    location.reload();
  } else {
    const body = await r.json().catch(() => ({}));
    message.textContent = body.error || 'refused (' + r.status + ')';
    message.className = 'error';
    ready('refused');
  }
});

app().append(form);
ready('login');
