/**
 * The dashboard's static assets, `/assets/app.css`, `/assets/app.js` and the icon, kept as strings in this
 * module so that `tsc` ships them inside `dist/` with the code (no file to copy or find at run
 * time). Every page's style lives here: the CSP forbids inline styles. The script is optional
 * progressive enhancement; every page works without it.
 */
import { createHash } from 'node:crypto';

const APP_CSS = `*,*::before,*::after{box-sizing:border-box}
html{font-family:"DejaVu Sans",Verdana,system-ui,sans-serif;color:#1d1d1f;background:#fafafa;line-height:1.45}
body{margin:0}
a{color:#0b57a4}
a:hover{color:#073c73}
:focus-visible{outline:3px solid #c45a00;outline-offset:2px}
.skip{position:absolute;left:-999px;top:0;background:#fff;padding:.5rem 1rem;z-index:10}
.skip:focus{left:.5rem}
header.top{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem 1.25rem;padding:.6rem 1rem;background:#14315a;color:#fff}
header.top a{color:#fff}
.brand{font-weight:bold;font-size:1.15rem;text-decoration:none}
ul.nav{display:flex;flex-wrap:wrap;gap:.25rem .9rem;list-style:none;margin:0;padding:0}
ul.nav a{text-decoration:none;padding:.15rem .1rem}
ul.nav a[aria-current=page]{border-bottom:3px solid #ffc857;font-weight:bold}
.who{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem;margin-left:auto;font-size:.9rem}
form.inline{display:inline}
button,input,select{font:inherit}
button{cursor:pointer;padding:.3rem .8rem;border:1px solid #14315a;border-radius:4px;background:#fff;color:#14315a}
header.top button{background:transparent;color:#fff;border-color:#fff}
main{max-width:76rem;margin:0 auto;padding:1rem}
h1{font-size:1.5rem;margin:.5rem 0 1rem}
h2{font-size:1.2rem;margin:1.75rem 0 .5rem;border-bottom:1px solid #d0d0d0;padding-bottom:.2rem}
h3{font-size:1.05rem;margin:1.25rem 0 .4rem}
.honest{background:#fff6d5;border:1px solid #d9b93b;border-radius:4px;padding:.6rem .9rem;margin:.75rem 0}
.honest p{margin:.3rem 0}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(13rem,1fr));gap:.75rem;margin:.5rem 0 1rem}
.card{background:#fff;border:1px solid #d8d8d8;border-radius:6px;padding:.7rem .9rem}
.card h2,.card h3{margin:0 0 .4rem;border:0;font-size:1rem}
.card .big{font-size:1.6rem;font-weight:bold}
.muted{color:#555}
.table-wrap{overflow-x:auto;max-width:100%;margin:.5rem 0 1rem;background:#fff;border:1px solid #d8d8d8;border-radius:4px}
table{border-collapse:collapse;width:100%;font-size:.92rem}
caption{text-align:left;font-weight:bold;padding:.4rem .6rem}
th,td{padding:.3rem .6rem;border-top:1px solid #e2e2e2;text-align:right;white-space:nowrap}
th[scope=row],td.text,th.text{text-align:left}
td.wrap{white-space:normal;text-align:left;min-width:16rem}
thead th{background:#eef2f7}
.chart{background:#fff;border:1px solid #d8d8d8;border-radius:4px;padding:.5rem;margin:.75rem 0;overflow-x:auto}
.chart svg{max-width:100%;height:auto}
.charts{display:grid;grid-template-columns:1fr;gap:.75rem}
.chart figcaption{font-size:.9rem;color:#444;margin-top:.3rem}
figure.chart{margin:.75rem 0}
form.filters{display:flex;flex-wrap:wrap;gap:.6rem 1rem;align-items:flex-end;margin:.5rem 0 1rem;background:#fff;border:1px solid #d8d8d8;border-radius:4px;padding:.6rem .8rem}
form.filters label{display:flex;flex-direction:column;font-size:.9rem;gap:.15rem}
fieldset{border:1px solid #d8d8d8;border-radius:4px;margin:.5rem 0 1rem;background:#fff}
fieldset label{display:block;padding:.15rem 0}
.pager{display:flex;flex-wrap:wrap;gap:1rem;margin:.5rem 0 1.5rem}
.downloads{display:flex;flex-wrap:wrap;gap:.5rem 1rem;list-style:none;padding:0}
.status-failed,.bad{color:#a11}
.good{color:#0a6b2d}
footer.foot{max-width:76rem;margin:2rem auto 1rem;padding:.5rem 1rem;border-top:1px solid #d0d0d0;font-size:.85rem;color:#555}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;margin:.5rem 0 1rem}
dl.facts dt{font-weight:bold}
dl.facts dd{margin:0;overflow-wrap:anywhere}
@media (max-width:40rem){main{padding:.6rem}h1{font-size:1.25rem}.who{margin-left:0}}
`;

/** The app's own script: none is needed yet; kept so the URL exists for later enhancement. */
const APP_JS = `// luckyfive dashboard: every page works without this file.\n`;

/** The tab icon: five balls (without it browsers ask for /favicon.ico and log a 404 on every page). */
const ICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#14315a"/><g fill="#ffc857"><circle cx="8" cy="11" r="4"/><circle cx="16" cy="11" r="4"/><circle cx="24" cy="11" r="4"/><circle cx="12" cy="21" r="4"/><circle cx="20" cy="21" r="4"/></g></svg>\n`;

export interface Asset {
  body: string;
  type: string;
  etag: string;
}

function asset(body: string, type: string): Asset {
  return { body, type, etag: `"${createHash('sha1').update(body).digest('base64url')}"` };
}

/** The assets by URL path under /assets/. */
export const ASSETS: Readonly<Record<string, Asset>> = {
  'app.css': asset(APP_CSS, 'text/css; charset=utf-8'),
  'app.js': asset(APP_JS, 'text/javascript; charset=utf-8'),
  'icon.svg': asset(ICON_SVG, 'image/svg+xml'),
};
