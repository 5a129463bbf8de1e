import { useUiStore } from '../store/ui-store';
import { commands } from '../app/commands';

/** Browser mode, at startup: unsaved work from an earlier visit, offered until the user answers. */
export function RecoveryBanner() {
  const offer = useUiStore((s) => s.recoveryOffer);
  if (!offer) return null;
  const when = new Date(offer.savedAt).toLocaleString();
  return (
    <div className="recovery-banner" role="alert" data-testid="recovery-offer" data-saved-at={offer.savedAt}>
      <span>Restore unsaved work from {when}?</span>
      <button data-testid="recovery-restore" onClick={() => void commands.restoreOffered()}>
        Restore
      </button>
      <button data-testid="recovery-discard" onClick={() => void commands.discardOffered()}>
        Discard
      </button>
    </div>
  );
}
