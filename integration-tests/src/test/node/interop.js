// Reads one JSON request on stdin and prints one JSON answer on stdout, using the independent
// @kafkajs/confluent-schema-registry client against a Confluent-compatible registry:
//   {"registry": URL, "auth": {"username": U, "password": P} (optional: HTTP Basic, for writes),
//    "decode": [base64 Confluent-framed messages],
//    "register": {"subject": S, "schema": Avro schema text},
//    "encode": [values to encode with the schema registered above]}
// → {"decoded": [values], "registeredId": N, "latestId": N, "encoded": [base64 messages]}
'use strict';

const { SchemaRegistry, SchemaType } = require('@kafkajs/confluent-schema-registry');

function readStdin() {
  return new Promise((resolve, reject) => {
    const chunks = [];
    process.stdin.on('data', (chunk) => chunks.push(chunk));
    process.stdin.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    process.stdin.on('error', reject);
  });
}

async function main() {
  const request = JSON.parse(await readStdin());
  const registry = new SchemaRegistry(request.auth ? { host: request.registry, auth: request.auth } : { host: request.registry });
  const answer = { decoded: [], encoded: [] };

  for (const message of request.decode || []) {
    answer.decoded.push(await registry.decode(Buffer.from(message, 'base64')));
  }
  if (request.register) {
    const { id } = await registry.register(
      { type: SchemaType.AVRO, schema: request.register.schema },
      { subject: request.register.subject });
    answer.registeredId = id;
    answer.latestId = await registry.getLatestSchemaId(request.register.subject);
    for (const value of request.encode || []) {
      answer.encoded.push((await registry.encode(id, value)).toString('base64'));
    }
  }
  process.stdout.write(JSON.stringify(answer) + '\n');
}

main().catch((error) => {
  process.stderr.write(String(error && error.stack ? error.stack : error) + '\n');
  process.exit(1);
});
