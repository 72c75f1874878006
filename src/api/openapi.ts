/** The OpenAPI 3.1 description of the console API, generated from the zod schemas that validate it. */
import { z, type ZodType } from 'zod';
import { ConsoleCommandSchema } from '../bridge/facade/console-commands.js';
import { API_VERSION, CommandAccepted, ErrorResponse, LoginRequest, LoginResponse, Snapshot, VersionResponse, WsAuth, WsClientMessage, WsServerMessage } from './api-schemas.js';

const schema = (s: ZodType): Record<string, unknown> => {
  const { $schema: _drop, ...rest } = z.toJSONSchema(s, { target: 'draft-2020-12', unrepresentable: 'any', io: 'input' }) as Record<string, unknown>;
  return rest;
};
const json = (ref: string) => ({ content: { 'application/json': { schema: { $ref: `#/components/schemas/${ref}` } } } });
const err = (description: string) => ({ description, ...json('Error') });
const bearer = [{ bearer: [] }];

export function openApiDocument(software: string): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: { title: 'linac-bridge console API', version: API_VERSION, description: `linac-bridge ${software}. Every response carries x-request-id. Live state: WebSocket GET /api/v1/live (first message WsAuth; then WsServerMessage). See docs/console-api.md.` },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: {
        LoginRequest: schema(LoginRequest), LoginResponse: schema(LoginResponse), Error: schema(ErrorResponse), Version: schema(VersionResponse),
        Command: schema(ConsoleCommandSchema), CommandAccepted: schema(CommandAccepted), Snapshot: schema(Snapshot),
        WsAuth: schema(WsAuth), WsClientMessage: schema(WsClientMessage), WsServerMessage: schema(WsServerMessage),
      },
    },
    paths: {
      '/api/v1/version': { get: { summary: 'API and software version', responses: { 200: { description: 'versions', ...json('Version') } } } },
      '/api/v1/openapi.json': { get: { summary: 'this document', responses: { 200: { description: 'OpenAPI 3.1' } } } },
      '/api/v1/login': { post: { summary: 'exchange a user name and password for a token', requestBody: { required: true, ...json('LoginRequest') }, responses: { 200: { description: 'a token', ...json('LoginResponse') }, 400: err('malformed'), 401: err('AUTH_FAILED'), 413: err('too large'), 429: err('too many attempts') } } },
      '/api/v1/state': { get: { summary: 'the full snapshot', security: bearer, responses: { 200: { description: 'snapshot', ...json('Snapshot') }, 401: err('no valid token') } } },
      '/api/v1/commands': {
        post: {
          summary: 'one command, serialized with every other', security: bearer, requestBody: { required: true, ...json('Command') },
          responses: { 200: { description: 'accepted', ...json('CommandAccepted') }, 400: err('INPUT_INVALID'), 401: err('no valid token'), 403: err('ROLE_FORBIDDEN'), 409: err('STALE_STATE or REFUSED (the session\'s reason)'), 413: err('LIMIT_EXCEEDED'), 429: err('RATE_LIMITED') },
        },
      },
      '/api/v1/live': { get: { summary: 'WebSocket upgrade: live topics (see WsServerMessage)', responses: { 101: { description: 'switching protocols' } } } },
    },
  };
}
