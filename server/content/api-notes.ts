import * as fs from 'node:fs';
import * as path from 'node:path';
import { ALL_LANGUAGES, type LanguageId } from '../engine/languages';

/**
 * Short notes on FFI APIs that carry a hazard, shown when the cursor rests on one (`content/apis.md`).
 * Each entry is a `## ` section:
 *
 *     ## ctypes `restype`
 *
 *     - Names: `.restype`
 *     - Languages: python
 *     - Questions: 7, 14
 *
 *     Two to four sentences.
 *
 * Names use the spellings of `ApiMention.keys` (server/analysis/api-at-position.ts).
 */
export interface ApiNote {
  /** The section heading: what the hover is titled. */
  title: string;
  names: string[];
  languages: LanguageId[];
  questions: number[];
  /** The note in markdown: a single paragraph. */
  note: string;
}

export const API_NOTES_FILE = 'apis.md';

function listField(body: string, field: string, where: string): string[] {
  const line = new RegExp(`^- ${field}:(.*)$`, 'm').exec(body);
  if (!line) throw new Error(`${where}: missing "- ${field}:"`);
  const values = line[1]
    .split(',')
    .map((value) => value.trim().replace(/^`(.*)`$/, '$1'))
    .filter(Boolean);
  if (values.length === 0) throw new Error(`${where}: "- ${field}:" is empty`);
  return values;
}

/** Parses and checks `content/apis.md`; throws on the first malformed entry. */
export function parseApiNotes(file: string, markdown: string): ApiNote[] {
  const body = markdown.replace(/^---\n[\s\S]*?\n---\n/, '');
  const sections = body.split(/^## /m).slice(1);
  return sections.map((section) => {
    const newline = section.indexOf('\n');
    const title = section.slice(0, newline).trim();
    const rest = section.slice(newline + 1).trim();
    const where = `${file}: "## ${title}"`;
    const names = listField(rest, 'Names', where);
    const languages = listField(rest, 'Languages', where).map((language) => {
      if (!(ALL_LANGUAGES as readonly string[]).includes(language)) throw new Error(`${where}: unknown language "${language}"`);
      return language as LanguageId;
    });
    const questions = listField(rest, 'Questions', where).map((question) => {
      const number = Number(question.replace(/^Q/, ''));
      if (!Number.isInteger(number) || number < 1) throw new Error(`${where}: "${question}" is not a question number`);
      return number;
    });
    const note = rest
      .split('\n')
      .filter((line) => !/^- (Names|Languages|Questions):/.test(line))
      .join('\n')
      .trim();
    if (!note) throw new Error(`${where}: no note`);
    if (/\n\s*\n/.test(note)) throw new Error(`${where}: the note must be a single paragraph`);
    return { title, names, languages, questions, note: note.replace(/\s*\n\s*/g, ' ') };
  });
}

/** The notes, found by language and the keys of what the cursor rests on. */
export class ApiNotes {
  private readonly byKey = new Map<string, ApiNote>();

  constructor(readonly notes: readonly ApiNote[]) {
    for (const note of notes) {
      for (const language of note.languages) {
        for (const name of note.names) {
          const key = `${language} ${name}`;
          if (this.byKey.has(key)) throw new Error(`two API notes for ${name} in ${language}: "${this.byKey.get(key)?.title}" and "${note.title}"`);
          this.byKey.set(key, note);
        }
      }
    }
  }

  /**
   * Loads `apis.md` from a content root; no notes when the file is absent. A malformed file throws,
   * unless `report` is given: then it is reported and there are no notes (hovers still show findings).
   */
  static load(contentRoot: string, report?: (message: string) => void): ApiNotes {
    const file = path.join(contentRoot, API_NOTES_FILE);
    try {
      return new ApiNotes(fs.existsSync(file) ? parseApiNotes(file, fs.readFileSync(file, 'utf8')) : []);
    } catch (error) {
      if (!report) throw error;
      report(`API notes not loaded: ${(error as Error).message}`);
      return new ApiNotes([]);
    }
  }

  /** The note filed under the first of `keys` that has one. */
  find(language: LanguageId, keys: readonly string[]): ApiNote | undefined {
    for (const key of keys) {
      const note = this.byKey.get(`${language} ${key}`);
      if (note) return note;
    }
    return undefined;
  }
}
