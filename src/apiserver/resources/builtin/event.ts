/**
 * core/v1 Event: the columns `kubectl get events` prints (LAST SEEN from the series' last observation, the last
 * timestamp or the event time; OBJECT as kind/name; NAME only in the wide output) and the event field selectors.
 */
import { humanAge } from '../../duration.ts';
import * as p from '../printers.ts';
import { nameColumn } from '../served.ts';
import { col, type BuiltinSpec } from './spec.ts';

export const event: BuiltinSpec = {
  group: '',
  version: 'v1',
  kind: 'Event',
  plural: 'events',
  shortNames: ['ev'],
  namespaced: true,
  definitionPackage: 'io.k8s.api.core',
  columns: [
    {
      name: 'Last Seen',
      type: 'string',
      jsonPath: '',
      compute: (o, now) => humanAge(p.eventLastSeen(o), now),
    },
    col('Type', (o) => o['type'] ?? ''),
    col('Reason', (o) => o['reason'] ?? ''),
    col('Object', p.eventObject),
    col('Subobject', (o) => (o['involvedObject'] as { fieldPath?: string } | undefined)?.fieldPath ?? '', 1),
    col('Source', (o) => (o['source'] as { component?: string } | undefined)?.component ?? '', 1),
    col('Message', (o) => o['message'] ?? ''),
    {
      name: 'First Seen',
      type: 'string',
      jsonPath: '',
      priority: 1,
      compute: (o, now) =>
        humanAge((o['firstTimestamp'] as string | undefined) ?? o.metadata.creationTimestamp, now),
    },
    col('Count', (o) => o['count'] ?? 1, 1, 'integer'),
    nameColumn(1),
  ],
  fieldSelectors: [
    'involvedObject.kind',
    'involvedObject.namespace',
    'involvedObject.name',
    'involvedObject.uid',
    'involvedObject.apiVersion',
    'involvedObject.resourceVersion',
    'involvedObject.fieldPath',
    'reason',
    'reportingComponent',
    'source',
    'type',
  ],
};
