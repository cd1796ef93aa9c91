import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { API_NOTES_FILE, parseApiNotes, type ApiNote } from '../server/content/api-notes';
import { KnowledgeBase, parsePage, QUESTION_SECTIONS, RULE_SECTIONS, type Page } from '../server/content/knowledge-base';
import { ALL_RULES } from '../server/rules';
import { REPO_ROOT } from './support/paths';

const knowledge = new KnowledgeBase(path.join(REPO_ROOT, 'content'));
const SEED = path.join(REPO_ROOT, '..', 'shared', 'seeds', 'ffi-interview-questions.txt');
const LONGEST_SHARED_RUN = 10;

function words(text: string): string[] {
  return text.toLowerCase().match(/[a-z0-9_]+/g) ?? [];
}

function runs(list: string[], length: number): Set<string> {
  const found = new Set<string>();
  for (let i = 0; i + length <= list.length; i++) found.add(list.slice(i, i + length).join(' '));
  return found;
}

function assertSections(page: Page, required: readonly string[]): void {
  const body = page.markdown.replace(/^---\n[\s\S]*?\n---\n/, '');
  assert.ok(body.startsWith('# ') && body.split('\n')[0].includes(page.title), `${page.file}: must open with "# …${page.title}"`);
  for (const heading of required) {
    assert.ok(page.sections.get(heading), `${page.file}: missing or empty "## ${heading}"`);
  }
}

function assertLinksResolve(page: Page): void {
  for (const [, target] of page.markdown.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)) {
    if (/^[a-z]+:/.test(target)) continue;
    assert.ok(fs.existsSync(path.resolve(path.dirname(page.file), target)), `${page.file}: broken link ${target}`);
  }
}

const citedQuestions = [...new Set(ALL_RULES.flatMap((rule) => rule.questions))].sort((a, b) => a - b);

describe('content: every rule has its page', () => {
  for (const rule of ALL_RULES) {
    test(rule.id, () => {
      const page = knowledge.rule(rule.id);
      assert.ok(page, `missing ${path.relative(REPO_ROOT, knowledge.ruleFile(rule.id))}`);
      assertSections(page, RULE_SECTIONS);
      assertLinksResolve(page);
      const summary = page.sections.get('Summary') ?? '';
      assert.ok(summary.length <= 600, `${rule.id}: the Summary feeds the hover; keep it under 600 characters`);
    });
  }
});

describe('content: every question a rule cites has its page', () => {
  for (const question of citedQuestions) {
    test(`Q${question}`, () => {
      const page = knowledge.question(question);
      assert.ok(page, `missing ${path.relative(REPO_ROOT, knowledge.questionFile(question))}`);
      assertSections(page, QUESTION_SECTIONS);
      assertLinksResolve(page);
    });
  }
});

describe('content: pages are in the project\'s own words', () => {
  const seedRuns = fs.existsSync(SEED) ? runs(words(fs.readFileSync(SEED, 'utf8')), LONGEST_SHARED_RUN + 1) : undefined;
  const apiFile = path.join(REPO_ROOT, 'content', API_NOTES_FILE);
  const pages = [
    ...knowledge.questions().map((q) => knowledge.question(q)),
    ...ALL_RULES.map((rule) => knowledge.rule(rule.id)),
    parsePage(apiFile, fs.readFileSync(apiFile, 'utf8')),
  ].filter((page): page is Page => page !== undefined);
  for (const page of pages) {
    test(path.relative(REPO_ROOT, page.file), () => {
      assert.ok(seedRuns, `the seed questions are expected beside the repository, at ${SEED}`);
      const copied = [...runs(words(page.markdown), LONGEST_SHARED_RUN + 1)].filter((run) => seedRuns.has(run));
      assert.deepEqual(copied, [], `repeats more than ${LONGEST_SHARED_RUN} consecutive words of the seed`);
    });
  }
});

/** Sentences of a note, not counting full stops inside code spans (`0.5`, `Box::into_raw`). */
function sentenceCount(note: string): number {
  return (note.replace(/`[^`]*`/g, 'x').match(/[.!?](?=\s|$)/g) ?? []).length;
}

describe('content: API notes (content/apis.md) are well formed', () => {
  const file = path.join(REPO_ROOT, 'content', API_NOTES_FILE);
  let notes: ApiNote[] = [];
  test('the file parses', () => {
    notes = parseApiNotes(file, fs.readFileSync(file, 'utf8'));
    assert.ok(notes.length >= 40, `only ${notes.length} notes`);
    const titles = notes.map((note) => note.title);
    assert.deepEqual(titles, [...new Set(titles)], 'two notes with the same title');
  });
  test('every note: its questions have pages, two to four sentences, short enough for a hover', () => {
    for (const note of notes) {
      for (const question of note.questions) {
        assert.ok(knowledge.question(question), `"${note.title}" cites Q${question}, which has no page`);
      }
      const sentences = sentenceCount(note.note);
      assert.ok(sentences >= 2 && sentences <= 4, `"${note.title}": ${sentences} sentences, expected 2 to 4`);
      assert.ok(note.note.length <= 600, `"${note.title}": ${note.note.length} characters; keep a hover note under 600`);
      for (const name of note.names) {
        assert.match(name, /^(?:[.:]{0,2}[A-Za-z_][\w]*(?:(?:\.|::)[A-Za-z_]\w*)?|\/\/export|extern "C"|#\[[^\]]+\])$/, `"${note.title}": unexpected name spelling ${name}`);
      }
    }
  });
});
