import { Duration, Validations } from 'aws-cdk-lib';
import {
  AccessLogFormat,
  ApiKeySourceType,
  AuthorizationType,
  BasePathMapping,
  DomainName,
  SecurityPolicy,
  type MethodDeploymentOptions,
  EndpointType,
  LambdaIntegration,
  LogGroupLogDestination,
  MethodLoggingLevel,
  ResponseType,
  RestApi,
  TokenAuthorizer,
  type IResource,
} from 'aws-cdk-lib/aws-apigateway';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { PROBLEM_TYPE_BASE } from '@shared/http/problems';
import {
  CORS_ALLOWED_HEADERS,
  CORS_ALLOWED_METHODS,
  CORS_MAX_AGE_SECONDS,
  EXPOSED_HEADERS,
  WWW_AUTHENTICATE,
} from '@shared/http/protocol';
import { routes, type FunctionName, type RouteDefinition } from '@shared/http/routes';

export const STAGE_NAME = 'prod';

/**
 * Answers API Gateway gives itself, before any function runs, shaped as the same RFC 9457
 * problem documents the functions answer with (same `type` URIs). This is why the API is a
 * REST API: an HTTP API cannot customise these responses.
 */
export interface GatewayProblem {
  type: ResponseType;
  status: number;
  slug: string;
  title: string;
  /** A JSON string literal, or a mapping-template expression that yields one. */
  detail: string;
  headers?: Record<string, string>;
}

const quoted = (text: string) => JSON.stringify(text);

export const gatewayProblems: GatewayProblem[] = [
  {
    type: ResponseType.UNAUTHORIZED,
    status: 401,
    slug: 'unauthorized',
    title: 'Unauthorized',
    detail: quoted('A valid API key is required: Authorization: Bearer <key>.'),
    headers: { 'WWW-Authenticate': WWW_AUTHENTICATE },
  },
  {
    type: ResponseType.ACCESS_DENIED,
    status: 403,
    slug: 'forbidden',
    title: 'Forbidden',
    detail: quoted('This key may not call this route.'),
  },
  {
    type: ResponseType.THROTTLED,
    status: 429,
    slug: 'throttled',
    title: 'Too many requests',
    detail: quoted('The request rate is over the limit; retry after the delay in Retry-After.'),
    headers: { 'Retry-After': '1' },
  },
  {
    type: ResponseType.QUOTA_EXCEEDED,
    status: 429,
    slug: 'throttled',
    title: 'Too many requests',
    detail: quoted('The request quota is used up; retry after the delay in Retry-After.'),
    headers: { 'Retry-After': '60' },
  },
  // A path with no resource and no method: the same 404 as an unknown route (not the default 403 "Missing Authentication Token").
  {
    type: ResponseType.MISSING_AUTHENTICATION_TOKEN,
    status: 404,
    slug: 'not-found',
    title: 'Not found',
    detail: '"No route $context.httpMethod $util.escapeJavaScript($context.path)."',
  },
  {
    type: ResponseType.RESOURCE_NOT_FOUND,
    status: 404,
    slug: 'not-found',
    title: 'Not found',
    detail: '"No route $context.httpMethod $util.escapeJavaScript($context.path)."',
  },
  {
    type: ResponseType.REQUEST_TOO_LARGE,
    status: 413,
    slug: 'payload-too-large',
    title: 'Payload too large',
    detail: quoted('Request bodies are limited to 65536 bytes.'),
  },
  {
    type: ResponseType.UNSUPPORTED_MEDIA_TYPE,
    status: 415,
    slug: 'unsupported-media-type',
    title: 'Unsupported media type',
    detail: quoted('Send JSON with Content-Type: application/json.'),
  },
  {
    type: ResponseType.BAD_REQUEST_PARAMETERS,
    status: 400,
    slug: 'validation-error',
    title: 'Invalid request',
    detail: '$context.error.messageString',
  },
  {
    type: ResponseType.BAD_REQUEST_BODY,
    status: 400,
    slug: 'validation-error',
    title: 'Invalid request',
    detail: '$context.error.messageString',
  },
  {
    type: ResponseType.INTEGRATION_TIMEOUT,
    status: 504,
    slug: 'timeout',
    title: 'Timeout',
    detail: quoted(
      'The request took too long; it may or may not have been applied. Retry with the same Idempotency-Key.',
    ),
  },
  // Anything else keeps a status that matches its body: 400 for the other client errors, 500 for the other server errors.
  {
    type: ResponseType.DEFAULT_4XX,
    status: 400,
    slug: 'bad-request',
    title: 'Bad request',
    detail: '$context.error.messageString',
  },
  {
    type: ResponseType.DEFAULT_5XX,
    status: 500,
    slug: 'internal',
    title: 'Internal error',
    detail: quoted('Something went wrong on our side. It has been logged; retry later.'),
  },
];

/** The body of a gateway answer: the same problem document, `instance` naming API Gateway's request id. */
export function problemTemplate(problem: GatewayProblem): string {
  return `{"type":${quoted(PROBLEM_TYPE_BASE + problem.slug)},"title":${quoted(problem.title)},"status":${problem.status},"detail":${problem.detail},"instance":"urn:request:$context.requestId"}`;
}

/**
 * Malformed Authorization headers are refused with 401 by API Gateway itself and never invoke (or
 * bill) the authorizer: keys are `rk_` and base64url (shared/store/partners.ts newApiKey), member
 * session tokens three base64url parts (shared/sessions/tokens.ts).
 */
export const AUTHORIZATION_HEADER_PATTERN =
  '^[Bb]earer (rk_[A-Za-z0-9_-]{16,509}|[A-Za-z0-9_-]{1,256}\\.[A-Za-z0-9_-]{1,1280}\\.[A-Za-z0-9_-]{1,256})$';

export interface Throttling {
  rateLimit: number;
  burstLimit: number;
}

/** The open paths that answer CORS preflights besides the route paths, when a region allows origins. */
export const PREFLIGHT_OPEN_PATHS = ['/health', '/health/ready', '/openapi.json', '/.well-known/jwks.json'];

/**
 * The paths API Gateway answers preflights on itself (mock OPTIONS methods), when a region allows
 * origins: the open paths, which have no ANY method. A route's path has one (it answers 405 with
 * Allow), and a preflight there reaches the public function, which answers it for the same origins
 * (preflightResponse): a mock OPTIONS on each of the ~60 route paths would take a CloudFormation
 * stack past its 500 resources. Browsers keep a preflight for 10 minutes (Access-Control-Max-Age).
 */
export function preflightPaths(): string[] {
  return [...PREFLIGHT_OPEN_PATHS];
}

/**
 * Every method of the API as `/{resource path}/{HTTP method}`, keyed routes first, then the open
 * ones (with CORS origins, the preflight OPTIONS methods too).
 */
export function apiMethods(corsPreflights = false): { keyed: string[]; open: string[] } {
  const routeList = Object.values(routes as Record<string, RouteDefinition>);
  const keyed = routeList.map((route) => `${route.path}/${route.method}`);
  const open = [
    ...[...new Set(routeList.map((route) => route.path))].map((path) => `${path}/ANY`),
    '/health/GET',
    '/health/ready/GET',
    '/openapi.json/GET',
    '/.well-known/jwks.json/GET',
    '/console/GET',
    '/console/{file}/GET',
    '/card/GET',
    '/card/{file}/GET',
    '//ANY',
    '/{proxy+}/ANY',
    ...(corsPreflights ? preflightPaths().map((path) => `${path}/OPTIONS`) : []),
  ];
  return { keyed, open };
}

/**
 * API Gateway's limit on a method is a cap on that method for every caller together, applied
 * before the authorizer runs: it is no tool for fairness (a share of the budget per method would
 * let one partner, or anyone sending well-formed fake keys, take a route down for everybody).
 * Each keyed method may therefore take the region's whole budget, and fairness comes from each
 * partner's own usage plan (shared/adapters/api-gateway-throttles.ts). The open methods (health,
 * OpenAPI, the console, 404 and 405 answers, preflights) need no key and have no plan: each is
 * capped at one partner's default limit, and the WAF's rate rules stop a flood from one address
 * before it reaches them (infra/constructs/regional-waf.ts).
 */
export function methodThrottling(
  budget: Throttling,
  partnerDefault: Throttling,
  corsPreflights = false,
): Record<string, Throttling> {
  const { keyed, open } = apiMethods(corsPreflights);
  const whole = { rateLimit: budget.rateLimit, burstLimit: budget.burstLimit };
  const openLimit = { rateLimit: partnerDefault.rateLimit, burstLimit: partnerDefault.burstLimit };
  return Object.fromEntries([
    ...keyed.map((method): [string, Throttling] => [method, whole]),
    ...open.map((method): [string, Throttling] => [method, openLimit]),
  ]);
}

export interface RewardsRestApiProps {
  routeFunctions: Record<FunctionName, IFunction>;
  /** Health, OpenAPI, and the 404/405 answers: no key needed. */
  publicFunction: IFunction;
  authorizerFunction: IFunction;
  authorizerCacheSeconds: number;
  /** The region's whole budget: the cap of each keyed method and of the default usage plan; see methodThrottling. */
  throttling: Throttling;
  /** A partner's default limit: the cap of each open method (no key, no usage plan). */
  partnerDefault: Throttling;
  logRetention: RetentionDays;
  /** Who provides the account's API Gateway logging role (settings apiGatewayLoggingRole). */
  loggingRole: 'stack' | 'account' | 'none';
  /** A web ACL is associated with the stage (infra/constructs/regional-waf.ts). */
  waf: boolean;
  customDomain?: { domainName: string; certificateArn: string };
  /** Browser origins allowed to call (the region's settings); none: no preflight method is made. */
  corsOrigins: readonly string[];
  /**
   * The usage key of the default usage plan: the authorizer returns it for keys without a plan
   * of their own (admins, seeded keys). Not a secret: API Gateway takes usage keys only from the authorizer.
   */
  defaultUsageKey: string;
}

/**
 * The REST API, generated from the route table (the one the local server dispatches with):
 * one method per route behind the key authorizer, ANY on every route resource for the 405
 * answer, a greedy root proxy for the 404 answer, and /health, /openapi.json and the console open.
 */
export class RewardsRestApi extends Construct {
  readonly api: RestApi;
  readonly accessLogs: LogGroup;
  readonly domain?: DomainName;
  private readonly customDomainName?: string;

  constructor(scope: Construct, id: string, props: RewardsRestApiProps) {
    super(scope, id);
    this.accessLogs = new LogGroup(this, 'AccessLogs', { retention: props.logRetention });
    const perMethod = methodThrottling(props.throttling, props.partnerDefault, props.corsOrigins.length > 0);
    const methodOptions: Record<string, MethodDeploymentOptions> = Object.fromEntries(
      Object.entries(perMethod).map(([method, limit]) => [
        method,
        { throttlingRateLimit: limit.rateLimit, throttlingBurstLimit: limit.burstLimit },
      ]),
    );
    this.api = new RestApi(this, 'Api', {
      description: 'Rewards API: points, tiers, rewards, cashback and loyalty metrics',
      endpointTypes: [EndpointType.REGIONAL],
      // Each partner is throttled by its own usage plan, named by the key the authorizer returns
      // (shared/adapters/api-gateway-throttles.ts makes one per partner): no partner starves the others.
      apiKeySourceType: ApiKeySourceType.AUTHORIZER,
      // Execution logging (ERROR level) needs the account's API Gateway CloudWatch role: created by this
      // stack only when the settings say so, since it is one setting for the whole account and region.
      cloudWatchRole: props.loggingRole === 'stack',
      // With a custom domain the execute-api address is closed: one way in, behind the WAF if there is one.
      disableExecuteApiEndpoint: props.customDomain !== undefined,
      deployOptions: {
        stageName: STAGE_NAME,
        // Any method not listed in methodOptions (none today) is capped like an open method.
        throttlingRateLimit: props.partnerDefault.rateLimit,
        throttlingBurstLimit: props.partnerDefault.burstLimit,
        methodOptions,
        tracingEnabled: true,
        // Per-method metrics are billed as custom metrics; the dashboard and alarms read the stage's only.
        metricsEnabled: false,
        loggingLevel: props.loggingRole === 'none' ? MethodLoggingLevel.OFF : MethodLoggingLevel.ERROR,
        // Never log request or response bodies: they carry personal data (e-mail, name, birthday).
        dataTraceEnabled: false,
        accessLogDestination: new LogGroupLogDestination(this.accessLogs),
        // No source IP or user agent: access logs keep what operations need and no personal data.
        accessLogFormat: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            requestTime: '$context.requestTimeEpoch',
            httpMethod: '$context.httpMethod',
            resourcePath: '$context.resourcePath',
            status: '$context.status',
            responseLength: '$context.responseLength',
            responseLatency: '$context.responseLatency',
            integrationLatency: '$context.integrationLatency',
            partnerId: '$context.authorizer.partnerId',
            errorType: '$context.error.responseType',
            xrayTraceId: '$context.xrayTraceId',
          }),
        ),
      },
    });

    for (const problem of gatewayProblems) {
      const template = problemTemplate(problem);
      this.api.addGatewayResponse(`Problem${problem.type.responseType}`, {
        type: problem.type,
        statusCode: String(problem.status),
        responseHeaders: {
          'Content-Type': "'application/problem+json'",
          // API Gateway's own answers carry its request id (a caller's X-Request-Id is echoed by the functions).
          'X-Request-Id': 'context.requestId',
          ...Object.fromEntries(Object.entries(problem.headers ?? {}).map(([name, value]) => [name, `'${value}'`])),
        },
        templates: { 'application/json': template, 'application/problem+json': template },
      });
    }

    const authorizer = new TokenAuthorizer(this, 'KeyAuthorizer', {
      handler: props.authorizerFunction,
      identitySource: 'method.request.header.Authorization',
      validationRegex: AUTHORIZATION_HEADER_PATTERN,
      resultsCacheTtl: Duration.seconds(props.authorizerCacheSeconds),
    });

    const integrations = new Map<IFunction, LambdaIntegration>();
    const integrationOf = (fn: IFunction) => {
      let integration = integrations.get(fn);
      // One invoke permission per function for this API instead of two per method: the public
      // function serves ~20 methods and would outgrow Lambda's resource-policy size limit.
      if (!integration)
        integrations.set(fn, (integration = new LambdaIntegration(fn, { scopePermissionToMethod: false })));
      return integration;
    };
    const open = integrationOf(props.publicFunction);
    const openMethod = (resource: IResource, method: string) =>
      resource.addMethod(method, open, { authorizationType: AuthorizationType.NONE });

    const routeResources = new Set<IResource>();
    for (const [routeId, route] of Object.entries(routes as Record<string, RouteDefinition>)) {
      const resource = this.api.root.resourceForPath(route.path);
      routeResources.add(resource);
      resource.addMethod(route.method, integrationOf(props.routeFunctions[route.fn]), {
        authorizer,
        authorizationType: AuthorizationType.CUSTOM,
        operationName: routeId,
        apiKeyRequired: true,
      });
    }
    // Keys without a plan of their own share the default one, limited like the stage.
    const defaultPlan = this.api.addUsagePlan('DefaultUsagePlan', {
      description: 'Admins and seeded keys; every partner created through the API has its own plan',
      throttle: { rateLimit: props.throttling.rateLimit, burstLimit: props.throttling.burstLimit },
      apiStages: [{ api: this.api, stage: this.api.deploymentStage }],
    });
    defaultPlan.addApiKey(
      this.api.addApiKey('DefaultUsageKey', {
        description: 'Usage key of the default plan (returned by the authorizer, never sent by callers)',
        value: props.defaultUsageKey,
      }),
    );

    // Any other method on a route's path reaches the public function, which answers 405 with Allow.
    for (const resource of routeResources) openMethod(resource, 'ANY');
    openMethod(this.api.root.resourceForPath('/health'), 'GET');
    openMethod(this.api.root.resourceForPath('/health/ready'), 'GET');
    openMethod(this.api.root.resourceForPath('/openapi.json'), 'GET');
    openMethod(this.api.root.resourceForPath('/.well-known/jwks.json'), 'GET');
    const consoleResource = this.api.root.resourceForPath('/console');
    openMethod(consoleResource, 'GET');
    openMethod(consoleResource.addResource('{file}'), 'GET');
    const cardResource = this.api.root.resourceForPath('/card');
    openMethod(cardResource, 'GET');
    openMethod(cardResource.addResource('{file}'), 'GET');
    openMethod(this.api.root, 'ANY');
    openMethod(this.api.root.addResource('{proxy+}'), 'ANY');

    // CORS preflights on the open paths are answered by API Gateway itself (a mock integration);
    // on a route's path an OPTIONS reaches the public function through ANY, which answers 204
    // with Access-Control-Allow-Origin for the region's origins (none allowed: without it).
    if (props.corsOrigins.length > 0) {
      for (const resource of preflightPaths().map((path) => this.api.root.resourceForPath(path))) {
        resource.addCorsPreflight({
          allowOrigins: [...props.corsOrigins],
          allowMethods: CORS_ALLOWED_METHODS,
          allowHeaders: CORS_ALLOWED_HEADERS,
          exposeHeaders: EXPOSED_HEADERS,
          maxAge: Duration.seconds(CORS_MAX_AGE_SECONDS),
          statusCode: 204,
        });
      }
    }

    Validations.of(this.api).acknowledge(
      {
        id: 'AwsSolutions-APIG4',
        reason:
          "Only /health, /health/ready, /openapi.json, the member tokens' public keys, the console's and the member card's static files and the 404/405 answers are open on purpose (public function, one GetItem of a probe key); every /v1 route has the key authorizer.",
      },
      {
        id: 'AwsSolutions-COG4',
        reason:
          'Partners and admins authenticate with API keys checked by a Lambda TOKEN authorizer (hash lookup in the table), not with Cognito user pools.',
      },
      {
        id: 'AwsSolutions-APIG2',
        reason:
          'Every handler validates path, query and body with the zod schemas of the route table and answers 400 problem+json with errors[]; a gateway validator would answer in another shape.',
      },
    );
    if (!props.waf)
      Validations.of(this.api).acknowledge({
        id: 'AwsSolutions-APIG3',
        reason:
          'This region runs without a web ACL (settings waf: false, a deliberate choice): every method is capped, each partner has its own usage plan and every /v1 route requires a key.',
      });
    if (props.loggingRole === 'stack')
      Validations.of(this.api).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
        reason:
          'The account-wide API Gateway logging role needs exactly this AWS-managed policy; it is the documented way to enable execution logs.',
      });
    if (props.loggingRole === 'none')
      Validations.of(this.api).acknowledge({
        id: 'AwsSolutions-APIG6',
        reason:
          'Execution logs are off by the region settings (apiGatewayLoggingRole: none); access logs of every request are kept.',
      });

    if (props.customDomain) {
      this.customDomainName = props.customDomain.domainName;
      this.domain = new DomainName(this, 'Domain', {
        domainName: props.customDomain.domainName,
        certificate: Certificate.fromCertificateArn(this, 'Certificate', props.customDomain.certificateArn),
        endpointType: EndpointType.REGIONAL,
        securityPolicy: SecurityPolicy.TLS_1_2,
      });
      // The routes already start with /v1, so the stage is mapped at the root of the domain.
      new BasePathMapping(this, 'BasePath', {
        domainName: this.domain,
        restApi: this.api,
        stage: this.api.deploymentStage,
      });
    }
  }

  /** The URL partners call: the custom domain when there is one, else the stage's execute-api URL. */
  get url(): string {
    return this.customDomainName ? `https://${this.customDomainName}/` : this.api.url;
  }
}
