// Why a lab's nip.io name (webserver.127-0-0-1.nip.io) does not resolve on this machine. One
// failed lookup cannot say: an offline machine, a resolver that drops private answers (DNS
// rebinding protection) and a blocklist that drops nip.io all look alike. Two more lookups
// tell them apart — a nip.io name whose answer is public, and a name outside nip.io — and they
// are made only after the lab name failed. Pure: the doctor and the http check do the lookups.

/** nip.io answers 1.1.1.1 for it: a public address, which rebinding protection lets through. */
export const PUBLIC_NIPIO_NAME = '1-1-1-1.nip.io';
/** A name outside nip.io that resolves wherever there is DNS at all (IANA keeps it). */
export const NEUTRAL_NAME = 'example.com';

/** What the lab name's lookup gave: the expected address, another one, or nothing. */
export type LabNameLookup = 'expected' | 'other-address' | 'failed';

/**
 * ok: resolves as it should; rewritten: a filter answers with an address of its own (a block
 * page); rebinding: nip.io resolves, but not to a private or loopback address; blocked: other
 * names resolve, nip.io does not; no-dns: no name resolves at all.
 */
export type NipioDiagnosis = 'ok' | 'rewritten' | 'rebinding' | 'blocked' | 'no-dns';

export function diagnoseNipio(lab: LabNameLookup, controls: { publicNipio: boolean; neutral: boolean }): NipioDiagnosis {
  if (lab === 'expected') return 'ok';
  if (lab === 'other-address') return 'rewritten';
  if (controls.publicNipio) return 'rebinding';
  return controls.neutral ? 'blocked' : 'no-dns';
}
