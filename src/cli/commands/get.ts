/**
 * `kovn get KIND [NAME ...] [-n NS | -A] [-o yaml|json|wide|name] [-l SELECTOR]`: KIND is resolved through discovery
 * (plural, singular, short name or kind; `KIND/NAME` also works). Default output is the server's Table printed
 * as kubectl prints it; `-o yaml|json` prints the object, or a `List` when no single name was given. A missing
 * object is `Error from server (NotFound): ...` and exit 1; an empty list says `No resources found`.
 */
import { parseArgs } from 'node:util';
import type { KubeObject } from '../../api/types.ts';
import { systemClock, type Clock } from '../../util/clock.ts';
import { connect, type Connection } from '../kube/connect.ts';
import { collectionPath, resourceObjectPath } from '../../kube/paths.ts';
import { reportErrors, type CommandError } from '../kube/report.ts';
import { apiVersionOf, kindLabel, type ApiResource } from '../kube/resources.ts';
import { asList, formatObjects } from '../print/objects.ts';
import { fallbackTable, formatTable, isTable, type Table } from '../print/table.ts';
import type { CommandIo } from './validate.ts';

export const GET_USAGE =
  'usage: kovn get KIND [NAME ...] [-n NAMESPACE | -A] [-o yaml|json|wide|name] [-l SELECTOR] [--kubeconfig PATH]';

const TABLE_ACCEPT =
  'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';

interface GetOptions {
  resource: ApiResource;
  names: string[];
  /** undefined: all namespaces. */
  namespace: string | undefined;
  output: 'table' | 'wide' | 'yaml' | 'json' | 'name';
  selector: string | undefined;
  noHeaders: boolean;
}

export async function getCommand(
  args: string[],
  io: CommandIo,
  env = process.env,
  clock: Clock = systemClock,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      namespace: { type: 'string', short: 'n' },
      'all-namespaces': { type: 'boolean', short: 'A', default: false },
      output: { type: 'string', short: 'o' },
      selector: { type: 'string', short: 'l' },
      'no-headers': { type: 'boolean', default: false },
      kubeconfig: { type: 'string' },
    },
  });
  const output = values.output ?? 'table';
  if (
    output !== 'table' &&
    output !== 'wide' &&
    output !== 'yaml' &&
    output !== 'json' &&
    output !== 'name'
  ) {
    io.err(
      `error: unable to match a printer suitable for the output format "${output}", allowed formats are: json,name,wide,yaml`,
    );
    return 1;
  }
  const [kindArg, ...rest] = positionals;
  if (!kindArg) {
    io.err(`error: you must specify the type of resource to get\n${GET_USAGE}`);
    return 1;
  }
  const [kindName, slashName] = kindArg.split('/', 2) as [string, string | undefined];
  const names = slashName === undefined ? rest : [slashName, ...rest];
  const conn = await connect(values.kubeconfig, env);
  const resource = await conn.discovery.forName(kindName);
  if (!resource) {
    io.err(`error: the server doesn't have a resource type "${kindName}"`);
    return 1;
  }
  const namespace = !resource.namespaced
    ? undefined
    : values['all-namespaces'] && !names.length
      ? undefined
      : (values.namespace ?? conn.namespace);
  const options: GetOptions = {
    resource,
    names,
    namespace,
    output,
    selector: values.selector,
    noHeaders: values['no-headers'],
  };
  return output === 'yaml' || output === 'json' || output === 'name'
    ? printObjects(conn, options, output, io)
    : printTable(conn, options, io, clock, resource.namespaced && namespace === undefined);
}

async function fetchEach<T>(
  names: readonly string[],
  fetch: (name: string) => Promise<T>,
  errors: CommandError[],
): Promise<T[]> {
  const found: T[] = [];
  for (const name of names) {
    try {
      found.push(await fetch(name));
    } catch (error) {
      errors.push({ error });
    }
  }
  return found;
}

function withTypeMeta(resource: ApiResource, object: KubeObject): KubeObject {
  return {
    ...object,
    apiVersion: object.apiVersion || apiVersionOf(resource),
    kind: object.kind || resource.kind,
  };
}

async function printObjects(
  conn: Connection,
  o: GetOptions,
  format: 'yaml' | 'json' | 'name',
  io: CommandIo,
): Promise<number> {
  const errors: CommandError[] = [];
  const get = (name: string): Promise<KubeObject> =>
    conn.client.request<KubeObject>({
      method: 'GET',
      path: resourceObjectPath(o.resource, name, o.namespace),
    });
  let objects: KubeObject[];
  if (o.names.length) objects = await fetchEach(o.names, get, errors);
  else {
    const list = await conn.client.request<{ items?: KubeObject[] }>({
      method: 'GET',
      path: collectionPath(o.resource, o.namespace),
      query: { labelSelector: o.selector },
    });
    objects = list.items ?? [];
  }
  objects = objects.map((obj) => withTypeMeta(o.resource, obj));
  if (format === 'name') {
    for (const obj of objects) io.out(`${kindLabel(o.resource)}/${obj.metadata.name ?? ''}`);
  } else if (o.names.length === 1 && objects[0]) {
    io.out(formatObjects(objects[0], format).replace(/\n$/, ''));
  } else if (objects.length || !o.names.length) {
    io.out(formatObjects(asList(objects), format).replace(/\n$/, ''));
  }
  return reportErrors(io, errors);
}

async function printTable(
  conn: Connection,
  o: GetOptions,
  io: CommandIo,
  clock: Clock,
  withNamespace: boolean,
): Promise<number> {
  const errors: CommandError[] = [];
  const asTable = (answer: unknown): Table => {
    if (isTable(answer)) return answer;
    const items = (answer as { items?: KubeObject[] }).items;
    return fallbackTable(items ?? [answer as KubeObject], clock.now());
  };
  const get = (name: string): Promise<Table> =>
    conn.client
      .request({
        method: 'GET',
        path: resourceObjectPath(o.resource, name, o.namespace),
        accept: TABLE_ACCEPT,
      })
      .then(asTable);
  const tables = o.names.length
    ? await fetchEach(o.names, get, errors)
    : [
        asTable(
          await conn.client.request({
            method: 'GET',
            path: collectionPath(o.resource, o.namespace),
            query: { labelSelector: o.selector },
            accept: TABLE_ACCEPT,
          }),
        ),
      ];
  const rows = tables.reduce((n, t) => n + t.rows.length, 0);
  if (rows > 0) {
    const lines = formatTable(tables, { wide: o.output === 'wide', withNamespace });
    for (const line of o.noHeaders ? lines.slice(1) : lines) io.out(line);
  } else if (!o.names.length) {
    io.err(
      o.namespace === undefined ? 'No resources found' : `No resources found in ${o.namespace} namespace.`,
    );
  }
  return reportErrors(io, errors);
}
