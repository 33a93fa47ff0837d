import { requireAchievement } from './achievements.ts';
import { type BatchRecipientInput, createBatch, MAX_BATCH_RECIPIENTS } from './batches.ts';
import { ServiceError } from './errors.ts';
import { ID_RULE, isId } from './ids.ts';
import { requireIssuer } from './issuers.ts';
import type { BatchJobRecord } from './ports/repositories.ts';
import type { ServiceContext } from './ports/service-context.ts';
import { type Principal, requireIssuerScope } from './principal.ts';

/**
 * The recipients CSV of a batch award, checked in full before anything is issued. One checker
 * serves the API's dry run (`POST /issuers/{issuerId}/batches/check`), the CSV award route and
 * the web console, so what the console shows is exactly what the API would refuse.
 *
 * The file: a header row naming an `email` and/or a `did` column (other columns are allowed
 * and ignored), then one recipient per row with exactly one of the two filled in. An optional
 * `learnerId` column puts the credential in that learner's account too. UTF-8, with
 * or without a byte-order mark; comma-separated, RFC 4180 quoting.
 *
 * A problem in a row is reported at that row (numbered as a spreadsheet shows it: the header
 * is row 1) and column; a problem with the file as a whole (its encoding, its header, its
 * size) refuses it with the reason, without row problems.
 */

/** One cell's or row's problem. `column` is the header's name, absent for the whole row. */
export interface CsvProblem {
  readonly row: number;
  readonly column?: string;
  readonly detail: string;
}

export interface CsvCheck {
  /** True when the file may be awarded as is. */
  readonly valid: boolean;
  /** Why the file is refused as a whole (encoding, header, size), when it is. */
  readonly refused?: string;
  /** Data rows read (blank lines are skipped). */
  readonly rows: number;
  readonly problems: readonly CsvProblem[];
  /** The recipients, in file order; empty unless `valid`. */
  readonly recipients: readonly BatchRecipientInput[];
}

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const DID = /^did:[a-z0-9]+:[A-Za-z0-9._:%-]*[A-Za-z0-9._%-]$/;
const RECIPIENT_COLUMNS = ['email', 'did', 'learnerid'] as const;

/**
 * A cell a spreadsheet would run as a formula (`=cmd|' /C calc'!A0`, `+1+1`, `@SUM(…)`):
 * a leading `=`, `+`, `-`, `@`, tab or carriage return, also after leading spaces.
 */
const FORMULA = /^(?:[\t\r]| *[=+\-@])/;

/** The byte-order marks of the encodings a spreadsheet saves instead of UTF-8. */
const FOREIGN_BOMS: readonly (readonly [readonly number[], string])[] = [
  [[0xff, 0xfe], 'UTF-16 (little-endian)'],
  [[0xfe, 0xff], 'UTF-16 (big-endian)'],
];

/** The character that makes a cell a formula, named so a tab or CR is visible. */
function leading(value: string): string {
  if (value[0] === '\t') return 'a tab';
  if (value[0] === '\r') return 'a carriage return';
  return `"${value.replace(/^ +/, '')[0]}"`;
}

function refuse(reason: string, rows = 0): CsvCheck {
  return { valid: false, refused: reason, rows, problems: [], recipients: [] };
}

/** The file as text, or why it is not UTF-8 text. */
function decode(bytes: Uint8Array): { text: string } | { refused: string } {
  for (const [mark, name] of FOREIGN_BOMS)
    if (mark.every((byte, i) => bytes[i] === byte))
      return { refused: `the file is ${name}, not UTF-8: save it as "CSV UTF-8"` };
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    // Say where, so the issuer can find the character their spreadsheet wrote as Latin-1.
    return {
      refused: `the file is not UTF-8 text (${firstBadByte(bytes)}): save it as "CSV UTF-8"`,
    };
  }
  if (text.includes('\u0000')) return { refused: 'the file holds NUL bytes: it is not a CSV' };
  return { text };
}

/** Where the first invalid UTF-8 sequence starts, as a line number. */
function firstBadByte(bytes: Uint8Array): string {
  let line = 1;
  for (let i = 0; i < bytes.length; ) {
    const byte = bytes[i] ?? 0;
    const length =
      byte < 0x80
        ? 1
        : byte >= 0xc2 && byte < 0xe0
          ? 2
          : byte >= 0xe0 && byte < 0xf0
            ? 3
            : byte >= 0xf0 && byte < 0xf5
              ? 4
              : 0;
    const chunk = bytes.subarray(i, i + Math.max(1, length));
    if (length === 0 || chunk.length < length || !utf8Ok(chunk))
      return `byte ${i + 1}, line ${line}`;
    if (byte === 0x0a) line += 1;
    i += length;
  }
  return `line ${line}`;
}

function utf8Ok(chunk: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(chunk);
    return true;
  } catch {
    return false;
  }
}

/** RFC 4180 records, each with the line it starts on; or where a quote is left open. */
function parseRecords(
  text: string,
): { records: { line: number; cells: string[] }[] } | { refused: string } {
  const records: { line: number; cells: string[] }[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let start = 1;
  let i = 0;
  const endRecord = () => {
    cells.push(cell);
    // A blank line is no recipient; skipping it keeps a trailing newline harmless.
    if (!(cells.length === 1 && cells[0] === '')) records.push({ line: start, cells });
    cells = [];
    cell = '';
  };
  while (i < text.length) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else {
        if (c === '\n') line += 1;
        cell += c;
      }
      i += 1;
      continue;
    }
    if (c === '"' && cell === '') quoted = true;
    else if (c === ',') {
      cells.push(cell);
      cell = '';
    } else if (c === '\n' || (c === '\r' && text[i + 1] === '\n')) {
      endRecord();
      i += c === '\r' ? 2 : 1;
      line += 1;
      start = line;
      continue;
    } else cell += c;
    i += 1;
  }
  if (quoted) return { refused: `a quoted field opened on line ${start} is never closed` };
  endRecord();
  return { records };
}

/**
 * Checks a recipients CSV in full and, when it is clean, returns its recipients.
 *
 * @example
 * const check = checkRecipientCsv(new TextEncoder().encode('email\nada@example.org\n'));
 * check.valid; // true
 * check.recipients; // [{ email: 'ada@example.org' }]
 */
export function checkRecipientCsv(bytes: Uint8Array): CsvCheck {
  if (bytes.length === 0) return refuse('the file is empty');
  const decoded = decode(bytes);
  if ('refused' in decoded) return refuse(decoded.refused);
  const parsed = parseRecords(decoded.text);
  if ('refused' in parsed) return refuse(parsed.refused);
  const [header, ...data] = parsed.records;
  if (!header) return refuse('the file is empty');
  const names = header.cells.map((name) => name.trim().toLowerCase());
  const columns = {
    email: names.indexOf('email'),
    did: names.indexOf('did'),
    learnerId: names.indexOf('learnerid'),
  };
  if (columns.email < 0 && columns.did < 0)
    return refuse(
      `missing column: the header row must name an "email" or a "did" column (found ${
        header.cells.map((name) => `"${name}"`).join(', ') || 'nothing'
      })`,
    );
  const repeated = RECIPIENT_COLUMNS.find(
    (name) => names.lastIndexOf(name) !== names.indexOf(name),
  );
  if (repeated) return refuse(`the header row names the "${repeated}" column twice`);
  if (data.length === 0) return refuse('the file has a header row but no recipients', 0);
  if (data.length > MAX_BATCH_RECIPIENTS)
    return refuse(
      `the file has ${data.length.toLocaleString('en-US')} recipient rows; a batch holds at most ${MAX_BATCH_RECIPIENTS.toLocaleString('en-US')}: split it into several files`,
      data.length,
    );

  const problems: CsvProblem[] = [];
  const recipients: BatchRecipientInput[] = [];
  const seen = new Map<string, number>();
  for (const { line, cells } of data) {
    const row = line;
    const before = problems.length;
    if (cells.length !== header.cells.length)
      problems.push({
        row,
        detail: `has ${cells.length} field${cells.length === 1 ? '' : 's'} where the header has ${header.cells.length}`,
      });
    cells.forEach((value, index) => {
      if (FORMULA.test(value))
        problems.push({
          row,
          column: header.cells[index]?.trim() || `column ${index + 1}`,
          detail: `starts with ${leading(value)}, which a spreadsheet runs as a formula`,
        });
    });
    if (problems.length > before) continue;
    const email = columns.email < 0 ? '' : (cells[columns.email] ?? '').trim();
    const did = columns.did < 0 ? '' : (cells[columns.did] ?? '').trim();
    if (email === '' && did === '') {
      problems.push({ row, column: columns.email < 0 ? 'did' : 'email', detail: 'no recipient' });
      continue;
    }
    if (email !== '' && did !== '') {
      problems.push({ row, column: 'did', detail: 'give an email or a DID, not both' });
      continue;
    }
    const column = email !== '' ? 'email' : 'did';
    if (email !== '' && !EMAIL.test(email)) {
      problems.push({ row, column, detail: `"${email}" is not an email address` });
      continue;
    }
    if (did !== '' && !DID.test(did)) {
      problems.push({ row, column, detail: `"${did}" is not a DID` });
      continue;
    }
    const learnerId = columns.learnerId < 0 ? '' : (cells[columns.learnerId] ?? '').trim();
    if (learnerId !== '' && !isId(learnerId)) {
      problems.push({ row, column: 'learnerId', detail: `"${learnerId}": ${ID_RULE}` });
      continue;
    }
    // Addresses differ only by case in practice never: one person, one award.
    const key = email !== '' ? `email:${email.toLowerCase()}` : `did:${did}`;
    const first = seen.get(key);
    if (first !== undefined) {
      problems.push({ row, column, detail: `duplicate recipient: same as row ${first}` });
      continue;
    }
    seen.set(key, row);
    recipients.push({
      ...(email !== '' ? { email } : { id: did }),
      ...(learnerId !== '' ? { learnerId } : {}),
    });
  }
  const valid = problems.length === 0;
  return { valid, rows: data.length, problems, recipients: valid ? recipients : [] };
}

/**
 * A problem as one line: "row 3, email: not an email address".
 *
 * @example
 * problemLine({ row: 3, column: 'email', detail: 'no recipient' }); // 'row 3, email: no recipient'
 */
export function problemLine(problem: CsvProblem): string {
  return `row ${problem.row}${problem.column ? `, ${problem.column}` : ''}: ${problem.detail}`;
}

/** A CSV award request: the achievement and the file's bytes, base64-encoded. */
export interface CsvBatchInput {
  readonly achievementId: string;
  readonly file: string;
}

function fileBytes(file: string): Uint8Array {
  // The route's schema admits only base64 characters; padding errors decode leniently, so
  // re-encoding tells a truncated upload from a whole one.
  const bytes = Buffer.from(file, 'base64');
  if (bytes.toString('base64').replace(/=+$/, '') !== file.replace(/=+$/, ''))
    throw new ServiceError('VALIDATION', 'the file is not valid base64', {
      fields: [{ pointer: '/file', detail: 'not valid base64' }],
    });
  return bytes;
}

/**
 * The dry run of a CSV award: the whole file checked, nothing stored or issued.
 *
 * @example
 * const check = await checkCsvBatch(ctx, admin, 'northfield', { achievementId, file });
 */
export async function checkCsvBatch(
  ctx: ServiceContext,
  principal: Principal,
  issuerId: string,
  input: CsvBatchInput,
): Promise<Omit<CsvCheck, 'recipients'> & { readonly recipientCount: number }> {
  requireIssuerScope(principal, issuerId);
  await requireIssuer(ctx, issuerId);
  await requireAchievement(ctx, issuerId, input.achievementId);
  const { recipients, ...check } = checkRecipientCsv(fileBytes(input.file));
  return { ...check, recipientCount: recipients.length };
}

/**
 * Queues a batch award from a CSV, only when the whole file is clean: any problem refuses it
 * (400, every problem listed with its row and column) and nothing is queued.
 *
 * @example
 * const job = await createCsvBatch(ctx, admin, 'northfield', { achievementId, file });
 */
export async function createCsvBatch(
  ctx: ServiceContext,
  principal: Principal,
  issuerId: string,
  input: CsvBatchInput,
  options: { readonly jobId?: string } = {},
): Promise<BatchJobRecord> {
  requireIssuerScope(principal, issuerId);
  const check = checkRecipientCsv(fileBytes(input.file));
  if (check.refused !== undefined)
    throw new ServiceError('VALIDATION', `the CSV is refused: ${check.refused}`, {
      fields: [{ pointer: '/file', detail: check.refused }],
    });
  if (!check.valid)
    throw new ServiceError(
      'VALIDATION',
      `the CSV has ${check.problems.length} problem${check.problems.length === 1 ? '' : 's'}; nothing was issued`,
      {
        fields: check.problems
          .slice(0, 100)
          .map((problem) => ({ pointer: '/file', detail: problemLine(problem) })),
      },
    );
  return createBatch(
    ctx,
    principal,
    issuerId,
    { achievementId: input.achievementId, recipients: check.recipients },
    options,
  );
}
