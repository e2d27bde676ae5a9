import { escapeHtml, html } from '../../../src/admin/html';

describe('escapeHtml', () => {
  it('escapes the five characters that matter in content and quoted attributes', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
  });
});

describe('html', () => {
  it('escapes interpolated strings and numbers but keeps its own markup', () => {
    const name = '<img src=x onerror=alert(1)>';
    expect(html`<td title="${name}">${name} ${42}</td>`.toString()).toBe(
      '<td title="&lt;img src=x onerror=alert(1)&gt;">&lt;img src=x onerror=alert(1)&gt; 42</td>',
    );
  });

  it('nests safe fragments and arrays, and renders null, undefined and false as nothing', () => {
    const rows = ['a<b', 'c'].map((text) => html`<li>${text}</li>`);
    const list = html`<ul>
      ${rows}${null}${undefined}${false}
    </ul>`;
    expect(list.toString().replace(/\s+/g, '')).toBe('<ul><li>a&lt;b</li><li>c</li></ul>');
  });
});
