/**
 * The "Sign in / Đăng nhập" control in the header: an editor pastes the
 * token `npm run token -- create` printed, the server keeps it in an
 * httpOnly cookie (POST /api/session) and the button then shows who is
 * signed in and their role, with "sign out". Only an editor or admin gets
 * the editing tools, loaded on demand (client/editor.ts and the drawing
 * library are a chunk of their own): a viewer's page carries none of it.
 */
import { el } from './dom.ts';
import { t } from './i18n.ts';
import type { Atlas } from './map.ts';
import { canEdit, currentSession, onSession, type Session, session, signIn, signOut } from './session.ts';

/** Whether the browser holds a session's CSRF cookie: without it, asking GET /api/session would only 401. */
function maybeSignedIn(): boolean {
  return document.cookie.split(';').some((c) => c.trim().startsWith('ba_csrf='));
}

export function signInControl(button: HTMLButtonElement, atlas: Promise<Atlas>): { render(): void } {
  let editor: { stop(): void } | null = null;
  let loading: Promise<void> | null = null;

  const dialog = el('dialog', { className: 'sign-in', id: 'sign-in' });
  document.body.append(dialog);

  const render = (): void => {
    const s = session();
    button.textContent = s ? `${s.name} · ${roleName(s)}` : t('signIn');
    button.dataset.role = s?.role ?? '';
  };

  const dialogContent = (): void => {
    const s = session();
    const close = el('button', {
      type: 'button',
      name: 'close',
      textContent: t('close'),
      onclick: () => dialog.close(),
    });
    if (s) {
      dialog.replaceChildren(
        el('p', { className: 'who', textContent: t('signedInAs', { name: s.name, role: roleName(s) }) }),
        ...(canEdit(s) ? [] : [el('p', { className: 'hint', textContent: t('signedInViewer') })]),
        el(
          'div',
          { className: 'actions' },
          el('button', {
            type: 'button',
            name: 'sign-out',
            textContent: t('signOut'),
            onclick: () => void signOut().then(() => dialog.close()),
          }),
          close,
        ),
      );
      return;
    }
    const token = el('input', {
      type: 'password',
      name: 'token',
      autocomplete: 'off',
      required: true,
      spellcheck: false,
    });
    const problem = el('p', { className: 'problem', role: 'alert', hidden: true });
    const form = el(
      'form',
      {},
      el('h3', { textContent: t('signIn') }),
      el('label', { className: 'field' }, el('span', { textContent: t('signInToken') }), token),
      el('p', { className: 'hint', textContent: t('signInHint') }),
      problem,
      el(
        'div',
        { className: 'actions' },
        el('button', { type: 'submit', className: 'primary', name: 'sign-in', textContent: t('signIn') }),
        close,
      ),
    );
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      signIn(token.value)
        .then(() => dialog.close())
        .catch((err: Error) => {
          problem.hidden = false;
          problem.textContent = t('signInFailed', { e: err.message });
        });
    });
    dialog.replaceChildren(form);
  };

  button.addEventListener('click', () => {
    dialogContent();
    dialog.showModal();
  });

  onSession((s: Session | null) => {
    render();
    if (canEdit(s) && !editor && !loading) {
      // The editor and the drawing library: fetched only now, once.
      loading = Promise.all([import('./editor.ts'), atlas]).then(([m, a]) => {
        loading = null;
        if (canEdit(session())) editor = m.startEditor(a);
        document.body.dataset.editor = editor ? 'on' : '';
      });
    } else if (!canEdit(s) && editor) {
      editor.stop();
      editor = null;
      document.body.dataset.editor = '';
    }
  });
  render();
  if (maybeSignedIn()) void currentSession().catch(() => undefined);
  return { render };
}

function roleName(s: Session): string {
  return t(s.role === 'admin' ? 'roleAdmin' : s.role === 'editor' ? 'roleEditor' : 'roleViewer');
}
