/**
 * Public addresses of the knowledge base, computed from rule ids and question numbers (never
 * typed by hand). The editor links to the installed copy instead (see the language server).
 */
export const CONTENT_BASE_URL = 'https://github.com/ffi-lens/ffi-lens/blob/main/content';

export function ruleUrl(ruleId: string): string {
  return `${CONTENT_BASE_URL}/rules/${ruleId}.md`;
}

export function questionUrl(question: number): string {
  return `${CONTENT_BASE_URL}/questions/Q${question}.md`;
}
