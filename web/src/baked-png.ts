/**
 * The PNG half of reading a baked badge in the browser (baked.ts): kept free of the DOM so the
 * unit tier checks it against the service's own baking.
 *
 * Open Badges 3.0 bakes a credential into a PNG as an `iTXt` chunk whose keyword is
 * `openbadgecredential`.
 */

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const KEYWORD = 'openbadgecredential';

/** A file the reader refuses, with the reason in words for the page. */
export class BadgeFileError extends Error {
  override readonly name = 'BadgeFileError';
}

export type BadgeFileKind = 'png' | 'svg' | 'json' | 'jwt';

/** What the file is, by its content (never its name). */
export function badgeFileKind(bytes: Uint8Array): BadgeFileKind {
  if (PNG_SIGNATURE.every((b, i) => bytes[i] === b)) return 'png';
  const head = new TextDecoder()
    .decode(bytes.subarray(0, 512))
    .replace(/^\uFEFF/, '')
    .trimStart();
  if (head.startsWith('{')) return 'json';
  if (head.startsWith('<')) return 'svg';
  return 'jwt';
}

async function inflate(data: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([data.slice()]).stream().pipeThrough(new DecompressionStream('deflate'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/**
 * The credential text baked into a PNG. Walks the chunks by their lengths (a chunk that runs
 * past the end is refused), reads the one `openbadgecredential` iTXt chunk, inflating it when
 * it says it is compressed.
 *
 * @example
 * const text = await credentialFromPng(new Uint8Array(await file.arrayBuffer()));
 */
export async function credentialFromPng(png: Uint8Array): Promise<string> {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const found: Uint8Array[] = [];
  let at = PNG_SIGNATURE.length;
  let ended = false;
  while (at + 8 <= png.length) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(...png.subarray(at + 4, at + 8));
    const start = at + 8;
    const end = start + length;
    if (end + 4 > png.length) throw new BadgeFileError('The PNG file is cut short.');
    if (type === 'iTXt') {
      const data = png.subarray(start, end);
      const nul = data.indexOf(0);
      if (nul > 0 && new TextDecoder().decode(data.subarray(0, nul)) === KEYWORD) found.push(data);
    }
    if (type === 'IEND') {
      ended = true;
      break;
    }
    at = end + 4;
  }
  // A file that stops before its end chunk was cut short (a partial download, say).
  if (!ended) throw new BadgeFileError('The PNG file is cut short.');
  if (found.length === 0)
    throw new BadgeFileError('This PNG carries no badge: it has no baked credential in it.');
  if (found.length > 1)
    throw new BadgeFileError('This PNG carries more than one credential; it cannot be checked.');
  const data = found[0] as Uint8Array;
  // keyword NUL, compression flag, compression method, language tag NUL, translated keyword NUL
  let index = KEYWORD.length + 1;
  const compressed = data[index] === 1;
  index += 2;
  for (let field = 0; field < 2; field += 1) {
    const nul = data.indexOf(0, index);
    if (nul < 0) throw new BadgeFileError('The badge data in this PNG is malformed.');
    index = nul + 1;
  }
  const body = data.subarray(index);
  const text = new TextDecoder().decode(compressed ? await inflate(body) : body).trim();
  if (text === '') throw new BadgeFileError('The badge data in this PNG is empty.');
  return text;
}
