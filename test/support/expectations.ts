/**
 * Inline expectations in fixture sources. A comment `expect: rule-id[, rule-id…]` says those
 * rules must fire on its line, or, when the comment stands alone on its line, on the nearest line
 * of code above it. `todo-expect:` marks a known miss: the rule must not fire there yet.
 */
export interface Expectation {
  line: number; // 0-based
  ruleId: string;
  todo: boolean;
}

const MARKER = /(?:#|\/\/|\/\*)\s*(todo-expect|expect):\s*([a-z0-9/,\s-]+?)\s*(?:\*\/|$)/;

/** A comment opening a line: `#` in Python, but not a C preprocessor directive (`#include <nan.h>`). */
const COMMENT_START = /^(#(?!\s*(?:include|import|define|undef|if|ifdef|ifndef|elif|else|endif|pragma|error)\b)|\/\/|\/\*)/;

export function readExpectations(source: string): Expectation[] {
  const lines = source.split('\n');
  const expectations: Expectation[] = [];
  let lastCodeLine = -1;
  lines.forEach((text, index) => {
    const match = MARKER.exec(text);
    const before = match ? text.slice(0, match.index).trim() : text.trim();
    const commentOnly = before === '' || COMMENT_START.test(before);
    if (match) {
      const line = commentOnly ? lastCodeLine : index;
      for (const ruleId of match[2].split(/[,\s]+/).filter(Boolean)) {
        expectations.push({ line, ruleId, todo: match[1] === 'todo-expect' });
      }
    }
    if (!commentOnly) lastCodeLine = index;
  });
  return expectations;
}
