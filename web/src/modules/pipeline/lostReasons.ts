/** Why an opportunity was lost: the server's options of opportunities' lost_reason, in its order. */
export const LOST_REASONS = [
  'price',
  'product_fit',
  'competitor',
  'timing',
  'no_budget',
  'no_decision',
  'relationship',
  'other',
] as const
