import type { APIGatewayProxyResult } from 'aws-lambda';
import { pageAssets } from './assets';

export const CONSOLE_PATH = '/console';

/**
 * Only this origin's script, stylesheet and API: no inline code, no eval, no frames, no other
 * host. uPlot and Preact set element styles through the CSSOM, which style-src does not govern.
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const commonHeaders = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

/**
 * A page's HTML (`GET /<name>`) and its files (`GET /<name>/<file>`), or undefined for any other
 * path. The page is never cached, so a deploy shows at once; the files have content hashes in
 * their names, so they are cached for good. The console and the member's card are served alike.
 */
export function pageResponse(method: string, path: string, name: string): APIGatewayProxyResult | undefined {
  if (method !== 'GET' && method !== 'HEAD') return undefined;
  const root = `/${name}`;
  if (path !== root && !path.startsWith(`${root}/`)) return undefined;
  const assets = pageAssets(name);
  if (!assets) return undefined;
  // Relative URLs in the page resolve against /<name>, not /<name>/: send the browser there.
  if (path === `${root}/`) return { statusCode: 308, headers: { Location: `../${name}` }, body: '' };
  if (path === root) {
    return {
      statusCode: 200,
      headers: {
        'Content-Type': 'text/html; charset=utf-8',
        'Content-Security-Policy': CONSOLE_CSP,
        'Cache-Control': 'no-store',
        'X-Frame-Options': 'DENY',
        ...commonHeaders,
      },
      body: assets.page,
    };
  }
  const file = assets.files[path.slice(root.length + 1)];
  if (!file) return undefined;
  return {
    statusCode: 200,
    headers: {
      'Content-Type': file.contentType,
      'Cache-Control': 'public, max-age=31536000, immutable',
      ...commonHeaders,
    },
    body: file.body,
  };
}

/** The console's page (`GET /console`) and its files (`GET /console/<name>`). */
export const consoleResponse = (method: string, path: string) => pageResponse(method, path, 'console');
