// The activity's side of Postmonger: one connection to Journey Builder (the parent window), with
// Journey Builder's answers as promises. Postmonger is loaded as a classic script (it is UMD).
const connection = new window.Postmonger.Session();

/** Resolves with Journey Builder's answer to `request` (e.g. requestSchema → requestedSchema). */
export function ask(request, answer) {
  return new Promise((resolve) => {
    const once = (payload) => {
      connection.off(answer, once);
      resolve(payload);
    };
    connection.on(answer, once);
    connection.trigger(request);
  });
}

/** Everything the UI needs before it can show the activity: the activity, the user's token, the entry source. */
export async function startActivity() {
  const activity = new Promise((resolve) => connection.on('initActivity', resolve));
  connection.trigger('ready');
  const [payload, tokens, schema, interaction, trigger] = await Promise.all([
    activity,
    ask('requestTokens', 'requestedTokens'),
    ask('requestSchema', 'requestedSchema'),
    ask('requestInteraction', 'requestedInteraction'),
    ask('requestTriggerEventDefinition', 'requestedTriggerEventDefinition'),
  ]);
  return { payload, tokens, schema, interaction, trigger };
}

export const on = (event, handler) => connection.on(event, handler);
export const trigger = (event, payload) => connection.trigger(event, payload);
