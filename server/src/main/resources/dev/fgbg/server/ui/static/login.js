// Sign-in: the token goes once, in an Authorization header, to /api/login, which sets an
// HttpOnly session cookie. The field has no name, so the form can never put it in a URL.
import { app, el, ready, UNREACHABLE } from './common.js';

const input = el('input', { type: 'password', id: 'token', autocomplete: 'current-password', autofocus: true, placeholder: 'token' });
const message = el('p', { class: 'muted', id: 'message' });
const form = el('form', { class: 'panel login', id: 'login' },
  el('h1', {}, 'Sign in'),
  // The flag in one piece (code.flag): a line never breaks after its '--'.
  el('p', { class: 'lead' }, 'This server asks for one of the tokens of its ', el('code', { class: 'flag' }, '--token-file'), '.'),
  el('label', { for: 'token' }, 'Token'), input,
  el('button', { type: 'submit' }, 'Sign in'), message);

/** Says why the sign-in did not happen, in words for a person rather than a script. */
function refused(words) {
  message.textContent = words;
  message.className = 'error';
  ready('refused');
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  message.textContent = '';
  // The server would answer a blank one with advice for scripts (the header to send).
  if (!input.value.trim()) return refused('type a token first: one of this server\'s --token-file');
  let r;
  try {
    r = await fetch('/api/login', { headers: { Authorization: 'Bearer ' + input.value.trim() }, credentials: 'same-origin' });
  } catch (e) {
    return refused(`${UNREACHABLE}: is it running? Sign in again once it is`);
  }
  if (r.ok) {
    location.reload();
  } else {
    const body = await r.json().catch(() => ({}));
    refused(body.error || 'refused (' + r.status + ')');
  }
});

app().append(form);
ready('login');
