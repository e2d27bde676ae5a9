const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for HTML content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

/** A piece of markup that is already safe: built by {@link html}, never from raw input. */
export class SafeHtml {
  /** @internal Use {@link html} to make one. */
  constructor(private readonly markup: string) {}

  /** The markup. */
  toString(): string {
    return this.markup;
  }
}

/** What may go into an {@link html} template: escaped unless it is {@link SafeHtml}. */
export type HtmlValue = SafeHtml | string | number | boolean | null | undefined | HtmlValue[];

function render(value: HtmlValue): string {
  if (value instanceof SafeHtml) return value.toString();
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === null || value === undefined || value === false) return '';
  return escapeHtml(String(value));
}

/**
 * A template tag that escapes every interpolated value (strings, numbers, nested arrays) except
 * markup made by the tag itself, so no value from Redis or a request reaches a page unescaped.
 * `null`, `undefined` and `false` render as nothing.
 */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let markup = strings[0] ?? '';
  values.forEach((value, i) => {
    markup += render(value) + (strings[i + 1] ?? '');
  });
  return new SafeHtml(markup);
}

/**
 * A `<script>` element running `source` under the page's Content-Security-Policy `nonce`.
 * `source` must be code of this repository, never a value from Redis or a request; it may not
 * hold `</script` or `<!--`, which would end or confuse the element (throws if it does).
 */
export function inlineScript(source: string, nonce: string): SafeHtml {
  if (/<\/script|<!--/i.test(source)) {
    throw new Error('an inline script may not contain "</script" or "<!--"');
  }
  return new SafeHtml(`<script nonce="${escapeHtml(nonce)}">${source}</script>`);
}
