/**
 * CQL2 text → expression tree (recursive descent, lowest precedence first):
 *
 *   OR < AND < NOT < comparison, [NOT] LIKE | ILIKE | BETWEEN | IN, IS [NOT] NULL
 *      < + - < * / % DIV < ^ < unary - < literal, property, function, ( … )
 *
 *   parseCql2("category = 'market' AND start_year BETWEEN 2020 AND 2023")
 *   // { k: 'and', l: { k: 'cmp', op: '=', … }, r: { k: 'between', … } }
 *
 * Geometry literals (WKT and BBOX) are read here too; see wkt.ts.
 */
import type { Expr } from './ast.ts';
import { Cql2Error } from './error.ts';
import { type Token, tokenize } from './lexer.ts';
import { GEOMETRY_KEYWORDS, readBbox, readGeometry } from './wkt.ts';

const COMPARISONS: Record<string, '=' | '<>' | '<' | '>' | '<=' | '>='> = {
  '=': '=',
  '<>': '<>',
  '!=': '<>',
  '<': '<',
  '>': '>',
  '<=': '<=',
  '>=': '>=',
};

export function parseCql2(text: string): Expr {
  const p = new Parser(tokenize(text));
  const e = p.orExpr();
  const rest = p.peek();
  if (rest.kind !== 'end') throw new Cql2Error(`unexpected ${describe(rest)}`, rest.pos);
  return e;
}

export function describe(t: Token): string {
  if (t.kind === 'end') return 'end of filter';
  if (t.kind === 'string') return `string '${t.text}'`;
  return JSON.stringify(t.text);
}

/** Deepest nesting of parentheses, NOT and unary minus: deeper is a mistake, and would exhaust the stack. */
export const MAX_DEPTH = 64;

export class Parser {
  private i = 0;
  private depth = 0;
  constructor(private readonly tokens: Token[]) {}

  peek(ahead = 0): Token {
    return this.tokens[Math.min(this.i + ahead, this.tokens.length - 1)]!;
  }

  next(): Token {
    const t = this.peek();
    if (t.kind !== 'end') this.i++;
    return t;
  }

  isKeyword(t: Token, kw: string): boolean {
    return t.kind === 'ident' && t.text.toUpperCase() === kw;
  }

  acceptKeyword(kw: string): boolean {
    if (!this.isKeyword(this.peek(), kw)) return false;
    this.i++;
    return true;
  }

  expectKeyword(kw: string): void {
    const t = this.peek();
    if (!this.acceptKeyword(kw)) throw new Cql2Error(`expected ${kw}, found ${describe(t)}`, t.pos);
  }

  acceptPunct(p: string): boolean {
    const t = this.peek();
    if (t.kind !== 'punct' || t.text !== p) return false;
    this.i++;
    return true;
  }

  expectPunct(p: string): void {
    const t = this.peek();
    if (!this.acceptPunct(p)) throw new Cql2Error(`expected "${p}", found ${describe(t)}`, t.pos);
  }

  /** A signed number, as in coordinates and BBOX. */
  signedNumber(): number {
    const neg = this.acceptPunct('-');
    if (!neg) this.acceptPunct('+');
    const t = this.next();
    if (t.kind !== 'number') throw new Cql2Error(`expected a number, found ${describe(t)}`, t.pos);
    const v = finite(t);
    return neg ? -v : v;
  }

  orExpr(): Expr {
    return this.nested(() => {
      let l = this.andExpr();
      for (let t = this.peek(); this.acceptKeyword('OR'); t = this.peek()) {
        l = { k: 'or', l, r: this.andExpr(), pos: t.pos };
      }
      return l;
    });
  }

  private nested<T>(f: () => T): T {
    if (++this.depth > MAX_DEPTH) throw new Cql2Error(`nested more than ${MAX_DEPTH} deep`, this.peek().pos);
    try {
      return f();
    } finally {
      this.depth--;
    }
  }

  private andExpr(): Expr {
    let l = this.notExpr();
    for (let t = this.peek(); this.acceptKeyword('AND'); t = this.peek()) {
      l = { k: 'and', l, r: this.notExpr(), pos: t.pos };
    }
    return l;
  }

  private notExpr(): Expr {
    const t = this.peek();
    if (this.acceptKeyword('NOT')) return { k: 'not', e: this.nested(() => this.notExpr()), pos: t.pos };
    return this.predicate();
  }

  private predicate(): Expr {
    const l = this.additive();
    const t = this.peek();
    if (t.kind === 'punct' && COMPARISONS[t.text]) {
      this.next();
      return { k: 'cmp', op: COMPARISONS[t.text]!, l, r: this.additive(), pos: t.pos };
    }
    const negated =
      this.isKeyword(t, 'NOT') &&
      ['LIKE', 'ILIKE', 'BETWEEN', 'IN'].some((kw) => this.isKeyword(this.peek(1), kw));
    if (negated) this.next();
    if (this.acceptKeyword('LIKE'))
      return { k: 'like', not: negated, ci: false, l, r: this.additive(), pos: t.pos };
    // ILIKE is not CQL2; GDAL 3.6 sends it (for OGR SQL's ILIKE), and it reads as CASEI(a) LIKE CASEI(b).
    if (this.acceptKeyword('ILIKE'))
      return { k: 'like', not: negated, ci: true, l, r: this.additive(), pos: t.pos };
    if (this.acceptKeyword('BETWEEN')) {
      const lo = this.additive();
      this.expectKeyword('AND');
      return { k: 'between', not: negated, e: l, lo, hi: this.additive(), pos: t.pos };
    }
    if (this.acceptKeyword('IN')) {
      this.expectPunct('(');
      const list = [this.additive()];
      while (this.acceptPunct(',')) list.push(this.additive());
      this.expectPunct(')');
      return { k: 'in', not: negated, e: l, list, pos: t.pos };
    }
    if (this.acceptKeyword('IS')) {
      const not = this.acceptKeyword('NOT');
      this.expectKeyword('NULL');
      return { k: 'isnull', not, e: l, pos: t.pos };
    }
    return l;
  }

  // Arithmetic chains nest in SQL, so their length counts against MAX_DEPTH.
  private additive(): Expr {
    let l = this.multiplicative();
    for (let n = 0; ; n++) {
      const t = this.peek();
      if (t.kind === 'punct' && (t.text === '+' || t.text === '-')) {
        if (n >= MAX_DEPTH) throw new Cql2Error(`more than ${MAX_DEPTH} terms in a row`, t.pos);
        this.next();
        l = { k: 'arith', op: t.text, l, r: this.multiplicative(), pos: t.pos };
      } else return l;
    }
  }

  private multiplicative(): Expr {
    let l = this.power();
    for (let n = 0; ; n++) {
      const t = this.peek();
      const op =
        t.kind === 'punct' && (t.text === '*' || t.text === '/' || t.text === '%')
          ? t.text
          : this.isKeyword(t, 'DIV')
            ? 'div'
            : undefined;
      if (!op) return l;
      if (n >= MAX_DEPTH) throw new Cql2Error(`more than ${MAX_DEPTH} factors in a row`, t.pos);
      this.next();
      l = { k: 'arith', op, l, r: this.power(), pos: t.pos };
    }
  }

  private power(): Expr {
    const base = this.unary();
    const t = this.peek();
    if (this.acceptPunct('^'))
      return { k: 'arith', op: '^', l: base, r: this.nested(() => this.power()), pos: t.pos };
    return base;
  }

  private unary(): Expr {
    const t = this.peek();
    if (this.acceptPunct('-')) {
      const e = this.nested(() => this.unary());
      return e.k === 'num' ? { ...e, v: -e.v, pos: t.pos } : { k: 'neg', e, pos: t.pos };
    }
    if (this.acceptPunct('+')) return this.unary();
    return this.primary();
  }

  private primary(): Expr {
    const t = this.next();
    const pos = t.pos;
    switch (t.kind) {
      case 'number':
        return { k: 'num', v: finite(t), pos };
      case 'string':
        return { k: 'str', v: t.text, pos };
      case 'quoted':
        return { k: 'prop', name: t.text, pos };
      case 'punct':
        if (t.text === '(') {
          const e = this.orExpr();
          this.expectPunct(')');
          return e;
        }
        throw new Cql2Error(`unexpected ${describe(t)}`, pos);
      case 'end':
        throw new Cql2Error('the filter ends where a value was expected', pos);
    }
    const upper = t.text.toUpperCase();
    const opens = this.peek().kind === 'punct' && this.peek().text === '(';
    if (upper === 'TRUE' || upper === 'FALSE') return { k: 'bool', v: upper === 'TRUE', pos };
    if (upper === 'NULL') return { k: 'null', pos };
    if (GEOMETRY_KEYWORDS.has(upper) && (opens || ['Z', 'EMPTY'].includes(this.peek().text.toUpperCase()))) {
      return { k: 'geom', g: readGeometry(this, upper, pos), bbox: false, pos };
    }
    if (upper === 'BBOX' && opens) return { k: 'geom', g: readBbox(this, pos), bbox: true, pos };
    if (['DATE', 'TIMESTAMP', 'INTERVAL'].includes(upper) && opens) {
      throw new Cql2Error(
        `${upper} literals are not supported: no queryable is a date; use the datetime parameter for years`,
        pos,
      );
    }
    if (opens) {
      this.next();
      const args: Expr[] = [];
      if (!this.acceptPunct(')')) {
        do args.push(this.orExpr());
        while (this.acceptPunct(','));
        this.expectPunct(')');
      }
      return { k: 'call', name: upper, args, pos };
    }
    return { k: 'prop', name: t.text, pos };
  }
}

function finite(t: Token): number {
  const v = Number(t.text);
  if (!Number.isFinite(v)) throw new Cql2Error(`number ${t.text} is out of range`, t.pos);
  return v;
}
