// The little XML SFMC's SOAP API needs, both ways: building envelopes with every value escaped,
// and reading answers into a tree. SOAP envelopes carry no DTDs, processing instructions that
// matter, or mixed content, so a small reader suffices and adds no dependency. Namespace
// prefixes are dropped from names (`soap:Body` → `Body`); `xsi:type` stays as the attribute `type`.

export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

export function escapeXml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&${Object.entries(ENTITIES).find(([, v]) => v === c)![0]};`);
}

function unescapeXml(value: string): string {
  return value.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (whole, entity: string) => {
    if (entity.startsWith('#x')) return String.fromCodePoint(parseInt(entity.slice(2), 16));
    if (entity.startsWith('#')) return String.fromCodePoint(parseInt(entity.slice(1), 10));
    return ENTITIES[entity] ?? whole;
  });
}

const localName = (qualified: string) => qualified.slice(qualified.indexOf(':') + 1);

/** `<name>value</name>`, or nothing for an undefined value; values are escaped. */
export function element(name: string, value: string | number | boolean | undefined): string {
  return value === undefined ? '' : `<${name}>${escapeXml(String(value))}</${name}>`;
}

/** Parses a document; throws on malformed input (unbalanced or unterminated tags). */
export function parseXml(xml: string): XmlElement {
  const root: XmlElement = { name: '#document', attributes: {}, children: [], text: '' };
  const stack: XmlElement[] = [root];
  const token = /<!\[CDATA\[([\s\S]*?)\]\]>|<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<!DOCTYPE[^>]*>|<\/([^\s>]+)\s*>|<([^\s/>]+)((?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>|([^<]+)/g;
  let at = 0;
  for (let m = token.exec(xml); m; m = token.exec(xml)) {
    if (m.index !== at) throw new Error(`malformed XML near character ${at}`);
    at = token.lastIndex;
    const top = stack[stack.length - 1]!;
    if (m[1] !== undefined) top.text += m[1];
    else if (m[2] !== undefined) {
      if (stack.length < 2 || localName(m[2]) !== top.name) throw new Error(`unexpected closing tag </${m[2]}>`);
      stack.pop();
    } else if (m[3] !== undefined) {
      const attributes: Record<string, string> = {};
      for (const a of (m[4] ?? '').matchAll(/([^\s=]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
        attributes[localName(a[1]!)] = unescapeXml(a[2] ?? a[3] ?? '');
      }
      const child: XmlElement = { name: localName(m[3]), attributes, children: [], text: '' };
      top.children.push(child);
      if (m[5] !== '/') stack.push(child);
    } else if (m[6] !== undefined) top.text += unescapeXml(m[6]);
  }
  if (at !== xml.length || stack.length !== 1) throw new Error('malformed XML: unterminated element');
  return root;
}

/** The first child named `name` (local name), if any. */
export function child(parent: XmlElement | undefined, name: string): XmlElement | undefined {
  return parent?.children.find((c) => c.name === name);
}

export function childrenNamed(parent: XmlElement | undefined, name: string): XmlElement[] {
  return parent?.children.filter((c) => c.name === name) ?? [];
}

/** The trimmed text of the child `name`, or undefined when there is no such child. */
export function childText(parent: XmlElement | undefined, name: string): string | undefined {
  const c = child(parent, name);
  return c ? c.text.trim() : undefined;
}

/** Follows a path of child names, e.g. `['Envelope', 'Body']`. */
export function path(from: XmlElement | undefined, ...names: string[]): XmlElement | undefined {
  return names.reduce<XmlElement | undefined>((at, name) => child(at, name), from);
}
