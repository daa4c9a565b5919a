import type { AuditorServiceCreateEventOptions } from '@backstage/backend-plugin-api';
import { actionsRegistryServiceFactory, actionsServiceFactory } from '@backstage/backend-defaults/alpha';
import { mockCredentials, mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import mcpActionsPlugin from '@backstage/plugin-mcp-actions-backend';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { workflowIds } from '@diachronic/contract';
import { diachronicDeploymentAbortPermission } from '@diachronic/backstage-plugin-diachronic-common';
import { diachronicPlugin } from './plugin';
import {
  RunningWorker,
  annotatedEntity,
  pluginConfig,
  realServices,
  startDiachronicWorker,
  uniqueFamily,
  uniqueVersionId,
  waitFor,
} from './__testUtils__/realServices';

jest.setTimeout(120_000);

const USER = mockCredentials.user().principal.userEntityRef;
const family = uniqueFamily('agent');
const entity = annotatedEntity({ name: `${family.split('.')[0]}-agent`, families: [family] });
const entityRef = `component:default/${entity.metadata.name}`;

/** The auditor events the plugin creates, each with how it ended. */
const audits: Array<{ options: AuditorServiceCreateEventOptions; ended?: { success: boolean; error?: Error } }> = [];
const auditor = mockServices.auditor.mock({
  createEvent: async options => {
    const entry: (typeof audits)[number] = { options };
    audits.push(entry);
    return {
      success: async () => {
        entry.ended = { success: true };
      },
      fail: async ({ error }) => {
        entry.ended = { success: false, error };
      },
    };
  },
});

/** The user may read, start and do anything but abort. */
const permissions = mockServices.permissions.mock({
  authorize: async requests =>
    requests.map(({ permission }) => ({
      result: permission.name === diachronicDeploymentAbortPermission.name ? AuthorizeResult.DENY : AuthorizeResult.ALLOW,
    })),
});

type ToolResult = { isError?: boolean; content: Array<{ type: string; text?: string }>; structuredContent?: Record<string, unknown> };

describe('Diachronic actions over MCP (Streamable HTTP), against the real backend, Temporal and Unleash', () => {
  const services = realServices();
  let worker: RunningWorker;
  let mcp: Client;

  beforeAll(async () => {
    worker = await startDiachronicWorker(services);
    const config = pluginConfig(services, worker.taskQueue, 'unused-secret');
    const { server } = await startTestBackend({
      features: [
        diachronicPlugin,
        mcpActionsPlugin,
        actionsRegistryServiceFactory,
        actionsServiceFactory,
        mockServices.rootConfig.factory({ data: { ...config, backend: { actions: { pluginSources: ['diachronic'] } } } }),
        catalogServiceMock.factory({ entities: [entity] }),
        permissions.factory,
        auditor.factory,
      ],
    });
    // An agent that acts for the signed-in user, as an MCP client configured with the user's token does.
    mcp = new Client({ name: 'diachronic-test-agent', version: '1.0.0' });
    await mcp.connect(
      new StreamableHTTPClientTransport(new URL(`http://localhost:${server.port()}/api/mcp-actions/v1`), {
        requestInit: { headers: { Authorization: mockCredentials.user.header() } },
      }),
    );
  });

  afterAll(async () => {
    await mcp?.close();
    await worker?.stop();
  });

  const call = async (name: string, args: Record<string, unknown>) => {
    const result = (await mcp.callTool({ name: `diachronic.${name}`, arguments: args })) as ToolResult;
    const text = result.content.map(part => part.text ?? '').join('\n');
    return { isError: result.isError ?? false, text, output: result.isError ? undefined : JSON.parse(text) };
  };

  it('lists the reads and controls as tools, with truthful hints', async () => {
    const { tools } = await mcp.listTools();
    // MCP tool names are namespaced by the plugin that registered the action.
    const byName = new Map(tools.map(tool => [tool.name.replace(/^diachronic\./, ''), tool]));
    expect(tools.every(tool => !tool.name.startsWith('diachronic.') || byName.has(tool.name.slice('diachronic.'.length)))).toBe(true);
    for (const name of ['get-deployment', 'list-deployments', 'start', 'promote', 'override', 'pause', 'resume', 'abort']) {
      expect(byName.has(name)).toBe(true);
    }
    expect(byName.get('get-deployment')?.annotations).toMatchObject({ readOnlyHint: true, destructiveHint: false, idempotentHint: true });
    expect(byName.get('list-deployments')?.annotations).toMatchObject({ readOnlyHint: true });
    expect(byName.get('abort')?.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: true });
    expect(byName.get('pause')?.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: false });
    // The input schema tells an agent what to send.
    expect(byName.get('override')?.inputSchema.required).toEqual(expect.arrayContaining(['entityRef', 'family', 'versionId', 'percent', 'reason']));
  });

  it('starts a deployment as the user, reads it with get-deployment, and is refused an abort the user may not do', async () => {
    const versionId = uniqueVersionId();
    const started = await call('start', { entityRef, family, versionId, reason: 'shipped by an agent' });
    expect(started).toMatchObject({ isError: false, output: { outcome: 'started', workflowId: workflowIds.deployment(family, versionId) } });

    const done = await waitFor(`${versionId} to complete`, async () => {
      const read = await call('get-deployment', { entityRef, family, versionId });
      return read.output?.phase === 'completed' ? read.output : undefined;
    });
    expect(done).toMatchObject({ livePercent: 100, request: { requestedBy: { who: USER, why: 'shipped by an agent' } } });

    const listed = await call('list-deployments', { q: family });
    expect(listed.output.items).toEqual([expect.objectContaining({ family, entityRef, latest: expect.objectContaining({ versionId }) })]);

    audits.length = 0;
    const refused = await call('abort', { entityRef, family, versionId, reason: 'agent thinks it is broken' });
    expect(refused.isError).toBe(true);
    expect(refused.text).toMatch(/not allowed|permission/i);
    // Audited like a REST abort: one event, naming the actor and the reason, ended as a failure (the MCP
    // plugin's own events about the tool call are beside it).
    expect(audits.filter(({ options }) => options.eventId === 'deployment-control')).toEqual([
      {
        options: expect.objectContaining({
          eventId: 'deployment-control',
          severityLevel: 'high',
          meta: expect.objectContaining({ action: 'abort', actor: USER, reason: 'agent thinks it is broken', family, versionId }),
        }),
        ended: { success: false, error: expect.any(Error) },
      },
    ]);
    // A control the user may do but the deployment's phase does not allow: the workflow's reason.
    const promoted = await call('promote', { entityRef, family, versionId, reason: 'again' });
    expect(promoted.isError).toBe(true);
    expect(promoted.text).toMatch(/completed/);
    const after = await call('get-deployment', { entityRef, family, versionId });
    expect(after.output).toMatchObject({ phase: 'completed' });
  });

  it('answers bad input with an error naming the field, and changes nothing', async () => {
    const badVersion = await call('pause', { entityRef, family, versionId: 'not-a-sha' });
    expect(badVersion.isError).toBe(true);
    expect(badVersion.text).toMatch(/versionId/);

    const badEntity = await call('get-deployment', { entityRef: 'component:default/', family, versionId: uniqueVersionId() });
    expect(badEntity.isError).toBe(true);
    expect(badEntity.text).toMatch(/entityRef/);

    const badPercent = await call('override', { entityRef, family, versionId: uniqueVersionId(), percent: 150, reason: 'too much' });
    expect(badPercent.isError).toBe(true);
    expect(badPercent.text).toMatch(/percent/);
  });
});
