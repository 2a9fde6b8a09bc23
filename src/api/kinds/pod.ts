/**
 * Pod admission for the kube-ovn annotations a user may set (Kube-OVN's static-IP webhook, pkg/webhook/static_ip.go):
 * a static `ip_address` (inside `cidr` when given, util.ValidatePodNetwork: 422; at most one per family and not owned
 * by another pod's IP record, validateIPConflict: denied, 403), `mac_address`, and `ip_family`.
 */
import {
  ANNOTATION_CIDR,
  ANNOTATION_IP_ADDRESS,
  ANNOTATION_IP_FAMILY,
  ANNOTATION_LOGICAL_SWITCH,
  ANNOTATION_MAC_ADDRESS,
} from '../annotations.ts';
import { denied, duplicate, invalid, notSupported } from '../issues.ts';
import { cidrContains, parseCidr, parseIp, type Ip } from '../../net/ip.ts';
import { parseCidrBlock } from '../../net/cidr-block.ts';

import type { FieldIssue, KindAdmission } from '../types.ts';
import type { IpObject } from './ip.ts';

const MAC = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i;
const field = (key: string) => `metadata.annotations[${key}]`;

export const podAdmission: KindAdmission = {
  validate({ operation, object, view }) {
    if (operation !== 'CREATE' || !object) return [];
    const annotations = object.metadata.annotations ?? {};
    const issues: FieldIssue[] = [];
    const ipText = annotations[ANNOTATION_IP_ADDRESS];
    const ips: Ip[] = [];
    if (ipText) {
      for (const part of ipText.split(',').map((p) => p.trim())) {
        const ip = parseIp(part.split('/')[0] ?? '');
        if (!ip || (part.includes('/') && !parseCidr(part)))
          issues.push(invalid(field(ANNOTATION_IP_ADDRESS), ipText, `${part} is not a valid IP address`));
        else ips.push(ip);
      }
      if (new Set(ips.map((i) => i.family)).size < ips.length) {
        issues.push(
          denied(invalid(field(ANNOTATION_IP_ADDRESS), ipText, 'at most one address per IP family')),
        );
      }
      const cidrText = annotations[ANNOTATION_CIDR];
      const cidrs = parseCidrBlock(cidrText).cidrs;
      for (const ip of ips) {
        const cidr = cidrs.find((c) => c.family === ip.family);
        if (cidr && !cidrContains(cidr, ip))
          issues.push(invalid(field(ANNOTATION_IP_ADDRESS), ipText, `not in cidr ${cidrText ?? ''}`));
      }
    }
    const mac = annotations[ANNOTATION_MAC_ADDRESS];
    if (mac && !MAC.test(mac))
      issues.push(invalid(field(ANNOTATION_MAC_ADDRESS), mac, 'not a valid MAC address'));
    const family = annotations[ANNOTATION_IP_FAMILY];
    if (family && family !== 'ipv4' && family !== 'ipv6')
      issues.push(notSupported(field(ANNOTATION_IP_FAMILY), family, ['ipv4', 'ipv6']));
    if (family && ips.some((ip) => `ipv${ip.family}` !== family)) {
      issues.push(
        invalid(field(ANNOTATION_IP_FAMILY), family, 'does not match the family of the static IP address'),
      );
    }
    const subnet = annotations[ANNOTATION_LOGICAL_SWITCH];
    if (subnet && ips.length) {
      const self = `${object.metadata.name ?? ''}.${object.metadata.namespace ?? 'default'}`;
      for (const record of view.list('IP') as IpObject[]) {
        if (record.spec?.subnet !== subnet || record.metadata.name === self) continue;
        const taken = (record.spec.ipAddress ?? '').split(',');
        const clash = ipText
          ?.split(',')
          .map((p) => p.split('/')[0]?.trim())
          .find((p) => p && taken.includes(p));
        if (clash)
          issues.push(
            denied(
              duplicate(
                field(ANNOTATION_IP_ADDRESS),
                ipText,
                `${clash} in subnet ${subnet} is already used by ${record.metadata.name ?? ''}`,
              ),
            ),
          );
      }
    }
    return issues;
  },
};
