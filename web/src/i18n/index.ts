import { createI18n } from 'vue-i18n'
import zhCN from './locales/zh-CN'
import en from './locales/en'

export const LOCALES = [
  { code: 'zh-CN', label: '简体中文', short: '中文' },
  { code: 'en', label: 'English', short: 'EN' },
] as const
export type Locale = (typeof LOCALES)[number]['code']

const STORAGE_KEY = 'guanxi.locale'

export function savedLocale(): Locale {
  try {
    const value = localStorage.getItem(STORAGE_KEY)
    if (value === 'en' || value === 'zh-CN') return value
  } catch {
    // Storage may be unavailable (private mode); fall back to the default.
  }
  return 'zh-CN'
}

export function rememberLocale(locale: Locale): void {
  try {
    localStorage.setItem(STORAGE_KEY, locale)
  } catch {
    // Not remembered; the switch still applies to this page.
  }
}

export function createAppI18n(locale: Locale = savedLocale()) {
  return createI18n({
    legacy: false,
    locale,
    fallbackLocale: 'zh-CN',
    messages: { 'zh-CN': zhCN, en },
    missingWarn: false,
    fallbackWarn: false,
  })
}

export const i18n = createAppI18n()
