/**
 * The `dryRun` option of every write (kube-apiserver's CreateOptions, UpdateOptions, PatchOptions and DeleteOptions
 * `dryRun`, from the query or a DeleteOptions body): `All` runs the write to the end without storing it, no value
 * runs it for real, and anything else is refused as apimachinery's ValidateDryRun refuses it, a 422 Invalid on the
 * options kind: `CreateOptions.meta.k8s.io "" is invalid: dryRun: Unsupported value: ["x"]: supported values: "All"`.
 */
import { notSupported } from '../../api/issues.ts';
import { rejection } from '../status.ts';

export type OptionsKind = 'CreateOptions' | 'UpdateOptions' | 'PatchOptions' | 'DeleteOptions';

/** Whether the write is a dry run, from the option's values (strings, as the query or a body gave them). */
export function isDryRun(values: readonly string[], options: OptionsKind): boolean {
  if (values.some((v) => v !== 'All')) {
    throw rejection({ group: 'meta.k8s.io', resource: '', kind: options }, '', [
      notSupported('dryRun', values, ['All']),
    ]);
  }
  return values.length > 0;
}
