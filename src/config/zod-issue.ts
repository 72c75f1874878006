/** The key path a zod issue is about; for an unknown key, the path of that key itself. */
import type { ZodError } from 'zod';

type Issue = ZodError['issues'][number];

export function issueKeyPath(issue: Issue, root = '(root)'): string {
  const keys = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]] : issue.path;
  return keys.map(String).join('.') || root;
}

/** "unknown key" instead of zod's wording, so the message reads the same for config and plans. */
export function issueSummary(issue: Issue): string {
  return issue.code === 'unrecognized_keys' ? `unknown key${issue.keys.length > 1 ? ` (also: ${issue.keys.slice(1).join(', ')})` : ''}` : issue.message;
}
