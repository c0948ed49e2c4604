import type { App } from 'vue'
// The Element Plus components of the first screen — the app's frame and the login
// page — in the first bundle; the others come with ./elementRest.ts once a signed-in page opens.
import {
  ElAlert,
  ElButton,
  ElConfigProvider,
  ElForm,
  ElFormItem,
  ElIcon,
  ElInput,
} from 'element-plus'

const components = [ElAlert, ElButton, ElConfigProvider, ElForm, ElFormItem, ElIcon, ElInput]

export function installFirstElement(app: App): void {
  for (const component of components) app.use(component)
}
