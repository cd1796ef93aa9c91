import * as fs from 'node:fs';
import * as path from 'node:path';
import { defaultContentRoot, KnowledgeBase } from '../content/knowledge-base';
import { ALL_COLLECTORS } from '../collectors';
import { projectFileNames } from '../engine/workspace';
import { indexWorkspace, SiblingLanguages, type FileReport } from '../engine/file-analysis';
import { isRuleSetting, DEFAULT_SETTINGS, type EngineSettings, type RuleSetting } from '../engine/settings';
import { parseProjectConfig, PROJECT_CONFIG_FILE, ProjectConfigs, withProjectRules, type ProjectConfig } from '../engine/project-config';
import { ALL_RULES, findRule } from '../rules';
import { formatText } from './formats/text';
import { toJsonFindings } from './formats/json';
import { toSarif } from './formats/sarif';
import { scanFiles } from './scan-pool';
import { productVersion } from '../version';
import { collectFiles } from './walk';

export const EXIT_CLEAN = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE_OR_IO = 2;

const USAGE = `Usage:
  ffi-lens scan [paths...] [options]   find FFI hazards (default path: .)
  ffi-lens rules [--format text|json]  list the rules

Scan options:
  --format text|json|sarif   output format (default: text)
  --rule <id>=<level>        set a rule's level: off, error, warning, info, hint (repeatable;
                             overrides ${PROJECT_CONFIG_FILE})
  --config <file>            use this config file for every scanned file
  --no-config                do not look for ${PROJECT_CONFIG_FILE} files
  --report-unused-directives report suppression comments that suppress nothing; with it,
                             any suppression-comment problem also makes the exit status 1
  --jobs <n>                 worker threads (default: one per core)
  --max-file-bytes <n>       skip larger files (default: ${DEFAULT_SETTINGS.maxFileBytes})

Project configuration: each file is governed by the nearest ${PROJECT_CONFIG_FILE} in its
directory or above, e.g.
  { "rules": { "jni/cached-env": "off" }, "ignore": ["third_party/", "*.pb.c"] }
"ignore" takes .gitignore-style patterns relative to the config's directory. An invalid
config stops the scan (exit 2) with a message naming the file.

Suppression comments, in the file's own comment syntax (# in Python, // elsewhere):
  // ffi-lens-disable-next-line <rule-id>[, <rule-id>...]   on the line before
  call();  // ffi-lens-disable-line <rule-id>              at the end of the line
  // ffi-lens-disable-file [<rule-id>...]                 the whole file
Without ids a directive covers every rule; write a reason after " -- ". An unknown
rule id in a directive is reported on stderr (as path:line:col: warning: ...).

Exit status: 0 no findings at warning or above, 1 findings, 2 usage or I/O error
or an invalid config.
`;

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  cwd: string;
}

class UsageError extends Error {}

interface ScanArguments {
  paths: string[];
  format: 'text' | 'json' | 'sarif';
  rules: Record<string, RuleSetting>;
  jobs?: number;
  maxFileBytes: number;
  /** `--config`: one config for every file; `false` for `--no-config`; undefined: look up per file. */
  config?: string | false;
  reportUnusedDirectives: boolean;
}

function parseScanArguments(args: string[]): ScanArguments {
  const parsed: ScanArguments = { paths: [], format: 'text', rules: {}, maxFileBytes: DEFAULT_SETTINGS.maxFileBytes, reportUnusedDirectives: false };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const [flag, inlineValue] = arg.startsWith('--') && arg.includes('=') && !arg.startsWith('--rule=') ? arg.split(/=(.*)/s) : [arg, undefined];
    const value = (): string => {
      const v = inlineValue ?? args[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--format': {
        const format = value();
        if (format !== 'text' && format !== 'json' && format !== 'sarif') throw new UsageError(`unknown format "${format}"`);
        parsed.format = format;
        break;
      }
      case '--rule':
      case '--rule=': {
        const setting = arg.startsWith('--rule=') ? arg.slice('--rule='.length) : value();
        const [id, level] = setting.split('=');
        if (!findRule(id)) throw new UsageError(`unknown rule "${id}" (see: ffi-lens rules)`);
        if (!isRuleSetting(level)) throw new UsageError(`--rule ${id}=${level}: level must be off, error, warning, info or hint`);
        parsed.rules[id] = level;
        break;
      }
      case '--config':
        parsed.config = value();
        break;
      case '--no-config':
        parsed.config = false;
        break;
      case '--report-unused-directives':
        parsed.reportUnusedDirectives = true;
        break;
      case '--jobs': {
        const jobs = Number(value());
        if (!Number.isInteger(jobs) || jobs < 1) throw new UsageError('--jobs needs a positive integer');
        parsed.jobs = jobs;
        break;
      }
      case '--max-file-bytes': {
        const bytes = Number(value());
        if (!Number.isInteger(bytes) || bytes < 1) throw new UsageError('--max-file-bytes needs a positive integer');
        parsed.maxFileBytes = bytes;
        break;
      }
      default:
        if (arg.startsWith('-') && arg !== '-') throw new UsageError(`unknown option ${arg}`);
        parsed.paths.push(arg);
    }
  }
  if (parsed.paths.length === 0) parsed.paths.push('.');
  return parsed;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

function summarize(reports: readonly FileReport[], seconds: number): string {
  const findings = reports.flatMap((report) => report.findings);
  const bySeverity = (severity: string) => findings.filter((f) => f.severity === severity).length;
  const filesWithFindings = reports.filter((report) => report.findings.length > 0).length;
  const parsed = reports.filter((report) => report.parsed).length;
  const counts = [plural(bySeverity('error'), 'error'), plural(bySeverity('warning'), 'warning'), `${bySeverity('info') + bySeverity('hint')} info`];
  const scanned = `${plural(reports.length, 'file')} scanned (${parsed} parsed) in ${seconds.toFixed(2)} s`;
  return findings.length === 0
    ? `No FFI hazards found. ${scanned}.\n`
    : `${plural(findings.length, 'problem')} (${counts.join(', ')}) in ${plural(filesWithFindings, 'file')}. ${scanned}.\n`;
}

async function scan(args: string[], io: CliIo, version: string): Promise<number> {
  const options = parseScanArguments(args);
  const started = process.hrtime.bigint();
  const settings: EngineSettings = {
    ...DEFAULT_SETTINGS,
    rules: options.rules,
    maxFileBytes: options.maxFileBytes,
    reportUnusedDirectives: options.reportUnusedDirectives,
  };
  const walked = collectFiles(options.paths, io.cwd, projectFileNames(ALL_COLLECTORS));
  const { errors, onlyDirectories } = walked;
  for (const error of errors) io.stderr(`ffi-lens: ${error}\n`);
  const configFor = projectConfigLookup(options.config, io.cwd);
  const explicit = new Set(options.paths.map((given) => path.resolve(io.cwd, given)));
  const shown = (file: string) => path.relative(io.cwd, file) || file;
  const kept = (file: string) => {
    const config = configFor(file);
    if (!config?.ignore.ignores(file)) return true;
    if (explicit.has(file)) io.stderr(`ffi-lens: ${shown(file)}: skipped: ignored by ${shown(config.file)}\n`);
    return false;
  };
  const files = walked.files.filter(kept);
  const projectFiles = walked.projectFiles.filter(kept);
  const invalid = [...new Set([...files, ...projectFiles].map(configFor))].filter((config) => config && config.problems.length > 0);
  for (const config of invalid) for (const problem of config!.problems) io.stderr(`ffi-lens: ${shown(config!.file)}: ${problem}\n`);
  if (invalid.length > 0) return EXIT_USAGE_OR_IO;
  // Cross-file rules judge absence only over whole directory trees, never over a pick of files.
  const workspace = indexWorkspace(files, ALL_COLLECTORS, settings, new SiblingLanguages(), onlyDirectories, projectFiles);
  const reports = await scanFiles(files, {
    settings,
    settingsFor: (file) => withProjectRules(settings, configFor(file)),
    jobs: options.jobs,
    workspace,
    log: (message) => io.stderr(`ffi-lens: ${message}\n`),
  });
  let ioFailed = errors.length > 0;
  for (const report of reports) {
    if (report.error) {
      ioFailed = true;
      io.stderr(`ffi-lens: ${shown(report.file)}: ${report.error}\n`);
    }
    for (const notice of report.notices) io.stderr(`ffi-lens: ${shown(report.file)}: ${notice}\n`);
    for (const problem of report.directiveProblems ?? []) {
      const { line, column } = problem.range.start;
      io.stderr(`ffi-lens: ${shown(report.file)}:${line + 1}:${column + 1}: warning: ${problem.message}\n`);
    }
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (options.format === 'json') io.stdout(`${JSON.stringify(toJsonFindings(reports, io.cwd), null, 2)}\n`);
  else if (options.format === 'sarif') {
    const knowledge = new KnowledgeBase(defaultContentRoot());
    io.stdout(`${JSON.stringify(toSarif(reports, ALL_RULES, knowledge, io.cwd, version), null, 2)}\n`);
  } else io.stdout(formatText(reports, io.cwd) + summarize(reports, seconds));
  if (ioFailed) return EXIT_USAGE_OR_IO;
  const serious = reports.some((report) => report.findings.some((f) => f.severity === 'error' || f.severity === 'warning'));
  const badDirectives = options.reportUnusedDirectives && reports.some((report) => (report.directiveProblems ?? []).length > 0);
  return serious || badDirectives ? EXIT_FINDINGS : EXIT_CLEAN;
}

/** Which config governs a file: the one `--config` names, none (`--no-config`), or the nearest. */
function projectConfigLookup(option: string | false | undefined, cwd: string): (file: string) => ProjectConfig | undefined {
  const known = new Set(ALL_RULES.map((rule) => rule.id));
  if (option === false) return () => undefined;
  if (option === undefined) {
    const configs = new ProjectConfigs(known);
    return (file) => configs.forFile(file);
  }
  const file = path.resolve(cwd, option);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`--config ${option}: ${(error as Error).message}`);
  }
  const config = parseProjectConfig(text, file, known);
  return () => config;
}

function listRules(args: string[], io: CliIo): number {
  const format = args[0] === '--format' ? args[1] : args[0]?.startsWith('--format=') ? args[0].slice(9) : args.length ? '?' : 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError('rules takes only --format text|json');
  const listed = ALL_RULES.map((rule) => ({
    id: rule.id,
    languages: [...rule.languages],
    severity: rule.severity,
    questions: [...rule.questions],
    fixable: rule.fixable,
    description: rule.description,
  }));
  if (format === 'json') io.stdout(`${JSON.stringify(listed, null, 2)}\n`);
  else {
    for (const rule of listed) {
      io.stdout(`${rule.id}  ${rule.severity}  [${rule.languages.join(', ')}]  ${rule.questions.map((q) => `Q${q}`).join(', ')}${rule.fixable ? '  fixable' : ''}\n    ${rule.description}\n`);
    }
  }
  return EXIT_CLEAN;
}

/** Runs the CLI and returns its exit status; never calls process.exit itself. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const version = productVersion();
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'scan':
        return await scan(rest, io, version);
      case 'rules':
        return listRules(rest, io);
      case '--version':
      case '-v':
        io.stdout(`${version}\n`);
        return EXIT_CLEAN;
      case '--help':
      case '-h':
      case 'help':
        io.stdout(USAGE);
        return EXIT_CLEAN;
      default:
        throw new UsageError(command ? `unknown command "${command}"` : 'no command given');
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`ffi-lens: ${error.message}\n\n${USAGE}`);
      return EXIT_USAGE_OR_IO;
    }
    io.stderr(`ffi-lens: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return EXIT_USAGE_OR_IO;
  }
}
