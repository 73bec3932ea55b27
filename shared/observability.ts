import { LogFormatter, Logger, LogItem } from '@aws-lambda-powertools/logger';
import type { LogAttributes, UnformattedAttributes } from '@aws-lambda-powertools/logger/types';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import type { TracerOptions } from '@aws-lambda-powertools/tracer/types';
import { sourceMappedStack } from './stack-traces';

const serviceName = process.env.POWERTOOLS_SERVICE_NAME ?? 'rewards-api';

/**
 * Logs carry no personal data and no secret: whatever a log call passes, the values of these
 * keys are masked at any depth (Powertools has no masking of its own). Errors are left to
 * Powertools. `seed` is a raffle's secret until its draw.
 */
const MASKED_KEYS = new Set(['email', 'name', 'birthday', 'comment', 'externalid', 'apikey', 'authorization', 'seed']);

export function maskPersonalData(value: unknown, depth = 0): unknown {
  if (value instanceof Error || depth > 10) return value;
  if (Array.isArray(value)) return value.map((item) => maskPersonalData(item, depth + 1));
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, field]) => [
      key,
      MASKED_KEYS.has(key.toLowerCase()) && field !== undefined && field !== null
        ? '***'
        : maskPersonalData(field, depth + 1),
    ]),
  );
}

/** The Powertools standard keys, with the extra attributes of each log call masked. */
export class MaskingLogFormatter extends LogFormatter {
  override formatAttributes(attributes: UnformattedAttributes, additionalLogAttributes: LogAttributes): LogItem {
    const context = attributes.lambdaContext;
    return new LogItem({
      attributes: {
        level: attributes.logLevel,
        message: attributes.message,
        timestamp: this.formatTimestamp(attributes.timestamp),
        service: attributes.serviceName,
        cold_start: context?.coldStart,
        function_name: context?.functionName,
        function_request_id: context?.awsRequestId,
        xray_trace_id: attributes.xRayTraceId,
      },
    }).addAttributes(maskPersonalData(additionalLogAttributes) as LogAttributes);
  }

  /** Powertools' error keys, with the stack (and its location) in the sources' terms (./stack-traces.ts). */
  override formatError(error: Error): LogAttributes {
    const formatted = super.formatError(error);
    if (typeof error.stack !== 'string') return formatted;
    const stack = sourceMappedStack(error.stack);
    if (stack === error.stack) return formatted;
    return {
      ...formatted,
      location: this.getCodeLocation(stack),
      stack: Array.isArray(formatted.stack) ? stack.split('\n') : stack,
    };
  }
}

/** One logger, tracer and metrics instance for the whole code base (Powertools singletons). */
export const logger = new Logger({
  serviceName,
  logLevel: (process.env.LOG_LEVEL as 'INFO' | undefined) ?? 'INFO',
  logFormatter: new MaskingLogFormatter(),
});

/**
 * Traces keep no answer and no error's message or stack, whatever the environment says: an
 * answer may hold a new API key, a webhook signing secret, a presigned URL or a member's personal
 * data, and sampled traces are kept 30 days out of erasure's reach. Only this configuration's two
 * capture settings are fixed here; every other setting is Powertools' default (the environment).
 */
const neverCapture: NonNullable<TracerOptions['customConfigService']> = {
  get: () => '',
  getServiceName: () => '',
  getXrayTraceId: () => undefined,
  getXrayTraceSampled: () => false,
  isDevMode: () => false,
  isValueTrue: (value) => value.toLowerCase() === 'true',
  getAwsExecutionEnv: () => '',
  getCaptureHTTPsRequests: () => '',
  getSamLocal: () => '',
  getTracingEnabled: () => '',
  getTracingCaptureResponse: () => 'false',
  getTracingCaptureError: () => 'false',
};
export const tracer = new Tracer({
  serviceName,
  enabled: process.env.POWERTOOLS_TRACE_ENABLED !== 'false' && !!process.env.AWS_LAMBDA_FUNCTION_NAME,
  customConfigService: neverCapture,
});
export const metrics = new Metrics({
  serviceName,
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'RewardsApi',
});
