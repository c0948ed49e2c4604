// The way back after a delete that can be undone (a soft delete): instead of asking "are you
// sure?" before, a toast says what happened and offers to undo it for a few seconds.
import { h } from 'vue'
import { ElButton, ElMessage } from 'element-plus'
import { i18n } from '@/i18n'

/** How long the undo is offered (ms). */
export const UNDO_MS = 8000

/**
 * Shows `message` (e.g. "Deleted") with an "Undo" button (data-testid "record-undo") that closes
 * the toast and calls `undo`; the caller reports the undo's own success or failure.
 */
export function offerUndo(message: string, undo: () => void): void {
  const toast = ElMessage({
    type: 'success',
    duration: UNDO_MS,
    showClose: true,
    customClass: 'gx-undo-toast',
    message: h('span', { class: 'gx-undo' }, [
      h('span', message),
      h(
        ElButton,
        {
          type: 'primary',
          link: true,
          class: 'gx-undo-button',
          'data-testid': 'record-undo',
          onClick: () => {
            toast.close()
            undo()
          },
        },
        () => i18n.global.t('records.undo'),
      ),
    ]),
  })
}
