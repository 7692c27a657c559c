/** The OpenAPI document as a plain HTML page: every path, its summary and its query parameters. */

const esc = (s: unknown) =>
  String(s ?? '').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

interface Op {
  summary?: string;
  description?: string;
  parameters?: { name: string; in: string; description?: string; schema?: Record<string, unknown> }[];
}

export function openapiHtml(doc: Record<string, unknown>): string {
  const info = doc.info as { title: string; description: string };
  const root = (doc.servers as { url: string }[])[0]!.url;
  const rows = Object.entries(doc.paths as Record<string, { get?: Op; servers?: { url: string }[] }>)
    .map(([path, item]) => {
      const op = item.get;
      if (!op) return '';
      const base = item.servers?.[0]?.url ?? root;
      const params = (op.parameters ?? [])
        .filter((p) => p.in === 'query')
        .map((p) => {
          const s = p.schema ?? {};
          const detail = [
            s.enum ? `one of ${(s.enum as unknown[]).join(', ')}` : '',
            s.default !== undefined ? `default ${s.default}` : '',
            s.maximum !== undefined ? `max ${s.maximum}` : '',
          ]
            .filter(Boolean)
            .join('; ');
          return `<li><code>${esc(p.name)}</code> ${esc(p.description)}${detail ? ` <small>(${esc(detail)})</small>` : ''}</li>`;
        })
        .join('');
      return `<section><h2><code>GET ${esc(base + path)}</code></h2><p>${esc(op.summary)}</p>${op.description ? `<p>${esc(op.description)}</p>` : ''}${params ? `<ul>${params}</ul>` : ''}</section>`;
    })
    .join('\n');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(info.title)} API</title></head><body><h1>${esc(info.title)} API</h1><p>${esc(info.description)}</p><p>Machine-readable: <a href="${esc(root)}/api">OpenAPI 3.0</a>.</p>\n${rows}</body></html>`;
}
