import type { Composer } from 'vue-i18n'

/**
 * An ownership change's reason as a person reads it: a recycle's reason is the pool rule's code
 * (no_followup, no_deal), said in the UI's language; a transfer's or release's is what its user typed.
 */
export function ownershipReason(
  i18n: Pick<Composer, 't' | 'te'>,
  kind: unknown,
  reason: unknown,
): string {
  if (typeof reason !== 'string' || !reason) return ''
  const key = `customers.recycleReason.${reason}`
  return kind === 'recycle' && i18n.te(key) ? i18n.t(key) : reason
}
