import { createSocket, type RemoteInfo } from 'node:dgram';

/** A query the server answered: the name and the record type asked for (1 A, 28 AAAA). */
export interface Query {
  readonly name: string;
  readonly type: number;
}

/** A DNS server on one loopback address, port 53, for tests; `close` when done. */
export interface DnsServer {
  readonly queries: Query[];
  close(): Promise<void>;
}

const TYPE_A = 1;

function readName(message: Buffer, at: number): { name: string; end: number } {
  const labels: string[] = [];
  let i = at;
  while (i < message.length && message[i] !== 0) {
    labels.push(message.subarray(i + 1, i + 1 + message[i]).toString('latin1'));
    i += 1 + message[i];
  }
  return { name: labels.join('.'), end: i + 1 };
}

/**
 * Answers A queries for the names in `records` (IPv4 addresses as text), an empty answer for
 * other types of those names, and NXDOMAIN for every other name: enough for glibc's stub
 * resolver. It never sends anywhere but back to who asked, on the loopback address it serves.
 */
export async function startDnsServer(
  address: string,
  records: Readonly<Record<string, string>>,
): Promise<DnsServer> {
  const socket = createSocket('udp4');
  const queries: Query[] = [];
  socket.on('message', (message: Buffer, from: RemoteInfo) => {
    if (message.length < 12) return;
    const question = readName(message, 12);
    const type = message.readUInt16BE(question.end);
    queries.push({ name: question.name, type });
    const known = question.name.toLowerCase() in records;
    const answer = known && type === TYPE_A ? records[question.name.toLowerCase()] : null;
    const header = Buffer.alloc(12);
    message.copy(header, 0, 0, 2); // the query's id
    header.writeUInt16BE(0x8180 | (known ? 0 : 3), 2); // a response, recursion available; NXDOMAIN
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(answer ? 1 : 0, 6);
    const parts = [header, message.subarray(12, question.end + 4)];
    if (answer) {
      const record = Buffer.alloc(16);
      record.writeUInt16BE(0xc00c, 0); // the name: a pointer to the question's
      record.writeUInt16BE(TYPE_A, 2);
      record.writeUInt16BE(1, 4); // class IN
      record.writeUInt32BE(60, 6);
      record.writeUInt16BE(4, 10);
      Buffer.from(answer.split('.').map(Number)).copy(record, 12);
      parts.push(record);
    }
    socket.send(Buffer.concat(parts), from.port, from.address);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(53, address, () => resolve());
  });
  return { queries, close: () => new Promise((resolve) => socket.close(() => resolve())) };
}
