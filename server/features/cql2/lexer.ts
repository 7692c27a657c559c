/**
 * CQL2 text, cut into tokens (OGC 21-065r2, the cql2-text BNF).
 *
 *   tokenize("name LIKE 'Chợ%'") // [ident name] [ident LIKE] [string Chợ%] [end]
 *
 * Keywords are not told apart here: an unquoted identifier is a keyword when
 * the parser expects one, so a property may share a keyword's spelling only
 * when double-quoted ("in").
 */
import { badCharacter } from '../../http/params.ts';
import { Cql2Error } from './error.ts';

export type TokenKind = 'ident' | 'quoted' | 'string' | 'number' | 'punct' | 'end';

export interface Token {
  kind: TokenKind;
  /** Identifier or string as written (unescaped), the number's text, or the punctuation. */
  text: string;
  /** 1-based character position in the filter, for messages. */
  pos: number;
}

const PUNCT = ['<>', '<=', '>=', '!=', '(', ')', ',', '=', '<', '>', '+', '-', '*', '/', '%', '^'];
const NUMBER = /^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/;
const IDENT = /^[A-Za-z_\u00C0-\uFFFF][A-Za-z0-9_.:\u00C0-\uFFFF]*/;

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const pos = i + 1;
    if (c === "'") {
      const { value, end } = readQuoted(text, i, "'", 'a string');
      tokens.push({ kind: 'string', text: value, pos });
      i = end;
      continue;
    }
    if (c === '"') {
      const { value, end } = readQuoted(text, i, '"', 'a quoted property name');
      if (value === '') throw new Cql2Error('empty property name', pos);
      tokens.push({ kind: 'quoted', text: value, pos });
      i = end;
      continue;
    }
    const rest = text.slice(i);
    const num = NUMBER.exec(rest);
    if (num) {
      tokens.push({ kind: 'number', text: num[0], pos });
      i += num[0].length;
      continue;
    }
    const id = IDENT.exec(rest);
    if (id) {
      tokens.push({ kind: 'ident', text: id[0], pos });
      i += id[0].length;
      continue;
    }
    const p = PUNCT.find((s) => rest.startsWith(s));
    if (!p) throw new Cql2Error(`unexpected character ${JSON.stringify(c)}`, pos);
    tokens.push({ kind: 'punct', text: p, pos });
    i += p.length;
  }
  tokens.push({ kind: 'end', text: '', pos: text.length + 1 });
  return tokens;
}

/**
 * A quoted run starting at `start`. The quote is escaped by doubling it
 * (CQL2) or by a backslash (CQL2's \' and QGIS, which also writes \\ for a
 * backslash); any other backslash stays, so LIKE escapes such as \% survive.
 */
function readQuoted(text: string, start: number, q: string, what: string): { value: string; end: number } {
  let out = '';
  let i = start + 1;
  while (i < text.length) {
    const c = text[i]!;
    if (q === "'" && c === '\\' && (text[i + 1] === q || text[i + 1] === '\\')) {
      out += text[i + 1];
      i += 2;
      continue;
    }
    if (c === q) {
      if (text[i + 1] === q) {
        out += q;
        i += 2;
        continue;
      }
      // PostgreSQL refuses NUL in text; the other control characters are refused alike (tab, LF and CR pass).
      const bad = badCharacter(text.slice(start + 1, i), true);
      if (bad) throw new Cql2Error(`${what} must be ${bad.accepts}`, start + 2 + bad.at);
      return { value: out, end: i + 1 };
    }
    out += c;
    i++;
  }
  throw new Cql2Error(`${what} is not closed`, start + 1);
}
