import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The knowledge base in `content/`: a page per seed question (`questions/Q7.md`) and a page per
 * rule (`rules/<surface>/<name>.md`). Each page is markdown with a `title:` front matter and `## `
 * sections; the `Summary` section is what hovers, the CLI and SARIF show.
 */
export interface Page {
  title: string;
  file: string;
  /** Section heading → its markdown body (trimmed). */
  sections: ReadonlyMap<string, string>;
  markdown: string;
}

export const QUESTION_SECTIONS = ['Summary', 'Explanation', 'What to do', 'Example'] as const;
export const RULE_SECTIONS = ['Summary', 'What it finds', 'Why it is a hazard', 'Example', 'Use instead', 'Known blind spots'] as const;

export function parsePage(file: string, markdown: string): Page {
  const front = /^---\n([\s\S]*?)\n---\n/.exec(markdown);
  const title = front ? /^title:\s*(.+)$/m.exec(front[1])?.[1].trim() : undefined;
  if (!title) throw new Error(`${file}: missing "title:" front matter`);
  const sections = new Map<string, string>();
  const body = markdown.slice(front ? front[0].length : 0);
  const headings = [...body.matchAll(/^## (.+)$/gm)];
  headings.forEach((heading, index) => {
    const start = (heading.index ?? 0) + heading[0].length;
    const end = index + 1 < headings.length ? headings[index + 1].index : body.length;
    sections.set(heading[1].trim(), body.slice(start, end).trim());
  });
  return { title, file, sections, markdown };
}

export class KnowledgeBase {
  private readonly cache = new Map<string, Page | undefined>();

  constructor(readonly root: string) {}

  questionFile(question: number): string {
    return path.join(this.root, 'questions', `Q${question}.md`);
  }

  ruleFile(ruleId: string): string {
    return path.join(this.root, 'rules', ...ruleId.split('/')) + '.md';
  }

  question(question: number): Page | undefined {
    return this.load(this.questionFile(question));
  }

  rule(ruleId: string): Page | undefined {
    return this.load(this.ruleFile(ruleId));
  }

  /** Numbers of the questions that have a page. */
  questions(): number[] {
    const directory = path.join(this.root, 'questions');
    if (!fs.existsSync(directory)) return [];
    return fs
      .readdirSync(directory)
      .map((name) => /^Q(\d+)\.md$/.exec(name)?.[1])
      .filter((n): n is string => n !== undefined)
      .map(Number)
      .sort((a, b) => a - b);
  }

  private load(file: string): Page | undefined {
    if (!this.cache.has(file)) {
      this.cache.set(file, fs.existsSync(file) ? parsePage(file, fs.readFileSync(file, 'utf8')) : undefined);
    }
    return this.cache.get(file);
  }
}

/** The `content/` folder of this installation (the repository, or the unpacked extension). */
export function defaultContentRoot(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'content');
    if (fs.existsSync(path.join(candidate, 'questions'))) return candidate;
    if (path.dirname(dir) === dir) return path.resolve(__dirname, '../../../content');
  }
}
