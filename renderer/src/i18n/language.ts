/**
 * Which language the interface speaks: the system's (navigator.language — in Electron the renderer
 * sees the OS locale the same way) unless the user picked one in the toolbar. The choice is kept in
 * localStorage, as the theme is.
 */
export const LANGUAGES = ['en', 'ko'] as const;
export type Language = (typeof LANGUAGES)[number];
export type LanguageChoice = 'system' | Language;

export const LANGUAGE_KEY = 'cnn-studio.language';

/** The supported language for a list of BCP 47 tags, first match wins ("ko-KR" → ko); English otherwise. */
export function languageFor(tags: readonly string[]): Language {
  for (const tag of tags) {
    const base = tag.toLowerCase().split(/[-_]/)[0];
    if ((LANGUAGES as readonly string[]).includes(base)) return base as Language;
  }
  return 'en';
}

/** The system's languages, most preferred first. */
export function systemLanguages(): string[] {
  const nav = globalThis.navigator;
  if (!nav) return [];
  return nav.languages?.length ? [...nav.languages] : nav.language ? [nav.language] : [];
}

export function resolveLanguage(choice: LanguageChoice, system: readonly string[] = systemLanguages()): Language {
  return choice === 'system' ? languageFor(system) : choice;
}

/** The stored choice; anything unknown reads as "system". */
export function storedLanguageChoice(): LanguageChoice {
  try {
    const v = globalThis.localStorage?.getItem(LANGUAGE_KEY);
    return v === 'en' || v === 'ko' ? v : 'system';
  } catch {
    return 'system';
  }
}

export function storeLanguageChoice(choice: LanguageChoice): void {
  try {
    if (choice === 'system') globalThis.localStorage?.removeItem(LANGUAGE_KEY);
    else globalThis.localStorage?.setItem(LANGUAGE_KEY, choice);
  } catch {
    /* storage blocked: the choice lasts this session */
  }
}
