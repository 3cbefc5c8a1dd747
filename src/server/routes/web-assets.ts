import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/** The installed Salesforce Lightning Design System, served by us: the web apps load nothing from a CDN. */
const SLDS_ROOT = fileURLToPath(new URL('../../../node_modules/@salesforce-ux/design-system/assets/', import.meta.url));

export async function webAssetRoutes(app: FastifyInstance): Promise<void> {
  await app.register(fastifyStatic, { root: SLDS_ROOT, prefix: '/assets/slds/', decorateReply: false, maxAge: '1d' });
}
