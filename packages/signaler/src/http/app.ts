import express, { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import { ZodType, ZodTypeDef } from 'zod';
import { invalidInput, SignalerRequestError, toErrorResponse } from './errors';
import {
  batchRequest,
  signalRequest,
  signalWithStartRequest,
  startRequest,
  updateRequest,
  updateWithStartRequest,
} from './schema';
import { SignalerService } from './service';

export interface SignalerAppOptions {
  service: SignalerService;
  /** Largest accepted request body (express/body-parser syntax); a batch of 1,000 starts must fit. */
  bodyLimit?: string;
  /** Called with errors that answer 500, which the client sees without details. */
  onInternalError?: (error: unknown, req: Request) => void;
}

export const DEFAULT_BODY_LIMIT = '4mb';

function parse<T>(schema: ZodType<T, ZodTypeDef, unknown>, body: unknown): T {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw invalidInput(parsed.error);
  return parsed.data;
}

/** Express 4 does not catch rejected promises: forward them to the error handler. */
function handle(fn: (req: Request, res: Response) => Promise<void>): RequestHandler {
  return (req, res, next) => {
    fn(req, res).catch(next);
  };
}

/** Errors of body-parser (malformed JSON, too large, bad encoding) carry `type` and a 4xx `status`. */
function bodyParserError(error: unknown): SignalerRequestError | undefined {
  if (typeof error !== 'object' || error === null || !('type' in error) || !('status' in error)) return undefined;
  if (error.type === 'entity.too.large') {
    return new SignalerRequestError(413, 'body_too_large', 'request body too large');
  }
  if (error.type === 'entity.parse.failed') {
    return new SignalerRequestError(400, 'invalid_json', 'request body is not valid JSON');
  }
  const { status } = error;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new SignalerRequestError(status, 'invalid_body', error instanceof Error ? error.message : 'invalid request body');
  }
  return undefined;
}

/** The HTTP API of the signaler: thin handlers over SignalerService. */
export function createSignalerApp({ service, bodyLimit = DEFAULT_BODY_LIMIT, onInternalError }: SignalerAppOptions) {
  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: bodyLimit }));

  app.get(
    '/healthz',
    handle(async (_req, res) => {
      const report = await service.health();
      res.status(report.ok ? 200 : 503).json(report);
    }),
  );

  app.post(
    '/v1/workflows/start',
    handle(async (req, res) => {
      res.status(201).json(await service.start(parse(startRequest, req.body)));
    }),
  );

  app.post(
    '/v1/workflows/signal-with-start',
    handle(async (req, res) => {
      res.status(200).json(await service.signalWithStart(parse(signalWithStartRequest, req.body)));
    }),
  );

  app.post(
    '/v1/workflows/update-with-start',
    handle(async (req, res) => {
      res.status(200).json(await service.updateWithStart(parse(updateWithStartRequest, req.body)));
    }),
  );

  app.post(
    '/v1/workflows/signal',
    handle(async (req, res) => {
      const request = parse(signalRequest, req.body);
      await service.signal(request);
      res.status(202).json({ workflowId: request.workflowId });
    }),
  );

  app.post(
    '/v1/workflows/update',
    handle(async (req, res) => {
      res.status(200).json(await service.update(parse(updateRequest, req.body)));
    }),
  );

  app.post(
    '/v1/workflows/batch',
    handle(async (req, res) => {
      res.status(200).json(await service.batch(parse(batchRequest, req.body).items));
    }),
  );

  app.use((req, res) => {
    res.status(404).json({ error: { code: 'not_found', message: `no route for ${req.method} ${req.path}` } });
  });

  const errorHandler: ErrorRequestHandler = (error, req, res, _next) => {
    const { status, body } = toErrorResponse(bodyParserError(error) ?? error);
    if (status === 500) onInternalError?.(error, req);
    res.status(status).json(body);
  };
  app.use(errorHandler);

  return app;
}
