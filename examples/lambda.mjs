// An AWS Lambda function that receives Vessel webhooks, behind an API Gateway HTTP API or a
// function URL (payload format 2.0) or a REST API (1.0): `export const handler =
// lambdaHandler(webhooks)` with your receiver (README, "Receiver").

/** The Lambda handler that answers API Gateway's events with `webhooks.fetch`. */
export function lambdaHandler(webhooks) {
  return async (event) => {
    const method = event.requestContext?.http?.method ?? event.httpMethod;
    const url = `https://${event.requestContext?.domainName ?? 'lambda'}${event.rawPath ?? event.path}`;
    // A REST API keeps every value of a repeated header in multiValueHeaders (its `headers` has
    // the last): all of them, as a Headers joins them (a signature sent twice is malformed).
    const headers = new Headers();
    const lists = event.multiValueHeaders ?? {};
    for (const [name, values] of Object.entries(lists)) {
      for (const value of values ?? []) headers.append(name, value);
    }
    for (const [name, value] of Object.entries(event.headers ?? {})) {
      if (!headers.has(name)) headers.append(name, value);
    }
    // The body comes as text, or as base64 when API Gateway took it for binary: the bytes Vessel
    // sent either way. A GET has none (and gets 405).
    const body =
      event.body == null || method === 'GET' || method === 'HEAD'
        ? undefined
        : Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
    const response = await webhooks.fetch(new Request(url, { method, headers, body }));
    // Lambda's answer is { statusCode, headers, body }: an HTTP API answers 200 to anything
    // without a statusCode, which would tell Vessel a failed event was processed.
    return {
      statusCode: response.status,
      headers: Object.fromEntries(response.headers),
      body: await response.text(),
    };
  };
}
