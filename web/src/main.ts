import { createApp } from 'vue'
import { createPinia } from 'pinia'
import './styles/main.css'
import App from './App.vue'
import { i18n } from './i18n'
import { installElement } from './plugins/element'
import { createAppRouter } from './router'

const app = createApp(App)
app.use(createPinia())
app.use(i18n)
installElement(app)
app.use(createAppRouter())
app.mount('#app')
