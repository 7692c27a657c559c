/**
 * The plain text of an article, which every range of the ingestion JSON
 * refers to, and the views of it the extractors match on.
 *
 * - htmlToText: HTML reduced to text with htmlparser2 (a streaming, tolerant
 *   parser: real pages are rarely valid HTML and regular expressions over
 *   tags break on comments, CDATA and attributes holding ">"). script,
 *   style, nav, header, footer, aside, form, noscript, svg, template and
 *   iframe are dropped; block elements end a paragraph ("\n\n"), <br> a line.
 * - normaliseText: NFC (one UTF-16 unit per Vietnamese letter, so the folded
 *   view below has the same offsets), blanks collapsed, paragraphs kept.
 * - foldCase / fold: accents off, đ→d, one character for one, so an offset in
 *   the folded text is the offset in the text ("Bát Xát" → "Bat Xat").
 * - sentences: [start, end) of each sentence, in Vietnamese or English
 *   (a full stop after "No.", "TP.", "Q.", a decimal point, or an initial
 *   does not end one).
 */
import { Parser } from 'htmlparser2';

const DROPPED = new Set([
  'script',
  'style',
  'nav',
  'header',
  'footer',
  'aside',
  'form',
  'noscript',
  'svg',
  'template',
  'iframe',
  'button',
  'select',
]);
const BLOCKS = new Set([
  'p',
  'div',
  'section',
  'article',
  'main',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'li',
  'ul',
  'ol',
  'table',
  'tr',
  'blockquote',
  'figure',
  'figcaption',
  'pre',
  'dd',
  'dt',
  'hr',
  'title',
]);

/** HTML → plain text: paragraphs separated by a blank line, what a reader does not read dropped. */
export function htmlToText(html: string): string {
  const out: string[] = [];
  let skip = 0;
  const parser = new Parser(
    {
      onopentag(name) {
        if (DROPPED.has(name)) skip++;
        else if (name === 'br') out.push('\n');
        else if (BLOCKS.has(name)) out.push('\n\n');
        else if (name === 'td' || name === 'th') out.push(' ');
      },
      ontext(text) {
        if (skip === 0) out.push(text);
      },
      onclosetag(name) {
        if (DROPPED.has(name)) skip = Math.max(0, skip - 1);
        else if (BLOCKS.has(name)) out.push('\n\n');
      },
    },
    { decodeEntities: true, lowerCaseTags: true },
  );
  parser.write(html);
  parser.end();
  return normaliseText(out.join(''));
}

/** NFC, blanks collapsed within lines, at most one blank line between paragraphs, trimmed. */
export function normaliseText(text: string): string {
  return text
    .normalize('NFC')
    .replace(/\r\n?/g, '\n')
    .replace(/[\t\f\v\u00a0\u2000-\u200b\u202f\u205f\u3000]+/g, ' ')
    .replace(/ *\n */g, '\n')
    .replace(/ {2,}/g, ' ')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** Accents off, đ→d, case kept; one character for one (the text is NFC). */
export function foldCase(text: string): string {
  let out = '';
  for (const ch of text) {
    if (ch === 'đ') out += 'd';
    else if (ch === 'Đ') out += 'D';
    else if (ch.length === 1 && ch.charCodeAt(0) > 0x7f) {
      const base = ch.normalize('NFD')[0]!;
      out += base.length === 1 ? base : ch;
    } else out += ch;
  }
  return out;
}

/** foldCase, lower case (offsets kept: the text has no letter whose lower case changes length). */
export function fold(text: string): string {
  const f = foldCase(text);
  const lower = f.toLowerCase();
  return lower.length === f.length ? lower : f.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

const NO_END =
  /(?:\b(?:No|no|Nos|Mr|Mrs|Ms|Dr|St|Co|Ltd|Inc|Corp|vs|etc|approx|TP|Tp|Q|P|TT|TX|Ths|TS|GS|PGS|ông|bà|Ô|B)|\b\p{Lu})$/u;

/** [start, end) of each sentence; paragraph breaks always end one. */
export function sentences(text: string): [number, number][] {
  const out: [number, number][] = [];
  let start = 0;
  const push = (end: number) => {
    let s = start;
    while (s < end && /\s/.test(text[s]!)) s++;
    let e = end;
    while (e > s && /\s/.test(text[e - 1]!)) e--;
    if (e > s) out.push([s, e]);
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\n') {
      push(i);
      start = i + 1;
      continue;
    }
    if (c !== '.' && c !== '!' && c !== '?' && c !== '…') continue;
    // closing quotes and brackets belong to the sentence
    let j = i + 1;
    while (j < text.length && /["'”’»)\]]/.test(text[j]!)) j++;
    const next = text[j];
    if (next !== undefined && !/\s/.test(next)) continue; // 2.5, 1.200, QL.4B, x.y
    if (c === '.' && NO_END.test(text.slice(Math.max(0, i - 8), i))) continue;
    // the next sentence starts with a capital, a digit or a quote (or the text ends)
    let k = j;
    while (k < text.length && text[k] === ' ') k++;
    if (k < text.length && text[k] !== '\n' && !/[\p{Lu}\d"“'‘(]/u.test(text[k]!)) continue;
    push(j);
    start = j;
    i = j - 1;
  }
  push(text.length);
  return out;
}

/** The index of the sentence holding offset `at` (binary search), -1 when none. */
export function sentenceAt(spans: readonly [number, number][], at: number): number {
  let lo = 0;
  let hi = spans.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const [s, e] = spans[mid]!;
    if (at < s) hi = mid - 1;
    else if (at >= e) lo = mid + 1;
    else return mid;
  }
  return -1;
}

const VI_MARKS = /[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]/giu;
const VI_WORDS = /\b(?:và|của|các|những|được|huyện|tỉnh|xã|đồng|năm|trong|với|cho|người|công|dự án)\b/giu;
const EN_WORDS = /\b(?:the|and|of|to|in|is|was|with|for|district|province|commune|billion)\b/gi;

/** 'vi' when the text reads as Vietnamese (its letters or words), else 'en'. */
export function guessLang(text: string): 'vi' | 'en' {
  const sample = text.slice(0, 20_000);
  const vi = (sample.match(VI_MARKS)?.length ?? 0) / 4 + (sample.match(VI_WORDS)?.length ?? 0);
  const en = sample.match(EN_WORDS)?.length ?? 0;
  return vi > en ? 'vi' : 'en';
}
