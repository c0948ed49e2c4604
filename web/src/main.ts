import { createApp } from 'vue'
import { createPinia } from 'pinia'
import './plugins/elementStyles'
import './styles/main.css'
import App from './App.vue'
import { i18n } from './i18n'
import { installElementLazily } from './plugins/elementLazy'
import { createAppRouter } from './router'

const app = createApp(App)
app.use(createPinia())
app.use(i18n)
installElementLazily(app)
app.use(createAppRouter())
app.mount('#app')
