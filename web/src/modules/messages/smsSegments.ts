// How an SMS text is counted and split into billed segments (条), as the server counts it
// (server/src/domains/messages/sms_count.cpp; both are checked against the same cases,
// server/tests/api/sms_segments_cases.json). Pure: the template editor counts as the person types.

/** GSM-7 (the GSM 03.38 alphabet, 7 bits a character) or UCS-2 (UTF-16). */
export type SmsEncoding = 'gsm7' | 'ucs2'

export interface SmsCount {
  encoding: SmsEncoding
  /** Septets (GSM-7: an extension character counts 2) or UTF-16 code units (UCS-2). */
  length: number
  /** The parts it is sent (and billed) as; 0 for an empty text. */
  segments: number
}

// The GSM 03.38 basic character set, as code points (the escape to the extension table is not a
// character of its own).
const BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
    '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
)
// The extension table: each is sent as the escape and a septet, so counts 2.
const EXTENSION = new Set('^{}\\[~]|€\f')

/** One segment's room, and a part's when the text is split (the rest carries the joining header). */
const ROOM = { gsm7: { single: 160, part: 153 }, ucs2: { single: 70, part: 67 } } as const

/**
 * The encoding, length and segments of `text` as sent: GSM-7 when every character is in the basic
 * set or its extension, else UCS-2 counted in UTF-16 code units (an emoji counts 2).
 */
export function countSms(text: string): SmsCount {
  let septets = 0
  let gsm = true
  for (const char of text) {
    if (BASIC.has(char)) septets += 1
    else if (EXTENSION.has(char)) septets += 2
    else {
      gsm = false
      break
    }
  }
  const encoding: SmsEncoding = gsm ? 'gsm7' : 'ucs2'
  // A JavaScript string's length is its UTF-16 code units: what UCS-2 (really UTF-16) sends.
  const length = gsm ? septets : text.length
  const { single, part } = ROOM[encoding]
  const segments = length === 0 ? 0 : length <= single ? 1 : Math.ceil(length / part)
  return { encoding, length, segments }
}
