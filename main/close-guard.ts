/**
 * Closing with unsaved changes: ask Save / Don't Save / Cancel. "Save" asks the editor to save and
 * closes once it reports the document clean; a cancelled or failed save keeps the window open.
 * Pure state machine — main.ts wires it to the window's 'close' event and a message box.
 */
export type CloseChoice = 'save' | 'discard' | 'cancel';

export const CLOSE_DIALOG_BUTTONS: Record<number, CloseChoice> = { 0: 'save', 1: 'discard', 2: 'cancel' };

export function closeDialogOptions(title: string) {
  return {
    type: 'warning' as const,
    buttons: ['Save', "Don't Save", 'Cancel'],
    defaultId: 0,
    cancelId: 2,
    noLink: true,
    message: `Do you want to save the changes you made to ${title || 'this model'}?`,
    detail: "Your changes will be lost if you don't save them.",
  };
}

export class CloseGuard {
  private dirty = false;
  private allowClose = false;
  private closeAfterSave = false;

  get isDirty() {
    return this.dirty;
  }

  /** The window wants to close: 'close' lets it, 'ask' means prevent it and show the dialog. */
  onCloseRequested(): 'close' | 'ask' {
    return this.allowClose || !this.dirty ? 'close' : 'ask';
  }

  /** The user's answer: what to do next. */
  onChoice(choice: CloseChoice): 'close' | 'save' | 'stay' {
    if (choice === 'discard') {
      this.allowClose = true;
      return 'close';
    }
    if (choice === 'save') {
      this.closeAfterSave = true;
      return 'save';
    }
    return 'stay';
  }

  /** The editor reported its state; 'close' when a save requested by the close dialog has finished. */
  onDocumentState(dirty: boolean): 'close' | 'none' {
    this.dirty = dirty;
    if (this.closeAfterSave && !dirty) {
      this.closeAfterSave = false;
      this.allowClose = true;
      return 'close';
    }
    return 'none';
  }

  /** A save finished: if it was cancelled or failed, a pending close is called off. */
  onSaveFinished(saved: boolean): void {
    if (!saved) this.closeAfterSave = false;
  }
}
