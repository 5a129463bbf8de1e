/**
 * The interface's languages (English, Korean) with i18next and react-i18next. UI sentences live in
 * locales/en.ts and locales/ko.ts (same keys); the engine keeps its English (op titles and docs,
 * diagnostic messages) and the Korean for those is keyed by op type / parameter / diagnostic code
 * (ops-ko.ts, diagnostics-ko.ts; ops-en.ts reads the English into the same shape for the tests).
 * Components call useT() so a language switch re-renders them; code outside React calls `t`.
 */
import { useSyncExternalStore } from 'react';
import i18next from 'i18next';
import { initReactI18next, useTranslation } from 'react-i18next';
import { en } from './locales/en';
import { ko } from './locales/ko';
import { KO_OPS } from './ops-ko';
import { KO_DIAGNOSTICS } from './diagnostics-ko';
import { resolveLanguage, storeLanguageChoice, storedLanguageChoice, type Language, type LanguageChoice } from './language';

export type { Language, LanguageChoice } from './language';

export const i18n = i18next.createInstance();

let choice: LanguageChoice = storedLanguageChoice();

void i18n.use(initReactI18next).init({
  initAsync: false,
  lng: resolveLanguage(choice),
  fallbackLng: 'en',
  supportedLngs: ['en', 'ko'],
  ns: ['ui', 'ops', 'diag'],
  defaultNS: 'ui',
  resources: {
    // The English of ops and diagnostics is the engine's own text, passed as the fallback where it is looked up.
    en: { ui: en },
    ko: { ui: ko, ops: KO_OPS, diag: KO_DIAGNOSTICS },
  },
  interpolation: { escapeValue: false },
  returnNull: false,
  react: { useSuspense: false },
});
syncDocumentLanguage();

/** A UI sentence in the current language (outside React; components use useT). */
export const t: (key: string, options?: Record<string, unknown>) => string = (key, options) => String(i18n.t(key, options as never));

export function language(): Language {
  return (i18n.resolvedLanguage ?? i18n.language) === 'ko' ? 'ko' : 'en';
}

export function languageChoice(): LanguageChoice {
  return choice;
}

const choiceListeners = new Set<() => void>();

/** The user's choice ("system", "en", "ko") for the language menu; re-renders when it changes. */
export function useLanguageChoice(): LanguageChoice {
  return useSyncExternalStore(
    (on) => {
      choiceListeners.add(on);
      return () => choiceListeners.delete(on);
    },
    () => choice,
  );
}

/** Switch the interface (and remember the choice for the next launch). */
export function setLanguageChoice(next: LanguageChoice): void {
  choice = next;
  storeLanguageChoice(next);
  for (const on of choiceListeners) on();
  void i18n.changeLanguage(resolveLanguage(next));
  syncDocumentLanguage();
}

function syncDocumentLanguage(): void {
  if (typeof document !== 'undefined') document.documentElement.lang = language();
}

/** `t` for components, re-rendering them when the language changes. */
export function useT(): { t: typeof t; lang: Language } {
  const { i18n: inst } = useTranslation('ui', { i18n });
  return { t, lang: inst.resolvedLanguage === 'ko' ? 'ko' : 'en' };
}
