import { describe, expect, it } from 'vitest';
import {
  escapeHtml,
  html,
  httpUrl,
  imageUrl,
  MAX_URL_LENGTH,
  raw,
  serviceLink,
} from '#shared/credentials/present/html.ts';

describe('escapeHtml', () => {
  it('escapes the characters that end text or a quoted attribute', () => {
    expect(escapeHtml(`<a href="x" title='y'>&\``)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&#96;',
    );
  });

  it('replaces control characters and lone surrogates with U+FFFD', () => {
    expect(escapeHtml('a\u0000b\u0007c\uD800d\tok\n')).toBe('a\uFFFDb\uFFFDc\uFFFDd\tok\n');
  });

  it('keeps a surrogate pair (an emoji) intact', () => {
    expect(escapeHtml('badge 🏅')).toBe('badge 🏅');
  });
});

describe('html', () => {
  it('escapes interpolated strings and keeps SafeHtml as is', () => {
    const name = '<script>alert(1)</script>';
    const out = html`<p title="${name}">${name}${raw('<br>')}</p>`;
    expect(out.value).toBe(
      '<p title="&lt;script&gt;alert(1)&lt;/script&gt;">&lt;script&gt;alert(1)&lt;/script&gt;<br></p>',
    );
  });

  it('joins arrays and renders null, undefined and booleans as nothing', () => {
    const items = ['a&b', html`<i>c</i>`];
    expect(html`${items}|${null}|${undefined}|${false}|${true}|${0}`.value).toBe(
      'a&amp;b<i>c</i>|||||0',
    );
  });
});

describe('httpUrl', () => {
  it('keeps http and https URLs, normalised', () => {
    expect(httpUrl('https://example.org/a b')).toBe('https://example.org/a%20b');
    expect(httpUrl('HTTP://Example.org')).toBe('http://example.org/');
  });

  it.each([
    'javascript:alert(1)',
    ' JavaScript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'vbscript:msgbox(1)',
    'ftp://example.org/file',
    '//example.org/x',
    '/relative',
    'https://user:secret@example.org/',
    'not a url',
  ])('drops %s', (value) => {
    expect(httpUrl(value)).toBeUndefined();
  });

  it('drops non-strings and over-long URLs', () => {
    expect(httpUrl(42)).toBeUndefined();
    expect(httpUrl({ id: 'https://example.org' })).toBeUndefined();
    expect(httpUrl(`https://example.org/${'a'.repeat(MAX_URL_LENGTH)}`)).toBeUndefined();
  });
});

describe('imageUrl', () => {
  it('keeps data:image URLs of image types and http(s) URLs', () => {
    expect(imageUrl('data:image/png;base64,iVBORw0KGgo=')).toBe(
      'data:image/png;base64,iVBORw0KGgo=',
    );
    expect(imageUrl('https://example.org/badge.png')).toBe('https://example.org/badge.png');
  });

  it.each([
    'javascript:alert(1)',
    'data:text/html;base64,PHNjcmlwdD4=',
    'data:image/png;base64,AAA" onerror="alert(1)',
    'data:application/xml,<x/>',
  ])('drops %s', (value) => {
    expect(imageUrl(value)).toBeUndefined();
  });
});

describe('serviceLink', () => {
  it('keeps root-relative paths and http(s) URLs', () => {
    expect(serviceLink('/credentials/1.json')).toBe('/credentials/1.json');
    expect(serviceLink('https://issuer.example.org/c/1')).toBe('https://issuer.example.org/c/1');
  });

  it.each(['//evil.example/x', '/\\evil.example', 'javascript:alert(1)', 'relative/path', '/a"b'])(
    'drops %s',
    (value) => {
      expect(serviceLink(value)).toBeUndefined();
    },
  );
});
