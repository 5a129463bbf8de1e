import { useUiStore } from '../store/ui-store';
import { commands } from '../app/commands';
import { useT } from '../i18n';

/** Browser mode, at startup: unsaved work from an earlier visit, offered until the user answers. */
export function RecoveryBanner() {
  const { t, lang } = useT();
  const offer = useUiStore((s) => s.recoveryOffer);
  if (!offer) return null;
  const when = new Date(offer.savedAt).toLocaleString(lang === 'ko' ? 'ko-KR' : undefined);
  return (
    <div className="recovery-banner" role="alert" data-testid="recovery-offer" data-saved-at={offer.savedAt}>
      <span>{t('recovery.offer', { when })}</span>
      <button data-testid="recovery-restore" onClick={() => void commands.restoreOffered()}>
        {t('recovery.restore')}
      </button>
      <button data-testid="recovery-discard" onClick={() => void commands.discardOffered()}>
        {t('recovery.discard')}
      </button>
    </div>
  );
}
