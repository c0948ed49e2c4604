import { ref, type Ref } from 'vue'
import { errorText, isApiError } from '@/utils/errors'

export interface SubmitOptions {
  /** Takes an error the caller handles itself (e.g. a warning to override); true: not a failure. */
  handle?: (error: unknown) => boolean
  /** The server's field messages (validation_failed) as the form shows them; default: as sent. */
  fieldMessages?: (errors: Record<string, string>) => Record<string, string>
}

/**
 * The state around one form's save: whether it is saving, the failure to show above the footer
 * and the messages per field. `run` does the save and turns any error into those; a dialog shows
 * them through FormDialog.
 */
export function useFormSubmit() {
  const saving = ref(false)
  const failure = ref('')
  const fieldErrors = ref<Record<string, string>>({})

  function reset(): void {
    failure.value = ''
    fieldErrors.value = {}
  }
  /** A failure found before asking the server (e.g. a required choice left empty). */
  function fail(message: string, fields: Record<string, string> = {}): void {
    failure.value = message
    fieldErrors.value = fields
  }
  /** Forgets the message of one field (the person changed it). */
  function clearField(name: string): void {
    if (!(name in fieldErrors.value)) return
    const { [name]: _gone, ...rest } = fieldErrors.value
    fieldErrors.value = rest
  }

  /** Runs the save once at a time; true when it succeeded. */
  async function run(action: () => Promise<unknown>, options: SubmitOptions = {}) {
    if (saving.value) return false
    saving.value = true
    reset()
    try {
      await action()
      return true
    } catch (error) {
      if (options.handle?.(error)) return false
      failure.value = errorText(error)
      if (isApiError(error, 'validation_failed')) {
        fieldErrors.value = options.fieldMessages
          ? options.fieldMessages(error.fieldErrors)
          : error.fieldErrors
      }
      return false
    } finally {
      saving.value = false
    }
  }

  return { saving, failure, fieldErrors, reset, fail, clearField, run }
}

export type FormSubmit = ReturnType<typeof useFormSubmit>

/** What a FormDialog shows of a save (a useFormSubmit, or computed stand-ins). */
export interface FormState {
  saving: Readonly<Ref<boolean>>
  failure: Readonly<Ref<string>>
  fieldErrors: Readonly<Ref<Record<string, string>>>
}
