import { describe, expect, it } from 'vitest';
import { entryPoints } from '@shared/http/route-definition';
import { synthesizeRegion } from './support';

type FunctionResource = { Properties: { Environment?: { Variables?: Record<string, unknown> } } };

/** Security settings of the deployed template (issue: secrets in traces, throttles, keys, grants). */
describe('security of a region', () => {
  it.each(['eu-west-1', 'us-east-1'])('in %s, no function puts its answers or errors in X-Ray traces', (region) => {
    const { template } = synthesizeRegion(region);
    const functions = Object.values(template.findResources('AWS::Lambda::Function')) as FunctionResource[];
    // Every Lambda function of the stack, not only the API's: jobs, authorizer, workers.
    expect(functions).toHaveLength(entryPoints.length);
    for (const fn of functions)
      expect(fn.Properties.Environment?.Variables).toMatchObject({
        POWERTOOLS_TRACER_CAPTURE_RESPONSE: 'false',
        POWERTOOLS_TRACER_CAPTURE_ERROR: 'false',
      });
  });
});
