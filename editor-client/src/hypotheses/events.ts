/** Reads what smart-debug sends about a bug: the custom DAP events `smartDebug/ready`,
 * `smartDebug/hypotheses`, `smartDebug/suggestions`, `smartDebug/evidence` (bodies carry
 * `version: 1`), the language server's hypotheses notification and `localize --json`.
 * The one place that knows those shapes; everything else gets these typed values. */

export const EVENT_VERSION = 1;

export interface CodeLocation {
  file: string; // absolute, or relative to the session's cwd / workspace folder
  line: number; // 1-based
  function?: string;
}

export interface Hypothesis {
  id: string;
  statement: string;
  probability: number; // percent, 0-100 (as the hypotheses engine keeps it)
  status: string; // open | supported | refuted | confirmed | inconclusive
  category: string;
  locations: CodeLocation[];
}

export type SuggestionKind = 'breakpoint' | 'logpoint' | 'conditional' | 'hit_count' | 'snapshot';

/** A suggested probe: from localize and triage (`suggestions`), or a probe the live session placed
 * or offers (`smartDebug/suggestions` lists them as `probes`, with an id and a status). */
export interface Suggestion {
  id?: string;
  status?: string; // injected | offered | spent | removed | refused
  file: string;
  line: number;
  kind: SuggestionKind;
  condition?: string;
  logMessage?: string;
  hitCondition?: string;
  reason: string;
  hypothesis?: string;
  score: number;
}

export interface Evidence {
  kind: 'stop' | 'probe' | 'failure' | 'pathMappings';
  summary: string;
}

export type SmartDebugEvent =
  | { type: 'ready'; mode: string; threads: number }
  | { type: 'hypotheses'; hypotheses: Hypothesis[]; other: number }
  | { type: 'suggestions'; suggestions: Suggestion[] }
  | { type: 'evidence'; evidence: Evidence };

export interface LocalizeReport {
  hypotheses: Hypothesis[];
  other: number;
  suggestions: Suggestion[];
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

type Json = Record<string, unknown>;

class ShapeError extends Error {}

function fail(what: string): never {
  throw new ShapeError(what);
}

function object(value: unknown, what: string): Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Json)
    : fail(`${what} is not an object`);
}

function list(value: unknown, what: string): unknown[] {
  return Array.isArray(value) ? value : fail(`${what} is not a list`);
}

function text(body: Json, key: string, what: string): string {
  const value = body[key];
  return typeof value === 'string' ? value : fail(`${what}.${key} is not a string`);
}

function optionalText(body: Json, key: string, what: string): string | undefined {
  return body[key] === undefined || body[key] === null ? undefined : text(body, key, what);
}

function number(body: Json, key: string, what: string): number {
  const value = body[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : fail(`${what}.${key} is not a number`);
}

function line(body: Json, what: string): number {
  const value = number(body, 'line', what);
  return Number.isInteger(value) && value >= 1 ? value : fail(`${what}.line is not a 1-based line`);
}

function location(value: unknown, what: string): CodeLocation {
  const body = object(value, what);
  return {
    file: text(body, 'file', what),
    line: line(body, what),
    function: optionalText(body, 'function', what),
  };
}

function percent(body: Json, key: string, what: string): number {
  const value = number(body, key, what);
  return value >= 0 && value <= 100 ? value : fail(`${what}.${key} is not a percentage`);
}

function hypothesis(value: unknown, what: string): Hypothesis {
  const body = object(value, what);
  return {
    id: text(body, 'id', what),
    statement: text(body, 'statement', what),
    probability: percent(body, 'probability', what),
    status: optionalText(body, 'status', what) ?? 'open',
    category: optionalText(body, 'category', what) ?? '',
    locations: list(body.locations ?? [], `${what}.locations`).map((item, i) =>
      location(item, `${what}.locations[${i}]`),
    ),
  };
}

const KINDS: readonly string[] = ['breakpoint', 'logpoint', 'conditional', 'hit_count', 'snapshot'];

function suggestion(value: unknown, what: string): Suggestion {
  const body = object(value, what);
  const kind = text(body, 'kind', what);
  if (!KINDS.includes(kind)) fail(`${what}.kind ${JSON.stringify(kind)} is not one of ${KINDS.join(', ')}`);
  return {
    id: optionalText(body, 'id', what),
    status: optionalText(body, 'status', what),
    file: text(body, 'file', what),
    line: line(body, what),
    kind: kind as SuggestionKind,
    condition: optionalText(body, 'condition', what),
    logMessage: optionalText(body, 'log_message', what),
    hitCondition: optionalText(body, 'hit_condition', what),
    reason: optionalText(body, 'reason', what) ?? '',
    hypothesis: optionalText(body, 'hypothesis', what),
    score: body.score === undefined ? 0 : number(body, 'score', what),
  };
}

const EVIDENCE_KINDS: readonly string[] = ['stop', 'probe', 'failure', 'pathMappings'];

function place(file: unknown, line: unknown): string {
  return typeof file === 'string' && typeof line === 'number' ? `${file}:${line}` : '';
}

function pairs(values: unknown): string {
  if (typeof values !== 'object' || values === null) return '';
  return Object.entries(values as Json)
    .map(([key, value]) => `${key}=${String(value)}`)
    .join(', ');
}

/** One line a person reads for each kind of evidence body. */
function evidenceSummary(kind: string, body: Json): string {
  if (typeof body.summary === 'string') return body.summary;
  switch (kind) {
    case 'stop': {
      const frames = Array.isArray(body.frames) ? (body.frames as Json[]) : [];
      const top = frames[0] ?? {};
      const where = place(top.file, top.line);
      const fn = typeof top.name === 'string' ? ` in ${top.name}` : '';
      const reason = typeof body.reason === 'string' ? ` (${body.reason})` : '';
      return `stopped${reason}${where ? ` at ${where}${fn}` : ''}`;
    }
    case 'probe': {
      const probe = typeof body.probe === 'string' ? `${body.probe} ` : '';
      const hit = typeof body.hit === 'number' ? ` hit ${body.hit}` : '';
      const seen = typeof body.error === 'string' ? `error: ${body.error}` : pairs(body.values) || 'reached';
      return `${probe}${place(body.file, body.line)}${hit}: ${seen}`;
    }
    case 'failure': {
      const said = [body.signature, body.text].find((value) => typeof value === 'string' && value);
      return `the program failed: ${String(said ?? 'no detail').split('\n')[0]}`;
    }
    default: {
      const mappings = Array.isArray(body.path_mappings) ? (body.path_mappings as Json[]) : [];
      const text = mappings.map((m) => `${String(m.localRoot)} <- ${String(m.remoteRoot)}`).join(', ');
      return `inferred pathMappings: ${text || 'none'}`;
    }
  }
}

function evidence(body: Json): Evidence {
  const kind = text(body, 'kind', 'evidence');
  if (!EVIDENCE_KINDS.includes(kind)) fail(`evidence.kind ${JSON.stringify(kind)} is unknown`);
  return { kind: kind as Evidence['kind'], summary: evidenceSummary(kind, body) };
}

function hypothesesOf(body: Json, otherKey: string): { hypotheses: Hypothesis[]; other: number } {
  const hypotheses = list(body.hypotheses, 'hypotheses').map((item, i) =>
    hypothesis(item, `hypotheses[${i}]`),
  );
  hypotheses.sort((a, b) => b.probability - a.probability);
  return { hypotheses, other: body[otherKey] === undefined ? 0 : percent(body, otherKey, 'body') };
}

function parsing<T>(read: () => T): Parsed<T> {
  try {
    return { ok: true, value: read() };
  } catch (error) {
    if (error instanceof ShapeError) return { ok: false, error: error.message };
    throw error;
  }
}

/** A custom DAP event's body, or undefined when the event is not one of ours. */
export function parseCustomEvent(event: string, body: unknown): Parsed<SmartDebugEvent> | undefined {
  if (!event.startsWith('smartDebug/')) return undefined;
  return parsing((): SmartDebugEvent => {
    const json = object(body, `${event} body`);
    if (event === 'smartDebug/ready') {
      return { type: 'ready', mode: text(json, 'mode', 'ready'), threads: number(json, 'threads', 'ready') };
    }
    if (json.version !== EVENT_VERSION)
      fail(`${event}: version ${String(json.version)} is not ${EVENT_VERSION}`);
    switch (event) {
      case 'smartDebug/hypotheses':
        return { type: 'hypotheses', ...hypothesesOf(json, 'other') };
      case 'smartDebug/suggestions': {
        // The live session lists its probes; `suggestions` is the localize/triage spelling.
        const key = json.probes !== undefined ? 'probes' : 'suggestions';
        return {
          type: 'suggestions',
          suggestions: list(json[key], key).map((item, i) => suggestion(item, `${key}[${i}]`)),
        };
      }
      case 'smartDebug/evidence':
        return { type: 'evidence', evidence: evidence(json) };
      default:
        return fail(`${event} is not an event this extension knows`);
    }
  });
}

/** `smart-debug localize --json` output (DESIGN.md, contracts). */
export function parseLocalizeReport(output: string): Parsed<LocalizeReport> {
  return parsing(() => {
    let json: unknown;
    try {
      json = JSON.parse(output);
    } catch {
      fail('localize did not print JSON');
    }
    const body = object(json, 'localize report');
    return {
      ...hypothesesOf(body, 'other_probability'),
      suggestions: list(body.suggestions, 'suggestions').map((item, i) =>
        suggestion(item, `suggestions[${i}]`),
      ),
    };
  });
}
