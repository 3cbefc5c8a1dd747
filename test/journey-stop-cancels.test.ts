// Stopping a journey stops its messages (beating the guide's "queued messages keep going for
// days"): stop and unpublish cancel the version's waiting messages of that activity, each reported
// REJECTED_CANCELLED in the Reports activity and the data extension; "keep sending" activities are
// left alone; an unsigned call cancels only once SFMC confirms the version stopped, a signed one at
// once; the operator's admin call cancels whatever the activity chose.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { Sandbox } from '../src/sandbox/sandbox.ts';
import { testDialects } from './helpers/databases.ts';
import { eventually } from './helpers/eventually.ts';
import { contacts, demoTenant, messagesById, reportsActivity, sfmcRowsById, tally, type TestTenant, uniquePrefix } from './helpers/flow.ts';
import { executePaced, type PacedActivity, pacedActivity } from './helpers/pacing.ts';
import { startTestSandbox } from './helpers/sandbox.ts';

const lifecycleExample = (call: string) => JSON.parse(readFileSync(new URL(`../examples/lifecycle/${call}.json`, import.meta.url), 'utf8')) as Record<string, string>;

for (const dialect of testDialects) {
  describe(`journey stop cancels waiting messages (${dialect})`, () => {
    let sandbox: Sandbox;
    let tenant: TestTenant;
    let phones = 0;
    /**
     * A backlog at 6/min: after the first message or two, the rest wait for minutes, so "at least
     * 17 of 20 cancelled" holds however slowly the machine gets to the stop.
     */
    const backlog = async (activity: PacedActivity, label: string, count = 20) => {
      const ids = await executePaced(tenant, activity, contacts(uniquePrefix(label), count, phones));
      phones += count;
      return ids;
    };
    const lifecycle = (call: string, body: string | Record<string, unknown>) =>
      fetch(`${tenant.messageActivityUrl}${call}`, {
        method: 'POST',
        headers: { 'content-type': typeof body === 'string' ? 'application/jwt' : 'application/json' },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
    const stopBody = (call: string, activity: PacedActivity) => ({ ...lifecycleExample(call), interactionId: activity.journeyId, activityObjectID: activity.activityId });
    const setJourney = (activity: PacedActivity, status: 'Published' | 'Stopped' | 'Unpublished') =>
      sandbox.sfmc.setJourney(sandbox.info.sfmc.accountId, { id: activity.journeyId, key: activity.journeyId, name: 'Summer sale', version: 1, status, activityIds: [activity.activityId] });
    const states = async (ids: string[]) => tally([...(await messagesById(sandbox.connector.store.db, ids)).values()].map((m) => m.state));

    before(async () => {
      sandbox = await startTestSandbox(dialect, { outcomes: { delivered: 1, undeliverable: 0, expired: 0, rejected: 0 } });
      tenant = await demoTenant(sandbox);
    });
    after(() => sandbox.close());

    test('an unsigned stop that SFMC confirms cancels the activity\'s waiting messages, reported in the Reports activity and the data extension', async () => {
      const activity = pacedActivity(6);
      const keeper = { ...pacedActivity(6), journeyId: activity.journeyId, extra: { onJourneyStop: 'keepSending' } };
      const ids = await backlog(activity, 'stopped');
      const kept = await backlog(keeper, 'kept', 5);
      setJourney(activity, 'Stopped');
      const answer = await lifecycle('stop', stopBody('stop', activity));
      assert.equal(answer.status, 200);
      const after = await states(ids);
      assert.ok((after.get('cancelled') ?? 0) >= 17, `cancelled: ${JSON.stringify([...after])}`);
      assert.equal((after.get('cancelled') ?? 0) + (after.get('sent') ?? 0) + (after.get('sending') ?? 0), ids.length);
      assert.equal((await states(kept)).get('cancelled'), undefined, 'another activity of the version, set to keep sending, is left alone');
      const cancelled = [...(await messagesById(sandbox.connector.store.db, ids)).values()].filter((m) => m.state === 'cancelled').map((m) => m.id);
      const report = await reportsActivity(tenant, cancelled[0]!);
      assert.equal(report.statusName, 'REJECTED_CANCELLED');
      assert.equal(report.statusGroupName, 'REJECTED');
      assert.equal(report.errorName, 'EC_JOURNEY_STOPPED');
      assert.equal(report.sentAt, 'NOT_AVAILABLE');
      const rows = await eventually(() => {
        const current = sfmcRowsById(sandbox);
        return cancelled.every((id) => current.get(id)?.statusName === 'REJECTED_CANCELLED') ? current : undefined;
      }, 'a data extension row per cancelled message');
      assert.equal(rows.get(cancelled[0]!)!.statusGroupName, 'REJECTED');
      const sent = sandbox.infobip.sentMessages();
      assert.ok(cancelled.every((id) => !sent.has(id)), 'no cancelled message reached Infobip');
      await fetch(`${sandbox.info.adminUrl}/tenants/${tenant.id}/journeys/${keeper.journeyId}/cancel`, { method: 'POST', headers: { authorization: `Bearer ${sandbox.info.adminToken}` } });
    });

    test('a forged unsigned stop (SFMC says the version is running) cancels nothing; a signed one is trusted as it is', async () => {
      const activity = pacedActivity(6);
      const ids = await backlog(activity, 'forged');
      setJourney(activity, 'Published');
      assert.equal((await lifecycle('stop', stopBody('stop', activity))).status, 200);
      assert.equal((await states(ids)).get('cancelled'), undefined, 'unconfirmed: nothing cancelled');
      const unknown = pacedActivity(6);
      assert.equal((await lifecycle('stop', { ...stopBody('stop', activity), interactionId: unknown.journeyId })).status, 200);
      assert.equal((await states(ids)).get('cancelled'), undefined, 'a version SFMC does not know: nothing cancelled');
      assert.equal((await lifecycle('stop', await tenant.signer.sign({ ...stopBody('stop', activity), interactionId: activity.journeyId }))).status, 200);
      assert.ok(((await states(ids)).get('cancelled') ?? 0) >= 17, 'signed: cancelled without asking SFMC');
      assert.equal((await lifecycle('stop', 'not.a.jwt')).status, 401, 'a body that is not a valid JWT is refused');
    });

    test('unpublish cancels too (confirmed by SFMC as Unpublished), with its own error name', async () => {
      const activity = pacedActivity(6);
      const ids = await backlog(activity, 'unpublished');
      setJourney(activity, 'Unpublished');
      assert.equal((await lifecycle('unpublish', stopBody('unpublish', activity))).status, 200);
      const cancelled = [...(await messagesById(sandbox.connector.store.db, ids)).values()].filter((m) => m.state === 'cancelled');
      assert.ok(cancelled.length >= 17);
      assert.equal((await reportsActivity(tenant, cancelled[0]!.id)).errorName, 'EC_JOURNEY_UNPUBLISHED');
    });

    test("the admin API cancels a version's waiting messages, whatever the activity chose", async () => {
      const activity = pacedActivity(6, { onJourneyStop: 'keepSending' });
      const ids = await backlog(activity, 'admin');
      const url = `${sandbox.info.adminUrl}/tenants/${tenant.id}/journeys/${activity.journeyId}/cancel`;
      assert.equal((await fetch(url, { method: 'POST' })).status, 401, 'admin token required');
      const answer = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${sandbox.info.adminToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ activityId: activity.activityId }) });
      assert.equal(answer.status, 200);
      const { cancelledMessages } = (await answer.json()) as { cancelledMessages: number };
      assert.ok(cancelledMessages >= 17);
      assert.equal((await states(ids)).get('cancelled'), cancelledMessages);
      const cancelled = [...(await messagesById(sandbox.connector.store.db, ids)).values()].find((m) => m.state === 'cancelled')!;
      assert.equal((await reportsActivity(tenant, cancelled.id)).errorName, 'EC_CANCELLED_BY_OPERATOR');
    });
  });
}
