// URL tracking end to end: a recipient clicks (the Infobip simulator posts the click report to the
// tenant's CLICK subscription), the click reaches the Unified URL Tracking data extension and the
// Reports activity's URL mode; NOT_CLICKED before. The engagement split (RESTDECISION) routes on
// what happened: replied, clicked, seen, delivered, failed, pending.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { fillExample, loadExample, postExecute } from '../src/sandbox/journey-builder.ts';
import type { Sandbox } from '../src/sandbox/sandbox.ts';
import { testDialects } from './helpers/databases.ts';
import { eventually } from './helpers/eventually.ts';
import { contacts, demoTenant, executeAll, reportRows, reportsById, sendThroughSandbox, type TestTenant, uniquePrefix } from './helpers/flow.ts';
import { startTestSandbox } from './helpers/sandbox.ts';

const urlReport = loadExample('reports-url');
const split = loadExample('split');

for (const dialect of testDialects) {
  describe(`URL tracking and the engagement split (${dialect})`, () => {
    let sandbox: Sandbox;
    let tenant: TestTenant;
    let phones = 3000;
    const ask = async (url: string, template: string, messageId: string) => (await postExecute(url, await tenant.signer.sign(fillExample(template, { messageId, contactKey: 'c' })))).body;
    const branch = async (id: string) => (await ask(sandbox.info.splitActivityUrl, split, id)).branchResult;
    const send = async (count = 1) => {
      const ids = await executeAll(tenant, contacts(uniquePrefix('url'), count, phones), count);
      phones += count;
      return ids;
    };
    const finalReport = (id: string) =>
      eventually(async () => {
        const r = (await reportsById(sandbox.connector.store.db, [id])).get(id);
        return r && r.status_group_name !== 'PENDING' ? r : undefined;
      }, `a final report for ${id}`);

    before(async () => {
      sandbox = await startTestSandbox(dialect, { outcomes: { delivered: 1, undeliverable: 0, expired: 0, rejected: 0 }, seenRate: 1 });
      tenant = await demoTenant(sandbox);
    });
    after(() => sandbox.close());

    test('a click reaches Unified URL Tracking and the URL mode; NOT_CLICKED before', async () => {
      const [id] = await send();
      await eventually(() => sandbox.infobip.sentMessages().get(id!), 'sent');
      assert.deepEqual(await ask(sandbox.info.reportsActivityUrl, urlReport, id!), { notificationType: 'NOT_CLICKED', url: 'NOT_CLICKED' });
      const clicked = sandbox.infobip.click(id!, 'https://shop.example.com/orders/42');
      assert.deepEqual(clicked.notifyUrls, [sandbox.info.webhooks.clicks]);
      const [row] = await reportRows(sandbox, 'urlTracking', [id!]);
      assert.equal(row!.notificationType, 'CLICKED');
      assert.equal(row!.url, 'https://shop.example.com/orders/42');
      assert.equal(row!.channel, 'SMS');
      assert.equal(row!.deviceType, 'Phone');
      assert.match(String(row!.callbackData), /"ContactKey":"url-/);
      assert.deepEqual(await ask(sandbox.info.reportsActivityUrl, urlReport, id!), { notificationType: 'CLICKED', url: 'https://shop.example.com/orders/42' });
      // A second click on another link: the first click stays the answer and the row.
      sandbox.infobip.click(id!, 'https://shop.example.com/other');
      await eventually(async () => (await sandbox.connector.store.db.selectFrom('url_clicks').selectAll().where('message_id', '=', id!).execute()).length === 2 || undefined, 'both clicks stored');
      assert.equal((await ask(sandbox.info.reportsActivityUrl, urlReport, id!)).url, 'https://shop.example.com/orders/42');
    });

    test('an unknown reportType answers a clear value in every field', async () => {
      const body = fillExample(urlReport, { messageId: 'x', contactKey: 'c' }) as { inArguments: Record<string, unknown>[] };
      body.inArguments = [{ messageId: 'x' }, { reportType: 'bounces' }];
      const answer = await postExecute(sandbox.info.reportsActivityUrl, await tenant.signer.sign(body));
      assert.equal(answer.status, 200);
      assert.equal(answer.body.statusName, 'Error: Unknown report type');
    });

    test('the split routes pending, delivered, seen, clicked, replied and failed', async () => {
      sandbox.infobip.setFaults({ webhookDropRate: 1 });
      const [pending] = await send();
      assert.equal(await branch(pending!), 'pending');
      assert.equal(await branch('NOT_AVAILABLE'), 'pending');
      sandbox.infobip.setFaults({ webhookDropRate: 0 });

      // SMS: delivered, no seen reports.
      const [delivered] = await send();
      await finalReport(delivered!);
      assert.equal(await branch(delivered!), 'delivered');

      // Viber with every delivered message seen.
      const { ids: [seen] } = await sendThroughSandbox(sandbox, tenant.signer, loadExample('viber'), [{ contactKey: uniquePrefix('seen'), phone: `+49151${40_000_000 + phones++}` }]);
      await eventually(async () => (await reportsById(sandbox.connector.store.db, [seen!])).get(seen!)?.seen_at ?? undefined, 'seen');
      assert.equal(await branch(seen!), 'seen');

      sandbox.infobip.click(delivered!);
      await eventually(async () => (await branch(delivered!)) === 'clicked' || undefined, 'clicked');

      const message = sandbox.infobip.sentMessages().get(delivered!)!;
      sandbox.infobip.reply({ from: message.destination, text: 'Thanks' });
      await eventually(async () => (await branch(delivered!)) === 'replied' || undefined, 'replied');

      sandbox.infobip.setOutcomes({ delivered: 0, undeliverable: 1, expired: 0, rejected: 0 });
      try {
        const [failed] = await send();
        await finalReport(failed!);
        assert.equal(await branch(failed!), 'failed');
      } finally {
        sandbox.infobip.setOutcomes({ delivered: 1, undeliverable: 0, expired: 0, rejected: 0 });
      }
    });

    test("config.json of the split is a RESTDECISION whose outcomes carry each branchResult", async () => {
      const config = (await (await fetch(`${sandbox.info.splitActivityUrl}config.json`)).json()) as Record<string, any>;
      assert.equal(config.type, 'RESTDECISION');
      assert.deepEqual(config.outcomes.map((o: any) => o.arguments.branchResult), ['replied', 'clicked', 'seen', 'delivered', 'failed', 'pending']);
      assert.ok(config.outcomes.every((o: any) => typeof o.metaData.label === 'string'));
      assert.equal(config.arguments.execute.useJwt, true);
    });
  });
}
