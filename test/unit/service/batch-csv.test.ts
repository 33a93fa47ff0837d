import { describe, expect, it } from 'vitest';
import { checkRecipientCsv, problemLine } from '#shared/domain/batch-csv.ts';

/** The recipients CSV checker: every bad input named at its row and column, or refused whole. */

const utf8 = (text: string) => new TextEncoder().encode(text);
const rows = (n: number, from = 0) =>
  Array.from({ length: n }, (_, i) => `learner${i + from}@example.org`).join('\n');

describe('checkRecipientCsv', () => {
  it('reads emails and DIDs, in file order, with quoting, CRLF and blank lines', () => {
    const check = checkRecipientCsv(
      utf8(
        'name,email,did\r\n"Lovelace, Ada",ada@example.org,\r\nGrace,,did:web:grace.example\r\n\r\n"Alan ""A"" T",alan@example.org,\r\n',
      ),
    );
    expect(check).toEqual({
      valid: true,
      rows: 3,
      problems: [],
      recipients: [
        { email: 'ada@example.org' },
        { id: 'did:web:grace.example' },
        { email: 'alan@example.org' },
      ],
    });
  });

  it('links a recipient to a learner account by an optional learnerId column', () => {
    const check = checkRecipientCsv(
      utf8('email,learnerId\nada@example.org,ada\nbob@example.org,\nc@example.org,no spaces\n'),
    );
    expect(check.problems).toEqual([
      { row: 4, column: 'learnerId', detail: expect.stringMatching(/^"no spaces": /) },
    ]);
    const clean = checkRecipientCsv(
      utf8('email,learnerId\nada@example.org,ada\nbob@example.org,\n'),
    );
    expect(clean.recipients).toEqual([
      { email: 'ada@example.org', learnerId: 'ada' },
      { email: 'bob@example.org' },
    ]);
  });

  it('accepts a UTF-8 byte-order mark before the header', () => {
    const bom = new Uint8Array([0xef, 0xbb, 0xbf, ...utf8('email\nzoë@example.org\n')]);
    const check = checkRecipientCsv(bom);
    expect(check.valid).toBe(true);
    expect(check.recipients).toEqual([{ email: 'zoë@example.org' }]);
  });

  it('refuses a file that is not UTF-8 (Latin-1), saying where', () => {
    const latin1 = new Uint8Array([...utf8('email\nzo'), 0xeb, ...utf8('@example.org\n')]);
    const check = checkRecipientCsv(latin1);
    expect(check.valid).toBe(false);
    expect(check.refused).toBe(
      'the file is not UTF-8 text (byte 9, line 2): save it as "CSV UTF-8"',
    );
    expect(check.recipients).toEqual([]);
  });

  it('refuses UTF-16 by its byte-order mark, and NUL bytes', () => {
    const utf16 = new Uint8Array([0xff, 0xfe, ...Buffer.from('email\n', 'utf16le')]);
    expect(checkRecipientCsv(utf16).refused).toMatch(
      /^the file is UTF-16 \(little-endian\), not UTF-8/,
    );
    expect(checkRecipientCsv(utf8('email\na\u0000@b.c\n')).refused).toMatch(/NUL bytes/);
  });

  it('refuses a file without an email or did column, naming what it found', () => {
    const check = checkRecipientCsv(utf8('name,mail\nAda,ada@example.org\n'));
    expect(check.refused).toBe(
      'missing column: the header row must name an "email" or a "did" column (found "name", "mail")',
    );
    expect(checkRecipientCsv(utf8('email,email\na@b.co,c@d.co\n')).refused).toMatch(/twice/);
  });

  it('refuses an empty file, a header alone and an unclosed quote', () => {
    expect(checkRecipientCsv(new Uint8Array()).refused).toBe('the file is empty');
    expect(checkRecipientCsv(utf8('email\n')).refused).toBe(
      'the file has a header row but no recipients',
    );
    expect(checkRecipientCsv(utf8('email\n"ada@example.org\n')).refused).toBe(
      'a quoted field opened on line 2 is never closed',
    );
  });

  it('takes 10,000 rows and refuses 10,001 as a whole with the reason', () => {
    expect(checkRecipientCsv(utf8(`email\n${rows(10_000)}\n`)).recipients).toHaveLength(10_000);
    const over = checkRecipientCsv(utf8(`email\n${rows(10_001)}\n`));
    expect(over).toMatchObject({ valid: false, rows: 10_001, problems: [], recipients: [] });
    expect(over.refused).toBe(
      'the file has 10,001 recipient rows; a batch holds at most 10,000: split it into several files',
    );
  });

  it('names duplicate recipients by row, case-insensitively for emails', () => {
    const check = checkRecipientCsv(
      utf8(
        'email,did\nada@example.org,\n,did:web:x.example\nADA@example.org,\n,did:web:x.example\n',
      ),
    );
    expect(check.valid).toBe(false);
    expect(check.recipients).toEqual([]);
    expect(check.problems).toEqual([
      { row: 4, column: 'email', detail: 'duplicate recipient: same as row 2' },
      { row: 5, column: 'did', detail: 'duplicate recipient: same as row 3' },
    ]);
  });

  it('names every formula-injection cell by row and column: = + - @ tab CR', () => {
    const check = checkRecipientCsv(
      utf8(
        [
          'email,note',
          `=cmd|' /C calc'!A0,x`,
          'ok1@example.org,+1+1',
          'ok2@example.org,-2',
          '@SUM(A1)@example.org,',
          'ok3@example.org,"\tx"',
          'ok4@example.org,"\rx"',
          'ok5@example.org,  =1',
          'ok6@example.org,fine',
        ].join('\n'),
      ),
    );
    expect(check.problems.map(problemLine)).toEqual([
      'row 2, email: starts with "=", which a spreadsheet runs as a formula',
      'row 3, note: starts with "+", which a spreadsheet runs as a formula',
      'row 4, note: starts with "-", which a spreadsheet runs as a formula',
      'row 5, email: starts with "@", which a spreadsheet runs as a formula',
      'row 6, note: starts with a tab, which a spreadsheet runs as a formula',
      'row 7, note: starts with a carriage return, which a spreadsheet runs as a formula',
      'row 8, note: starts with "=", which a spreadsheet runs as a formula',
    ]);
    expect(check.recipients).toEqual([]);
  });

  it('names bad, missing and doubled recipients and ragged rows', () => {
    const check = checkRecipientCsv(
      utf8(
        'email,did\nnot-an-email,\n,\n,did:nope\nada@example.org,did:web:a.example\nb@example.org\n',
      ),
    );
    expect(check.problems).toEqual([
      { row: 2, column: 'email', detail: '"not-an-email" is not an email address' },
      { row: 3, column: 'email', detail: 'no recipient' },
      { row: 4, column: 'did', detail: '"did:nope" is not a DID' },
      { row: 5, column: 'did', detail: 'give an email or a DID, not both' },
      { row: 6, detail: 'has 1 field where the header has 2' },
    ]);
  });
});
