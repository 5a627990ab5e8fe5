// Child process, run inside the bench's network namespace: the name server its resolv.conf names.
// A query for a name that starts with "missing." gets NXDOMAIN at once (a host name that does not
// resolve); any other query is read and never answered (a lookup that hangs).
import { createSocket } from 'node:dgram'

/** The question's name, read from the labels after the 12-byte header. */
function questionName(message: Buffer): { name: string; end: number } {
  const labels: string[] = []
  let at = 12
  while (at < message.length && message[at] !== 0) {
    const length = message[at]!
    labels.push(message.subarray(at + 1, at + 1 + length).toString('latin1'))
    at += 1 + length
  }
  return { name: labels.join('.').toLowerCase(), end: at + 5 } // the zero byte, QTYPE and QCLASS
}

function nxdomain(query: Buffer, questionEnd: number): Buffer {
  const answer = Buffer.from(query.subarray(0, questionEnd))
  answer[2] = 0x80 | (query[2]! & 0x79) // QR, same opcode, same RD
  answer[3] = 0x80 | 3 // RA, RCODE 3: the name does not exist
  answer.writeUInt16BE(1, 4) // one question, no answers, no authority, no additional records
  answer.writeUInt32BE(0, 6)
  answer.writeUInt16BE(0, 10)
  return answer
}

const socket = createSocket('udp4')
socket.on('message', (message, from) => {
  if (message.length < 17) return
  const { name, end } = questionName(message)
  if (name.startsWith('missing.')) socket.send(nxdomain(message, end), from.port, from.address)
})
socket.bind(53, '127.0.0.1', () => process.stdout.write('ready\n'))
// The bench ends this process by its pid; should the bench itself die, stdin closes and so do we.
process.stdin.on('close', () => process.exit(0))
process.stdin.resume()
