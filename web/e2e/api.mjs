// A minimal API client for setting up e2e data as the administrator.
export class Api {
  constructor(base) {
    this.base = base
    this.token = null
  }

  async call(method, path, body) {
    const res = await fetch(`${this.base}/api/v1${path}`, {
      method,
      headers: {
        'Content-Type': 'application/json',
        ...(this.token ? { Authorization: `Bearer ${this.token}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const text = await res.text()
    const data = text ? JSON.parse(text) : undefined
    if (!res.ok) {
      const error = new Error(`${method} ${path} → ${res.status} ${text}`)
      error.status = res.status
      error.data = data
      throw error
    }
    return data
  }

  async login(username, password) {
    const answer = await this.call('POST', '/auth/login', { username, password })
    this.token = answer.token
    return answer
  }

  items(answer) {
    return Array.isArray(answer) ? answer : answer.items
  }
}
