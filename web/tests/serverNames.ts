// What `guanxi codes` prints: the server's error codes, field messages and permissions. vitest.server.ts reads it
// from the binary before the tests run and hands it to tests/server-names.test.ts.
// (Imported so that the augmentation below finds 'vitest' in the node program too.)
import type {} from 'vitest'
export interface ServerNames {
  error_codes: { code: string; status: number }[]
  /** Every action the audit log can hold. */
  audit_actions: string[]
  /** The field messages' keys (details.field_codes) with the server's own texts. */
  field_messages: { key: string; en: string; zh_cn: string }[]
  permissions: string[]
}

/** The binary could not be asked (missing, or it failed): why, and whether to skip. */
export interface NoServerNames {
  problem: string
  skip: boolean
}

declare module 'vitest' {
  export interface ProvidedContext {
    serverNames: ServerNames | NoServerNames
  }
}
