import { useEffect } from 'react';
import { useUiStore } from '../store/ui-store';
import { useT } from '../i18n';

/** Confirmation (unsaved changes), messages (a file that is not a model) and short notices. */
export function Dialogs() {
  const { t: tr } = useT();
  const confirm = useUiStore((s) => s.confirm);
  const message = useUiStore((s) => s.message);
  const toast = useUiStore((s) => s.toast);
  const set = useUiStore((s) => s.set);
  useEffect(() => {
    if (!toast) return;
    const t = setTimeout(() => set({ toast: undefined }), toast.ms ?? (toast.action ? 8000 : 3000));
    return () => clearTimeout(t);
  }, [toast, set]);
  return (
    <>
      {confirm && (
        <div className="modal-backdrop">
          <div className="modal" role="alertdialog" aria-label={confirm.title} data-testid="confirm" onKeyDown={(e) => e.key === 'Escape' && confirm.resolve(false)}>
            <h2>{confirm.title}</h2>
            <p>{confirm.text}</p>
            <div className="buttons">
              <button autoFocus data-testid="confirm-cancel" onClick={() => confirm.resolve(false)}>
                {tr('common.cancel')}
              </button>
              {confirm.altLabel && (
                <button data-testid="confirm-alt" onClick={() => confirm.resolve('alt')}>
                  {confirm.altLabel}
                </button>
              )}
              <button className="danger" data-testid="confirm-ok" onClick={() => confirm.resolve(true)}>
                {confirm.confirmLabel}
              </button>
            </div>
          </div>
        </div>
      )}
      {message && (
        <div className="modal-backdrop">
          <div className={`modal message ${message.kind}`} role="alertdialog" aria-label={message.title} data-testid="message" onKeyDown={(e) => e.key === 'Escape' && set({ message: undefined })}>
            <h2 data-testid="message-title">{message.title}</h2>
            <p data-testid="message-text">{message.text}</p>
            <div className="buttons">
              <button autoFocus data-testid="message-close" onClick={() => set({ message: undefined })}>
                {tr('common.ok')}
              </button>
            </div>
          </div>
        </div>
      )}
      {toast && (
        <div className="toast" role="status" data-testid="toast">
          {toast.text}
          {toast.action && (
            <button
              type="button"
              className="toast-action"
              data-testid="toast-action"
              onClick={() => {
                set({ toast: undefined });
                toast.action!.run();
              }}
            >
              {toast.action.label}
            </button>
          )}
        </div>
      )}
    </>
  );
}
