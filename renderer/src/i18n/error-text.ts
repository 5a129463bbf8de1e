/**
 * Errors that reach the screen from outside the UI's own sentences — a file that is not a model
 * (the engine's ModelError codes), the document's file problems — in the UI's language. A code the
 * catalog does not know keeps the engine's English message.
 */
import type { ModelDocument } from '../engine';
import type { DocumentProblem } from '../store/document-problems';
import type { z } from 'zod';
import { issueParams } from '../../../engine/src/core/graph/issue-params';
import { i18n, language, t } from './index';

export function documentProblemText(p: DocumentProblem, _doc?: ModelDocument): string {
  return t(p.text.key, p.text.values);
}

/** The codes of engine/src/core/document/load.ts's ModelError, with a sentence each. */
const MODEL_ERROR_KEYS: Record<string, string> = {
  'bad-json': 'errors.badJson',
  'not-a-model': 'errors.notAModel',
  'bad-version': 'errors.badVersion',
  'newer-version': 'errors.newerVersion',
  'document-invalid': 'errors.documentInvalid',
};

/** Why a file could not be opened, from the engine's error (code + English message). */
export function modelErrorText(e: { code?: string; message: string; diagnostics?: readonly unknown[] }): string {
  const key = e.code ? MODEL_ERROR_KEYS[e.code] : undefined;
  if (language() === 'en' || !key) return e.message;
  return t(key, { count: e.diagnostics?.length ?? 0 });
}

/** Why zod refused a value (a training setting), in the UI's language; zod's English when the catalog has no words for it. */
export function zodIssueText(issue: z.core.$ZodIssue): string {
  if (language() === 'en') return issue.message;
  const p = issueParams(issue);
  const key = (p.issue === 'too_small' || p.issue === 'too_big') && p.inclusive === 0 ? `${p.issue}_exclusive` : String(p.issue);
  if (!i18n.exists(`diag:issue.${key}`)) return issue.message;
  const expected = typeof p.expected === 'string' && i18n.exists(`diag:expected.${p.expected}`) ? t(`diag:expected.${p.expected}`) : p.expected;
  return t(`diag:issue.${key}`, { ...p, expected });
}
