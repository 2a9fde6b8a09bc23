/**
 * One DNS question against the zone data (pure): a name inside one of the cluster zones is answered from the records
 * (NOERROR with the records of that type; NOERROR and no answer for a name that exists without them; NXDOMAIN for a
 * name that does not exist) and is authoritative; any other name is for the upstream (`forward`).
 */
import type { Answer, Question } from 'dns-packet';
import type { ZoneData } from './zone.ts';

export const TTL = 5;

export type Outcome =
  { kind: 'forward' } | { kind: 'answer'; rcode: 'NOERROR' | 'NXDOMAIN'; answers: Answer[] };

export function answerQuestion(zone: ZoneData, question: Question): Outcome {
  const name = question.name.toLowerCase().replace(/\.$/, '');
  const inZone = zone.zones.some((z) => name === z || name.endsWith(`.${z}`));
  if (!inZone) return { kind: 'forward' };
  const set = zone.records[name];
  if (!set && !zone.names.includes(name)) return { kind: 'answer', rcode: 'NXDOMAIN', answers: [] };
  const answers: Answer[] = [];
  const wants = (type: string) => question.type === type || (question.type as string) === 'ANY';
  if (wants('A'))
    for (const ip of set?.A ?? []) answers.push({ type: 'A', name: question.name, ttl: TTL, data: ip });
  if (wants('SRV')) {
    for (const srv of set?.SRV ?? []) {
      answers.push({
        type: 'SRV',
        name: question.name,
        ttl: TTL,
        data: { priority: 0, weight: 100, port: srv.port, target: srv.target },
      });
    }
  }
  if (wants('PTR'))
    for (const ptr of set?.PTR ?? []) answers.push({ type: 'PTR', name: question.name, ttl: TTL, data: ptr });
  return { kind: 'answer', rcode: 'NOERROR', answers };
}
