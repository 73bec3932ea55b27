import type { UnformattedAttributes } from '@aws-lambda-powertools/logger/types';
import { describe, expect, it } from 'vitest';
import { maskPersonalData, MaskingLogFormatter } from '@shared/observability';

describe('logs without personal data', () => {
  it('masks e-mail, name, birthday, NPS comment and external id at any depth', () => {
    const masked = maskPersonalData({
      member: {
        memberId: 'mem_1',
        email: 'ann@example.com',
        name: 'Ann',
        birthday: '1990-04-01',
        externalId: 'crm-42',
        points: { balance: 10 },
      },
      answers: [{ score: 9, comment: 'Ann from Dublin loves it' }],
    });
    expect(masked).toEqual({
      member: {
        memberId: 'mem_1',
        email: '***',
        name: '***',
        birthday: '***',
        externalId: '***',
        points: { balance: 10 },
      },
      answers: [{ score: 9, comment: '***' }],
    });
  });

  it('masks API keys and Authorization headers', () => {
    expect(
      maskPersonalData({ headers: { Authorization: 'Bearer rk_secret' }, created: { apiKey: 'rk_secret' } }),
    ).toEqual({ headers: { Authorization: '***' }, created: { apiKey: '***' } });
  });

  it('keeps errors for Powertools to format', () => {
    const error = new Error('boom');
    expect((maskPersonalData({ error }) as { error: unknown }).error).toBe(error);
  });

  it('is the formatter of every log line: the standard keys stay, the extra attributes are masked', () => {
    const item = new MaskingLogFormatter().formatAttributes(
      {
        logLevel: 'INFO',
        message: 'enrolled',
        timestamp: new Date('2026-01-01T00:00:00.000Z'),
        serviceName: 'rewards-api',
        xRayTraceId: 'trace-1',
      } as UnformattedAttributes,
      { body: { email: 'ann@example.com', consent: { marketing: true } } },
    );
    expect(item.getAttributes()).toMatchObject({
      level: 'INFO',
      message: 'enrolled',
      service: 'rewards-api',
      xray_trace_id: 'trace-1',
      body: { email: '***', consent: { marketing: true } },
    });
  });
});
