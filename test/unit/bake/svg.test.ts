import { describe, expect, it } from 'vitest';
import { bakeSvg, extractFromSvg } from '#shared/credentials/bake/svg.ts';
import { MAX_SVG_ELEMENT_DEPTH, OB3_SVG_NAMESPACE } from '#shared/credentials/bake/svg-scanner.ts';
import { SAMPLE_JSON, SAMPLE_JWS, thrownBy } from '#test/support/bake-fixtures.ts';

const NS = OB3_SVG_NAMESPACE;
const PLAIN =
  '<svg xmlns="http://www.w3.org/2000/svg" width="10"><rect width="1" height="1"/></svg>';

function malformedWith(reason: string) {
  return expect.objectContaining({
    name: 'CredstackError',
    code: 'INPUT_MALFORMED',
    message: expect.stringContaining(reason),
  });
}

function svgWith(credentialElement: string, extraNamespaces = ''): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="${NS}"${extraNamespaces}>${credentialElement}<rect/></svg>`;
}

describe('bakeSvg', () => {
  it('puts a compact JWS in a verify attribute of a first child, declaring the namespace', () => {
    const baked = bakeSvg(PLAIN, SAMPLE_JWS);

    expect(baked).toBe(
      `<svg xmlns="http://www.w3.org/2000/svg" width="10" xmlns:openbadges="${NS}">\n` +
        `<openbadges:credential verify="${SAMPLE_JWS}"/><rect width="1" height="1"/></svg>`,
    );
  });

  it('puts JSON in CDATA', () => {
    const baked = bakeSvg(PLAIN, SAMPLE_JSON);

    expect(baked).toBe(
      `<svg xmlns="http://www.w3.org/2000/svg" width="10" xmlns:openbadges="${NS}">\n` +
        `<openbadges:credential><![CDATA[${SAMPLE_JSON}]]></openbadges:credential><rect width="1" height="1"/></svg>`,
    );
  });

  it('round-trips a compact JWS and JSON', () => {
    expect(extractFromSvg(bakeSvg(PLAIN, SAMPLE_JWS))).toBe(SAMPLE_JWS);
    expect(extractFromSvg(bakeSvg(PLAIN, SAMPLE_JSON))).toBe(SAMPLE_JSON);
  });

  it('splits the CDATA section around a "]]>" inside the JSON', () => {
    const json = '{"note":"a]]>b","x":"]]]]>"}';

    const baked = bakeSvg(PLAIN, json);

    expect(baked).toContain('<![CDATA[{"note":"a]]]]><![CDATA[>b"');
    expect(extractFromSvg(baked)).toBe(json);
  });

  it('replaces an existing credential element, leaving no blank lines behind', () => {
    const once = bakeSvg(PLAIN, SAMPLE_JSON);

    const twice = bakeSvg(once, SAMPLE_JWS);

    expect(twice).toBe(bakeSvg(PLAIN, SAMPLE_JWS));
    expect(bakeSvg(twice, SAMPLE_JWS)).toBe(twice);
  });

  it('replaces a credential element nested deeper and keeps a declared namespace as is', () => {
    const svg = svgWith('', '').replace(
      '<rect/>',
      `<g>\n  <openbadges:credential verify="a.b.c"/>\n</g>`,
    );

    const baked = bakeSvg(svg, SAMPLE_JWS);

    expect(baked).toBe(
      `<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="${NS}">\n` +
        `<openbadges:credential verify="${SAMPLE_JWS}"/><g>\n</g></svg>`,
    );
  });

  it('reuses another prefix that the root already binds to the OB 3.0 namespace', () => {
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" xmlns:ob="${NS}"></svg>`;

    expect(bakeSvg(svg, SAMPLE_JWS)).toBe(
      `<svg xmlns="http://www.w3.org/2000/svg" xmlns:ob="${NS}">\n<ob:credential verify="${SAMPLE_JWS}"/></svg>`,
    );
  });

  it('picks a fresh prefix when "openbadges" is bound to another namespace', () => {
    const svg = '<svg xmlns:openbadges="http://openbadges.org"></svg>';

    const baked = bakeSvg(svg, SAMPLE_JWS);

    expect(baked).toBe(
      `<svg xmlns:openbadges="http://openbadges.org" xmlns:openbadges2="${NS}">\n<openbadges2:credential verify="${SAMPLE_JWS}"/></svg>`,
    );
    expect(extractFromSvg(baked)).toBe(SAMPLE_JWS);
  });

  it('opens a self-closing root element', () => {
    expect(bakeSvg('<svg/>', SAMPLE_JWS)).toBe(
      `<svg xmlns:openbadges="${NS}">\n<openbadges:credential verify="${SAMPLE_JWS}"/>\n</svg>`,
    );
  });

  it('refuses text that is neither JSON nor a compact JWS', () => {
    expect(thrownBy(() => bakeSvg(PLAIN, 'hello'))).toEqual(
      expect.objectContaining({ code: 'BUILD_INVALID' }),
    );
  });

  it('refuses to bake into a document that is not an SVG', () => {
    expect(thrownBy(() => bakeSvg('<html></html>', SAMPLE_JWS))).toEqual(
      malformedWith('the root element is <html>, not <svg>'),
    );
  });
});

describe('extractFromSvg', () => {
  it('reads a verify attribute in single quotes with spaces around "="', () => {
    const svg = svgWith(
      `<openbadges:credential   verify = '${SAMPLE_JWS}' ></openbadges:credential>`,
    );

    expect(extractFromSvg(svg)).toBe(SAMPLE_JWS);
  });

  it('decodes entity and character references in the verify attribute', () => {
    const svg = svgWith(
      '<openbadges:credential verify="&#x65;yJ&#104;.e&amp;&lt;&gt;&quot;&apos;.c"/>',
    );

    expect(extractFromSvg(svg)).toBe(`eyJh.e&<>"'.c`);
  });

  it('reads JSON from CDATA, trimmed and with CRLF line endings normalized', () => {
    const svg = svgWith(
      '<openbadges:credential>\r\n  <![CDATA[\r\n{"a":\r\n1}\r\n]]>\r\n</openbadges:credential>',
    );

    expect(extractFromSvg(svg)).toBe('{"a":\n1}');
  });

  it('reads JSON written as escaped text, across several CDATA sections and comments', () => {
    const svg = svgWith(
      '<openbadges:credential>{&quot;a&quot;:<!-- note --><![CDATA["x]]><![CDATA[y"]]>}</openbadges:credential>',
    );

    expect(extractFromSvg(svg)).toBe('{"a":"xy"}');
  });

  it('finds the element under any prefix bound to the OB 3.0 namespace, wherever it is declared', () => {
    const onRoot = `<svg xmlns:ob="${NS}"><ob:credential verify="a.b.c"/></svg>`;
    const onElement = `<svg><g><x:credential xmlns:x="${NS}" verify="a.b.c"/></g></svg>`;
    const asDefault = `<svg><credential xmlns="${NS}" verify="a.b.c"/></svg>`;

    expect(extractFromSvg(onRoot)).toBe('a.b.c');
    expect(extractFromSvg(onElement)).toBe('a.b.c');
    expect(extractFromSvg(asDefault)).toBe('a.b.c');
  });

  it('skips a BOM, XML declaration, DOCTYPE without internal subset, comments and PIs', () => {
    const svg =
      '\ufeff<?xml version="1.0"?>\n<!-- badge -->\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n' +
      `${svgWith('<?pi x?><openbadges:credential verify="a.b.c"/>')}\n<!-- end -->\n`;

    expect(extractFromSvg(svg)).toBe('a.b.c');
  });

  it('does not take an element of the same name in another namespace', () => {
    const svg =
      '<svg xmlns:openbadges="http://openbadges.org"><openbadges:credential verify="a.b.c"/></svg>';

    expect(thrownBy(() => extractFromSvg(svg))).toEqual(malformedWith('no credential element'));
  });

  it('honours a prefix rebound on an inner element', () => {
    const svg = `<svg xmlns:openbadges="${NS}"><g xmlns:openbadges="urn:other"><openbadges:credential verify="a.b.c"/></g></svg>`;

    expect(thrownBy(() => extractFromSvg(svg))).toEqual(malformedWith('no credential element'));
  });

  it('refuses an internal DOCTYPE subset that declares entities or attribute defaults', () => {
    const laughs =
      '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>' +
      svgWith('<openbadges:credential verify="&lol2;"/>');
    const attlist = `<!DOCTYPE svg [<!ATTLIST openbadges:credential verify CDATA "a.b.c">]>${svgWith('<openbadges:credential/>')}`;

    expect(thrownBy(() => extractFromSvg(laughs))).toEqual(malformedWith('declares XML entities'));
    expect(thrownBy(() => extractFromSvg(attlist))).toEqual(malformedWith('attribute defaults'));
  });

  it.each([
    ['', 'no root element'],
    ['hello', 'unexpected content before the root element'],
    ['<html/>', 'not <svg>'],
    ['<svg><!-- open', 'unterminated comment'],
    ['<svg><g>', '<g> is never closed'],
    ['<svg><g></svg>', 'does not close <g>'],
    ['<svg></svg><svg/>', 'unexpected content after the root element'],
    ['<svg></svg', 'malformed end tag'],
    ['<svg width=10></svg>', 'is not quoted'],
    ['<svg width></svg>', 'has no value'],
    ['<svg a="1"b="2"></svg>', 'unexpected character in tag <svg>'],
    ['<svg a="1" a="2"></svg>', 'appears twice'],
    ['<svg a="<"></svg>', 'contains a raw "<"'],
    ['<svg a="1', 'unterminated value'],
    ['<svg a="1"', 'unterminated tag'],
    ['<svg><!ELEMENT x ANY></svg>', 'unexpected markup declaration'],
    ['<!DOCTYPE svg', 'unterminated DOCTYPE'],
    ['<?xml version="1.0"', 'unterminated processing instruction'],
  ])('refuses %j (%s)', (svg, reason) => {
    expect(thrownBy(() => extractFromSvg(svg))).toEqual(malformedWith(reason));
  });

  it.each([
    ['<openbadges:credential><![CDATA[{"a":1}</openbadges:credential>', 'unterminated CDATA'],
    [
      '<openbadges:credential verify="a.b.c"/><openbadges:credential verify="d.e.f"/>',
      '2 credential elements',
    ],
    [
      '<openbadges:credential verify="a.b.c">{"a":1}</openbadges:credential>',
      'both a verify attribute and content',
    ],
    ['<openbadges:credential>  </openbadges:credential>', 'credential element is empty'],
    ['<openbadges:credential verify=" "/>', 'credential element is empty'],
    ['<openbadges:credential>&nbsp;</openbadges:credential>', 'unknown entity &nbsp;'],
    ['<openbadges:credential verify="&#0;"/>', 'is not an XML character'],
    ['<openbadges:credential verify="a &amp b"/>', 'unterminated reference'],
    ['<openbadges:credential><g/></openbadges:credential>', 'contains a child element <g>'],
    ['', 'no credential element'],
  ])('refuses a credential element like %j (%s)', (element, reason) => {
    expect(thrownBy(() => extractFromSvg(svgWith(element)))).toEqual(malformedWith(reason));
  });

  it('refuses elements nested deeper than the cap with INPUT_TOO_DEEP, without recursing', () => {
    const depth = MAX_SVG_ELEMENT_DEPTH + 1;
    const svg = `<svg>${'<g>'.repeat(depth)}${'</g>'.repeat(depth)}</svg>`;

    expect(thrownBy(() => extractFromSvg(svg))).toEqual(
      expect.objectContaining({ code: 'INPUT_TOO_DEEP' }),
    );
  });

  it('refuses an SVG or a credential above the size caps with INPUT_TOO_LARGE', () => {
    const svg = bakeSvg(PLAIN, SAMPLE_JSON);
    const bytes = Buffer.byteLength(svg, 'utf8');

    expect(thrownBy(() => extractFromSvg(svg, { maxBytes: bytes - 1 }))).toEqual(
      expect.objectContaining({ code: 'INPUT_TOO_LARGE' }),
    );
    expect(thrownBy(() => extractFromSvg(svg, { maxTextBytes: 20 }))).toEqual(
      expect.objectContaining({ code: 'INPUT_TOO_LARGE' }),
    );
    expect(extractFromSvg(svg, { maxBytes: bytes })).toBe(SAMPLE_JSON);
  });
});
