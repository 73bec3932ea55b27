import type { APIGatewayProxyResult } from 'aws-lambda';
import type { ProblemResponse } from './problems';

export function jsonResponse(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): APIGatewayProxyResult {
  if (body === undefined || status === 204) return { statusCode: status, headers, body: '' };
  return {
    statusCode: status,
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(body),
  };
}

export function problemResponse({ problem, headers }: ProblemResponse): APIGatewayProxyResult {
  return {
    statusCode: problem.status,
    headers: { 'Content-Type': 'application/problem+json', ...headers },
    body: JSON.stringify(problem),
  };
}
