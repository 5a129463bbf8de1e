import type { z } from 'zod';
import type { DiagnosticParams } from '../diagnostics';

/**
 * What a translation needs to say why a parameter was refused, from zod's issue: the parameter's
 * path, the issue's kind (`issue`: too_small, too_big, invalid_type, invalid_value, …) and its bound
 * or expected values. zod's own English message stays in Diagnostic.message.
 */
export function issueParams(issue: z.core.$ZodIssue): DiagnosticParams {
  const out: DiagnosticParams = { issue: issue.code };
  if (issue.path.length) out.param = issue.path.map(String).join('.');
  switch (issue.code) {
    case 'too_small':
      out.minimum = Number(issue.minimum);
      out.inclusive = issue.inclusive === false ? 0 : 1;
      break;
    case 'too_big':
      out.maximum = Number(issue.maximum);
      out.inclusive = issue.inclusive === false ? 0 : 1;
      break;
    case 'invalid_type':
      out.expected = String(issue.expected);
      break;
    case 'invalid_value':
      out.values = issue.values.map(String).join(', ');
      break;
  }
  return out;
}
