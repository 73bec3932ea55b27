import { lookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { addressRefusal, urlRefusal, type AddressPolicy, type AttemptOutcome } from '@shared/domain/webhooks';

export const DELIVERY_TIMEOUT_MS = 10_000;

/** Every address a host name resolves to, or why it may not be called. */
export async function hostRefusal(hostname: string, policy: AddressPolicy): Promise<string | undefined> {
  const addresses = await new Promise<LookupAddress[]>((resolve, reject) =>
    lookup(hostname, { all: true }, (error, found) => (error ? reject(error) : resolve(found))),
  ).catch(() => undefined);
  if (!addresses || addresses.length === 0) return 'does not resolve';
  for (const { address } of addresses) {
    const refusal = addressRefusal(address, policy);
    if (refusal) return refusal;
  }
  return undefined;
}

/** A URL's form and, for a host name, what it resolves to now (registration; delivery checks at connect). */
export async function webhookUrlRefusal(text: string, policy: AddressPolicy): Promise<string | undefined> {
  const refusal = urlRefusal(text, policy);
  if (refusal) return refusal;
  const hostname = new URL(text).hostname;
  if (hostname === 'localhost' || hostname.startsWith('[') || /^[\d.]+$/.test(hostname)) return undefined;
  return hostRefusal(hostname, policy);
}

/**
 * DNS resolution at connect time, refusing forbidden addresses: the address checked is the
 * address connected to, so a name that resolves differently a second later (DNS rebinding)
 * cannot slip through between a check and the request.
 */
function guardedLookup(policy: AddressPolicy): LookupFunction {
  return (hostname, options, callback) => {
    lookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 4);
      const refused = addresses.map((a) => addressRefusal(a.address, policy)).find(Boolean);
      if (refused || addresses.length === 0)
        return callback(
          Object.assign(new Error(`${hostname} ${refused ?? 'does not resolve'}`), { code: 'EREFUSED' }),
          '',
          4,
        );
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      const first = addresses[0] as LookupAddress;
      callback(null, first.address, first.family);
    });
  };
}

/**
 * One delivery attempt: POST the body, no redirect followed (a 3xx is an answer, and a failure),
 * the whole exchange within `timeoutMs`. Never throws: every failure is an outcome.
 */
export function postWebhook(
  url: string,
  body: string,
  headers: Record<string, string>,
  options: { policy: AddressPolicy; timeoutMs?: number },
): Promise<AttemptOutcome> {
  const refusal = urlRefusal(url, options.policy);
  if (refusal) return Promise.resolve({ error: `url ${refusal}` });
  const target = new URL(url);
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  const timeoutMs = options.timeoutMs ?? DELIVERY_TIMEOUT_MS;
  return new Promise((resolve) => {
    let settled = false;
    const finish = (outcome: AttemptOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.destroy();
      resolve(outcome);
    };
    const requestOptions: RequestOptions = {
      method: 'POST',
      headers: {
        ...headers,
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(body)),
        'user-agent': 'rewards-api-webhooks/1',
      },
      lookup: guardedLookup(options.policy),
      agent: false,
    };
    const request = send(target, requestOptions, (response) => {
      response.resume();
      finish({ statusCode: response.statusCode ?? 0 });
    });
    const timer = setTimeout(() => finish({ error: `no answer within ${timeoutMs / 1000} s` }), timeoutMs);
    request.on('error', (error) => finish({ error: error.message.slice(0, 200) }));
    request.end(body);
  });
}
