// The home page: what the shop is, its shelves, and a few products from them.
import { html, type SafeHtml } from '../../../web/template.ts';
import type { ProductSummary } from '../../catalogue/index.ts';
import type { CategoryTree } from '../category-tree.ts';
import { categoryLinks, productGrid } from './parts.ts';

export function homePage(shopName: string, tree: CategoryTree, featured: readonly ProductSummary[]): SafeHtml {
  return html`<section class="intro">
<h1>Welcome to ${shopName}</h1>
<p>Software licences, computer hardware, telecom plans and equipment monitoring from independent vendors.
Browse without an account: this shop sets no cookies while you look around and loads nothing from anyone else's servers.</p>
<p><a class="button" href="/catalogue">See the whole catalogue</a></p>
</section>
<section aria-labelledby="shelves">
<h2 id="shelves">Categories</h2>
${categoryLinks(tree)}
</section>
<section aria-labelledby="featured">
<h2 id="featured">Featured products</h2>
${featured.length ? productGrid(featured, 3) : html`<p>The shelves are empty for now.</p>`}
</section>`;
}
