import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { ValidateFunction } from 'ajv';

/**
 * Checks an answer against the OpenAPI document the way a validating proxy does: the status
 * must be documented for the operation, the media type and body must match its schema (ajv,
 * JSON Schema 2020-12, with the document's own components), every required header must be
 * there and valid, and no API header may appear that the document does not name.
 */
type Json = Record<string, unknown>;
export interface ObservedAnswer {
  status: number;
  headers: Headers;
  text: string;
}

/** Transport and CORS headers are HTTP's, not the API's: they are not part of the document. */
const TRANSPORT_HEADERS = new Set([
  'content-type',
  'content-length',
  'date',
  'connection',
  'keep-alive',
  'transfer-encoding',
  'vary',
]);
const isTransport = (name: string) => TRANSPORT_HEADERS.has(name) || name.startsWith('access-control-');

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

export class OpenApiValidator {
  private readonly ajv: Ajv2020;
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(private readonly document: Json) {
    this.ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
    addFormats(this.ajv);
    this.ajv.addSchema(document, 'openapi');
  }

  private pointer(path: string[]): string {
    return `openapi#/${path.map((part) => part.replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}`;
  }

  private validatorAt(path: string[]): ValidateFunction {
    const ref = this.pointer(path);
    let validate = this.compiled.get(ref);
    if (!validate) {
      validate = this.ajv.compile({ $ref: ref });
      this.compiled.set(ref, validate);
    }
    return validate;
  }

  private resolve(node: Json): { node: Json; path?: string[] } {
    const ref = node.$ref;
    if (typeof ref !== 'string') return { node };
    const path = ref.replace(/^#\//, '').split('/');
    let target: unknown = this.document;
    for (const part of path) target = (target as Json)[part];
    return { node: target as Json, path };
  }

  /** The problems found with an answer of `method template`; empty when the document describes it. */
  check(method: string, template: string, answer: ObservedAnswer): string[] {
    const paths = this.document.paths as Record<string, Record<string, Json>>;
    const operation = paths[template]?.[method.toLowerCase()];
    if (!operation) return [`${method} ${template} is not in the document`];
    const responses = operation.responses as Record<string, Json>;
    const documented = responses[String(answer.status)];
    const where = `${method} ${template} → ${answer.status}`;
    if (!documented) return [`${where}: status not documented (${answer.text.slice(0, 200)})`];
    const base = ['paths', template, method.toLowerCase(), 'responses', String(answer.status)];
    return this.checkResponse(where, documented, base, answer);
  }

  /** An answer outside any operation (an unknown path, a method the path lacks): components.responses[name]. */
  checkShared(name: string, answer: ObservedAnswer): string[] {
    const responses = (this.document.components as Json).responses as Record<string, Json> | undefined;
    const documented = responses?.[name];
    if (!documented) return [`components.responses.${name} is not in the document`];
    return this.checkResponse(`${name} → ${answer.status}`, documented, ['components', 'responses', name], answer);
  }

  private checkResponse(where: string, documented: Json, path: string[], answer: ObservedAnswer): string[] {
    const errors: string[] = [];
    const { node: response, path: responsePath } = this.resolve(documented);
    const base = responsePath ?? path;

    const headers = (response.headers ?? {}) as Record<string, Json>;
    const documentedNames = new Set(Object.keys(headers).map((name) => name.toLowerCase()));
    for (const [name, spec] of Object.entries(headers)) {
      const { node: header, path: headerPath } = this.resolve(spec);
      const value = answer.headers.get(name);
      if (value === null) {
        if (header.required) errors.push(`${where}: required header ${name} missing`);
        continue;
      }
      const validate = this.validatorAt([...(headerPath ?? [...base, 'headers', name]), 'schema']);
      const valid: boolean = validate(value);
      if (!valid) errors.push(`${where}: header ${name}=${value}: ${this.ajv.errorsText(validate.errors)}`);
    }
    answer.headers.forEach((_, name) => {
      if (!isTransport(name) && !documentedNames.has(name)) errors.push(`${where}: undocumented header ${name}`);
    });

    const content = response.content as Record<string, Json> | undefined;
    const mediaType = (answer.headers.get('content-type') ?? '').split(';')[0]?.trim() ?? '';
    if (!content) {
      if (answer.text !== '') errors.push(`${where}: a body where none is documented`);
      return errors;
    }
    if (!content[mediaType]) return [...errors, `${where}: media type ${mediaType || '(none)'} not documented`];
    let body: unknown;
    try {
      body = JSON.parse(answer.text);
    } catch {
      return [...errors, `${where}: body is not JSON`];
    }
    const validate = this.validatorAt([...base, 'content', mediaType, 'schema']);
    if (!validate(body))
      errors.push(`${where}: body ${answer.text.slice(0, 300)}: ${this.ajv.errorsText(validate.errors)}`);
    return errors;
  }

  /**
   * An event (a feed item or a webhook delivery's body) against the document's `webhooks` entry
   * for its type: what a client generated from the document expects a receiver to get.
   */
  checkEvent(event: unknown): string[] {
    const type = (event as { type?: unknown }).type;
    const hooks = (this.document.webhooks ?? {}) as Record<string, unknown>;
    if (typeof type !== 'string' || !hooks[type])
      return [`event type ${String(type)} is not in the document's webhooks`];
    const validate = this.validatorAt([
      'webhooks',
      type,
      'post',
      'requestBody',
      'content',
      'application/json',
      'schema',
    ]);
    return validate(event)
      ? []
      : [`${type} event ${JSON.stringify(event).slice(0, 300)}: ${this.ajv.errorsText(validate.errors)}`];
  }
}
